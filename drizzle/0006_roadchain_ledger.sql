CREATE TABLE "idempotency_keys" (
	"user_id" integer NOT NULL,
	"key" varchar(255) NOT NULL,
	"operation" varchar(64) NOT NULL,
	"request_hash" varchar(64) NOT NULL,
	"status" varchar(16) DEFAULT 'pending' NOT NULL,
	"lock_token" varchar(36) NOT NULL,
	"locked_until" timestamp with time zone NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("user_id","key"),
	CONSTRAINT "idempotency_keys_status" CHECK ("idempotency_keys"."status" in ('pending', 'done'))
);
--> statement-breakpoint
ALTER TABLE "transactions" DROP CONSTRAINT "transactions_block_height_blocks_height_fk";
--> statement-breakpoint
DROP INDEX "blocks_height_key";--> statement-breakpoint
DROP INDEX "blocks_previous_hash_key";--> statement-breakpoint
DROP INDEX "blocks_hash_key";--> statement-breakpoint
DROP INDEX "transactions_block_height_idx";--> statement-breakpoint
DROP INDEX "transactions_pending_idx";--> statement-breakpoint
ALTER TABLE "blocks" ADD COLUMN "chain" varchar(32) DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "chain" varchar(32) DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "sender_public_key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "blocks_chain_height_key" ON "blocks" USING btree ("chain","height");--> statement-breakpoint
CREATE UNIQUE INDEX "blocks_chain_previous_hash_key" ON "blocks" USING btree ("chain","previous_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "blocks_chain_hash_key" ON "blocks" USING btree ("chain","hash");--> statement-breakpoint
-- The composite foreign key needs the unique index on blocks(chain, height) first.
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_chain_block_height_fk" FOREIGN KEY ("chain","block_height") REFERENCES "public"."blocks"("chain","height") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transactions_chain_block_height_idx" ON "transactions" USING btree ("chain","block_height","id");--> statement-breakpoint
CREATE INDEX "transactions_chain_pending_idx" ON "transactions" USING btree ("chain","id") WHERE not "transactions"."is_confirmed";--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_confirmed_in_block" CHECK ("transactions"."is_confirmed" = ("transactions"."block_height" is not null));