// Mining by the miner: the server hands out the next block header (a template) and checks a
// submitted nonce with one hash; the proof of work costs the miner, not us (issue 14 §2).
//
// The template is stateless: everything needed to rebuild the proposal (chain, miner, header
// without the nonce, the included transactions) travels in a token MAC'd with a key derived from
// SECRET_KEY, so a submission cannot change a single field (its wallet, its reward, its
// transactions) and nothing is stored per template. Appends still go through the RoadChain Durable
// Object's check-and-set, which re-checks everything (difficulty and reward by the issuance rules,
// merkle root, proof of work, timestamps) exactly as for any other block.
import type { AppendResult, MiningTemplate } from "../../durable-objects/roadchain.contract.ts";
import { ApiError, conflict, serviceUnavailable } from "../../lib/errors.ts";
import { type BlockHeader, canonicalHeader, hashBlockHeader, meetsDifficulty } from "./block-hash.ts";
import type { BlockProposal } from "./block-writer.ts";
import type { TransactionRow } from "./ledger.ts";
import { merkleRoot } from "./merkle.ts";
import type { BlockView } from "./views.ts";

/** A template can be submitted this long after it was made; then it is stale (409). */
export const TEMPLATE_TTL_MS = 120_000;

type Unsigned = Omit<BlockHeader, "nonce">;
type TemplateClaims = {
  v: 1;
  chain: string;
  user: number;
  exp: number;
  header: Unsigned;
  txs: Array<[number, string]>;
};

export type TemplateView = Unsigned & {
  miner_address: string;
  template: string;
  target: string;
  expires_at: string;
  /** The hashed bytes are `prefix + nonce + suffix` (the header's RFC 8785 JSON with the nonce left out). */
  work: { prefix: string; suffix: string };
};

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function macKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]).then((base) =>
      crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(0),
          info: encoder.encode("blackroad mining template v1"),
        },
        base,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign", "verify"],
      ),
    );
    keys.set(secret, key);
  }
  return key;
}

const b64url = (bytes: Uint8Array) =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

/** Where the nonce goes in the canonical header: JCS puts "nonce" between miner_address and previous_hash. */
function workParts(header: Unsigned): { prefix: string; suffix: string } {
  const marker = 0; // a nonce whose digits cannot occur elsewhere in the split below
  const text = canonicalHeader({ ...header, nonce: marker });
  const at = text.indexOf(`"nonce":${marker},`) + `"nonce":`.length;
  return { prefix: text.slice(0, at), suffix: text.slice(at + String(marker).length) };
}

export type TemplateDeps = {
  secret: string;
  template: () => Promise<MiningTemplate>;
  pending: (limit: number) => Promise<Pick<TransactionRow, "id" | "transactionHash">[]>;
  now?: () => number;
};

export async function makeTemplate(
  deps: TemplateDeps,
  input: { chain: string; userId: number; minerAddress: string; maxTransactions: number },
): Promise<TemplateView> {
  const now = (deps.now ?? Date.now)();
  const [{ head, rules }, pending] = await Promise.all([deps.template(), deps.pending(input.maxTransactions)]);
  const header: Unsigned = {
    difficulty: rules.difficulty,
    height: head.height + 1,
    merkle_root: await merkleRoot(pending.map((t) => t.transactionHash)),
    miner_address: input.minerAddress,
    previous_hash: head.hash,
    reward: rules.reward,
    timestamp: Math.max(now, head.timestamp),
    transaction_count: pending.length,
  };
  const claims: TemplateClaims = {
    v: 1,
    chain: input.chain,
    user: input.userId,
    exp: now + TEMPLATE_TTL_MS,
    header,
    txs: pending.map((t) => [t.id, t.transactionHash]),
  };
  const body = b64url(encoder.encode(JSON.stringify(claims)));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(deps.secret), encoder.encode(body)));
  return {
    ...header,
    miner_address: input.minerAddress,
    template: `${body}.${b64url(mac)}`,
    target: "0".repeat(header.difficulty),
    expires_at: new Date(claims.exp).toISOString(),
    work: workParts(header),
  };
}

const invalidTemplate = () =>
  new ApiError(422, "invalid-template", "The template is not one this server issued to you; fetch a new one");
const stale = (why: string) =>
  conflict(`The template is stale (${why}); fetch a new one and mine again`, "stale-template");

export type SubmitDeps = {
  secret: string;
  append: (proposal: BlockProposal) => Promise<AppendResult>;
  now?: () => number;
};

/** Checks the nonce with one hash and appends the block. 409 stale, 422 invalid, 503 unavailable. */
export async function submitWork(
  deps: SubmitDeps,
  input: { chain: string; userId: number; template: string; nonce: number },
): Promise<BlockView> {
  const [body, mac] = input.template.split(".");
  if (!body || !mac || input.template.split(".").length !== 2) throw invalidTemplate();
  let claims: TemplateClaims;
  try {
    const ok = await crypto.subtle.verify("HMAC", await macKey(deps.secret), fromB64url(mac), encoder.encode(body));
    if (!ok) throw invalidTemplate();
    claims = JSON.parse(new TextDecoder().decode(fromB64url(body))) as TemplateClaims;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw invalidTemplate();
  }
  if (claims.v !== 1 || claims.user !== input.userId || claims.chain !== input.chain) throw invalidTemplate();
  if ((deps.now ?? Date.now)() > claims.exp) throw stale("it expired");

  const header: BlockHeader = { ...claims.header, nonce: input.nonce };
  const hash = await hashBlockHeader(header);
  if (!meetsDifficulty(hash, header.difficulty)) {
    throw new ApiError(
      422,
      "invalid-work",
      `The block hash ${hash} does not start with ${header.difficulty} zeros: no valid proof of work`,
    );
  }
  const outcome = await deps.append({
    header,
    hash,
    minerId: input.userId,
    transactions: claims.txs.map(([id, h]) => ({ id, hash: h })),
  });
  switch (outcome.status) {
    case "appended":
      return outcome.block;
    case "stale":
      throw stale(`the chain is at height ${outcome.head.height} now`);
    case "rejected":
      throw new ApiError(422, "invalid-block", `The block was refused: ${outcome.reason}`);
    case "superseded":
    case "unavailable":
      throw serviceUnavailable("The ledger cannot append right now; retry shortly", "ledger-unavailable");
  }
}
