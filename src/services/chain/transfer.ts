// Transfers between RoadChain wallets: exact amounts, signed with the sender's Ed25519 key
// (decrypted only in memory, only for this signature), balances moved in one database
// transaction under row locks. The transaction stays pending until a block includes it.
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { transactions, wallets } from "../../db/schema/index.ts";
import { signWithWallet } from "../../lib/crypto/wallet-keys.ts";
import type { Database } from "../../lib/db.ts";
import { ApiError, notFound, unprocessable } from "../../lib/errors.ts";
import { type AuditActor, auditStatement } from "../audit.ts";
import {
  claimIsOursSql,
  completeIdempotentStatement,
  type IdempotencyClaim,
  IdempotencySupersededError,
  lockClaimStatement,
} from "../idempotency.ts";
import { addUnits, formatAmount, MAX_UNITS, parseAmount } from "./amount.ts";
import { hashTransaction, type TransactionPayload, transactionSigningPayload } from "./transaction-hash.ts";
import { type TransactionView, transactionView } from "./views.ts";

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
  /** Who asked: the `wallet.transfer` audit event is written in the transfer's own batch. */
  actor?: AuditActor;
};

export const insufficientBalance = () => new ApiError(400, "insufficient-balance", "Insufficient balance");
const balanceOverflow = () => unprocessable("The recipient's balance would exceed the largest amount");

/**
 * The transfer, in two round trips to Postgres and no interactive transaction:
 *
 *   1. one read: the sender's primary wallet and the recipient (checks, then the signature is made
 *      outside any lock);
 *   2. one HTTP batch, which Neon runs as one transaction: lock both wallets in id order (two
 *      opposite transfers cannot deadlock; the idempotency claim first, when there is one), then
 *      one statement that debits, credits and inserts only if every condition holds on the locked
 *      rows, then (with a key) the idempotency record and (with an actor) the audit event, only if
 *      the transfer was inserted.
 *
 * Locks are held for one batch on the database side instead of ~7 client round trips, which is
 * what lets transfers between the same wallets run back to back. Nothing is half-written: the
 * move is one statement, and the batch commits or rolls back as a whole.
 */
export async function createTransfer(deps: TransferDeps, input: TransferInput): Promise<TransactionView> {
  const { db } = deps;
  if (input.amountUnits < MIN_TRANSFER_UNITS) {
    throw unprocessable("Transactions must be at least 0.0001 coins", [
      { path: "amount", message: "must be at least 0.0001" },
    ]);
  }
  const senderAndRecipient = db.prepared("transfer-wallets", (http) =>
    http
      .select()
      .from(wallets)
      .where(
        or(
          and(eq(wallets.userId, sql.placeholder("userId")), eq(wallets.isPrimary, true)),
          eq(wallets.address, sql.placeholder("toAddress")),
        ),
      )
      .prepare("transfer_wallets"),
  );
  const found = await senderAndRecipient.execute({ userId: input.userId, toAddress: input.toAddress });
  const sender = found.find((w) => w.userId === input.userId && w.isPrimary);
  if (!sender) throw notFound("You have no wallet");
  if (input.toAddress === sender.address) {
    throw unprocessable("You cannot send coins to your own wallet", [
      { path: "to_address", message: "is your own wallet" },
    ]);
  }
  const recipient = found.find((w) => w.address === input.toAddress);
  if (!recipient) throw notFound("Recipient wallet not found");
  const debit = addUnits(input.amountUnits, parseAmount(TRANSFER_FEE));
  // Cheap early answers; the authoritative checks run again on the locked rows.
  if (parseAmount(sender.balance) < debit) throw insufficientBalance();
  if (parseAmount(recipient.balance) + input.amountUnits > MAX_UNITS) throw balanceOverflow();

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
  // Everything but the id is known here; the database assigns the id inside the batch.
  const view = transactionView({
    id: 0,
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
    blockHeight: null,
    isConfirmed: false,
    createdAt: new Date(payload.timestamp),
    confirmedAt: null,
  });

  const claim = input.idempotency;
  const lockWallets = db
    .select({ id: wallets.id, balance: wallets.balance })
    .from(wallets)
    .where(inArray(wallets.id, [sender.id, recipient.id]))
    .orderBy(asc(wallets.id))
    .for("update");
  const debitText = formatAmount(debit);
  const move = db.execute<{ id: number }>(sql`
    with debit as (
      update wallets set balance = balance - ${debitText}::numeric, updated_at = now()
      where id = ${sender.id} and balance >= ${debitText}::numeric
        and exists (select 1 from wallets where id = ${recipient.id}
                    and balance + ${payload.amount}::numeric <= ${formatAmount(MAX_UNITS)}::numeric)
        and ${claim ? claimIsOursSql(claim) : sql`true`}
      returning id
    ), credit as (
      update wallets set balance = balance + ${payload.amount}::numeric, updated_at = now()
      where id = ${recipient.id} and exists (select 1 from debit)
      returning id
    )
    insert into transactions (chain, transaction_hash, from_address, to_address, amount, fee, message,
                              nonce, timestamp_ms, signature, sender_public_key, created_at)
    select ${deps.chain}, ${hash}, ${payload.from_address}, ${payload.to_address}, ${payload.amount}::numeric,
           ${payload.fee}::numeric, ${payload.message}, ${payload.nonce}, ${payload.timestamp}::bigint,
           ${signature}, ${sender.publicKey}, ${view.created_at}::timestamptz
    where exists (select 1 from credit)
    returning id`);

  // Statements after `move` see its row: they run only if the transfer was written.
  const insertedId = sql`(select id from ${transactions} where ${transactions.transactionHash} = ${hash})`;
  const written = sql`${insertedId} is not null`;
  const auditRow = input.actor
    ? [
        auditStatement(
          db,
          {
            ...input.actor,
            type: "wallet.transfer",
            metadata: sql`jsonb_build_object('chain', ${deps.chain}::text, 'transaction_id', ${insertedId}, 'amount', ${payload.amount}::text)`,
          },
          written,
        ),
      ]
    : [];
  let locked: { id: number; balance: string }[];
  let inserted: { id: number } | undefined;
  if (claim) {
    const [claimRows, lockedRows, moved] = await db.batch([
      lockClaimStatement(db, claim),
      lockWallets,
      move,
      completeIdempotentStatement(
        db,
        claim,
        201,
        sql`jsonb_set(${JSON.stringify(view)}::jsonb, '{id}', to_jsonb(${insertedId}))`,
        written,
      ),
      ...auditRow,
    ]);
    [locked, inserted] = [lockedRows, moved.rows[0]];
    if (!inserted && !claimRows.some((r) => r.token === claim.token && r.status === "pending")) {
      throw new IdempotencySupersededError("the idempotency claim was lost before the commit");
    }
  } else {
    const [lockedRows, moved] = await db.batch([lockWallets, move, ...auditRow]);
    [locked, inserted] = [lockedRows, moved.rows[0]];
  }
  if (inserted) return { ...view, id: inserted.id };

  // Nothing was written: say why, from the rows as they were under the lock.
  const from = locked.find((w) => w.id === sender.id);
  const to = locked.find((w) => w.id === recipient.id);
  if (!from) throw notFound("You have no wallet");
  if (!to) throw notFound("Recipient wallet not found");
  if (parseAmount(from.balance) < debit) throw insufficientBalance();
  if (parseAmount(to.balance) + input.amountUnits > MAX_UNITS) throw balanceOverflow();
  throw new Error("transfer was not applied although every condition held");
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
