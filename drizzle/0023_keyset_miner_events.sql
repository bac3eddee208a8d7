CREATE INDEX "blocks_chain_miner_height_idx" ON "blocks" USING btree ("chain","miner_id","height");--> statement-breakpoint
CREATE INDEX "events_user_id_idx" ON "events" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "events_type_id_idx" ON "events" USING btree ("type","id");