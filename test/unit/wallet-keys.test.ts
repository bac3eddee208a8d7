// Fixed vectors: the key pair and the empty-message signature are RFC 8032 §7.1 TEST 1.
// ENCRYPTED and SIG_HELLO were produced independently with node:crypto (hkdfSync,
// createCipheriv("aes-256-gcm"), sign(null, …)) following the format documented in
// wallet-keys.ts: HKDF-SHA-256(master, salt "blackroad-edge-api/wallet-key-encryption",
// info "roadchain-wallet-v1"), IV 000102…0b, AAD "roadchain-wallet-v1:" + address, PKCS#8 =
// 302e020100300506032b657004220420 || seed. Ed25519 is deterministic, so SIG_HELLO is fixed.
import { describe, expect, it } from "vitest";
import {
  addressFromPublicKey,
  generateWallet,
  isValidAddress,
  signWithWallet,
  verifyWalletSignature,
  WalletKeyError,
} from "../../src/lib/crypto/wallet-keys.ts";

const MASTER = "test-wallet-master-key-0123456789abcdef";
const RFC_PUBLIC_HEX = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const RFC_PUBLIC = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const RFC_ADDRESS = "RD21fe31dfa154a261626bf854046fd2271b7bed";
const RFC_SIG_EMPTY = "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc-bRr0lv18FlbviRlUUFDjnoQCw";
const ENCRYPTED =
  "v1.AAECAwQFBgcICQoL.u0V-alZuC8GcsR15HCk5HWpFrTeoJIorLzYof48lXSmxI01YbxM3u-6tqJKRzcdw_BbSkqc27AICpGYJX3d50Q";
const SIG_HELLO = "fvtp9QJE8DcPp8FMtUG-EGEi9Iow97jtT30aTWIBz0V6wEGcYJ8rhvD-Pj-bzdm_531nvbuz7bYmhHshZxBABQ";

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)));

async function errorCode(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WalletKeyError);
  return (e as WalletKeyError).code;
}

describe("fixed vectors", () => {
  it("derives the address from the raw public key", async () => {
    expect(await addressFromPublicKey(hexBytes(RFC_PUBLIC_HEX))).toBe(RFC_ADDRESS);
  });

  it("verifies the RFC 8032 signature", async () => {
    expect(await verifyWalletSignature(RFC_PUBLIC, "", RFC_SIG_EMPTY)).toBe(true);
  });

  it("decrypts an independently encrypted key and signs deterministically", async () => {
    expect(await signWithWallet(ENCRYPTED, RFC_ADDRESS, MASTER, "")).toBe(RFC_SIG_EMPTY);
    expect(await signWithWallet(ENCRYPTED, RFC_ADDRESS, MASTER, "hello roadchain")).toBe(SIG_HELLO);
  });
});

describe("generateWallet round trip", () => {
  it("produces a consistent address, public key and encrypted key", async () => {
    const w = await generateWallet(MASTER);
    expect(isValidAddress(w.address)).toBe(true);
    expect(w.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(w.encryptedPrivateKey).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const raw = Uint8Array.from(atob(`${w.publicKey.replace(/-/g, "+").replace(/_/g, "/")}=`), (c) => c.charCodeAt(0));
    expect(await addressFromPublicKey(raw)).toBe(w.address);

    const payload = '{"amount":"1.00000000"}';
    const sig = await signWithWallet(w.encryptedPrivateKey, w.address, MASTER, payload);
    expect(await verifyWalletSignature(w.publicKey, payload, sig)).toBe(true);
    expect(await verifyWalletSignature(w.publicKey, `${payload} `, sig)).toBe(false);
  });

  it("never repeats keys or ciphertexts", async () => {
    const [a, b] = await Promise.all([generateWallet(MASTER), generateWallet(MASTER)]);
    expect(a.address).not.toBe(b.address);
    expect(a.encryptedPrivateKey).not.toBe(b.encryptedPrivateKey);
  });
});

describe("decryption failures", () => {
  it("a wrong master key cannot decrypt", async () => {
    const code = await errorCode(signWithWallet(ENCRYPTED, RFC_ADDRESS, `${MASTER}x`, "p"));
    expect(code).toBe("decrypt_failed");
  });

  it("a ciphertext swapped onto another wallet's address fails", async () => {
    const other = await generateWallet(MASTER);
    expect(await errorCode(signWithWallet(ENCRYPTED, other.address, MASTER, "p"))).toBe("decrypt_failed");
    expect(await errorCode(signWithWallet(other.encryptedPrivateKey, RFC_ADDRESS, MASTER, "p"))).toBe("decrypt_failed");
  });

  it("a tampered ciphertext fails", async () => {
    const last = ENCRYPTED.at(-2) === "A" ? "B" : "A";
    const tampered = ENCRYPTED.slice(0, -2) + last + ENCRYPTED.slice(-1);
    expect(await errorCode(signWithWallet(tampered, RFC_ADDRESS, MASTER, "p"))).toBe("decrypt_failed");
  });

  it.each([
    "",
    "v1",
    "v2.AAECAwQFBgcICQoL.AAAA",
    "v1.AAEC.AAAAAAAAAAAAAAAAAAAAAAAA",
    "v1.AAECAwQFBgcICQoL.@@@",
    `${ENCRYPTED}.x`,
  ])("rejects malformed stored key %j", async (stored) => {
    expect(await errorCode(signWithWallet(stored, RFC_ADDRESS, MASTER, "p"))).toBe("malformed");
  });

  it("rejects a short master key and a bad address", async () => {
    expect(await errorCode(generateWallet("too-short"))).toBe("weak_master_key");
    expect(await errorCode(signWithWallet(ENCRYPTED, RFC_ADDRESS, "short", "p"))).toBe("weak_master_key");
    expect(await errorCode(signWithWallet(ENCRYPTED, "RDxyz", MASTER, "p"))).toBe("malformed");
  });
});

describe("verifyWalletSignature never throws", () => {
  it("rejects a tampered signature", async () => {
    const flipped = (SIG_HELLO[0] === "f" ? "g" : "f") + SIG_HELLO.slice(1);
    expect(await verifyWalletSignature(RFC_PUBLIC, "hello roadchain", SIG_HELLO)).toBe(true);
    expect(await verifyWalletSignature(RFC_PUBLIC, "hello roadchain", flipped)).toBe(false);
  });

  it("rejects a non-canonical encoding of a valid signature", async () => {
    // 64 bytes → 86 chars; the last char carries 2 unused low bits. "Q" (16) → "R" (17)
    // decodes to the same bytes, but only one spelling is accepted.
    expect(SIG_HELLO.at(-1)).toBe("Q");
    expect(await verifyWalletSignature(RFC_PUBLIC, "hello roadchain", `${SIG_HELLO.slice(0, -1)}R`)).toBe(false);
  });

  it.each<[string, unknown, unknown, unknown]>([
    ["empty strings", "", "", ""],
    ["padded signature", RFC_PUBLIC, "", `${RFC_SIG_EMPTY}==`],
    ["standard base64 alphabet", RFC_PUBLIC.replace(/_/g, "/"), "", RFC_SIG_EMPTY],
    ["short signature", RFC_PUBLIC, "", RFC_SIG_EMPTY.slice(0, 40)],
    ["short public key", RFC_PUBLIC.slice(0, 20), "", RFC_SIG_EMPTY],
    ["non-string inputs", 42, null, {}],
    ["1 MB of junk", "x".repeat(1 << 20), "", "!".repeat(100)],
  ])("%s → false", async (_name, pub, payload, sig) => {
    await expect(verifyWalletSignature(pub as string, payload as string, sig as string)).resolves.toBe(false);
  });
});

describe("isValidAddress", () => {
  it.each([
    [RFC_ADDRESS, true],
    [`RD${"0".repeat(38)}`, true],
    [`rd${"0".repeat(38)}`, false],
    [`RD${"0".repeat(37)}`, false],
    [`RD${"0".repeat(39)}`, false],
    [`RD${"A".repeat(38)}`, false],
    [` ${RFC_ADDRESS}`, false],
    [null, false],
  ])("%j → %s", (input, ok) => {
    expect(isValidAddress(input)).toBe(ok);
  });
});
