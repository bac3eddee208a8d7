CREATE TABLE "game_saves" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "game_saves_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"game" varchar(16) NOT NULL,
	"name" varchar(60) NOT NULL,
	"state" jsonb NOT NULL,
	"score" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "game_saves_game_check" CHECK ("game_saves"."game" in ('road-city', 'road-life', 'roadcraft'))
);
--> statement-breakpoint
ALTER TABLE "game_saves" ADD CONSTRAINT "game_saves_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "game_saves_user_idx" ON "game_saves" USING btree ("user_id","game","id");--> statement-breakpoint
CREATE INDEX "game_saves_leaderboard_idx" ON "game_saves" USING btree ("game","score" DESC NULLS LAST,"id");