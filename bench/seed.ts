/**
 * Seeds the bench database with realistic data, straight into Postgres (multi-row INSERTs over
 * unnest() arrays: seconds, not minutes), but built with the project's own functions so that
 * everything the API checks holds:
 *
 *   users + wallets   one bcrypt hash at the configured cost (src/lib/password.ts) shared by every
 *                     user, one Ed25519 wallet each (src/lib/crypto/wallet-keys.ts, encrypted under
 *                     the bench's WALLET_MASTER_KEY so transfers can sign)
 *   transactions      signed by the sender's wallet, hashed by src/services/chain/transaction-hash.ts
 *   blocks            the fixed genesis block, then real proof of work (src/services/chain/proof-of-work.ts)
 *                     at a low difficulty over real merkle roots: GET /verify over them is a full check
 *   balances          exact: start + received − sent + mining rewards
 *   mail, posts       system folders, messages with sender/recipient copies, posts (100,000, full-text
 *                     indexed, words from SEARCH_VOCABULARY: the search benchmark), likes, comments, follows
 *   scale             scaledSeedOptions: BENCH_SCALE=10 multiplies every table by ten
 *
 * The RoadChain Durable Object starts with empty storage and adopts the database's tail as its
 * head on first use (RoadChainDO #initialise: "trust on first use"); run.ts checks with /verify.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { generateWallet, signWithWallet } from "../src/lib/crypto/wallet-keys.ts";
import { hashPassword } from "../src/lib/password.ts";
import { formatAmount, parseAmount } from "../src/services/chain/amount.ts";
import { genesisBlock } from "../src/services/chain/block-hash.ts";
import { merkleRoot } from "../src/services/chain/merkle.ts";
import { mineHeader } from "../src/services/chain/proof-of-work.ts";
import {
  hashTransaction,
  type TransactionPayload,
  transactionSigningPayload,
} from "../src/services/chain/transaction-hash.ts";

export type SeedOptions = {
  databaseUrl: string;
  masterKey: string;
  bcryptRounds: number;
  users?: number;
  /** Including the genesis block. */
  blocks?: number;
  transactions?: number;
  /** Of `transactions`, how many stay pending (the mining benchmark includes them in new blocks). */
  pending?: number;
  /** Proof-of-work difficulty of the seeded blocks (the running chain keeps its configured one). */
  chainDifficulty?: number;
  emails?: number;
  posts?: number;
  likes?: number;
  follows?: number;
  /** Comments on random posts (the feed's "first comments"). */
  comments?: number;
};

/**
 * The seed's size: scale 1 is today's bench (1,000 users, 10,000 blocks, 50,000 transactions, 5,000
 * mails, 100,000 posts); `BENCH_SCALE=10` multiplies every table by ten (10,000 users, 100,000 blocks,
 * 500,000 transactions, 50,000 mails, 1,000,000 posts, likes, follows) except the pending pool, whose
 * size follows the mining rate, not the history (5,000 at every scale).
 */
export function scaledSeedOptions(scale: number): Partial<SeedOptions> {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`BENCH_SCALE must be a positive integer, not ${scale}`);
  if (scale === 1) return {};
  return {
    users: 1_000 * scale,
    blocks: 10_000 * scale,
    transactions: 50_000 * scale,
    pending: 5_000,
    emails: 5_000 * scale,
    posts: 100_000 * scale,
    likes: 10_000 * scale,
    follows: 5_000 * scale,
    comments: 20_000 * scale,
  };
}

export type SeedUser = { id: number; username: string; address: string };

export type SeedResult = {
  password: string;
  users: SeedUser[];
  /** Hashes of some seeded transactions (for GET /api/blockchain/transactions/{hash}). */
  sampleTxHashes: string[];
  /** Queries for GET /api/search: a mid-frequency word (a few hundred posts) and the prefix of another, as typed. */
  searchQueries: string[];
  tip: { height: number; hash: string };
  counts: Record<string, number>;
  seconds: Record<string, number>;
};

export const SEED_PASSWORD = "tangerine-lighthouse-47";
const START_BALANCE_UNITS = parseAmount("1000000");
const REWARD = "50.00000000";
const CHUNK = 5_000;
/**
 * The five system folders of every mailbox (the types src/services/email/folders.ts creates; that
 * module cannot be imported here: Node's type stripping rejects src/lib/errors.ts).
 */
const SYSTEM_FOLDERS = [
  { name: "Inbox", folderType: "inbox", icon: "📥" },
  { name: "Sent", folderType: "sent", icon: "📤" },
  { name: "Drafts", folderType: "drafts", icon: "📝" },
  { name: "Spam", folderType: "spam", icon: "🚫" },
  { name: "Trash", folderType: "trash", icon: "🗑️" },
];

export async function seed(opts: SeedOptions): Promise<SeedResult> {
  const o = {
    users: 1_000,
    blocks: 10_000,
    transactions: 50_000,
    pending: 5_000,
    chainDifficulty: 2,
    emails: 5_000,
    posts: 100_000,
    likes: 10_000,
    follows: 5_000,
    comments: 20_000,
    ...opts,
  };
  const rand = mulberry32(20260101);
  const pick = (n: number) => Math.floor(rand() * n);
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
    }
  };

  // ---- users and wallets ----
  const hashedPassword = await timed("bcrypt", () => hashPassword(SEED_PASSWORD, o.bcryptRounds));
  const wallets = await timed("wallets", () => inBatches(o.users, 100, () => generateWallet(opts.masterKey)));
  const users = wallets.map((w, i) => ({
    id: i + 1,
    username: `user${String(i + 1).padStart(4, "0")}`,
    address: w.address,
  }));
  const balances = users.map(() => START_BALANCE_UNITS);

  // ---- transactions (confirmed ones first, in block order; then the pending ones) ----
  const now = Date.now();
  const blockInterval = 60_000;
  const firstBlockTs = now - (o.blocks + 5) * blockInterval;
  const blockTs = (h: number) => firstBlockTs + h * blockInterval;
  const confirmedCount = o.transactions - o.pending;
  const minedBlocks = o.blocks - 1;
  // Transactions per mined block: an even spread of the confirmed ones, remainder to the first blocks.
  const perBlock = (h: number) =>
    Math.floor(confirmedCount / minedBlocks) + (h <= confirmedCount % minedBlocks ? 1 : 0);

  type Tx = {
    payload: TransactionPayload;
    sender: number;
    recipient: number;
    units: bigint;
    blockHeight: number | null;
    hash: string;
    signature: string;
  };
  const txs: Tx[] = [];
  for (let h = 1; h <= minedBlocks; h++) {
    for (let j = 0, n = perBlock(h); j < n; j++) txs.push(draft(h, blockTs(h) - 30_000 + j));
  }
  const lastTs = blockTs(minedBlocks);
  for (let j = 0; j < o.pending; j++) txs.push(draft(null, lastTs + 1_000 + j));

  function draft(blockHeight: number | null, timestamp: number): Tx {
    const sender = pick(o.users);
    let recipient = pick(o.users - 1);
    if (recipient >= sender) recipient++;
    const units = BigInt(1 + pick(500_000)) * 1_000n; // 0.00001 … 5 coins
    balances[sender] = balances[sender]! - units;
    balances[recipient] = balances[recipient]! + units;
    const payload: TransactionPayload = {
      from_address: users[sender]!.address,
      to_address: users[recipient]!.address,
      amount: formatAmount(units),
      fee: "0.00000000",
      message: rand() < 0.2 ? `bench payment ${txs.length + 1}` : null,
      timestamp,
      nonce: randomUUID(),
    };
    return { payload, sender, recipient, units, blockHeight, hash: "", signature: "" };
  }
  await timed("sign", () =>
    inBatches(txs.length, 500, async (i) => {
      const t = txs[i]!;
      const text = transactionSigningPayload(t.payload);
      [t.signature, t.hash] = await Promise.all([
        signWithWallet(wallets[t.sender]!.encryptedPrivateKey, t.payload.from_address, opts.masterKey, text),
        hashTransaction(t.payload),
      ]);
    }),
  );

  // ---- blocks: genesis, then proof of work on top of each other ----
  type Block = {
    height: number;
    ts: number;
    prev: string;
    merkle: string;
    nonce: number;
    difficulty: number;
    miner: number | null;
    hash: string;
    count: number;
  };
  const genesis = await genesisBlock();
  const chain: Block[] = [
    {
      height: 0,
      ts: genesis.header.timestamp,
      prev: genesis.header.previous_hash,
      merkle: genesis.header.merkle_root,
      nonce: 0,
      difficulty: 0,
      miner: null,
      hash: genesis.hash,
      count: 0,
    },
  ];
  await timed("mine", async () => {
    let k = 0;
    for (let h = 1; h <= minedBlocks; h++) {
      const n = perBlock(h);
      const hashes = txs.slice(k, k + n).map((t) => t.hash);
      k += n;
      const miner = pick(o.users);
      balances[miner] = balances[miner]! + parseAmount(REWARD);
      const prev = chain[h - 1]!;
      const mined = await mineHeader(
        {
          height: h,
          timestamp: blockTs(h),
          previous_hash: prev.hash,
          merkle_root: await merkleRoot(hashes),
          miner_address: users[miner]!.address,
          reward: REWARD,
          transaction_count: n,
        },
        o.chainDifficulty,
      );
      chain.push({
        height: h,
        ts: blockTs(h),
        prev: prev.hash,
        merkle: mined.header.merkle_root,
        nonce: mined.nonce,
        difficulty: o.chainDifficulty,
        miner,
        hash: mined.hash,
        count: n,
      });
    }
  });
  if (balances.some((b) => b < 0n)) throw new Error("seed: a balance went negative; lower the amounts");

  // ---- write ----
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    await timed("insert", async () => {
      const insert = async (table: string, columns: [string, string][], rows: unknown[][], extra = "") => {
        for (let start = 0; start < rows.length; start += CHUNK) {
          const chunk = rows.slice(start, start + CHUNK);
          const arrays = columns.map((_, c) => chunk.map((r) => r[c]));
          const names = columns.map(([n]) => n).join(", ");
          const unnest = columns.map(([, type], c) => `$${c + 1}::${type}[]`).join(", ");
          await client.query(`insert into ${table} (${names}) ${extra} select * from unnest(${unnest})`, arrays);
        }
        counts[table] = (counts[table] ?? 0) + rows.length;
      };
      const OVERRIDE = "overriding system value";
      await client.query("begin");
      await insert(
        "users",
        [
          ["id", "int"],
          ["username", "text"],
          ["email", "text"],
          ["hashed_password", "text"],
          ["full_name", "text"],
          ["is_verified", "bool"],
        ],
        users.map((u) => [
          u.id,
          u.username,
          `${u.username}@bench.blackroad.test`,
          hashedPassword,
          `Bench User ${u.id}`,
          rand() < 0.5,
        ]),
        OVERRIDE,
      );
      await insert(
        "wallets",
        [
          ["id", "int"],
          ["user_id", "int"],
          ["address", "text"],
          ["public_key", "text"],
          ["encrypted_private_key", "text"],
          ["balance", "numeric"],
          ["label", "text"],
          ["is_primary", "bool"],
        ],
        users.map((u, i) => [
          u.id,
          u.id,
          u.address,
          wallets[i]!.publicKey,
          wallets[i]!.encryptedPrivateKey,
          formatAmount(balances[i]!),
          "Primary Wallet",
          true,
        ]),
        OVERRIDE,
      );
      // The blocks_confirmed_total trigger looks up each row's parent; in one bulk statement its plan,
      // made while the table was empty, scans the table for every row (quadratic: hours at 100,000
      // blocks). The seed knows the running sum, so it writes it and the trigger sleeps meanwhile.
      await client.query("alter table blocks disable trigger blocks_confirmed_total");
      let runningTotal = 0;
      await insert(
        "blocks",
        [
          ["id", "int"],
          ["chain", "text"],
          ["height", "int"],
          ["timestamp_ms", "bigint"],
          ["previous_hash", "text"],
          ["merkle_root", "text"],
          ["nonce", "bigint"],
          ["difficulty", "int"],
          ["miner_id", "int"],
          ["miner_address", "text"],
          ["reward", "numeric"],
          ["transaction_count", "int"],
          ["hash", "text"],
          ["created_at", "timestamptz"],
          ["confirmed_total", "bigint"],
        ],
        chain.map((b) => [
          b.height + 1,
          "main",
          b.height,
          b.ts,
          b.prev,
          b.merkle,
          b.nonce,
          b.difficulty,
          b.miner === null ? null : users[b.miner]!.id,
          b.miner === null ? null : users[b.miner]!.address,
          b.miner === null ? "0" : REWARD,
          b.count,
          b.hash,
          new Date(b.height === 0 ? firstBlockTs : b.ts).toISOString(),
          (runningTotal += b.count),
        ]),
        OVERRIDE,
      );
      await client.query("alter table blocks enable trigger blocks_confirmed_total");
      await insert(
        "transactions",
        [
          ["id", "int"],
          ["chain", "text"],
          ["transaction_hash", "text"],
          ["from_address", "text"],
          ["to_address", "text"],
          ["amount", "numeric"],
          ["fee", "numeric"],
          ["message", "text"],
          ["nonce", "text"],
          ["timestamp_ms", "bigint"],
          ["signature", "text"],
          ["sender_public_key", "text"],
          ["block_height", "int"],
          ["is_confirmed", "bool"],
          ["created_at", "timestamptz"],
          ["confirmed_at", "timestamptz"],
        ],
        txs.map((t, i) => [
          i + 1,
          "main",
          t.hash,
          t.payload.from_address,
          t.payload.to_address,
          t.payload.amount,
          t.payload.fee,
          t.payload.message,
          t.payload.nonce,
          t.payload.timestamp,
          t.signature,
          wallets[t.sender]!.publicKey,
          t.blockHeight,
          t.blockHeight !== null,
          new Date(t.payload.timestamp).toISOString(),
          t.blockHeight === null ? null : new Date(blockTs(t.blockHeight)).toISOString(),
        ]),
        OVERRIDE,
      );

      // Mail: the five system folders of every user, messages with the sender's and the recipient's copy.
      const folderId = (user: number, type: string) =>
        (user - 1) * SYSTEM_FOLDERS.length + SYSTEM_FOLDERS.findIndex((f) => f.folderType === type) + 1;
      await insert(
        "email_folders",
        [
          ["id", "int"],
          ["user_id", "int"],
          ["name", "text"],
          ["folder_type", "text"],
          ["icon", "text"],
        ],
        users.flatMap((u) =>
          SYSTEM_FOLDERS.map((f) => [folderId(u.id, f.folderType), u.id, f.name, f.folderType, f.icon]),
        ),
        OVERRIDE,
      );
      const emailRows: unknown[][] = [];
      const mailboxRows: unknown[][] = [];
      for (let i = 1; i <= o.emails; i++) {
        const from = users[pick(o.users)]!;
        let to = users[pick(o.users)]!;
        if (to.id === from.id) to = users[from.id % o.users]!;
        const sentAt = new Date(now - pick(30 * 86_400_000)).toISOString();
        emailRows.push([
          i,
          from.id,
          `${from.username}@bench.blackroad.test`,
          `Bench User ${from.id}`,
          [`${to.username}@bench.blackroad.test`],
          `Subject ${i}`,
          `Hello ${to.username}, message ${i}.`,
          false,
          sentAt,
          sentAt,
        ]);
        mailboxRows.push([from.id, i, folderId(from.id, "sent"), "sender", true, false]);
        mailboxRows.push([to.id, i, folderId(to.id, "inbox"), "to", rand() < 0.5, rand() < 0.1]);
      }
      // unnest() cannot yield text[] values (a 2-D array unnests to scalars): messages go in as JSON.
      for (let start = 0; start < emailRows.length; start += CHUNK) {
        await client.query(
          `insert into emails (id, sender_id, sender_email, sender_name, to_addresses, subject, body, is_draft, sent_at, created_at) overriding system value
           select (r->>0)::int, (r->>1)::int, r->>2, r->>3, array(select jsonb_array_elements_text(r->4)), r->>5, r->>6, (r->>7)::bool, (r->>8)::timestamptz, (r->>9)::timestamptz
           from jsonb_array_elements($1::jsonb) r`,
          [JSON.stringify(emailRows.slice(start, start + CHUNK))],
        );
      }
      counts.emails = emailRows.length;
      await insert(
        "email_mailbox",
        [
          ["user_id", "int"],
          ["email_id", "int"],
          ["folder_id", "int"],
          ["role", "text"],
          ["is_read", "bool"],
          ["is_starred", "bool"],
        ],
        mailboxRows,
      );

      // Social: posts, unique likes (the counters follow through the triggers), unique follows.
      await insert(
        "posts",
        [
          ["id", "int"],
          ["user_id", "int"],
          ["content", "text"],
          ["created_at", "timestamptz"],
        ],
        Array.from({ length: o.posts }, (_, i) => [
          i + 1,
          users[pick(o.users)]!.id,
          `Post ${i + 1}: ${postWords(rand)}`,
          new Date(now - pick(30 * 86_400_000)).toISOString(),
        ]),
        OVERRIDE,
      );
      const likes = new Set<string>();
      while (likes.size < Math.min(o.likes, o.posts * o.users)) likes.add(`${1 + pick(o.posts)}:${1 + pick(o.users)}`);
      await insert(
        "post_likes",
        [
          ["post_id", "int"],
          ["user_id", "int"],
        ],
        [...likes].map((k) => k.split(":").map(Number)),
      );
      await insert(
        "post_comments",
        [
          ["post_id", "int"],
          ["user_id", "int"],
          ["content", "text"],
          ["created_at", "timestamptz"],
        ],
        Array.from({ length: o.comments }, (_, i) => [
          1 + pick(o.posts),
          1 + pick(o.users),
          `Comment ${i + 1}: ${postWords(rand).slice(0, 40)}`,
          new Date(now - pick(86_400_000)).toISOString(),
        ]),
      );
      const follows = new Set<string>();
      while (follows.size < Math.min(o.follows, o.users * (o.users - 1))) {
        const a = 1 + pick(o.users);
        const b = 1 + pick(o.users);
        if (a !== b) follows.add(`${a}:${b}`);
      }
      await insert(
        "follows",
        [
          ["follower_id", "int"],
          ["following_id", "int"],
        ],
        [...follows].map((k) => k.split(":").map(Number)),
      );

      for (const table of ["users", "wallets", "blocks", "transactions", "email_folders", "emails", "posts"]) {
        await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
      }
      await client.query("commit");
    });
    // Fresh statistics, as a long-running database would have: the planner sees real row counts.
    await timed("analyze", () => client.query("analyze"));
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }

  const tip = chain[chain.length - 1]!;
  const sampleTxHashes = Array.from({ length: 1_000 }, () => txs[pick(txs.length)]!.hash);
  const searchQueries = Array.from(
    { length: 200 },
    () => `${SEARCH_VOCABULARY[300 + pick(500)]} ${SEARCH_VOCABULARY[300 + pick(500)]!.slice(0, 4)}`,
  );
  return {
    password: SEED_PASSWORD,
    users,
    sampleTxHashes,
    searchQueries,
    tip: { height: tip.height, hash: tip.hash },
    counts,
    seconds,
  };
}

/** Runs `fn(i)` for i in 0..n-1, `width` at a time; results in order. */
async function inBatches<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  for (let start = 0; start < n; start += width) {
    const ids = Array.from({ length: Math.min(width, n - start) }, (_, k) => start + k);
    const results = await Promise.all(ids.map(fn));
    ids.forEach((id, k) => (out[id] = results[k]!));
  }
  return out;
}

/**
 * 4,096 made-up words of two to four syllables; posts pick them Zipf-like (the first ones often).
 * The search benchmarks (search-sql.ts, search-scales.ts) query the same words.
 */
const SYLLABLES = ["ka", "lo", "mi", "ra", "ne", "to", "su", "vi", "de", "po", "ba", "fe", "gu", "hi", "ju", "zo"];
export const SEARCH_VOCABULARY = Array.from({ length: 4_096 }, (_, i) => {
  let word = "";
  for (let n = i + 16; n > 0; n = Math.floor(n / 16)) word += SYLLABLES[n % 16];
  return word;
});
function postWords(rand: () => number): string {
  return Array.from({ length: 10 }, () => SEARCH_VOCABULARY[Math.floor(SEARCH_VOCABULARY.length * rand() ** 3)]).join(
    " ",
  );
}

/** Small deterministic PRNG, so every run seeds the same shape of data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
