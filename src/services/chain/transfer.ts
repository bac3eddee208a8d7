// Transfers between RoadChain wallets: exact amounts, signed with the sender's Ed25519 key
// (decrypted only in memory, only for this signature), balances moved in one database
// transaction under row locks. The transaction stays pending until a block includes it.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { transactions, wallets } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";
import { signWithWallet } from "../../lib/crypto/wallet-keys.ts";
import { ApiError, notFound, unprocessable } from "../../lib/errors.ts";
import { completeIdempotent, type IdempotencyClaim } from "../idempotency.ts";
import { AmountError, addUnits, formatAmount, parseAmount, subUnits } from "./amount.ts";
import { transactionView, type TransactionView } from "./ledger.ts";
import { hashTransaction, transactionSigningPayload, type TransactionPayload } from "./transaction-hash.ts";

/** 0.0001 coins: the smallest transfer (the original's MIN_TRANSACTION_AMOUNT). */
export const MIN_TRANSFER_UNITS = 10_000n;
/** Transfers are free (the original's fee was always 0). */
export const TRANSFER_FEE = "0.00000000";
export const MAX_MESSAGE_LENGTH = 500;

export type TransferDeps = {
  db: Database;
  masterKey: string;
  chain: string;
  /** Clock, for tests. */
  now?: () => number;
};

export type TransferInput = {
  userId: number;
  toAddress: string;
  amountUnits: bigint;
  message: string | null;
  idempotency?: IdempotencyClaim;
};

export const insufficientBalance = () => new ApiError(400, "insufficient-balance", "Insufficient balance");

export async function createTransfer(deps: TransferDeps, input: TransferInput): Promise<TransactionView> {
  const { db } = deps;
  if (input.amountUnits < MIN_TRANSFER_UNITS) {
    throw unprocessable("Transactions must be at least 0.0001 coins", [{ path: "amount", message: "must be at least 0.0001" }]);
  }
  const [sender] = await db
    .select()
    .from(wallets)
    .where(and(eq(wallets.userId, input.userId), eq(wallets.isPrimary, true)))
    .limit(1);
  if (!sender) throw notFound("You have no wallet");
  if (input.toAddress === sender.address) {
    throw unprocessable("You cannot send coins to your own wallet", [{ path: "to_address", message: "is your own wallet" }]);
  }
  const [recipient] = await db
    .select({ id: wallets.id })
    .from(wallets)
    .where(eq(wallets.address, input.toAddress))
    .limit(1);
  if (!recipient) throw notFound("Recipient wallet not found");
  const fee = parseAmount(TRANSFER_FEE);
  const debit = addUnits(input.amountUnits, fee);
  // Cheap early answer; the authoritative check runs again under the row lock below.
  if (parseAmount(sender.balance) < debit) throw insufficientBalance();

  const payload: TransactionPayload = {
    from_address: sender.address,
    to_address: input.toAddress,
    amount: formatAmount(input.amountUnits),
    fee: TRANSFER_FEE,
    message: input.message,
    timestamp: (deps.now ?? Date.now)(),
    nonce: crypto.randomUUID(),
  };
  // Signed before the database transaction, so no lock is held while the key is decrypted.
  const signature = await signWithWallet(
    sender.encryptedPrivateKey,
    sender.address,
    deps.masterKey,
    transactionSigningPayload(payload),
  );
  const hash = await hashTransaction(payload);

  const row = await db.transaction(async (tx) => {
    // Both wallets locked in id order (two opposite transfers cannot deadlock), then re-read.
    const locked = await tx
      .select({ id: wallets.id, balance: wallets.balance })
      .from(wallets)
      .where(inArray(wallets.id, [sender.id, recipient.id]))
      .orderBy(asc(wallets.id))
      .for("update");
    const from = locked.find((w) => w.id === sender.id);
    const to = locked.find((w) => w.id === recipient.id);
    if (!from) throw notFound("You have no wallet");
    if (!to) throw notFound("Recipient wallet not found");
    const fromBalance = parseAmount(from.balance);
    if (fromBalance < debit) throw insufficientBalance();
    try {
      subUnits(fromBalance, debit);
      addUnits(parseAmount(to.balance), input.amountUnits);
    } catch (err) {
      if (err instanceof AmountError) throw unprocessable("The recipient's balance would exceed the largest amount");
      throw err;
    }

    await tx
      .update(wallets)
      .set({ balance: sql`${wallets.balance} - ${formatAmount(debit)}::numeric`, updatedAt: sql`now()` })
      .where(eq(wallets.id, sender.id));
    await tx
      .update(wallets)
      .set({ balance: sql`${wallets.balance} + ${payload.amount}::numeric`, updatedAt: sql`now()` })
      .where(eq(wallets.id, recipient.id));
    const [inserted] = await tx
      .insert(transactions)
      .values({
        chain: deps.chain,
        transactionHash: hash,
        fromAddress: payload.from_address,
        toAddress: payload.to_address,
        amount: payload.amount,
        fee: payload.fee,
        message: payload.message,
        nonce: payload.nonce,
        timestampMs: payload.timestamp,
        signature,
        senderPublicKey: sender.publicKey,
      })
      .returning();
    if (!inserted) throw new Error("transaction insert returned no row");
    if (input.idempotency) await completeIdempotent(tx, input.idempotency, 201, transactionView(inserted));
    return inserted;
  });
  return transactionView(row);
}

export type WalletView = { address: string; balance: string; label: string; public_key: string };

export async function primaryWallet(db: Database, userId: number): Promise<WalletView | undefined> {
  const [row] = await db
    .select({ address: wallets.address, balance: wallets.balance, label: wallets.label, publicKey: wallets.publicKey })
    .from(wallets)
    .where(and(eq(wallets.userId, userId), eq(wallets.isPrimary, true)))
    .limit(1);
  if (!row) return undefined;
  return {
    address: row.address,
    balance: formatAmount(parseAmount(row.balance)),
    label: row.label ?? "Primary Wallet",
    public_key: row.publicKey,
  };
}
