// Every table of the app. Each resource keeps its tables in its own file and is re-exported here,
// which is what drizzle-kit and the query builder read.

export * from "./agents.ts";
export * from "./ai-chat.ts";
export * from "./auth.ts";
export * from "./browser.ts";
export * from "./capture.ts";
export * from "./chain.ts";
export * from "./cognition.ts";
export * from "./creator.ts";
export * from "./devices.ts";
export * from "./email.ts";
export * from "./files.ts";
export * from "./games.ts";
export * from "./idempotency.ts";
export * from "./identity.ts";
export * from "./notifications.ts";
export * from "./social.ts";
export * from "./system.ts";
export * from "./users.ts";
export * from "./vault.ts";
export * from "./video.ts";
