CREATE TABLE "capture_items" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "capture_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"type" varchar(16) DEFAULT 'note' NOT NULL,
	"raw_content" text NOT NULL,
	"source" varchar(100) DEFAULT 'manual' NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" varchar(16) DEFAULT 'inbox' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "capture_items_status_check" CHECK ("capture_items"."status" in ('inbox', 'triaged', 'done', 'archived'))
);
--> statement-breakpoint
ALTER TABLE "capture_items" ADD CONSTRAINT "capture_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "capture_items_user_idx" ON "capture_items" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "capture_items_tags_idx" ON "capture_items" USING gin ("tags");