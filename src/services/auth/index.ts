export { changePassword } from "./change-password.ts";
export { invalidCredentials, login } from "./login.ts";
export { logout } from "./logout.ts";
export { endMySession, mySessions, type SessionView } from "./session-list.ts";
export { STARTING_BALANCE, registerUser, type RegisterInput } from "./register.ts";
export { REUSE_GRACE_SECONDS, refreshSession, revokeAllSessions, type RevokeReason } from "./tokens.ts";
export type { AuthDeps, ClientMeta, TokenPair } from "./types.ts";
export { findUserView, type UserView } from "./users.ts";
