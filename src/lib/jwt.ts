import { jwtVerify, SignJWT } from "jose";
import { MAX_INT4 } from "./constants.ts";

/**
 * Access and refresh tokens: compact JWS, HS256 only, keyed by SECRET_KEY (≥ 32 bytes, checked
 * by the config loader at start-up; jose itself does not check HMAC key length).
 *
 * The two kinds are told apart by the `typ` header (RFC 9068 `at+jwt`, and `refresh+jwt`), and a
 * token of one kind never verifies as the other. Every claim below is required:
 *
 *   iss  JWT_ISSUER            aud  JWT_AUDIENCE
 *   sub  user id (decimal)     sid  session id (= refresh-token family id)
 *   jti  unique token id       iat  issued at     exp  expiry
 *
 * Any verification failure, however malformed the input, is a `TokenError`; callers map it to
 * 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
 */
export const JWT_ISSUER = "https://blackroad.systems";
export const JWT_AUDIENCE = "blackroad-api";
export const JWT_ALGORITHM = "HS256";
/** Small and explicit: clocks of Workers are NTP-synced; this only absorbs skew between issuers. */
export const CLOCK_TOLERANCE_SECONDS = 10;
/** Our tokens are ~300 bytes; anything much larger is not ours and is not parsed. */
export const MAX_TOKEN_LENGTH = 2048;

export type TokenKind = "access" | "refresh";

const TYP: Record<TokenKind, string> = { access: "at+jwt", refresh: "refresh+jwt" };

export type TokenLifetimes = {
  ACCESS_TOKEN_EXPIRE_MINUTES: number;
  REFRESH_TOKEN_EXPIRE_DAYS: number;
};

export type JwtConfig = TokenLifetimes & { SECRET_KEY: string };

export type TokenClaims = {
  userId: number;
  sessionId: string;
  jti: string;
  iat: number;
  exp: number;
};

export class TokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = "TokenError";
  }
}

/** Lifetime of a token kind in seconds. */
export function tokenLifetime(config: TokenLifetimes, kind: TokenKind): number {
  return kind === "access" ? config.ACCESS_TOKEN_EXPIRE_MINUTES * 60 : config.REFRESH_TOKEN_EXPIRE_DAYS * 86_400;
}

// One imported HMAC key per secret per isolate (the secret does not change within an isolate).
const keys = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

/** 256 random bits, base64url: token ids, session ids. */
export function randomId(bytes = 32): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let bin = "";
  for (const b of buf) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const SUB_PATTERN = /^[1-9][0-9]{0,9}$/;

export type SignedToken = { token: string; jti: string; iat: number; exp: number };

/** Signs a token of `kind` for `userId` in session `sessionId`. `now` (seconds) is for tests. */
export async function signToken(
  config: JwtConfig,
  kind: TokenKind,
  subject: { userId: number; sessionId: string },
  now = Math.floor(Date.now() / 1000),
): Promise<SignedToken> {
  const jti = randomId();
  const exp = now + tokenLifetime(config, kind);
  const token = await new SignJWT({ sid: subject.sessionId })
    .setProtectedHeader({ alg: JWT_ALGORITHM, typ: TYP[kind] })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setSubject(String(subject.userId))
    .setJti(jti)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await signingKey(config.SECRET_KEY));
  return { token, jti, iat: now, exp };
}

/**
 * Verifies a token of `kind`; returns its claims or throws `TokenError`. Pinned to HS256, the
 * expected `typ`, issuer and audience; `exp`, `iat`, `sub`, `sid` and `jti` must be present and
 * well-formed, and a token may not claim to live longer than its kind does.
 */
export async function verifyToken(
  config: JwtConfig,
  kind: TokenKind,
  token: string,
  opts: { currentDate?: Date } = {},
): Promise<TokenClaims> {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new TokenError("malformed");
  }
  const key = await signingKey(config.SECRET_KEY);
  const lifetime = tokenLifetime(config, kind);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [JWT_ALGORITHM],
      typ: TYP[kind],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      requiredClaims: ["exp", "iat", "sub", "sid", "jti"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: lifetime,
      currentDate: opts.currentDate,
    }));
  } catch (err) {
    // jose's errors (bad signature, alg, typ, claims, expiry...) and anything thrown on garbage
    // input (TypeError, SyntaxError) all mean the same thing to the client.
    throw new TokenError(err instanceof Error && "code" in err ? String(err.code) : "malformed");
  }
  const { sub, sid, jti, iat, exp } = payload;
  if (typeof sub !== "string" || !SUB_PATTERN.test(sub)) throw new TokenError("bad sub");
  if (typeof sid !== "string" || !ID_PATTERN.test(sid)) throw new TokenError("bad sid");
  if (typeof jti !== "string" || !ID_PATTERN.test(jti)) throw new TokenError("bad jti");
  if (typeof iat !== "number" || typeof exp !== "number") throw new TokenError("bad dates");
  if (exp - iat > lifetime) throw new TokenError("lifetime too long");
  const userId = Number(sub);
  if (!Number.isSafeInteger(userId) || userId > MAX_INT4) throw new TokenError("bad sub");
  return { userId, sessionId: sid, jti, iat, exp };
}

/**
 * The token in an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235);
 * undefined when the header is absent, `TokenError` when it is present but not a bearer token.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match) throw new TokenError("not a bearer token");
  return match[1];
}
