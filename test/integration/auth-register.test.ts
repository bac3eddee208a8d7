import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, users, wallets } from "../../src/db/schema/index.ts";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { eventually, PASSWORD, register, testDb } from "../helpers/auth.ts";

const USER_KEYS = [
  "avatar_url",
  "balance",
  "bio",
  "created_at",
  "email",
  "full_name",
  "id",
  "is_active",
  "is_verified",
  "username",
  "wallet_address",
].sort();

const post = (json: unknown) => api("/api/auth/register", { method: "POST", json });
const fresh = () => {
  const username = unique("r");
  return { username, email: `${username}@example.com`, password: PASSWORD };
};

describe("POST /api/auth/register", () => {
  it("creates the user and a primary wallet holding 100, and returns no secret", async () => {
    const { user, username, email } = await register({ full_name: "Ada Lovelace" });
    expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    expect(user).toMatchObject({
      username,
      email,
      full_name: "Ada Lovelace",
      is_active: true,
      is_verified: false,
      balance: "100.00000000",
    });
    expect(user.wallet_address).toMatch(/^RD[0-9a-f]{38}$/);
    expect(new Date(user.created_at as string).toString()).not.toBe("Invalid Date");

    const db = testDb();
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row!.hashedPassword).toMatch(/^\$2[aby]\$04\$/); // BCRYPT_ROUNDS=4 in tests
    expect(row!.hashedPassword).not.toContain(PASSWORD);
    const owned = await db.select().from(wallets).where(eq(wallets.userId, user.id));
    expect(owned).toHaveLength(1);
    expect(owned[0]).toMatchObject({
      address: user.wallet_address,
      balance: "100.00000000",
      isPrimary: true,
      label: "Primary Wallet",
    });
    expect(owned[0]!.encryptedPrivateKey).toMatch(/^v1\./);
  });

  it("answers 409 without saying whether the username or the email was taken (case-insensitively)", async () => {
    const first = await register();
    const other = fresh();
    const byName = await expectProblem(await post({ ...other, username: first.username.toUpperCase() }), 409);
    const byEmail = await expectProblem(await post({ ...fresh(), email: first.email.toUpperCase() }), 409);
    expect(byName.detail).toBe("Username or email already registered");
    expect(byEmail.detail).toBe(byName.detail);
    expect(byEmail.type).toBe(byName.type);
  });

  it("lets one of two concurrent sign-ups with the same name win, with nothing half-written", async () => {
    const a = fresh();
    const results = await Promise.all([
      post(a),
      post({ ...a, email: `other-${a.email}` }),
      post({ ...a, email: `third-${a.email}` }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const db = testDb();
    const rows = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = ${a.username.toLowerCase()}`);
    expect(rows).toHaveLength(1);
    const owned = await db.select().from(wallets).where(eq(wallets.userId, rows[0]!.id));
    expect(owned).toHaveLength(1);
  });

  it("accepts passwords of exactly 72 bytes (ASCII and 18 emoji) and refuses 73+ bytes with 422", async () => {
    await register({ password: `Zq8#mw3!${"a".repeat(64)}` });
    await register({ password: "😀".repeat(18) });
    for (const password of [`Zq8#mw3!${"a".repeat(65)}`, "😀".repeat(19), "x".repeat(1_000)]) {
      const body = await expectProblem(await post({ ...fresh(), password }), 422);
      expect(body.errors?.[0]?.path).toBe("password");
      expect(JSON.stringify(body)).not.toContain(password.slice(0, 20));
    }
  });

  it("keeps spaces and lets a password with spaces log in exactly as typed", async () => {
    const { username } = await register({ password: " spaces  inside " });
    const ok = await api("/api/auth/login", { method: "POST", json: { username, password: " spaces  inside " } });
    expect(ok.status).toBe(200);
    await expectProblem(
      await api("/api/auth/login", { method: "POST", json: { username, password: "spaces  inside" } }),
      401,
    );
  });

  it("refuses bad input with 422 (never 500)", async () => {
    const bad: Array<[string, unknown]> = [
      ["username too short", { username: "ab" }],
      ["username too long", { username: "a".repeat(51) }],
      ["username with a space", { username: "a b c" }],
      ["username with @", { username: "a@bcd" }],
      ["username as number", { username: 12345 }],
      ["email missing", { email: undefined }],
      ["email null", { email: null }],
      ["email number", { email: 123 }],
      ["email true", { email: true }],
      ["email array", { email: ["a@b.co"] }],
      ["email operator object", { email: { $ne: null } }],
      ["email empty", { email: "" }],
      ["email without dot", { email: "a@b" }],
      ["email with NUL", { email: "a@b.co\u0000x" }],
      ["email with CRLF", { email: "a@b.co\r\nBcc: x@y.z" }],
      ["email with SQL", { email: "' OR 1=1--@x.io" }],
      ["email huge local part", { email: `${"a".repeat(10_000)}@x.io` }],
      ["password 7 chars", { password: "Xy7#kq2" }],
      ["common password", { password: "passw0rd" }],
      ["password number", { password: 12345678 }],
      ["password true", { password: true }],
      ["password array", { password: [] }],
      ["password object", { password: {} }],
      ["unknown field", { is_admin: true }],
      ["prototype pollution", JSON.parse('{"__proto__":{"admin":true}}')],
    ];
    for (const [label, patch] of bad) {
      const body = { ...fresh(), ...(patch as object) };
      const res = await post(body);
      expect(res.status, label).toBe(422);
      await expectProblem(res, 422);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("refuses non-object bodies and broken JSON without a 500", async () => {
    for (const raw of ["null", "[]", '"str"', "{", '{"username":"x",}', "\uFEFF{}"]) {
      const res = await api("/api/auth/register", {
        method: "POST",
        body: raw,
        headers: { "Content-Type": "application/json" },
      });
      expect([400, 422], raw).toContain(res.status);
    }
    const res = await api("/api/auth/register", {
      method: "POST",
      body: JSON.stringify(fresh()),
      headers: { "Content-Type": "text/plain" },
    });
    await expectProblem(res, 415);
  });

  it("trims the email and lower-cases its domain", async () => {
    const username = unique("t");
    const { user } = await register({ username, email: `  ${username}@Example.COM ` });
    expect(user.email).toBe(`${username}@example.com`);
  });

  it("writes an audit event without secrets", async () => {
    const { user } = await register();
    const db = testDb();
    const rows = await eventually(async () => {
      const r = await db.select().from(events).where(eq(events.userId, user.id));
      expect(r.map((e) => e.type)).toContain("auth.register");
      return r;
    });
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });
});
