/**
 * RoadChain verification at scale: the services' own code (verify-incremental.ts, verify-job.ts)
 * run in Node against a seeded PostgreSQL, measuring process CPU (user + system, so row parsing is
 * included, as the Worker parses its rows too) for
 *   - GET /verify on a checkpoint 1,000 blocks below the head: the newest 1,000 blocks + the link +
 *     the sample windows (median of 3, a fresh checkpoint each time);
 *   - GET /verify on a checkpoint at the head (the steady state: one block + the windows);
 *   - the full pass, chunk by chunk (CHUNK_BLOCKS each): the largest and median chunk CPU.
 * Node and workerd run the same V8 and the same SHA-256 / Ed25519 (BoringSSL) work; the numbers are
 * a proxy for the Worker's CPU time, measured without workerd's timer coarsening.
 *
 * `npm run bench` (run.ts) measures the seeded main chain. Standalone, on chains it seeds itself:
 *   npx node bench/verify-scale.ts                       # 10,000 blocks
 *   BENCH_VERIFY_BLOCKS=10000,100000 npx node bench/verify-scale.ts   # both sizes, side by side
 * (a throwaway PostgreSQL 15 from scripts/local-cloud; 100,000 blocks take a few minutes to seed).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { BlockRow, ChainHead, TransactionRow } from "../src/services/chain/ledger.ts";
import type { VerifySource } from "../src/services/chain/verify.ts";
import { type Checkpoint, type CheckpointStore, verifyIncremental } from "../src/services/chain/verify-incremental.ts";
import { CHUNK_BLOCKS, isFinished, runChunk, startFullPass } from "../src/services/chain/verify-job.ts";

export type VerificationNumbers = {
  chain: string;
  blocks: number;
  newest: { blocks: number; sampled: number; cpuMs: number; wallMs: number; valid: boolean };
  steady: { blocks: number; sampled: number; cpuMs: number; wallMs: number; valid: boolean };
  fullPass: {
    chunkBlocks: number;
    chunks: number;
    maxChunkCpuMs: number;
    medianChunkCpuMs: number;
    totalCpuMs: number;
    valid: boolean;
  };
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

function pgSource(client: pg.Client, chain: string, head: ChainHead): VerifySource {
  return {
    anchor: async () => ({ head, tail: { height: head.height, hash: head.hash } }),
    blocks: async (after, upTo, limit) => {
      const r = await client.query(
        "select * from blocks where chain = $1 and height > $2 and height <= $3 order by height limit $4",
        [chain, after, upTo, limit],
      );
      return r.rows.map(
        (b): BlockRow => ({
          id: b.id,
          chain: b.chain,
          height: b.height,
          timestampMs: Number(b.timestamp_ms),
          previousHash: b.previous_hash,
          merkleRoot: b.merkle_root,
          nonce: Number(b.nonce),
          difficulty: b.difficulty,
          minerId: b.miner_id,
          minerAddress: b.miner_address,
          reward: b.reward,
          transactionCount: b.transaction_count,
          confirmedTotal: Number(b.confirmed_total),
          hash: b.hash,
          createdAt: b.created_at,
        }),
      );
    },
    transactions: async (from, to) => {
      const r = await client.query(
        "select * from transactions where chain = $1 and block_height between $2 and $3 order by block_height, id",
        [chain, from, to],
      );
      return r.rows.map(
        (t): TransactionRow => ({
          id: t.id,
          chain: t.chain,
          transactionHash: t.transaction_hash,
          fromAddress: t.from_address,
          toAddress: t.to_address,
          amount: t.amount,
          fee: t.fee,
          message: t.message,
          nonce: t.nonce,
          timestampMs: Number(t.timestamp_ms),
          signature: t.signature,
          senderPublicKey: t.sender_public_key,
          blockHeight: t.block_height,
          isConfirmed: t.is_confirmed,
          createdAt: t.created_at,
          confirmedAt: t.confirmed_at,
        }),
      );
    },
  };
}

/** A checkpoint store holding one checkpoint (what the verifier Durable Object would hold). */
function storeAt(point: Checkpoint | null): CheckpointStore {
  let latest = point;
  return {
    latest: async () => latest,
    extend: async (_base, p) => ((latest = { ...p, verified_at: Date.now() }), true),
    dropFrom: async (h) => void (latest && latest.height >= h ? (latest = null) : undefined),
  };
}

export async function measureVerification(
  databaseUrl: string,
  opts: { chain?: string; newest?: number } = {},
): Promise<VerificationNumbers> {
  const chain = opts.chain ?? "main";
  const newest = opts.newest ?? 1_000;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tip = (
      await client.query(
        "select height, hash, timestamp_ms from blocks where chain = $1 order by height desc limit 1",
        [chain],
      )
    ).rows[0];
    if (!tip) throw new Error(`chain ${chain} has no blocks`);
    const head: ChainHead = { height: tip.height, hash: tip.hash, timestamp: Number(tip.timestamp_ms) };
    const source = pgSource(client, chain, head);
    const at = async (height: number): Promise<Checkpoint> => {
      const r = await client.query("select hash from blocks where chain = $1 and height = $2", [chain, height]);
      return { height, hash: r.rows[0].hash, verified_at: Date.now(), by: "job" };
    };
    const timed = async (point: Checkpoint) => {
      const c0 = cpuMs();
      const w0 = performance.now();
      const r = await verifyIncremental(source, storeAt(point));
      return { r, cpu: cpuMs() - c0, wall: performance.now() - w0 };
    };
    const below = await at(Math.max(0, head.height - newest));
    const runs: Awaited<ReturnType<typeof timed>>[] = [];
    for (let i = 0; i < 3; i++) runs.push(await timed(below));
    const steadyRuns: typeof runs = [];
    for (let i = 0; i < 3; i++) steadyRuns.push(await timed(await at(head.height)));

    let state = startFullPass(0, chain, head);
    const chunkCpu: number[] = [];
    while (!isFinished(state)) {
      const c0 = cpuMs();
      state = await runChunk(source, state);
      chunkCpu.push(cpuMs() - c0);
    }
    const pick = (xs: typeof runs) => ({
      blocks: xs[0]!.r.checked_blocks,
      sampled: xs[0]!.r.sampled_blocks,
      cpuMs: round(median(xs.map((x) => x.cpu))),
      wallMs: round(median(xs.map((x) => x.wall))),
      valid: xs.every((x) => x.r.valid),
    });
    return {
      chain,
      blocks: head.height + 1,
      newest: pick(runs),
      steady: pick(steadyRuns),
      fullPass: {
        chunkBlocks: CHUNK_BLOCKS,
        chunks: chunkCpu.length,
        maxChunkCpuMs: round(Math.max(...chunkCpu)),
        medianChunkCpuMs: round(median(chunkCpu)),
        totalCpuMs: round(chunkCpu.reduce((a, b) => a + b, 0)),
        valid: state.problems.length === 0 && state.omitted === 0,
      },
    };
  } finally {
    await client.end();
  }
}

export function verificationLines(v: VerificationNumbers): string[] {
  return [
    `verify newest ${v.newest.blocks - 1} blocks of ${v.blocks} (checkpoint + link + ${v.newest.sampled} sampled): ${v.newest.cpuMs} ms CPU, ${v.newest.wallMs} ms wall (valid ${v.newest.valid})`,
    `verify at the checkpoint (steady state, ${v.steady.sampled} sampled): ${v.steady.cpuMs} ms CPU, ${v.steady.wallMs} ms wall`,
    `full pass of ${v.blocks} blocks: ${v.fullPass.chunks} chunks of ${v.fullPass.chunkBlocks}, max ${v.fullPass.maxChunkCpuMs} ms CPU, median ${v.fullPass.medianChunkCpuMs} ms, total ${v.fullPass.totalCpuMs} ms (valid ${v.fullPass.valid})`,
  ];
}

// ---- standalone: seed chains of the given sizes into a throwaway PostgreSQL and measure each ----
if (process.argv[1]?.endsWith("verify-scale.ts")) {
  const { startThrowawayPostgres } = await import("../scripts/local-cloud/throwaway-postgres.ts");
  const { applyMigrations } = await import("../scripts/local-cloud/postgres.ts");
  const { seedChain } = await import("./verify-seed.ts");
  const sizes = (process.env.BENCH_VERIFY_BLOCKS ?? "10000").split(",").map(Number);
  const postgres = await startThrowawayPostgres();
  try {
    await applyMigrations(postgres.url);
    const all: VerificationNumbers[] = [];
    for (const n of sizes) {
      const chain = `t_scale_${n}_${randomBytes(2).toString("hex")}`;
      const t0 = performance.now();
      const txs = await seedChain(postgres.url, chain, n);
      console.log(`seeded ${n} blocks (+${txs} signed transfers) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const v = await measureVerification(postgres.url, { chain });
      all.push(v);
      for (const line of verificationLines(v)) console.log(line);
    }
    console.log(JSON.stringify(all, null, 2));
  } finally {
    await postgres.close();
  }
}
