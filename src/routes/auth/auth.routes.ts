import { z } from "@hono/zod-openapi";
import { problemResponses } from "../../lib/problem-responses.ts";
import { routeKit } from "../route-kit.ts";
import {
  ChangePasswordBodySchema,
  LoginFormSchema,
  LoginJsonSchema,
  LogoutQuerySchema,
  LogoutResponseSchema,
  MeSchema,
  OAuthErrorSchema,
  PasswordChangedSchema,
  RefreshFormSchema,
  RefreshJsonSchema,
  RegisterBodySchema,
  SessionIdParamSchema,
  SessionSchema,
  TokenPairSchema,
  TokenRequestSchema,
  UserSchema,
} from "./auth.schemas.ts";

const { anyone, user } = routeKit(
  "Auth",
  "Accounts, tokens (OAuth2 password and refresh grants) and signed-in sessions",
);

/** What every signed-in route shares (as in blockchain.routes.ts). */
const tokenResponse = {
  description: "A new access/refresh token pair",
  content: { "application/json": { schema: TokenPairSchema } },
};

export const register = anyone({
  operationId: "register",
  method: "post",
  path: "/api/auth/register",
  summary: "Create an account (and its primary RoadChain wallet with 100 coins)",
  request: { body: { required: true, content: { "application/json": { schema: RegisterBodySchema } } } },
  responses: {
    201: { description: "The new user", content: { "application/json": { schema: UserSchema } } },
    ...problemResponses(409, 415, 422, 429, 503),
  },
});

export const login = anyone({
  operationId: "login",
  method: "post",
  path: "/api/auth/login",
  summary: "Log in with username (or email) and password",
  description:
    "JSON `{username | email, password}` or form-encoded `username` / `password` (OAuth2 password grant, as sent by " +
    "Swagger's Authorize button). Unknown user, wrong password and malformed credentials all get the same 401. " +
    "A disabled account gets 403 only after a correct password.",
  request: {
    body: {
      // Not `required`: one of the two media types is validated, the handler insists on one.
      content: {
        "application/json": { schema: LoginJsonSchema },
        "application/x-www-form-urlencoded": { schema: LoginFormSchema },
      },
    },
  },
  responses: { 200: tokenResponse, ...problemResponses(401, 403, 415, 422, 429, 503) },
});

export const refresh = anyone({
  operationId: "refreshTokens",
  method: "post",
  path: "/api/auth/refresh",
  summary: "Exchange a refresh token for a new pair (rotation)",
  description:
    "Every refresh token works once. Presenting one that was already rotated revokes its whole session (reuse " +
    "detection) and returns 401; a concurrent refresh of the same token within a few seconds gets 409 instead. " +
    "JSON `{refresh_token}` or form-encoded `grant_type=refresh_token&refresh_token=…`.",
  request: {
    body: {
      content: {
        "application/json": { schema: RefreshJsonSchema },
        "application/x-www-form-urlencoded": { schema: RefreshFormSchema },
      },
    },
  },
  responses: { 200: tokenResponse, ...problemResponses(401, 409, 415, 422, 429, 503) },
});

export const me = user({
  operationId: "getMe",
  method: "get",
  path: "/api/auth/me",
  summary: "The current user",
  responses: {
    200: { description: "The current user", content: { "application/json": { schema: MeSchema } } },
    ...problemResponses(401, 403, 503),
  },
});

export const logout = user({
  operationId: "logout",
  method: "post",
  path: "/api/auth/logout",
  summary: "End this session now (or every session with ?all=true)",
  description:
    "The access token is refused from the next request on, and the session's refresh tokens are revoked. " +
    "With `all=true`, every session of the user ends. 503 (retry) if the session store cannot be reached.",
  request: { query: LogoutQuerySchema },
  responses: {
    200: { description: "Logged out", content: { "application/json": { schema: LogoutResponseSchema } } },
    ...problemResponses(401, 422, 503),
  },
});

export const changePassword = user({
  operationId: "changePassword",
  method: "post",
  path: "/api/auth/password",
  summary: "Change the password (ends every other session)",
  request: { body: { required: true, content: { "application/json": { schema: ChangePasswordBodySchema } } } },
  responses: {
    200: { description: "Password changed", content: { "application/json": { schema: PasswordChangedSchema } } },
    ...problemResponses(401, 403, 415, 422, 429, 503),
  },
});

export const listSessions = user({
  operationId: "listSessions",
  method: "get",
  path: "/api/auth/sessions",
  summary: "My signed-in sessions (one per device), the most recently active first",
  responses: {
    200: { description: "Live sessions", content: { "application/json": { schema: z.array(SessionSchema) } } },
    ...problemResponses(401, 503),
  },
});

export const endSession = user({
  operationId: "endSession",
  method: "delete",
  path: "/api/auth/sessions/{id}",
  summary: "End one of my sessions now (for example a lost device)",
  description:
    "Its refresh tokens are revoked and its access token is refused from the next request on. 404 if it is not a live session of mine.",
  request: { params: SessionIdParamSchema },
  responses: { 204: { description: "Ended" }, ...problemResponses(401, 404, 422, 503) },
});

export const token = anyone({
  operationId: "oauthToken",
  method: "post",
  path: "/api/auth/token",
  summary: "OAuth2 token endpoint: password and refresh_token grants (RFC 6749)",
  description:
    "For standard OAuth2 clients. `grant_type=password` with `username` (or email) and `password`; `grant_type=refresh_token` " +
    "with `refresh_token` (rotation and reuse detection as at /api/auth/refresh). Errors are RFC 6749 §5.2 bodies " +
    "(`invalid_request`, `invalid_grant`, `unsupported_grant_type`), not problems; every answer is `Cache-Control: no-store`. " +
    "Client credentials are not required (public clients) and are ignored.",
  request: {
    body: { required: true, content: { "application/x-www-form-urlencoded": { schema: TokenRequestSchema } } },
  },
  responses: {
    200: {
      description: "A new access/refresh token pair",
      content: { "application/json": { schema: TokenPairSchema } },
    },
    400: { description: "RFC 6749 §5.2 error", content: { "application/json": { schema: OAuthErrorSchema } } },
    ...problemResponses(415),
  },
});
