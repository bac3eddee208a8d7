// Value sets that the database schema (src/db/schema) and the API schemas (src/routes) both read:
// one definition, so a column's type and the zod enum that validates input cannot drift apart.
// Routes import these from here, never from db/schema.

/** Production has exactly one chain; other names exist only for isolated test chains. */
export const MAIN_CHAIN = "main";

/** AI chat message authors. */
export const MESSAGE_ROLES = ["user", "assistant", "system"] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** RoadMail folder kinds: the five system folders plus the user's own. */
export const EMAIL_FOLDER_TYPES = ["inbox", "sent", "drafts", "spam", "trash", "custom"] as const;
export type EmailFolderType = (typeof EMAIL_FOLDER_TYPES)[number];

/** How prominently Pocket OS shows a notification. */
export const NOTIFICATION_IMPORTANCE = ["low", "normal", "high"] as const;

/** A RoadMail user's part in a message. */
export const MAILBOX_ROLES = ["sender", "to", "cc", "bcc"] as const;
export type MailboxRole = (typeof MAILBOX_ROLES)[number];

/** What `/api/search` looks through (one kind per searchable table). */
export const SEARCH_KINDS = ["mail", "post", "video", "file", "vault"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
