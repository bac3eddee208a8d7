// Verifies an IP Vault proof (GET /api/vault/leos/{id}/proof) from the JSON alone: no server, no
// dependencies, WebCrypto only (Node 22, browsers, workerd).
//
//   node scripts/verify-vault-proof.mjs proof.json [original-text.txt]
//
// Checks: the canonical text hashes to the entry's SHA-256 (and, given the original text, that it
// canonicalises to it); the transaction carries that hash, is correctly hashed and signed by the
// key of its sending address (the RoadChain rules in the README); its Merkle path leads to the
// block's merkle root; the block header hashes to the block hash and meets its proof of work; and
// every later header links to the one before it, up to the head the proof reports.

const enc = new TextEncoder();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const b64url = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const sha256 = async (data) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", typeof data === "string" ? enc.encode(data) : data));
// RFC 8785 for these flat objects: keys sorted, JSON.stringify's escaping.
const jcs = (obj) => JSON.stringify(Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : 1))));
const HEADER = [
  "difficulty",
  "height",
  "merkle_root",
  "miner_address",
  "nonce",
  "previous_hash",
  "reward",
  "timestamp",
  "transaction_count",
];

/** The vault's canonical form: trim, CRLF → LF, trim lines, collapse runs of spaces, drop blank lines. */
export function canonicalText(text) {
  return text
    .trim()
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trim().replace(/ {2,}/g, " "))
    .filter((l) => l !== "")
    .join("\n");
}

async function headerHash(h) {
  return hex(await sha256(jcs(Object.fromEntries(HEADER.map((k) => [k, h[k]])))));
}

/** @returns {Promise<{valid: boolean, problems: string[], head: {height: number, hash: string} | null}>} */
export async function verifyVaultProof(proof, originalText) {
  const problems = [];
  const fail = (p) => problems.push(p);
  const { entry, transaction: t, merkle, block, chain } = proof;

  if (hex(await sha256(entry.canonical_text)) !== entry.sha256)
    fail("the canonical text does not hash to the entry's sha256");
  if (originalText !== undefined && canonicalText(originalText) !== entry.canonical_text)
    fail("the original text does not canonicalise to the proof's canonical text");
  if (t.message !== `roadchain-vault-v1:sha256:${entry.sha256}`)
    fail("the transaction does not carry the entry's sha256");

  const payload = jcs({
    amount: t.amount,
    domain: "roadchain-tx-v1",
    fee: t.fee,
    from_address: t.from_address,
    message: t.message,
    nonce: t.nonce,
    timestamp: t.timestamp,
    to_address: t.to_address,
  });
  if (hex(await sha256(payload)) !== t.transaction_hash) fail("transaction hash");
  const rawKey = b64url(t.public_key);
  if (`RD${hex(await sha256(rawKey)).slice(0, 38)}` !== t.from_address)
    fail("the public key is not the sending address's");
  try {
    const key = await crypto.subtle.importKey("raw", rawKey, { name: "Ed25519" }, false, ["verify"]);
    if (!(await crypto.subtle.verify({ name: "Ed25519" }, key, b64url(t.signature), enc.encode(payload))))
      fail("signature");
  } catch {
    fail("signature (unreadable key or signature)");
  }

  let node = unhex(t.transaction_hash);
  for (const step of merkle.path) {
    const sib = unhex(step.hash);
    const buf = new Uint8Array(64);
    buf.set(step.position === "left" ? sib : node, 0);
    buf.set(step.position === "left" ? node : sib, 32);
    node = await sha256(buf);
  }
  if (hex(node) !== block.merkle_root || merkle.root !== block.merkle_root)
    fail("merkle path does not lead to the block's merkle root");
  if (t.block_height !== block.height) fail("the transaction names another block");

  const blockHash = await headerHash(block.header ?? block);
  if (blockHash !== block.hash) fail("block hash");
  if (!block.hash.startsWith("0".repeat(block.difficulty))) fail("block proof of work");

  let previous = block.hash;
  let head = { height: block.height, hash: block.hash };
  for (const h of chain.headers) {
    const hash = await headerHash(h);
    if (hash !== h.hash) fail(`header ${h.height}: hash`);
    if (h.previous_hash !== previous) fail(`header ${h.height}: does not link to the block below`);
    if (h.height !== head.height + 1) fail(`header ${h.height}: height gap`);
    if (!h.hash.startsWith("0".repeat(h.difficulty))) fail(`header ${h.height}: proof of work`);
    previous = h.hash;
    head = { height: h.height, hash: h.hash };
  }
  if (head.height !== chain.head_height) fail("the headers stop before the reported head");
  return { valid: problems.length === 0, problems, head };
}

// CLI (Node): node scripts/verify-vault-proof.mjs proof.json [original-text.txt]
if (
  typeof process !== "undefined" &&
  process.argv?.[1] &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href
) {
  const { readFile } = await import("node:fs/promises");
  const proof = JSON.parse(await readFile(process.argv[2], "utf8"));
  const text = process.argv[3] ? await readFile(process.argv[3], "utf8") : undefined;
  const result = await verifyVaultProof(proof, text);
  console.log(
    result.valid
      ? `valid: anchored in block ${proof.block.height}, ${result.head.height - proof.block.height} blocks below head ${result.head.hash}`
      : `INVALID: ${result.problems.join("; ")}`,
  );
  process.exitCode = result.valid ? 0 : 1;
}
