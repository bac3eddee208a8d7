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

/** What a registered device is (Devices app). */
export const DEVICE_KINDS = ["raspberry_pi", "server", "desktop", "laptop", "phone", "iot", "other"] as const;
/** Commands a device may be sent: nothing but these (never a shell line). */
export const DEVICE_COMMAND_ACTIONS = ["restart_service", "deploy_version", "run_action"] as const;
/** The named actions `run_action` may run (the agent maps each to its own fixed procedure). */
export const DEVICE_RUN_ACTIONS = ["reboot", "update_packages", "collect_logs", "sync_time", "ping"] as const;
/** A command's life: queued → delivered (in a heartbeat answer) → succeeded | failed, or expired. */
export const DEVICE_COMMAND_STATUSES = ["queued", "delivered", "succeeded", "failed", "expired"] as const;
export type DeviceCommandStatus = (typeof DEVICE_COMMAND_STATUSES)[number];
export type DeviceCommandAction = (typeof DEVICE_COMMAND_ACTIONS)[number];
/** What `/api/search` looks through (one kind per searchable table). */
export const SEARCH_KINDS = ["mail", "post", "video", "file", "vault", "capture"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** Capture ("Chaos Inbox") item types and their status workflow. */
export const CAPTURE_TYPES = ["note", "link", "idea", "task", "quote", "image"] as const;
export const CAPTURE_STATUSES = ["inbox", "triaged", "done", "archived"] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];

/** Creator Studio: project types, status workflow and kinds of revenue. */
export const CREATOR_TYPES = ["music", "video", "writing", "art", "podcast", "software", "mixed"] as const;
export const CREATOR_STATUSES = ["idea", "in_progress", "published", "archived"] as const;
export type CreatorStatus = (typeof CREATOR_STATUSES)[number];
export const REVENUE_KINDS = [
  "sales",
  "subscription",
  "sponsorship",
  "ads",
  "licensing",
  "donations",
  "other",
] as const;

/** Identity: providers of linked accounts (GitHub only through its proof route). */
export const LINK_PROVIDERS = ["website", "github", "discord", "mastodon", "x", "linkedin"] as const;

/** Search engines the browser app can send typed words to. */
export const BROWSER_SEARCH_ENGINES = ["duckduckgo", "google", "bing", "brave"] as const;
export type BrowserSearchEngine = (typeof BROWSER_SEARCH_ENGINES)[number];

/** Largest PostgreSQL integer: the bound of every integer id and keyset cursor. */
export const MAX_INT4 = 2_147_483_647;
