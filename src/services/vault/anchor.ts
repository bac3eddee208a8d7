import { and, asc, eq, gte, sql } from "drizzle-orm";
import { blocks, transactions, vaultEntries, wallets } from "../../db/schema/index.ts";
import { signWithWallet } from "../../lib/crypto/wallet-keys.ts";
import type { Database } from "../../lib/db.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { bytesToHex, hexToBytes } from "../chain/block-hash.ts";
import { hashTransaction, type TransactionPayload, transactionSigningPayload } from "../chain/transaction-hash.ts";
import { blockSummaryView, headerOf, transactionView } from "../chain/views.ts";
import { anchorMessage } from "./canonical.ts";
import { anchorStatus, type EntryRow, getEntry } from "./entries.ts";

/**
 * The anchor's amount: the smallest transfer (the ledger's CHECK requires amount > 0). Sent to the
 * owner's own wallet, it moves nothing (debit and credit cancel), so no balance is touched.
 */
const ANCHOR_AMOUNT = "0.00010000";
const ZERO = "0.00000000";

/**
 * Anchors an entry: a data-carrying RoadChain transaction, signed by the owner's wallet like any
 * transfer (same payload, hash and signature rules, so the checker in docs/roadchain.md verifies it): from the
 * owner's address to itself, the smallest amount (a self-transfer: no balance moves), fee 0,
 * message `roadchain-vault-v1:sha256:<hex>`. It is
 * written pending, with the entry's pointer to it and an event, in one batch; a miner includes it
 * in a block like any other pending transaction. An entry is anchored once (409 after that).
 */
export async function requestAnchor(
  db: Database,
  deps: { masterKey: string; chain: string },
  userId: number,
  id: string,
): Promise<EntryRow> {
  const entry = await getEntry(db, userId, id);
  if (entry.anchorTxHash)
    throw conflict("This entry is already anchored (or its anchor is waiting for a block)", "already-anchored");
  const [wallet] = await db
    .select()
    .from(wallets)
    .where(and(eq(wallets.userId, userId), eq(wallets.isPrimary, true)));
  if (!wallet) throw notFound("You have no wallet to sign the anchor with");
  const payload: TransactionPayload = {
    from_address: wallet.address,
    to_address: wallet.address,
    amount: ANCHOR_AMOUNT,
    fee: ZERO,
    message: anchorMessage(entry.sha256),
    timestamp: Date.now(),
    nonce: crypto.randomUUID(),
  };
  const signature = await signWithWallet(
    wallet.encryptedPrivateKey,
    wallet.address,
    deps.masterKey,
    transactionSigningPayload(payload),
  );
  const hash = await hashTransaction(payload);
  const [claimed] = await db.batch([
    db
      .update(vaultEntries)
      .set({ anchorTxHash: hash, anchorChain: deps.chain, anchorRequestedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(vaultEntries.id, id), eq(vaultEntries.userId, userId), sql`${vaultEntries.anchorTxHash} is null`))
      .returning({ id: vaultEntries.id }),
    db.execute(sql`
      insert into transactions (chain, transaction_hash, from_address, to_address, amount, fee, message, nonce, timestamp_ms, signature, sender_public_key)
      select ${deps.chain}, ${hash}, ${payload.from_address}, ${payload.to_address}, ${ANCHOR_AMOUNT}::numeric, 0, ${payload.message}, ${payload.nonce},
             ${payload.timestamp}::bigint, ${signature}, ${wallet.publicKey}
      where exists (select 1 from vault_entries where id = ${id} and anchor_tx_hash = ${hash})`),
    db.execute(sql`
      insert into vault_events (entry_id, type, detail)
      select ${id}, 'anchor_requested', jsonb_build_object('chain', ${deps.chain}::text, 'transaction_hash', ${hash}::text)
      where exists (select 1 from vault_entries where id = ${id} and anchor_tx_hash = ${hash})`),
  ]);
  if (claimed.length === 0)
    throw conflict("This entry is already anchored (or its anchor is waiting for a block)", "already-anchored");
  return getEntry(db, userId, id);
}

/** The Merkle path of leaf `index`: siblings bottom-up, each with its side; a promoted node has none at that level. */
export async function merklePath(
  leaves: string[],
  index: number,
): Promise<Array<{ position: "left" | "right"; hash: string }>> {
  const path: Array<{ position: "left" | "right"; hash: string }> = [];
  let level = leaves.map(hexToBytes);
  let i = index;
  while (level.length > 1) {
    const next: Uint8Array<ArrayBuffer>[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const right = level[j + 1];
      if (right === undefined) next.push(level[j]!);
      else {
        const buf = new Uint8Array(64);
        buf.set(level[j]!, 0);
        buf.set(right, 32);
        next.push(new Uint8Array(await crypto.subtle.digest("SHA-256", buf)));
      }
    }
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length)
      path.push({ position: i % 2 === 0 ? "right" : "left", hash: bytesToHex(level[sibling]!) });
    level = next;
    i = Math.floor(i / 2);
  }
  return path;
}

/** At most this many headers after the anchoring block are returned (the rest: fetch from /api/blockchain/blocks). */
export const MAX_PROOF_HEADERS = 10_000;

/**
 * Everything a third party needs to check an anchored entry offline: the canonical text and its
 * hash, the transaction (every signed field, key and signature), its Merkle path to the block's
 * root, the block's header and hash, and the headers from that block to the current head.
 */
export async function buildProof(db: Database, userId: number, id: string) {
  const entry = await getEntry(db, userId, id);
  if (anchorStatus(entry) !== "anchored") throw conflict("This entry is not anchored in a block yet", "not-anchored");
  const chain = entry.anchorChain!;
  const height = entry.anchorBlockHeight!;
  const [blockTxs, chainBlocks] = await db.batch([
    db
      .select()
      .from(transactions)
      .where(and(eq(transactions.chain, chain), eq(transactions.blockHeight, height)))
      .orderBy(asc(transactions.id)),
    db
      .select()
      .from(blocks)
      .where(and(eq(blocks.chain, chain), gte(blocks.height, height)))
      .orderBy(asc(blocks.height))
      .limit(MAX_PROOF_HEADERS + 1),
  ]);
  const index = blockTxs.findIndex((t) => t.transactionHash === entry.anchorTxHash);
  const block = chainBlocks[0];
  if (index < 0 || !block || block.height !== height) throw new Error("anchored transaction not found in its block");
  const header = (b: (typeof chainBlocks)[number]) => ({ ...headerOf(b), hash: b.hash });
  return {
    format: "roadchain-vault-proof-v1",
    entry: {
      id: entry.id,
      title: entry.title,
      author: entry.author,
      canonical_text: entry.canonicalText,
      sha256: entry.sha256,
      sha512: entry.sha512,
      sha3_256: entry.sha3256,
    },
    transaction: transactionView(blockTxs[index]!),
    merkle: {
      leaf_index: index,
      leaf_count: blockTxs.length,
      path: await merklePath(
        blockTxs.map((t) => t.transactionHash),
        index,
      ),
      root: block.merkleRoot,
    },
    block: { ...blockSummaryView(block), header: headerOf(block) },
    chain: {
      name: chain,
      headers: chainBlocks.slice(1, MAX_PROOF_HEADERS + 1).map(header),
      head_height: chainBlocks[chainBlocks.length - 1]!.height,
      truncated: chainBlocks.length > MAX_PROOF_HEADERS,
    },
  };
}
