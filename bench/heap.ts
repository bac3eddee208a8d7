/**
 * The V8 heap of a Worker on workerd, over its inspector (Chrome DevTools protocol): heap usage,
 * a forced full GC, and heap snapshots summarised by constructor, so two points in time can be
 * compared (what grew, by count and by bytes). Used by `npm run soak` with SOAK_HEAP=1.
 */
import { createWriteStream, readFileSync } from "node:fs";
import WebSocket from "ws";

export type HeapUsage = { usedMiB: number; totalMiB: number };
export type HeapInspector = {
  usage(): Promise<HeapUsage>;
  /** A full, compacting collection; what survives it is what something still retains. */
  collectGarbage(): Promise<void>;
  /** Writes a .heapsnapshot (open it in Chrome DevTools' Memory tab). */
  snapshot(path: string): Promise<void>;
  close(): void;
};

const toMiB = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

/**
 * Attaches to workerd's inspector target of Worker `worker` ("core:user:<name>"), as bench/profile.ts
 * does. workerd reads inspector messages only while the isolate has work: an idle one leaves a
 * command unanswered, so until the answer comes `wake` (a cheap request to the Worker) runs every
 * 100 ms.
 */
export async function attachHeapInspector(
  inspectorUrl: string,
  worker: string,
  wake: () => Promise<unknown>,
): Promise<HeapInspector> {
  const ws = new WebSocket(`${inspectorUrl.replace(/\/?$/, "/")}core:user:${worker}`, { maxPayload: 1 << 30 });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let onChunk: ((chunk: string) => void) | undefined;
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: { chunk?: string };
    };
    if (msg.method === "HeapProfiler.addHeapSnapshotChunk") onChunk?.(msg.params?.chunk ?? "");
    if (msg.id === undefined) return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) waiter?.reject(new Error(msg.error.message));
    else waiter?.resolve(msg.result);
  });
  const send = async (method: string, params: Record<string, unknown> = {}) => {
    const waker = setInterval(() => void wake().catch(() => {}), 100);
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const n = ++id;
        pending.set(n, { resolve, reject });
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    } finally {
      clearInterval(waker);
    }
  };
  await send("HeapProfiler.enable");
  return {
    async usage() {
      const r = (await send("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
      return { usedMiB: toMiB(r.usedSize), totalMiB: toMiB(r.totalSize) };
    },
    async collectGarbage() {
      await send("HeapProfiler.collectGarbage");
    },
    async snapshot(path) {
      const out = createWriteStream(path);
      onChunk = (chunk) => out.write(chunk);
      try {
        await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      } finally {
        onChunk = undefined;
        await new Promise((resolve) => out.end(resolve));
      }
    },
    close: () => ws.close(),
  };
}

export type SnapshotSummary = Map<string, { count: number; bytes: number }>;

/** Objects of a .heapsnapshot grouped by type and constructor (or, for strings and code, by type): count and self bytes. */
export function summarizeSnapshot(path: string): SnapshotSummary {
  const snap = JSON.parse(readFileSync(path, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types = snap.snapshot.meta.node_types[0];
  const summary: SnapshotSummary = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const group = type === "object" || type === "closure" ? `${type} ${snap.strings[snap.nodes[i + nameAt]!]}` : type;
    const s = summary.get(group) ?? { count: 0, bytes: 0 };
    s.count++;
    s.bytes += snap.nodes[i + sizeAt]!;
    summary.set(group, s);
  }
  return summary;
}

/** The groups that grew most between two snapshot summaries, by bytes. */
export function snapshotGrowth(before: SnapshotSummary, after: SnapshotSummary, top = 15) {
  const rows = [...after].map(([group, a]) => {
    const b = before.get(group) ?? { count: 0, bytes: 0 };
    return { group, count: a.count - b.count, kib: Math.round((a.bytes - b.bytes) / 102.4) / 10 };
  });
  const total = (s: SnapshotSummary) => [...s.values()].reduce((t, v) => t + v.bytes, 0);
  return {
    beforeMiB: toMiB(total(before)),
    afterMiB: toMiB(total(after)),
    grew: rows.sort((x, y) => y.kib - x.kib).slice(0, top),
  };
}
