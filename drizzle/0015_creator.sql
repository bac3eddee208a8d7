CREATE TABLE "creative_project_assets" (
	"project_id" integer NOT NULL,
	"file_id" integer NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "creative_project_assets_project_id_file_id_pk" PRIMARY KEY("project_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "creative_projects" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "creative_projects_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"title" varchar(255) NOT NULL,
	"type" varchar(20) DEFAULT 'mixed' NOT NULL,
	"description" text,
	"status" varchar(20) DEFAULT 'idea' NOT NULL,
	"revenue_streams" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "creative_projects_status_check" CHECK ("creative_projects"."status" in ('idea', 'in_progress', 'published', 'archived'))
);
--> statement-breakpoint
ALTER TABLE "creative_project_assets" ADD CONSTRAINT "creative_project_assets_project_id_creative_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."creative_projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "creative_project_assets" ADD CONSTRAINT "creative_project_assets_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "creative_projects" ADD CONSTRAINT "creative_projects_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "creative_project_assets_file_idx" ON "creative_project_assets" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "creative_projects_user_idx" ON "creative_projects" USING btree ("user_id","updated_at");