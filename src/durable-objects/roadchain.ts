import { DurableObject } from "cloudflare:workers";
import { type AppConfig, loadConfig } from "../config.ts";
import { type Database, isUniqueViolation, openDatabase, toDatabaseUnavailable } from "../lib/db.ts";
import { genesisBlock } from "../services/chain/block-hash.ts";
import {
  type BlockProposal,
  ensureGenesisRow,
  StaleProposalError,
  writeBlock,
} from "../services/chain/block-writer.ts";
import { difficultyAt, type NextBlockRules, rewardAt, startsPeriod } from "../services/chain/issuance.ts";
import type { ChainHead } from "../services/chain/ledger.ts";
import { checkProposal } from "../services/chain/proposal-check.ts";
import { blockAtHeight, chainTail, transactionsOfBlocks } from "../services/chain/reads.ts";
import { type BlockView, blockView } from "../services/chain/views.ts";
import { IdempotencySupersededError } from "../services/idempotency.ts";
import { type BlockFeedStub, blockFeedStub, feedShardName } from "./block-feed.contract.ts";
import { MiningTurns } from "./mining-turns.ts";
import {
  type AppendResult,
  type ChainAnchor,
  MINING_LEASE_MS,
  MINING_WAIT_MS,
  type MiningTemplate,
  type MiningTicket,
  type RoadChainRpc,
} from "./roadchain.contract.ts";

/** Unresolved append attempts at head.height + 1 whose commit outcome is unknown. */
type Attempts = { height: number; hashes: string[] };

/**
 * The single writer of a RoadChain ledger: one instance per chain (production: only "main").
 * It holds the chain head (height, hash, timestamp) in its own SQLite storage and serialises appends.
 * It holds no WebSocket: after each commit it hands the block to the live feed's shards
 * (block-feed.ts) without waiting for them, so read-side traffic cannot delay an append.
 *
 * Why appends cannot fork, although input gates do not cover the Postgres round trips:
 *  1. Every append, head read and anchor read runs inside `#exclusive`, an in-memory promise chain:
 *     the next one starts only after the previous one has settled, however its awaits interleave
 *     with other events. So within one instance "read head → write block → commit head" is atomic.
 *  2. The append is a check-and-set: a proposal is accepted only if its previous_hash and height
 *     are exactly the stored head's. Mining happens in the Worker (never here, so this object is
 *     never blocked by proof of work); a proposal built on an old head gets "stale" back and is
 *     mined again on the current head.
 *     So that concurrent miners do not all burn CPU on the same height only for one of them to win,
 *     a miner first takes a turn (`reserve`, a short in-memory lease handed out in arrival order)
 *     and the append hands the turn to the next waiter. The lease only saves work; correctness
 *     never depends on it (an expired lease just means a stale proposal, which the check-and-set
 *     refuses).
 *  3. The database refuses a fork on its own: UNIQUE(chain, height) and UNIQUE(chain,
 *     previous_hash). That covers what 1–2 cannot: a superseded instance of this object (global
 *     uniqueness is only re-checked on storage access) or a write that bypasses it.
 *  4. The head is committed to storage only after the Postgres transaction commits. Before the
 *     Postgres write the block's hash is recorded as an "attempt"; if this object dies between
 *     the Postgres commit and the head update, the next call finds the attempt, sees that exact
 *     block in Postgres on top of the stored head, and adopts it. A block this object did not
 *     attempt is never adopted (that is what /verify reports as written behind its back).
 */
export class RoadChainDO extends DurableObject<Env> implements RoadChainRpc {
  #queue: Promise<unknown> = Promise.resolve();
  #turns = new MiningTurns();
  /** The rules of the block after the head with this hash (difficulty and reward; see issuance.ts). */
  #rules: { after: string; rules: NextBlockRules } | undefined;

  /** One stub per feed shard, kept so that blocks published to a shard arrive in order. */
  #feeds = new Map<string, BlockFeedStub>();

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** The current head (creating the genesis block for a new chain). */
  async head(chain: string): Promise<ChainHead> {
    return this.#withDb((db) => this.#ready(chain, db));
  }

  /**
   * Waits for this caller's turn to mine (see the class comment, point 2), then returns the head to
   * build on and a ticket for `append` / `release`. "busy" after MINING_WAIT_MS in the queue.
   */
  async reserve(chain: string): Promise<MiningTicket> {
    const ticket = await this.#turns.take(MINING_WAIT_MS, MINING_LEASE_MS);
    if (ticket === undefined) return { status: "busy" };
    try {
      return { status: "granted", ...(await this.template(chain)), ticket };
    } catch (err) {
      this.#turns.end(ticket);
      throw err;
    }
  }

  /** The head and the rules (difficulty, reward) the next block must follow: a miner's template. */
  async template(chain: string): Promise<MiningTemplate> {
    return this.#withDb(async (db) => {
      const head = await this.#ready(chain, db);
      return { head, rules: await this.#nextRules(chain, db, head) };
    });
  }

  /** Gives a turn back without appending (the miner failed). Unknown or expired tickets are ignored. */
  async release(ticket: string): Promise<void> {
    this.#turns.end(ticket);
  }

  /** Head and the database's newest block, read with no append in flight (for /verify). */
  async anchor(chain: string): Promise<ChainAnchor> {
    return this.#withDb(async (db) => {
      const head = await this.#ready(chain, db);
      const tail = await chainTail(db, chain);
      return { head, tail: tail ? { height: tail.height, hash: tail.hash } : null };
    });
  }

  /** Appends a mined block if it extends the current head (check-and-set). */
  async append(chain: string, proposal: BlockProposal, ticket?: string): Promise<AppendResult> {
    try {
      return await this.#append(chain, proposal);
    } finally {
      if (ticket !== undefined) this.#turns.end(ticket);
    }
  }

  async #append(chain: string, proposal: BlockProposal): Promise<AppendResult> {
    try {
      return await this.#withDb(async (db) => {
        const head = await this.#ready(chain, db);
        const { header, hash } = proposal;
        if (header.height !== head.height + 1 || header.previous_hash !== head.hash) return { status: "stale", head };
        const invalid = await this.#check(proposal, head, await this.#nextRules(chain, db, head));
        if (invalid) return { status: "rejected", reason: invalid };

        this.#recordAttempt(header.height, hash);
        let written;
        try {
          written = await db.transaction((tx) => writeBlock(tx, chain, proposal, blockView));
        } catch (err) {
          if (err instanceof StaleProposalError) {
            this.#dropAttempt(hash);
            return { status: "stale", head };
          }
          if (err instanceof IdempotencySupersededError) {
            this.#dropAttempt(hash);
            return { status: "superseded" };
          }
          if (isUniqueViolation(err)) {
            // Someone else holds this height: adopt it if it is one of ours, else stop appending.
            const now = await this.#reconcile(chain, db, head);
            if (now.height > head.height) return { status: "stale", head: now };
            this.#dropAttempt(hash);
            logError("a block at the next height exists that this Durable Object did not write", {
              chain,
              height: header.height,
            });
            return { status: "unavailable", reason: "ledger diverged from its head; an operator must run /verify" };
          }
          throw err; // outcome unknown: the attempt stays recorded for #reconcile
        }
        const next: ChainHead = { height: header.height, hash, timestamp: header.timestamp };
        this.#commitHead(next);
        const block = blockView(written.block, written.transactions);
        this.#publish(chain, block, next);
        return { status: "appended", block, head: next };
      });
    } catch (err) {
      const down = toDatabaseUnavailable(err);
      if (down) return { status: "unavailable", reason: "database unavailable" };
      throw err;
    }
  }

  // ---- internals ----

  /** Runs `fn` after every earlier exclusive call has settled (see the class comment, point 1). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A database for this one call (the Neon pool cannot outlive it), closed when it settles. */
  #withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      const db = await openDatabase(this.#config(), this.ctx);
      try {
        return await fn(db);
      } finally {
        db.$close();
      }
    });
  }

  #config(): AppConfig {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) throw new Error(`RoadChain configuration invalid: ${loaded.problems.join("; ")}`);
    return loaded.config;
  }

  /** The stored head, after first-use set-up and recovery of an interrupted append. */
  async #ready(chain: string, db: Database): Promise<ChainHead> {
    const kv = this.ctx.storage.kv;
    const owner = kv.get<string>("chain");
    if (owner === undefined) kv.put("chain", chain);
    else if (owner !== chain) throw new Error(`this RoadChain object serves chain "${owner}", not "${chain}"`);

    let head = kv.get<ChainHead>("head");
    if (!head) head = await this.#initialise(chain, db);
    const attempts = kv.get<Attempts>("attempts");
    if (attempts) head = await this.#reconcile(chain, db, head);
    return head;
  }

  /**
   * First use of this object. A chain with no blocks gets the fixed genesis block. A chain that
   * already has blocks (its storage was lost or never existed, e.g. a fresh local Durable Object
   * against a kept database) has its database tail adopted as the head: trust on first use, logged,
   * because until then there was no independent witness of the tail.
   */
  async #initialise(chain: string, db: Database): Promise<ChainHead> {
    const genesis = await genesisBlock();
    let tail = await chainTail(db, chain);
    if (!tail) {
      await ensureGenesisRow(db, chain, genesis.hash);
      tail = await blockAtHeight(db, chain, 0);
      if (!tail) throw new Error("genesis block could not be written");
    }
    if (tail.height === 0 && tail.hash !== genesis.hash)
      throw new Error("the stored genesis block is not the fixed genesis block");
    if (tail.height > 0) {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "RoadChain head adopted from the database tail (first use)",
          chain,
          height: tail.height,
        }),
      );
    }
    const head: ChainHead = { height: tail.height, hash: tail.hash, timestamp: tail.timestampMs };
    this.ctx.storage.kv.put("head", head);
    return head;
  }

  /**
   * Resolves attempts whose outcome was unknown: if the database holds one of them at
   * head.height + 1 on top of the head, it committed, so it becomes the head (and is announced).
   */
  async #reconcile(chain: string, db: Database, head: ChainHead): Promise<ChainHead> {
    const kv = this.ctx.storage.kv;
    const attempts = kv.get<Attempts>("attempts");
    if (!attempts || attempts.height !== head.height + 1) {
      if (attempts) kv.delete("attempts");
      return head;
    }
    const row = await blockAtHeight(db, chain, attempts.height);
    if (!row || !attempts.hashes.includes(row.hash) || row.previousHash !== head.hash) return head;
    const next: ChainHead = { height: row.height, hash: row.hash, timestamp: row.timestampMs };
    this.#commitHead(next);
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "RoadChain head recovered from an interrupted append",
        chain,
        height: row.height,
      }),
    );
    this.#publish(chain, blockView(row, await transactionsOfBlocks(db, chain, row.height, row.height)), next);
    return next;
  }

  #recordAttempt(height: number, hash: string): void {
    const kv = this.ctx.storage.kv;
    const current = kv.get<Attempts>("attempts");
    const hashes = current?.height === height ? [...current.hashes.filter((h) => h !== hash), hash].slice(-16) : [hash];
    kv.put("attempts", { height, hashes } satisfies Attempts);
  }

  #dropAttempt(hash: string): void {
    const kv = this.ctx.storage.kv;
    const current = kv.get<Attempts>("attempts");
    if (!current) return;
    const hashes = current.hashes.filter((h) => h !== hash);
    if (hashes.length === 0) kv.delete("attempts");
    else kv.put("attempts", { height: current.height, hashes });
  }

  /** Synchronous storage writes with no await between them: one atomic storage transaction. */
  #commitHead(head: ChainHead): void {
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put("head", head);
      this.ctx.storage.kv.delete("attempts");
    });
  }

  /** Why a proposal is not a valid successor of `head`, or undefined if it is. */
  #check(proposal: BlockProposal, head: ChainHead, rules: NextBlockRules): Promise<string | undefined> {
    return checkProposal(proposal, head, { difficulty: rules.difficulty, reward: rules.reward });
  }

  /**
   * The difficulty and reward of the block after `head` (issuance.ts): the head block's difficulty,
   * retargeted from the last period's time span when the next block starts a period. Two indexed
   * reads at most, once per head (cached by its hash).
   */
  async #nextRules(chain: string, db: Database, head: ChainHead): Promise<NextBlockRules> {
    if (this.#rules?.after === head.hash) return this.#rules.rules;
    const config = this.#config();
    const height = head.height + 1;
    const window = config.BLOCKCHAIN_RETARGET_BLOCKS;
    const headRow = head.height === 0 ? undefined : await blockAtHeight(db, chain, head.height);
    const previous = { height: head.height, difficulty: headRow?.difficulty ?? 0 };
    let span: { from: number; to: number } | undefined;
    if (startsPeriod(height, window)) {
      const first = await blockAtHeight(db, chain, head.height - window + 1);
      if (first) span = { from: first.timestampMs, to: head.timestamp };
    }
    const rules: NextBlockRules = {
      height,
      difficulty: difficultyAt(config, height, previous, span),
      reward: rewardAt(config, height),
    };
    this.#rules = { after: head.hash, rules };
    return rules;
  }

  /**
   * Hands a committed block to every shard of the chain's live feed. Not awaited: the append answers
   * at once, and a slow or failing shard only delays (or loses) its own clients' copy.
   */
  #publish(chain: string, block: BlockView, head: ChainHead): void {
    const shards = this.#config().BLOCKCHAIN_WS_SHARDS;
    const sends: Promise<unknown>[] = [];
    for (let shard = 0; shard < shards; shard++) {
      const name = feedShardName(chain, shard);
      let stub = this.#feeds.get(name);
      if (!stub) this.#feeds.set(name, (stub = blockFeedStub(this.env.BLOCK_FEED, chain, shard)));
      sends.push(Promise.resolve(stub.publish(chain, block, head)));
    }
    this.ctx.waitUntil(
      Promise.allSettled(sends).then((results) => {
        const failed = results.filter((r) => r.status === "rejected").length;
        if (failed)
          console.warn(
            JSON.stringify({
              level: "warn",
              msg: "live feed publish failed",
              chain,
              height: head.height,
              failed_shards: failed,
            }),
          );
      }),
    );
  }
}

function logError(msg: string, fields: Record<string, unknown>) {
  console.error(JSON.stringify({ level: "error", msg, ...fields }));
}
