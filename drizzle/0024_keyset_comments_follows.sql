ALTER TABLE "follows" ADD COLUMN "id" integer NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "follows_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1);--> statement-breakpoint
CREATE INDEX "follows_following_order_idx" ON "follows" USING btree ("following_id","id");--> statement-breakpoint
CREATE INDEX "follows_follower_order_idx" ON "follows" USING btree ("follower_id","id");--> statement-breakpoint
CREATE INDEX "post_comments_post_thread_idx" ON "post_comments" USING btree ("post_id",coalesce(parent_id, id),"id");