// @ts-check
/**
 * Mines RoadChain blocks with this device's CPU (issue 14: the miner does the work, the server checks
 * it with one hash). Web Workers search nonces in parallel for the template of
 * GET /api/blockchain/mining/template; the nonce found is sent to POST /api/blockchain/mining/submit.
 * A stale template (409: another block landed first) is simply replaced by a fresh one, and so is one
 * about to expire. The server never mines for this app (POST /api/blockchain/mine is 403 for
 * non-admins in production).
 */
import { ApiError, api } from '../api-client.js';

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
    workers = Array.from(
      { length: WORKERS },
      () => new Worker(new URL('./miner-worker.js', import.meta.url), { type: 'module' }),
    );
  }

  /**
   * One template, mined by every worker until one finds the nonce (resolves it) or the template is
   * about to expire (resolves null: fetch a fresh one).
   * @param {{ work: { prefix: string, suffix: string }, target: string, expires_at: string }} t @param {AbortSignal} [signal]
   */
  function search(t, signal) {
    return /** @type {Promise<number | null>} */ (
      new Promise((resolve, reject) => {
        // Submit at least 10 s before the template expires (2 minutes; bounded if this clock is off).
        const ttl = Math.max(5_000, Math.min(110_000, Date.parse(t.expires_at) - Date.now() - 10_000));
        const onAbort = () => done(() => reject(signal?.reason));
        const timer = setTimeout(() => done(() => resolve(null)), ttl);
        const done = (/** @type {() => void} */ settle) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          for (const w of workers) {
            w.postMessage({ type: 'stop' });
            w.onmessage = null;
          }
          settle();
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        workers.forEach((w, i) => {
          w.onmessage = (e) => {
            hashes += e.data.hashes ?? 0;
            if (e.data.type === 'found') done(() => resolve(e.data.nonce));
          };
          w.postMessage({
            type: 'mine',
            prefix: t.work.prefix,
            suffix: t.work.suffix,
            target: t.target,
            start: i,
            step: workers.length,
          });
        });
      })
    );
  }

  /** Mines until one block is appended; returns it. @param {AbortSignal} [signal] */
  async function mineOne(signal) {
    ensureWorkers();
    startMeter();
    try {
      for (;;) {
        const t = await api('/api/blockchain/mining/template', { signal });
        const nonce = await search(t, signal);
        if (nonce === null) continue; // the template was about to expire: mine a fresh one
        try {
          const block = await api('/api/blockchain/mining/submit', { body: { template: t.template, nonce }, signal });
          hooks.onBlock?.(block);
          return block;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 409)) throw e; // stale: mine the next template
        }
      }
    } finally {
      if (!running) stopMeter();
    }
  }

  function startMeter() {
    if (meter) return;
    hashes = 0;
    since = performance.now();
    meter = setInterval(() => {
      const now = performance.now();
      rate = hashes / ((now - since) / 1000);
      hashes = 0;
      since = now;
      hooks.onRate?.(rate);
    }, 1000);
  }
  function stopMeter() {
    clearInterval(meter);
    meter = undefined;
    rate = 0;
    hooks.onRate?.(0);
  }

  /** @type {AbortController | null} */ let loop = null;
  return {
    get running() {
      return running;
    },
    get hashrate() {
      return rate;
    },
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
          try {
            await mineOne(signal);
          } catch (e) {
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
    dispose() {
      this.stop();
      for (const w of workers) w.terminate();
      workers = [];
    },
  };
}
