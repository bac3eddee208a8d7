// @ts-check
/**
 * A RoadChain proof-of-work worker: hashes `prefix + nonce + suffix` (the block header's RFC 8785
 * JSON, see GET /api/blockchain/mining/template) for nonces start, start + step, … until a SHA-256
 * starts with `target`. Reports its hash count about four times a second and the nonce it found.
 */
const BATCH = 256;
const enc = new TextEncoder();
let job = 0;

/** @param {ArrayBuffer} buf */
function hex(buf) {
  const b = new Uint8Array(buf);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

self.onmessage = async (e) => {
  const msg = e.data;
  if (msg.type === 'stop') {
    job++;
    return;
  }
  if (msg.type !== 'mine') return;
  const mine = ++job;
  const { prefix, suffix, target, start, step } = msg;
  let nonce = start;
  let counted = 0;
  let lastReport = Date.now();
  while (mine === job) {
    const nonces = Array.from({ length: BATCH }, (_, i) => nonce + i * step);
    nonce += BATCH * step;
    const hashes = await Promise.all(
      nonces.map((n) => crypto.subtle.digest('SHA-256', enc.encode(prefix + n + suffix))),
    );
    counted += BATCH;
    for (let i = 0; i < BATCH; i++) {
      const h = hex(/** @type {ArrayBuffer} */ (hashes[i]));
      if (h.startsWith(target)) {
        if (mine === job) self.postMessage({ type: 'found', nonce: nonces[i], hash: h, hashes: counted });
        return;
      }
    }
    if (Date.now() - lastReport >= 250) {
      self.postMessage({ type: 'progress', hashes: counted });
      counted = 0;
      lastReport = Date.now();
    }
  }
};
