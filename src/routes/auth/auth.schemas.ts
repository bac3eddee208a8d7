import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, passwordPolicyProblem } from "../../lib/password.ts";

/** Longer strings are refused before any Unicode or bcrypt work (bodies are capped at 1 MB anyway). */
const MAX_SECRET_CHARS = 1024;

export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,50}$/, "must be 3–50 characters: letters, digits, _ . -")
  .openapi({ example: "alice" });

/** Trimmed, validated, domain lower-cased (the local part is kept as typed; uniqueness ignores case). */
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "must be a valid email address" }))
  .transform((email) => {
    const at = email.lastIndexOf("@");
    return email.slice(0, at) + email.slice(at).toLowerCase();
  })
  .openapi({ example: "alice@example.com", type: "string", format: "email" });

/** A new password: the policy of lib/password.ts (8+ characters, ≤ 72 UTF-8 bytes, not common). */
export const NewPasswordSchema = z
  .string()
  .max(MAX_SECRET_CHARS, `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8`)
  .superRefine((password, ctx) => {
    const problem = passwordPolicyProblem(password);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    example: "correct horse battery staple",
    description: `At least ${PASSWORD_MIN_CHARS} characters and at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt's limit; longer is refused, never truncated). Common passwords are refused. Spaces are kept; Unicode is normalised to NFC.`,
  });

const SecretSchema = z.string().max(MAX_SECRET_CHARS);

export const RegisterBodySchema = z
  .strictObject({
    username: UsernameSchema,
    email: EmailSchema,
    password: NewPasswordSchema,
    full_name: z.string().trim().max(255).nullish().openapi({ example: "Alice Liddell" }),
  })
  .openapi("RegisterRequest");

export const LoginJsonSchema = z
  .strictObject({
    username: z
      .string()
      .max(MAX_SECRET_CHARS)
      .optional()
      .openapi({ description: "Username or email", example: "alice" }),
    email: z.string().max(MAX_SECRET_CHARS).optional().openapi({ description: "Email (instead of username)" }),
    password: SecretSchema.openapi({ example: "correct horse battery staple" }),
  })
  .refine((b) => b.username !== undefined || b.email !== undefined, {
    message: "username or email is required",
    path: ["username"],
  })
  .openapi("LoginRequest");

/** OAuth2 password grant (RFC 6749 §4.3), as Swagger's Authorize button and the original clients send it. */
export const LoginFormSchema = z
  .object({
    grant_type: z.literal("password").optional(),
    username: z.string().max(MAX_SECRET_CHARS).openapi({ description: "Username or email" }),
    password: SecretSchema,
    scope: z.string().max(1024).optional(),
    client_id: z.string().max(1024).optional(),
    client_secret: z.string().max(1024).optional(),
  })
  .openapi("LoginForm");

export const RefreshJsonSchema = z
  .strictObject({ refresh_token: z.string().min(1).max(4096) })
  .openapi("RefreshRequest");

export const RefreshFormSchema = z
  .object({
    grant_type: z.literal("refresh_token").optional(),
    refresh_token: z.string().min(1).max(4096),
    scope: z.string().max(1024).optional(),
    client_id: z.string().max(1024).optional(),
    client_secret: z.string().max(1024).optional(),
  })
  .openapi("RefreshForm");

export const ChangePasswordBodySchema = z
  .strictObject({
    current_password: SecretSchema,
    new_password: NewPasswordSchema,
  })
  .openapi("ChangePasswordRequest");

export const LogoutQuerySchema = z.object({
  all: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .openapi({ description: "End every session of the user, not only this one", example: "false" }),
});

export const TokenPairSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires", example: 1800 }),
  })
  .openapi("TokenPair");

export const UserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    full_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    bio: z.string().nullable(),
    is_active: z.boolean(),
    is_verified: z.boolean(),
    wallet_address: z.string().nullable().openapi({ example: "RD3f5a0c8e1b2d4f6a7c9e0b1d2f3a4c5e6f7a8b9c" }),
    balance: z.string().openapi({ description: "Primary wallet balance, exact decimal", example: "100.00000000" }),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("User");

export const MeSchema = UserSchema.extend({
  is_admin: z
    .boolean()
    .openapi({ description: "Whether the Prism console's admin screens apply (enforced server-side)" }),
}).openapi("CurrentUser");

export const LogoutResponseSchema = z
  .object({
    message: z.string().openapi({ example: "Successfully logged out" }),
    sessions_ended: z.number().int(),
  })
  .openapi("LogoutResult");

export const PasswordChangedSchema = z
  .object({
    message: z.string().openapi({ example: "Password changed" }),
    sessions_ended: z.number().int().openapi({ description: "Other sessions that were ended" }),
  })
  .openapi("PasswordChanged");

export const SessionSchema = z
  .object({
    id: z.string().openapi({ description: "The session id (also the id of its refresh-token family)" }),
    current: z.boolean().openapi({ description: "True for the session of the token this request used" }),
    created_at: z.string().openapi({ example: "2026-11-27T08:00:00.000Z" }),
    last_seen: z.string().openapi({ example: "2026-11-27T09:30:00.000Z" }),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
  })
  .openapi("Session");

export const SessionIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, "id: not a session id")
    .openapi({ param: { name: "id", in: "path" }, example: "2f1kPq9Zr0m5b6Xw3yT7uVa8sD4eF1gH" }),
});

/** The OAuth2 token endpoint's form (RFC 6749 §4.3.2, §6): one grant per request; unknown parameters are ignored (§3.2). */
export const TokenRequestSchema = z
  .object({
    grant_type: z.string().max(64).openapi({ description: "`password` or `refresh_token`", example: "password" }),
    username: z
      .string()
      .max(MAX_SECRET_CHARS)
      .optional()
      .openapi({ description: "Username or email (password grant)" }),
    password: SecretSchema.optional().openapi({ description: "Password (password grant)" }),
    refresh_token: z
      .string()
      .max(4096)
      .optional()
      .openapi({ description: "Refresh token (refresh_token grant); it works once" }),
    scope: z.string().max(1024).optional(),
    client_id: z.string().max(1024).optional(),
    client_secret: z.string().max(1024).optional(),
  })
  .openapi("TokenRequest");

/** RFC 6749 §5.2: what the token endpoint answers instead of a problem. */
export const OAuthErrorSchema = z
  .object({
    error: z.enum(["invalid_request", "invalid_grant", "unsupported_grant_type"]),
    error_description: z.string().optional(),
  })
  .openapi("OAuthError", { example: { error: "invalid_grant", error_description: "Incorrect username or password" } });
