CREATE INDEX "agent_runs_user_created_id_idx" ON "agent_runs" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "workflows_user_created_id_idx" ON "workflows" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "creative_projects_user_updated_id_idx" ON "creative_projects" USING btree ("user_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "device_commands_device_created_id_idx" ON "device_commands" USING btree ("device_id","created_at","id");--> statement-breakpoint
CREATE INDEX "vault_entries_user_created_id_idx" ON "vault_entries" USING btree ("user_id","created_at","id");