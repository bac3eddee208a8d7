import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import {
  dummyHash,
  hashPassword,
  isCommonPassword,
  PASSWORD_MAX_BYTES,
  passwordBytes,
  passwordPolicyProblem,
  verifyPassword,
} from "../../src/lib/password.ts";

const ROUNDS = 4;
const a72 = "a".repeat(72);
const emoji = (n: number) => "😀".repeat(n);

describe("password policy", () => {
  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(passwordBytes(a72)).toBe(72);
    expect(passwordBytes(emoji(18))).toBe(72);
    expect(emoji(18).length).toBe(36);
    expect(passwordBytes(emoji(19))).toBe(76);
  });

  it("allows 8 characters up to 72 bytes, refuses 7 characters and 73+ bytes", () => {
    expect(passwordPolicyProblem("Xy7#kq2!")).toBeUndefined();
    expect(passwordPolicyProblem("Xy7#kq2")).toMatch(/at least 8/);
    expect(passwordPolicyProblem(a72.replace(/^a{8}/, "Zq8#mw3!"))).toBeUndefined();
    expect(passwordPolicyProblem(`${a72}X`)).toMatch(/72 bytes/);
    expect(passwordPolicyProblem(emoji(18))).toBeUndefined();
    expect(passwordPolicyProblem(emoji(19))).toMatch(/72 bytes/);
    // 64 ASCII characters are always possible (ASVS 6.2.9).
    expect(passwordPolicyProblem("k".repeat(30) + "Q".repeat(34))).toBeUndefined();
  });

  it("counts characters as code points (4 emoji are 4 characters, not 8)", () => {
    expect(passwordPolicyProblem(emoji(7))).toMatch(/at least 8/);
    expect(passwordPolicyProblem(emoji(8))).toBeUndefined();
  });

  it("refuses common passwords whatever their case", () => {
    for (const p of ["passw0rd", "Password1", "12345678", "QWERTYUIOP", "iloveyou"]) {
      expect(isCommonPassword(p), p).toBe(true);
      expect(passwordPolicyProblem(p), p).toMatch(/common/);
    }
    expect(isCommonPassword("tangerine-lighthouse-47")).toBe(false);
  });

  it("has no composition rules and keeps spaces", () => {
    expect(passwordPolicyProblem("all lowercase words here")).toBeUndefined();
    expect(passwordPolicyProblem("        ")).toBeUndefined();
  });
});

describe("hashPassword / verifyPassword", () => {
  it("stores bcrypt at the configured cost and verifies", async () => {
    const hash = await hashPassword("tangerine-lighthouse-47", ROUNDS);
    expect(hash).toMatch(/^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.getRounds(hash)).toBe(ROUNDS);
    expect(hash).not.toContain("tangerine");
    await expect(verifyPassword("tangerine-lighthouse-47", hash, ROUNDS)).resolves.toEqual({
      ok: true,
      needsRehash: false,
    });
    await expect(verifyPassword("tangerine-lighthouse-48", hash, ROUNDS)).resolves.toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it("asks for a re-hash when the configured cost changed", async () => {
    const hash = await hashPassword("tangerine-lighthouse-47", 5);
    await expect(verifyPassword("tangerine-lighthouse-47", hash, ROUNDS)).resolves.toEqual({
      ok: true,
      needsRehash: true,
    });
  });

  it("never lets a 73rd byte ride on a 72-byte password (bcrypt alone would)", async () => {
    const hash = await hashPassword(a72, ROUNDS);
    expect(await bcrypt.compare(`${a72}X`, hash)).toBe(true); // the library's truncation, for the record
    await expect(verifyPassword(`${a72}X`, hash, ROUNDS)).resolves.toMatchObject({ ok: false });
    await expect(verifyPassword(a72, hash, ROUNDS)).resolves.toMatchObject({ ok: true });
    await expect(hashPassword(`${a72}X`, ROUNDS)).rejects.toThrow(RangeError);
  });

  it("keeps leading and trailing spaces significant", async () => {
    const hash = await hashPassword(" spaces  inside ", ROUNDS);
    await expect(verifyPassword(" spaces  inside ", hash, ROUNDS)).resolves.toMatchObject({ ok: true });
    await expect(verifyPassword("spaces  inside", hash, ROUNDS)).resolves.toMatchObject({ ok: false });
  });

  it("treats NFC and NFD spellings as one password", async () => {
    const nfc = "caf\u00e9-terrace-9";
    const nfd = "cafe\u0301-terrace-9";
    expect(nfc).not.toBe(nfd);
    const hash = await hashPassword(nfd, ROUNDS);
    await expect(verifyPassword(nfc, hash, ROUNDS)).resolves.toMatchObject({ ok: true });
  });

  it("does not truncate at an embedded NUL", async () => {
    const hash = await hashPassword("abc\u0000defgh", ROUNDS);
    await expect(verifyPassword("abc\u0000xyzgh", hash, ROUNDS)).resolves.toMatchObject({ ok: false });
  });

  it("compares against a dummy hash for an unknown user instead of throwing", async () => {
    await expect(verifyPassword("whatever-it-is", null, ROUNDS)).resolves.toEqual({ ok: false, needsRehash: false });
    await expect(verifyPassword("whatever-it-is", "not-a-bcrypt-hash", ROUNDS)).resolves.toEqual({
      ok: false,
      needsRehash: false,
    });
    await expect(verifyPassword("x".repeat(100_000), null, ROUNDS)).resolves.toMatchObject({ ok: false });
  });

  it("has a dummy hash at every configurable cost", () => {
    for (let rounds = 4; rounds <= 15; rounds++) expect(bcrypt.getRounds(dummyHash(rounds))).toBe(rounds);
    expect(PASSWORD_MAX_BYTES).toBe(72);
  });
});
