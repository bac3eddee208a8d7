export { changePassword } from "./change-password.ts";
export { invalidCredentials, login } from "./login.ts";
export { logout } from "./logout.ts";
export { type RegisterInput, registerUser, STARTING_BALANCE } from "./register.ts";
export { endMySession, mySessions, type SessionView } from "./session-list.ts";
export { REUSE_GRACE_SECONDS, type RevokeReason, refreshSession, revokeAllSessions } from "./tokens.ts";
export type { AuthDeps, ClientMeta, TokenPair } from "./types.ts";
export { findUserView, type UserView } from "./users.ts";
