-- Full-text search (src/db/schema/search.ts). Hand-written head: drizzle-kit does not model
-- extensions, text search configurations or functions. `blackroad_search` = the simple parser and
-- dictionary behind unaccent (case- and accent-insensitive, no stemming, so prefix queries work).
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION blackroad_search (COPY = pg_catalog.simple);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION blackroad_search ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;--> statement-breakpoint
-- array_to_string is STABLE in general (element output functions); for text[] it is immutable,
-- which a generated column requires.
CREATE FUNCTION search_words(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('blackroad_search', left(coalesce(subject, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(body, ''), 100000)), 'B') || setweight(to_tsvector('blackroad_search', left(coalesce(sender_name, '') || ' ' || sender_email, 100000)), 'C')) STORED;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('blackroad_search', left(coalesce(content, ''), 100000)), 'B')) STORED;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('blackroad_search', left(coalesce(title, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(description, ''), 100000)), 'B') || setweight(to_tsvector('blackroad_search', left(coalesce(category, '') || ' ' || search_words(tags), 100000)), 'C')) STORED;--> statement-breakpoint
ALTER TABLE "files" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('blackroad_search', left(coalesce(name, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(text_content, ''), 100000)), 'B')) STORED;--> statement-breakpoint
ALTER TABLE "vault_entries" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('blackroad_search', left(coalesce(title, ''), 100000)), 'A') || setweight(to_tsvector('blackroad_search', left(coalesce(canonical_text, ''), 100000)), 'B') || setweight(to_tsvector('blackroad_search', left(coalesce(author, ''), 100000)), 'C')) STORED;--> statement-breakpoint
CREATE INDEX "emails_search_idx" ON "emails" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "posts_search_idx" ON "posts" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "videos_search_idx" ON "videos" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "files_search_idx" ON "files" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "vault_entries_search_idx" ON "vault_entries" USING gin ("search_vector");