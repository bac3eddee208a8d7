import { describe, expect, it } from "vitest";
import { integrations, loadConfig } from "../../src/config.ts";

const valid = {
  ENVIRONMENT: "production",
  DATABASE_URL: "postgres://user:pw@db.example/neondb",
  UPSTASH_REDIS_REST_URL: "https://eu1.upstash.example",
  UPSTASH_REDIS_REST_TOKEN: "token",
  SECRET_KEY: "k".repeat(32),
  WALLET_MASTER_KEY: "w".repeat(32),
};

describe("loadConfig", () => {
  it("accepts a complete production configuration and applies the seed's defaults", () => {
    const result = loadConfig({ ...valid });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.ACCESS_TOKEN_EXPIRE_MINUTES).toBe(30);
    expect(result.config.REFRESH_TOKEN_EXPIRE_DAYS).toBe(7);
    expect(result.config.BCRYPT_ROUNDS).toBe(12);
    expect(result.config.BLOCKCHAIN_DIFFICULTY).toBe(4);
    expect(result.config.ALLOWED_ORIGINS).toEqual(["https://blackroad.systems"]);
    expect(integrations(result.config)).toEqual({ openai: false, github: false, stripe: false, sentry: false });
  });

  it.each([
    ["missing SECRET_KEY", { SECRET_KEY: undefined }, "SECRET_KEY"],
    ["31-byte SECRET_KEY", { SECRET_KEY: "k".repeat(31) }, "SECRET_KEY"],
    [
      "placeholder WALLET_MASTER_KEY",
      { WALLET_MASTER_KEY: "replace-with-at-least-32-random-bytes-1111111111" },
      "WALLET_MASTER_KEY",
    ],
    ["missing WALLET_MASTER_KEY", { WALLET_MASTER_KEY: undefined }, "WALLET_MASTER_KEY"],
    ["missing DATABASE_URL", { DATABASE_URL: undefined }, "DATABASE_URL"],
    ["non-URL Upstash endpoint", { UPSTASH_REDIS_REST_URL: "not a url" }, "UPSTASH_REDIS_REST_URL"],
    ["unknown environment", { ENVIRONMENT: "staging-ish" }, "ENVIRONMENT"],
    ["non-numeric token lifetime", { ACCESS_TOKEN_EXPIRE_MINUTES: "soon" }, "ACCESS_TOKEN_EXPIRE_MINUTES"],
  ])("fails closed on %s", (_name, override, field) => {
    const result = loadConfig({ ...valid, ...override });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join("\n")).toContain(field);
  });

  it("treats an unset ENVIRONMENT as production (relaxed modes must be asked for)", () => {
    const result = loadConfig({ ...valid, ENVIRONMENT: undefined });
    expect(result.ok && result.config.ENVIRONMENT).toBe("production");
  });

  it("counts bytes, not characters: 8 four-byte emoji make a 32-byte key", () => {
    expect(loadConfig({ ...valid, SECRET_KEY: "😀".repeat(8) }).ok).toBe(true);
    expect(loadConfig({ ...valid, SECRET_KEY: "é".repeat(15) }).ok).toBe(false);
  });

  it("reports configured integrations without exposing their values", () => {
    const result = loadConfig({ ...valid, OPENAI_API_KEY: "sk-test", GITHUB_TOKEN: " " });
    expect(result.ok && integrations(result.config)).toEqual({
      openai: true,
      github: false,
      stripe: false,
      sentry: false,
    });
  });
});
