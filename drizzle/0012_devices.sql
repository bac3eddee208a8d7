CREATE TABLE "device_commands" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" integer NOT NULL,
	"action" varchar(32) NOT NULL,
	"target" varchar(64) NOT NULL,
	"status" varchar(16) DEFAULT 'queued' NOT NULL,
	"exit_code" integer,
	"output" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "device_commands_status_check" CHECK ("device_commands"."status" in ('queued', 'delivered', 'succeeded', 'failed', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "device_metrics" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "device_metrics_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"device_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"cpu_percent" real NOT NULL,
	"ram_percent" real NOT NULL,
	"disk_percent" real NOT NULL,
	"temperature_c" real
);
--> statement-breakpoint
CREATE TABLE "device_metrics_hourly" (
	"device_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"samples" integer NOT NULL,
	"cpu_avg" real NOT NULL,
	"cpu_max" real NOT NULL,
	"ram_avg" real NOT NULL,
	"disk_avg" real NOT NULL,
	"temperature_avg" real,
	"temperature_max" real,
	CONSTRAINT "device_metrics_hourly_device_id_hour_pk" PRIMARY KEY("device_id","hour")
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "devices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"device_id" varchar(64) NOT NULL,
	"name" varchar(200) NOT NULL,
	"kind" varchar(20) NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"description" text,
	"heartbeat_interval_seconds" integer DEFAULT 60 NOT NULL,
	"token_hash" varchar(64),
	"token_issued_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"last_metrics" jsonb,
	"agent_version" varchar(32),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_interval_check" CHECK ("devices"."heartbeat_interval_seconds" between 10 and 3600)
);
--> statement-breakpoint
ALTER TABLE "device_commands" ADD CONSTRAINT "device_commands_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_metrics" ADD CONSTRAINT "device_metrics_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_metrics_hourly" ADD CONSTRAINT "device_metrics_hourly_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_commands_device_idx" ON "device_commands" USING btree ("device_id","created_at");--> statement-breakpoint
CREATE INDEX "device_commands_open_idx" ON "device_commands" USING btree ("expires_at") WHERE "device_commands"."status" in ('queued', 'delivered');--> statement-breakpoint
CREATE INDEX "device_metrics_device_at_idx" ON "device_metrics" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "device_metrics_at_idx" ON "device_metrics" USING btree ("at");--> statement-breakpoint
CREATE INDEX "device_metrics_hourly_hour_idx" ON "device_metrics_hourly" USING btree ("hour");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_user_device_id_key" ON "devices" USING btree ("user_id","device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_token_hash_key" ON "devices" USING btree ("token_hash");