CREATE TABLE "vault_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" integer NOT NULL,
	"author" varchar(255) NOT NULL,
	"title" varchar(500),
	"canonical_text" text NOT NULL,
	"sha256" varchar(64) NOT NULL,
	"sha512" varchar(128) NOT NULL,
	"sha3_256" varchar(64) NOT NULL,
	"canonical_size" bigint NOT NULL,
	"anchor_chain" varchar(32),
	"anchor_tx_hash" varchar(64),
	"anchor_requested_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vault_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "vault_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"entry_id" uuid NOT NULL,
	"type" varchar(40) NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "vault_entries" ADD CONSTRAINT "vault_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_events" ADD CONSTRAINT "vault_events_entry_id_vault_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."vault_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "vault_entries_user_idx" ON "vault_entries" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "vault_entries_sha256_idx" ON "vault_entries" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "vault_entries_anchor_tx_idx" ON "vault_entries" USING btree ("anchor_tx_hash");--> statement-breakpoint
CREATE INDEX "vault_events_entry_idx" ON "vault_events" USING btree ("entry_id","id");--> statement-breakpoint
-- When a block confirms a vault anchor transaction: an `anchored` event and a notification, in the
-- block's own transaction.
CREATE OR REPLACE FUNCTION vault_anchored_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE e record;
BEGIN
  FOR e IN SELECT id, user_id, title FROM vault_entries WHERE anchor_tx_hash = NEW.transaction_hash LOOP
    INSERT INTO vault_events (entry_id, type, detail)
      VALUES (e.id, 'anchored', jsonb_build_object('chain', NEW.chain, 'block_height', NEW.block_height, 'transaction_hash', NEW.transaction_hash));
    PERFORM notify_user(e.user_id, 'vault.anchored', 'Your vault entry is anchored in block #' || NEW.block_height,
      coalesce(e.title, ''), 'normal', 'app:vault#' || e.id, NULL);
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER vault_anchored AFTER UPDATE OF block_height ON transactions FOR EACH ROW
  WHEN (OLD.block_height IS NULL AND NEW.block_height IS NOT NULL AND NEW.message LIKE 'roadchain-vault-v1:%') EXECUTE FUNCTION vault_anchored_trg();
