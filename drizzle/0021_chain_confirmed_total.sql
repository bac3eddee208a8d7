ALTER TABLE "blocks" ADD COLUMN "confirmed_total" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- blocks.confirmed_total: the transactions confirmed in this block and every block below it, so the
-- chain's stats read one row (the head) instead of counting every confirmed transaction per request.
-- A block's transaction_count is exactly the transactions it confirmed (the Durable Object checks the
-- proposal, the writer checks the UPDATE's rows), so the running sum is the count of confirmed rows.
-- Kept by a BEFORE INSERT row trigger, whoever inserts (the writer, bench and test seeds, an old
-- release during a deploy); a block whose parent row is missing (test chains with gaps) sums what is there.
CREATE OR REPLACE FUNCTION blocks_confirmed_total_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.confirmed_total := NEW.transaction_count + coalesce(
    (SELECT confirmed_total FROM blocks WHERE chain = NEW.chain AND height = NEW.height - 1),
    (SELECT sum(transaction_count) FROM blocks WHERE chain = NEW.chain AND height < NEW.height),
    0);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER blocks_confirmed_total BEFORE INSERT ON blocks FOR EACH ROW EXECUTE FUNCTION blocks_confirmed_total_trg();
--> statement-breakpoint
-- Existing chains: one pass (the ADD COLUMN above holds the table's lock until the migration commits).
UPDATE blocks b SET confirmed_total = s.total
FROM (SELECT id, sum(transaction_count) OVER (PARTITION BY chain ORDER BY height) AS total FROM blocks) s
WHERE b.id = s.id;
