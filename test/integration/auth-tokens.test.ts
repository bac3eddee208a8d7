import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { CLOCK_TOLERANCE_SECONDS, JWT_AUDIENCE, JWT_ISSUER } from "../../src/lib/jwt.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { claimsOf, login, me, refresh, register } from "../helpers/auth.ts";

const secret = new TextEncoder().encode(env.SECRET_KEY);
const now = () => Math.floor(Date.now() / 1000);

/** A session to aim forged tokens at: real user, real live sid. */
async function victim() {
  const { username, user } = await register();
  const pair = await login(username);
  const { sid } = claimsOf(pair.access_token) as { sid: string };
  return { user, pair, sid };
}

function forge(
  sub: number,
  sid: string,
  opts: { header?: Record<string, unknown>; claims?: Record<string, unknown>; omit?: string[] } = {},
) {
  const t = now();
  const claims: Record<string, unknown> = {
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    sub: String(sub),
    sid,
    jti: "j".repeat(43),
    iat: t,
    exp: t + 600,
    ...opts.claims,
  };
  for (const k of opts.omit ?? []) delete claims[k];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt", ...opts.header } as { alg: string })
    .sign(secret);
}

async function expectInvalidToken(res: Response, label: string) {
  expect(res.status, label).toBe(401);
  expect(res.headers.get("WWW-Authenticate"), label).toBe('Bearer error="invalid_token"');
  await expectProblem(res, 401);
}

describe("bearer tokens on an authenticated route", () => {
  it("accepts a hand-built token with the real secret (the forger is honest)", async () => {
    const { user, sid } = await victim();
    const res = await me(await forge(user.id, sid));
    expect(res.status).toBe(200);
  });

  it("refuses every forged or malformed token with 401 invalid_token, never 500", async () => {
    const { user, sid, pair } = await victim();
    const t = now();
    const [h, p, s] = pair.access_token.split(".") as [string, string, string];
    const cases: Record<string, string> = {
      "no exp": await forge(user.id, sid, { omit: ["exp"] }),
      "no iat": await forge(user.id, sid, { omit: ["iat"] }),
      "no sub": await forge(user.id, sid, { omit: ["sub"] }),
      "no sid": await forge(user.id, sid, { omit: ["sid"] }),
      "exp as string": await forge(user.id, sid, { claims: { exp: "9999999999" } }),
      "exp 100 years ahead": await forge(user.id, sid, { claims: { exp: t + 100 * 365 * 86400 } }),
      "nbf in the future": await forge(user.id, sid, { claims: { nbf: t + 3600 } }),
      "iat in the future": await forge(user.id, sid, { claims: { iat: t + 3600, exp: t + 3700 } }),
      "sub as number": await forge(user.id, sid, { claims: { sub: user.id } }),
      "expired by 1 s (past the tolerance)": await forge(user.id, sid, {
        claims: { iat: t - 1800 - CLOCK_TOLERANCE_SECONDS - 1, exp: t - CLOCK_TOLERANCE_SECONDS - 1 },
      }),
      "alg none": new UnsecuredJWT({
        iss: JWT_ISSUER,
        aud: JWT_AUDIENCE,
        sub: String(user.id),
        sid,
        jti: "j".repeat(43),
        iat: t,
        exp: t + 60,
      }).encode(),
      HS512: await forge(user.id, sid, { header: { alg: "HS512" } }),
      "refresh token as access token": pair.refresh_token,
      "typ JWT": await forge(user.id, sid, { header: { typ: "JWT" } }),
      "wrong audience": await forge(user.id, sid, { claims: { aud: "other" } }),
      "tampered signature": `${h}.${p}.${(s[0] === "A" ? "B" : "A") + s.slice(1)}`,
      "tampered payload": `${h}.${btoa(JSON.stringify({ ...claimsOf(pair.access_token), sub: "1" })).replace(/=+$/, "")}.${s}`,
      garbage: "garbage",
      "three dots": "...",
      "16 KB token": "a".repeat(16_384),
      "another user's id in a valid session": await forge(user.id + 1_000_000, sid),
      "unknown session": await forge(user.id, "s".repeat(43)),
    };
    for (const [label, token] of Object.entries(cases)) await expectInvalidToken(await me(token), label);
  });

  it("refuses malformed Authorization headers", async () => {
    const { pair } = await victim();
    const headers: Record<string, Record<string, string>> = {
      "Bearer with no token": { Authorization: "Bearer" },
      "Bearer and a space": { Authorization: "Bearer " },
      Basic: { Authorization: "Basic dXNlcjpwYXNz" },
      "token without scheme": { Authorization: pair.access_token },
      "two tokens": { Authorization: `Bearer ${pair.access_token}, Bearer ${pair.access_token}` },
      "double space": { Authorization: `Bearer  ${pair.access_token}` },
    };
    for (const [label, h] of Object.entries(headers))
      await expectInvalidToken(await api("/api/auth/me", { headers: h }), label);
    const twice = new Headers();
    twice.append("Authorization", `Bearer ${pair.access_token}`);
    twice.append("Authorization", `Bearer ${pair.access_token}`);
    await expectInvalidToken(await api("/api/auth/me", { headers: twice }), "two Authorization headers");
  });

  it("answers a missing token with 401 and a plain Bearer challenge", async () => {
    const res = await api("/api/auth/me");
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    const body = await expectProblem(res, 401);
    expect(body.detail).toBe("Not authenticated");
  });

  it("accepts a lower-case scheme", async () => {
    const { pair } = await victim();
    expect((await api("/api/auth/me", { headers: { Authorization: `bearer ${pair.access_token}` } })).status).toBe(200);
  });

  it("takes roles from the database, never from the token", async () => {
    const { user, sid } = await victim();
    const res = await me(await forge(user.id, sid, { claims: { role: "admin", is_admin: true } }));
    expect(res.status).toBe(200);
    expect((await res.json<{ is_admin: boolean }>()).is_admin).toBe(false);
  });

  it("refuses an access token at /refresh and a refresh token as a bearer", async () => {
    const { pair } = await victim();
    await expectProblem(await refresh(pair.access_token), 401);
    await expectInvalidToken(await me(pair.refresh_token), "refresh as bearer");
  });
});

describe("GET /api/auth/me", () => {
  it("returns the user with is_admin and no secret", async () => {
    const { user, pair } = await victim();
    const res = await me(pair.access_token);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toEqual({ ...user, is_admin: false });
    for (const key of ["hashed_password", "password", "encrypted_private_key", "private_key"])
      expect(body).not.toHaveProperty(key);
  });
});
