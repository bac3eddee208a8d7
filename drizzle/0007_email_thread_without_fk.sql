ALTER TABLE "emails" DROP CONSTRAINT "emails_thread_id_emails_id_fk";
