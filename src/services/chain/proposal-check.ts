// Whether a mined block proposal is a valid successor of the chain head: the RoadChain Durable
// Object runs this before it writes anything (durable-objects/roadchain.ts, append).
import { formatAmount, parseAmount } from "./amount.ts";
import { hashBlockHeader, meetsDifficulty, toBlockHeader } from "./block-hash.ts";
import type { BlockProposal } from "./block-writer.ts";
import type { ChainHead } from "./ledger.ts";
import { merkleRoot } from "./merkle.ts";

/** Blocks may carry a timestamp at most this far ahead of the Durable Object's clock. */
export const MAX_FUTURE_MS = 2 * 60 * 1000;

/** The chain's current rules: every block must use this difficulty and pay this reward (if it has a miner). */
export type ChainRules = { difficulty: number; reward: string };

/** Why `proposal` is not a valid successor of `head`, or undefined if it is. */
export async function checkProposal(
  proposal: BlockProposal,
  head: ChainHead,
  rules: ChainRules,
  now = Date.now(),
): Promise<string | undefined> {
  let header;
  try {
    header = toBlockHeader(proposal.header);
  } catch (err) {
    return `malformed header: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (header.difficulty !== rules.difficulty) return `difficulty must be ${rules.difficulty}`;
  const reward = header.miner_address === null ? "0.00000000" : formatAmount(parseAmount(rules.reward));
  if (header.reward !== reward) return `reward must be ${reward}`;
  if (header.timestamp < head.timestamp) return "timestamp is earlier than the head's";
  if (header.timestamp > now + MAX_FUTURE_MS) return "timestamp is in the future";
  if (header.transaction_count !== proposal.transactions.length)
    return "transaction_count does not match the transactions";
  const ids = proposal.transactions.map((t) => t.id);
  if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) return "transactions must be in ascending id order";
  if ((await merkleRoot(proposal.transactions.map((t) => t.hash))) !== header.merkle_root)
    return "merkle root does not match";
  if ((await hashBlockHeader(header)) !== proposal.hash) return "hash does not match the header";
  if (!meetsDifficulty(proposal.hash, header.difficulty)) return "hash does not meet the difficulty";
  return undefined;
}
