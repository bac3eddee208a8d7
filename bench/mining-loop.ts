// Mining-loop micro-benchmark: hashes/s of mineHeader() against raw SHA-256 of an input of the
// same size, in the same runtime. Run: `npx node bench/mining-loop.ts` (Node 22 strips types).
// Uses only WebCrypto + performance.now(), so the harness can also run it inside workerd via
// runMiningBench(); node:crypto is an optional extra baseline loaded only when available.
// Hazard: deployed workerd freezes the clock during pure computation (it moves only on I/O),
// so every loop is also capped by a batch count and a zero elapsed time is reported as such.
import { type BlockHeader, canonicalHeader } from "../src/services/chain/block-hash.ts";
import { MiningLimitError, type MiningTemplate, mineHeader } from "../src/services/chain/proof-of-work.ts";

const TEMPLATE: MiningTemplate = {
  height: 123_456,
  timestamp: 1_767_225_600_000,
  previous_hash: "00001f3c9a4b2e7d8c6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
  merkle_root: "7d3b9e0f1a2c4b6d8e0f1a3c5b7d9e1f2a4c6b8d0e2f4a6c8b0d2e4f6a8c0b2d",
  miner_address: "RD0123456789abcdef0123456789abcdef012345",
  reward: "50.00000000",
  transaction_count: 10,
};
const MAX_BATCHES = 50;

export interface BenchRow {
  name: string;
  /** NaN when the runtime clock did not move (frozen time). */
  hashesPerSec: number;
}

export interface BenchReport {
  bytes: number;
  rows: BenchRow[];
  mines: { difficulty: number; nonce: number; attempts: number; ms: number; hash: string }[];
}

let durationMs = 2000;

async function timeLoop(name: string, batch: number, run: (n: number) => Promise<void> | void): Promise<BenchRow> {
  await run(batch); // warm-up: let the JIT optimise before timing
  let count = 0;
  const start = performance.now();
  for (let b = 0; b < MAX_BATCHES && performance.now() - start < durationMs; b++) {
    await run(batch);
    count += batch;
  }
  const elapsed = performance.now() - start;
  return { name, hashesPerSec: elapsed > 0 ? (count * 1000) / elapsed : Number.NaN };
}

export async function runMiningBench(opts: { durationMs?: number } = {}): Promise<BenchReport> {
  durationMs = opts.durationMs ?? 2000;
  const sample: BlockHeader = { ...TEMPLATE, difficulty: 64, nonce: 1_000_000 };
  const input = new TextEncoder().encode(canonicalHeader(sample));
  const rows: BenchRow[] = [];

  // Difficulty 64 is never met, so each call hashes exactly n nonces and then throws.
  let next = 0;
  rows.push(
    await timeLoop("mineHeader (sync JS SHA-256, midstate)", 200_000, async (n) => {
      try {
        await mineHeader(TEMPLATE, 64, { startNonce: next, maxIterations: n });
      } catch (e) {
        if (!(e instanceof MiningLimitError)) throw e;
        next = e.nextNonce;
      }
    }),
  );

  rows.push(
    await timeLoop("crypto.subtle.digest, awaited one by one", 2_000, async (n) => {
      for (let i = 0; i < n; i++) await crypto.subtle.digest("SHA-256", input);
    }),
  );
  rows.push(
    await timeLoop("crypto.subtle.digest, 256 in flight", 2_048, async (n) => {
      for (let i = 0; i < n; i += 256) {
        await Promise.all(Array.from({ length: 256 }, () => crypto.subtle.digest("SHA-256", input)));
      }
    }),
  );

  // Upper bound, not a per-call baseline: native bulk SHA-256 over 1 MiB, expressed as hashes/s
  // of inputs padded to the same number of 64-byte blocks as the header.
  const big = new Uint8Array(1 << 20);
  const blocks = Math.ceil((input.length + 9) / 64);
  const bulk = await timeLoop("x", 4, async (n) => {
    for (let i = 0; i < n; i++) await crypto.subtle.digest("SHA-256", big);
  });
  rows.push({
    name: `native bulk SHA-256 ÷ ${blocks} blocks (upper bound)`,
    hashesPerSec: (bulk.hashesPerSec * big.length) / (64 * blocks),
  });

  // The rejected design: re-encode prefix + nonce + suffix and await subtle.digest per nonce.
  const text = canonicalHeader({ ...sample, nonce: 0 });
  const cut = text.indexOf('"nonce":0') + 8;
  const [prefix, suffix] = [text.slice(0, cut), text.slice(cut + 1)];
  const enc = new TextEncoder();
  let asyncNonce = 0;
  rows.push(
    await timeLoop("alt: mining loop with awaited subtle.digest", 2_000, async (n) => {
      for (let i = 0; i < n; i++) {
        const h = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(prefix + asyncNonce++ + suffix)));
        if (h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0 && h[4] === 0) break;
      }
    }),
  );

  const nodeCrypto = await import("node:crypto").catch(() => null);
  if (nodeCrypto?.createHash) {
    const createHash = nodeCrypto.createHash;
    rows.push(
      await timeLoop("node:crypto createHash (sync, if the runtime has it)", 20_000, (n) => {
        for (let i = 0; i < n; i++) createHash("sha256").update(input).digest();
      }),
    );
  }

  const mines: BenchReport["mines"] = [];
  for (const difficulty of [4, 5]) {
    const t0 = performance.now();
    const r = await mineHeader(TEMPLATE, difficulty, { maxIterations: 50_000_000 });
    mines.push({ difficulty, nonce: r.nonce, attempts: r.attempts, ms: performance.now() - t0, hash: r.hash });
  }
  return { bytes: input.length, rows, mines };
}

function print(report: BenchReport): void {
  const fmt = (n: number) => (Number.isNaN(n) ? "clock frozen" : Math.round(n).toLocaleString("en-US"));
  console.log(`runtime: ${globalThis.process?.version ?? "workerd"}; canonical header ${report.bytes} bytes`);
  for (const r of report.rows) console.log(`${r.name.padEnd(52)} ${fmt(r.hashesPerSec).padStart(12)} H/s`);
  const [mining, raw] = [report.rows[0]!.hashesPerSec, report.rows[1]!.hashesPerSec];
  console.log(`mining loop / awaited subtle.digest = ${(mining / raw).toFixed(2)}x`);
  for (const m of report.mines) {
    console.log(
      `difficulty ${m.difficulty}: nonce ${m.nonce}, ${m.attempts} attempts in ${m.ms.toFixed(1)} ms, ${m.hash}`,
    );
  }
  console.log(JSON.stringify({ bench: "mining-loop", ...report }));
}

// Run only as a script (`npx node bench/mining-loop.ts`), not when imported by a harness.
if (globalThis.process?.argv?.[1]?.endsWith("mining-loop.ts")) {
  print(await runMiningBench({ durationMs: Number(globalThis.process.env.BENCH_MS ?? 2000) }));
}
