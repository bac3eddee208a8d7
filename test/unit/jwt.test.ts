import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  bearerToken,
  CLOCK_TOLERANCE_SECONDS,
  JWT_AUDIENCE,
  JWT_ISSUER,
  type JwtConfig,
  signToken,
  TokenError,
  verifyToken,
} from "../../src/lib/jwt.ts";

const config: JwtConfig = { SECRET_KEY: env.SECRET_KEY, ACCESS_TOKEN_EXPIRE_MINUTES: 30, REFRESH_TOKEN_EXPIRE_DAYS: 7 };
const secret = new TextEncoder().encode(env.SECRET_KEY);
const now = () => Math.floor(Date.now() / 1000);
const SID = "s".repeat(43);
const JTI = "j".repeat(43);

/** A token built by hand, so every header and claim can be wrong on purpose. */
function forge(
  opts: {
    header?: Record<string, unknown>;
    claims?: Record<string, unknown>;
    omit?: string[];
    key?: Uint8Array | CryptoKey;
  } = {},
) {
  const t = now();
  const claims: Record<string, unknown> = {
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    sub: "42",
    sid: SID,
    jti: JTI,
    iat: t,
    exp: t + 600,
    ...opts.claims,
  };
  for (const k of opts.omit ?? []) delete claims[k];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt", ...opts.header } as { alg: string })
    .sign(opts.key ?? secret);
}

async function rejects(token: string, kind: "access" | "refresh" = "access", currentDate?: Date) {
  const err = await verifyToken(config, kind, token, { currentDate }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `accepted: ${String(token).slice(0, 60)}`).toBeInstanceOf(TokenError);
}

describe("signToken / verifyToken", () => {
  it("round-trips an access and a refresh token with every claim", async () => {
    for (const kind of ["access", "refresh"] as const) {
      const signed = await signToken(config, kind, { userId: 7, sessionId: SID });
      const claims = await verifyToken(config, kind, signed.token);
      expect(claims).toEqual({ userId: 7, sessionId: SID, jti: signed.jti, iat: signed.iat, exp: signed.exp });
      expect(signed.exp - signed.iat).toBe(kind === "access" ? 1800 : 7 * 86400);
      expect(signed.jti).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it("accepts a well-formed hand-built token (the forge helper is honest)", async () => {
    await expect(verifyToken(config, "access", await forge())).resolves.toMatchObject({ userId: 42, sessionId: SID });
  });

  it("refuses access and refresh tokens in each other's place (typ header)", async () => {
    const access = await signToken(config, "access", { userId: 1, sessionId: SID });
    const refresh = await signToken(config, "refresh", { userId: 1, sessionId: SID });
    await rejects(refresh.token, "access");
    await rejects(access.token, "refresh");
    await rejects(await forge({ header: { typ: "JWT" } }));
    await rejects(await forge({ header: { typ: undefined } }));
  });

  it("refuses alg none, HS512, HS384 and RS256", async () => {
    const t = now();
    const unsecured = new UnsecuredJWT({
      iss: JWT_ISSUER,
      aud: JWT_AUDIENCE,
      sub: "1",
      sid: SID,
      jti: JTI,
      iat: t,
      exp: t + 60,
    }).encode();
    await rejects(unsecured);
    await rejects(await forge({ header: { alg: "HS512" } }));
    await rejects(await forge({ header: { alg: "HS384" } }));
    const { privateKey } = await generateKeyPair("RS256");
    await rejects(await forge({ header: { alg: "RS256" }, key: privateKey }));
  });

  it("ignores key material named in the header (jwk / kid injection)", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    await rejects(await forge({ header: { alg: "ES256", jwk: await exportJWK(publicKey) }, key: privateKey }));
    const attacker = new TextEncoder().encode("attacker-controlled-secret-0123456789abcdef");
    await rejects(await forge({ header: { kid: "../../etc/passwd" }, key: attacker }));
  });

  it("refuses unknown critical headers", async () => {
    // jose will not sign an unknown `crit`, so this one is signed by hand with the real secret.
    const b64 = (x: string | Uint8Array) =>
      btoa(typeof x === "string" ? x : String.fromCharCode(...x))
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replace(/=+$/, "");
    const t = now();
    const input = `${b64(JSON.stringify({ alg: "HS256", typ: "at+jwt", crit: ["x-unknown"], "x-unknown": 1 }))}.${b64(
      JSON.stringify({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: "42", sid: SID, jti: JTI, iat: t, exp: t + 600 }),
    )}`;
    const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
    await rejects(`${input}.${b64(sig)}`);
  });

  it("requires exp, iat, sub, sid, jti, iss and aud", async () => {
    for (const claim of ["exp", "iat", "sub", "sid", "jti", "iss", "aud"])
      await rejects(await forge({ omit: [claim] }));
  });

  it("refuses wrong issuer or audience, and malformed claim types", async () => {
    await rejects(await forge({ claims: { iss: "https://evil.example" } }));
    await rejects(await forge({ claims: { aud: "someone-else" } }));
    await rejects(await forge({ claims: { exp: "9999999999" } }));
    await rejects(await forge({ claims: { sub: 42 } }));
    await rejects(await forge({ claims: { sub: "admin" } }));
    await rejects(await forge({ claims: { sub: "0" } }));
    await rejects(await forge({ claims: { sub: "99999999999" } }));
    await rejects(await forge({ claims: { sid: "short" } }));
    await rejects(await forge({ claims: { jti: 5 } }));
  });

  it("refuses lifetimes longer than the kind allows, and iat / nbf in the future", async () => {
    const t = now();
    await rejects(await forge({ claims: { exp: t + 100 * 365 * 86400 } }));
    await rejects(await forge({ claims: { iat: t - 3600, exp: t + 600 } }));
    await rejects(await forge({ claims: { iat: t + 3600, exp: t + 3700 } }));
    await rejects(await forge({ claims: { nbf: t + 3600 } }));
  });

  it("expires exactly at exp plus the explicit clock tolerance", async () => {
    expect(CLOCK_TOLERANCE_SECONDS).toBeLessThanOrEqual(30);
    const signed = await signToken(config, "access", { userId: 3, sessionId: SID });
    const at = (s: number) => new Date(s * 1000);
    await expect(
      verifyToken(config, "access", signed.token, { currentDate: at(signed.exp + CLOCK_TOLERANCE_SECONDS - 1) }),
    ).resolves.toBeTruthy();
    await rejects(signed.token, "access", at(signed.exp + CLOCK_TOLERANCE_SECONDS));
    await rejects(signed.token, "access", at(signed.exp + CLOCK_TOLERANCE_SECONDS + 1));
    // Expired by 1 s beyond the tolerance, built by hand:
    const t = now();
    await rejects(
      await forge({ claims: { iat: t - 1800 - CLOCK_TOLERANCE_SECONDS - 1, exp: t - CLOCK_TOLERANCE_SECONDS - 1 } }),
    );
  });

  it("refuses a tampered signature, payload or another secret", async () => {
    const { token } = await signToken(config, "access", { userId: 9, sessionId: SID });
    const [h, p, s] = token.split(".") as [string, string, string];
    const flip = (x: string) => (x[0] === "A" ? "B" : "A") + x.slice(1);
    await rejects(`${h}.${p}.${flip(s)}`);
    await rejects(`${h}.${flip(p)}.${s}`);
    await rejects(`${h}.${p}.`);
    const other = await signToken(
      { ...config, SECRET_KEY: "another-secret-key-0123456789abcdef0123456789" },
      "access",
      { userId: 9, sessionId: SID },
    );
    await rejects(other.token);
  });

  it("turns any garbage into TokenError, never another exception", async () => {
    const garbage = [
      "",
      "abc",
      "a.b.c",
      "...",
      "eyJ.eyJ.eyJ",
      "x".repeat(16_384),
      "\u0000",
      "💥.💥.💥",
      `${btoa("{}")}.${btoa("{}")}.`,
    ];
    for (const g of garbage) await rejects(g);
    await rejects(null as unknown as string);
    await rejects(42 as unknown as string);
  });
});

describe("bearerToken", () => {
  it("reads `Bearer <token>` with a case-insensitive scheme", () => {
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("refuses every other shape", () => {
    for (const h of [
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      "Bearer  abc",
      " Bearer abc",
      "Bearer abc\n",
      "Bearer a b",
      "Bearer abc, Bearer def",
      "Token abc",
    ]) {
      expect(() => bearerToken(h), h).toThrow(TokenError);
    }
  });
});
