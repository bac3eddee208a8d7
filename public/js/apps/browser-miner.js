// @ts-check
/**
 * Mines RoadChain blocks with this device's CPU (issue 14: the miner does the work, the server checks
 * it with one hash). Web Workers search nonces in parallel for the template of
 * GET /api/blockchain/mining/template; the nonce found is sent to POST /api/blockchain/mining/submit.
 * A stale template (409: another block landed first) is simply replaced by a fresh one.
 */
import { api, ApiError } from '../api-client.js';

const WORKERS = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));

/**
 * @param {{ onRate?: (hs: number) => void, onBlock?: (block: any) => void, onError?: (e: unknown) => void }} hooks
 */
export function browserMiner(hooks = {}) {
  /** @type {Worker[]} */ let workers = [];
  let running = false;
  let hashes = 0;
  let since = performance.now();
  let rate = 0;
  /** @type {ReturnType<typeof setInterval> | undefined} */ let meter;

  function ensureWorkers() {
    if (workers.length) return;
    workers = Array.from({ length: WORKERS }, () => new Worker(new URL('./miner-worker.js', import.meta.url), { type: 'module' }));
  }

  /**
   * One template, mined by every worker until one finds the nonce.
   * @param {{ work: { prefix: string, suffix: string }, target: string }} t @param {AbortSignal} [signal]
   */
  function search(t, signal) {
    return /** @type {Promise<number>} */ (new Promise((resolve, reject) => {
      const done = (/** @type {() => void} */ settle) => { for (const w of workers) { w.postMessage({ type: 'stop' }); w.onmessage = null; } settle(); };
      signal?.addEventListener('abort', () => done(() => reject(signal.reason)), { once: true });
      workers.forEach((w, i) => {
        w.onmessage = (e) => {
          hashes += e.data.hashes ?? 0;
          if (e.data.type === 'found') done(() => resolve(e.data.nonce));
        };
        w.postMessage({ type: 'mine', prefix: t.work.prefix, suffix: t.work.suffix, target: t.target, start: i, step: workers.length });
      });
    }));
  }

  /** Mines until one block is appended; returns it. @param {AbortSignal} [signal] */
  async function mineOne(signal) {
    ensureWorkers();
    startMeter();
    try {
      for (;;) {
        const t = await api('/api/blockchain/mining/template', { signal });
        const nonce = await search(t, signal);
        try {
          const block = await api('/api/blockchain/mining/submit', { body: { template: t.template, nonce }, signal });
          hooks.onBlock?.(block);
          return block;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 409)) throw e; // stale: mine the next template
        }
      }
    } finally { if (!running) stopMeter(); }
  }

  function startMeter() {
    if (meter) return;
    hashes = 0; since = performance.now();
    meter = setInterval(() => {
      const now = performance.now();
      rate = hashes / ((now - since) / 1000);
      hashes = 0; since = now;
      hooks.onRate?.(rate);
    }, 1000);
  }
  function stopMeter() { clearInterval(meter); meter = undefined; rate = 0; hooks.onRate?.(0); }

  /** @type {AbortController | null} */ let loop = null;
  return {
    get running() { return running; },
    get hashrate() { return rate; },
    workers: WORKERS,
    mineOne,
    /** Mines block after block until stop(). */
    start() {
      if (running) return;
      running = true;
      loop = new AbortController();
      const { signal } = loop;
      void (async () => {
        while (running && !signal.aborted) {
          try { await mineOne(signal); } catch (e) {
            if (signal.aborted) break;
            hooks.onError?.(e);
            await new Promise((r) => setTimeout(r, 3000));
          }
        }
      })();
    },
    stop() {
      running = false;
      loop?.abort();
      stopMeter();
    },
    dispose() { this.stop(); for (const w of workers) w.terminate(); workers = []; },
  };
}
