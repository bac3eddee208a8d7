CREATE TABLE "notifications" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"type" varchar(40) NOT NULL,
	"title" varchar(255) NOT NULL,
	"body" varchar(1000) DEFAULT '' NOT NULL,
	"importance" varchar(10) DEFAULT 'normal' NOT NULL,
	"link" varchar(255),
	"actor_id" integer,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_importance_valid" CHECK ("notifications"."importance" in ('low','normal','high'))
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id","id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
-- Notifications are written by row triggers on the tables where their events happen, so each one
-- commits or rolls back with its event: none for a refused transfer, none lost for a delivered mail.
-- Nobody is notified of their own action (a like on my own post).
CREATE OR REPLACE FUNCTION notify_user(p_user integer, p_type text, p_title text, p_body text, p_importance text, p_link text, p_actor integer)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO notifications (user_id, type, title, body, importance, link, actor_id)
  SELECT p_user, p_type, left(p_title, 255), left(coalesce(p_body, ''), 1000), p_importance, p_link, p_actor
  WHERE p_user IS NOT NULL AND p_user IS DISTINCT FROM p_actor
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_mail_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE e record;
BEGIN
  SELECT sender_id, coalesce(sender_name, sender_email) AS who, subject INTO e FROM emails WHERE id = NEW.email_id;
  PERFORM notify_user(NEW.user_id, 'mail.received', 'New mail from ' || e.who, e.subject, 'normal', 'app:roadmail#' || NEW.id, e.sender_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_mail AFTER INSERT ON email_mailbox FOR EACH ROW WHEN (NEW.role <> 'sender') EXECUTE FUNCTION notifications_mail_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_follow_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_user(NEW.following_id, 'social.followed', (SELECT username FROM users WHERE id = NEW.follower_id) || ' followed you', '', 'normal', 'app:social#user-' || NEW.follower_id, NEW.follower_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_follow AFTER INSERT ON follows FOR EACH ROW EXECUTE FUNCTION notifications_follow_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_post_like_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_user((SELECT user_id FROM posts WHERE id = NEW.post_id), 'social.post_liked',
    (SELECT username FROM users WHERE id = NEW.user_id) || ' liked your post', '', 'low', 'app:social#post-' || NEW.post_id, NEW.user_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_post_like AFTER INSERT ON post_likes FOR EACH ROW EXECUTE FUNCTION notifications_post_like_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_post_comment_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_user((SELECT user_id FROM posts WHERE id = NEW.post_id), 'social.post_commented',
    (SELECT username FROM users WHERE id = NEW.user_id) || ' commented on your post', left(NEW.content, 200), 'normal', 'app:social#post-' || NEW.post_id, NEW.user_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_post_comment AFTER INSERT ON post_comments FOR EACH ROW EXECUTE FUNCTION notifications_post_comment_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_video_like_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_user((SELECT user_id FROM videos WHERE id = NEW.video_id), 'video.liked',
    (SELECT username FROM users WHERE id = NEW.user_id) || ' liked your video', (SELECT title FROM videos WHERE id = NEW.video_id), 'low', 'app:blackstream#video-' || NEW.video_id, NEW.user_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_video_like AFTER INSERT ON video_likes FOR EACH ROW WHEN (NEW.is_like) EXECUTE FUNCTION notifications_video_like_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_video_comment_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_user((SELECT user_id FROM videos WHERE id = NEW.video_id), 'video.commented',
    (SELECT username FROM users WHERE id = NEW.user_id) || ' commented on your video', left(NEW.content, 200), 'normal', 'app:blackstream#video-' || NEW.video_id, NEW.user_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_video_comment AFTER INSERT ON video_comments FOR EACH ROW EXECUTE FUNCTION notifications_video_comment_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_transfer_trg() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE recipient integer; sender integer;
BEGIN
  SELECT user_id INTO recipient FROM wallets WHERE address = NEW.to_address;
  SELECT user_id INTO sender FROM wallets WHERE address = NEW.from_address;
  IF NEW.amount > 0 THEN
    PERFORM notify_user(recipient, 'coins.received', 'You received ' || trim(to_char(NEW.amount, 'FM999999999990.00000000')) || ' RC',
      coalesce(NEW.message, ''), 'high', 'app:wallet#tx-' || NEW.transaction_hash, sender);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_transfer AFTER INSERT ON transactions FOR EACH ROW EXECUTE FUNCTION notifications_transfer_trg();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notifications_block_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_user(NEW.miner_id, 'miner.block_found', 'Your miner found block #' || NEW.height,
    'Reward ' || trim(to_char(NEW.reward, 'FM999999999990.00000000')) || ' RC on chain ' || NEW.chain, 'normal', 'app:miner#block-' || NEW.height, NULL);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_block AFTER INSERT ON blocks FOR EACH ROW WHEN (NEW.miner_id IS NOT NULL AND NEW.height > 0) EXECUTE FUNCTION notifications_block_trg();
