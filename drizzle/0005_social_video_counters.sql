-- Denormalised counters kept by row triggers, in the same transaction as the row change: exact
-- under any concurrency and through cascades (a deleted user's likes and comments), where
-- application-side "count ± 1" would drift. The tables' CHECK (count >= 0) constraints back them up.
-- When a parent row is being deleted by a cascade, the UPDATE finds nothing and does nothing.
CREATE OR REPLACE FUNCTION post_likes_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE posts SET likes_count = likes_count + 1 WHERE id = NEW.post_id;
  ELSE
    UPDATE posts SET likes_count = likes_count - 1 WHERE id = OLD.post_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER post_likes_count AFTER INSERT OR DELETE ON post_likes FOR EACH ROW EXECUTE FUNCTION post_likes_count_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION post_comments_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE posts SET comments_count = comments_count + 1 WHERE id = NEW.post_id;
  ELSE
    UPDATE posts SET comments_count = comments_count - 1 WHERE id = OLD.post_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER post_comments_count AFTER INSERT OR DELETE ON post_comments FOR EACH ROW EXECUTE FUNCTION post_comments_count_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION video_views_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE videos SET views_count = views_count + 1 WHERE id = NEW.video_id;
  ELSE
    UPDATE videos SET views_count = views_count - 1 WHERE id = OLD.video_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER video_views_count AFTER INSERT OR DELETE ON video_views FOR EACH ROW EXECUTE FUNCTION video_views_count_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION video_comments_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE videos SET comments_count = comments_count + 1 WHERE id = NEW.video_id;
  ELSE
    UPDATE videos SET comments_count = comments_count - 1 WHERE id = OLD.video_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER video_comments_count AFTER INSERT OR DELETE ON video_comments FOR EACH ROW EXECUTE FUNCTION video_comments_count_trg();
--> statement-breakpoint
-- A reaction row is a like or a dislike; switching moves one unit from one counter to the other.
CREATE OR REPLACE FUNCTION video_likes_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE videos SET likes_count = likes_count - (CASE WHEN OLD.is_like THEN 1 ELSE 0 END),
                      dislikes_count = dislikes_count - (CASE WHEN OLD.is_like THEN 0 ELSE 1 END)
    WHERE id = OLD.video_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE videos SET likes_count = likes_count + (CASE WHEN NEW.is_like THEN 1 ELSE 0 END),
                      dislikes_count = dislikes_count + (CASE WHEN NEW.is_like THEN 0 ELSE 1 END)
    WHERE id = NEW.video_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER video_likes_count AFTER INSERT OR DELETE OR UPDATE OF is_like ON video_likes FOR EACH ROW EXECUTE FUNCTION video_likes_count_trg();
