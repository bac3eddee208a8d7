// The expected payload is hand-written JSON; its hash was computed independently with
// node:crypto: createHash("sha256").update(Buffer.from(PAYLOAD, "utf8")).digest("hex").
import { describe, expect, it } from "vitest";
import { AmountError } from "../../src/services/chain/amount.ts";
import {
  hashTransaction,
  type TransactionPayload,
  TX_DOMAIN,
  transactionSigningPayload,
} from "../../src/services/chain/transaction-hash.ts";

const FROM = "RD0123456789abcdef0123456789abcdef012345";
const TO = "RDfedcba9876543210fedcba9876543210fedcba";
const TX: TransactionPayload = {
  from_address: FROM,
  to_address: TO,
  amount: "10.5",
  fee: "0",
  message: "héllo ☕",
  timestamp: 1_767_225_661_234,
  nonce: "4f9d2c1e-7b8a-4c3d-9e2f-1a0b9c8d7e6f",
};
const PAYLOAD =
  `{"amount":"10.50000000","domain":"roadchain-tx-v1","fee":"0.00000000","from_address":"${FROM}",` +
  `"message":"héllo ☕","nonce":"4f9d2c1e-7b8a-4c3d-9e2f-1a0b9c8d7e6f","timestamp":1767225661234,"to_address":"${TO}"}`;
const HASH = "e1eca989946e7a59de01f8316d8425b6c0e05fea761d8d001d88fce1c0c5773a";

describe("transactionSigningPayload", () => {
  it("is JCS with normalised 8-decimal amounts and the domain tag", () => {
    expect(TX_DOMAIN).toBe("roadchain-tx-v1");
    expect(transactionSigningPayload(TX)).toBe(PAYLOAD);
  });

  it("gives the same text for equal amounts written differently", () => {
    expect(transactionSigningPayload({ ...TX, amount: "10.50000000", fee: "0.00000000" })).toBe(PAYLOAD);
  });

  it("ignores extra properties such as id or signature", () => {
    const row = { ...TX, id: 9, signature: "sig", block_height: 3 };
    expect(transactionSigningPayload(row)).toBe(PAYLOAD);
  });

  it("serialises a null message as null", () => {
    expect(transactionSigningPayload({ ...TX, message: null })).toContain('"message":null,');
  });

  it.each<[string, Partial<Record<keyof TransactionPayload, unknown>>]>([
    ["bad from_address", { from_address: "RD123" }],
    ["bad to_address", { to_address: TO.toUpperCase() }],
    ["fractional timestamp", { timestamp: 1.5 }],
    ["timestamp string", { timestamp: "1767225661234" }],
    ["empty nonce", { nonce: "" }],
    ["nonce with quote", { nonce: 'a"b' }],
    ["numeric message", { message: 5 }],
    ["lone surrogate in message", { message: "\ud800" }],
  ])("rejects %s", (_name, patch) => {
    expect(() => transactionSigningPayload({ ...TX, ...patch } as TransactionPayload)).toThrow();
  });

  it.each(["-1", "1e3", "1.123456789", "abc"])("rejects amount %j with AmountError", (amount) => {
    expect(() => transactionSigningPayload({ ...TX, amount })).toThrow(AmountError);
  });
});

describe("hashTransaction", () => {
  it("matches the independently computed vector", async () => {
    expect(await hashTransaction(TX)).toBe(HASH);
  });

  it("changes with the nonce, so identical transfers in one ms still differ", async () => {
    expect(await hashTransaction({ ...TX, nonce: "other" })).not.toBe(HASH);
  });
});
