// RoadChain issuance rules (docs/roadchain.md, "Issuance"): what difficulty and
// what reward the next block must carry. Pure functions of the chain and the configuration, so the
// Durable Object (which enforces them on append), the mining template and /verify agree.
import type { AppConfig } from "../../config.ts";
import { formatAmount, parseAmount } from "./amount.ts";

export type IssuanceConfig = Pick<
  AppConfig,
  | "BLOCKCHAIN_DIFFICULTY"
  | "BLOCKCHAIN_MAX_DIFFICULTY"
  | "BLOCKCHAIN_RETARGET_BLOCKS"
  | "BLOCKCHAIN_BLOCK_INTERVAL_SECONDS"
  | "MINING_REWARD"
  | "MINING_HALVING_BLOCKS"
>;

/** A retarget moves one step when blocks came this many times faster (or slower) than the target. */
export const RETARGET_BAND = 4;

/** The lowest and highest difficulty the chain may ask for (a misconfigured max never goes below the min). */
export function difficultyBounds(config: IssuanceConfig): { min: number; max: number } {
  const min = config.BLOCKCHAIN_DIFFICULTY;
  return { min, max: Math.max(min, config.BLOCKCHAIN_MAX_DIFFICULTY) };
}

/** Whether the block at `height` starts a new retarget period (the head at height - 1 closed one). */
export const startsPeriod = (height: number, window: number) => height > window && (height - 1) % window === 0;

/**
 * The difficulty of the block at `height`, given the previous block's difficulty and, when `height`
 * starts a period, the timestamps that close the last period:
 *
 *   span = timestamp(height − 1) − timestamp(height − W)   (the period's W blocks; W = BLOCKCHAIN_RETARGET_BLOCKS)
 *   target = (W − 1) × interval                            (their W − 1 gaps at one block per interval)
 *   span < target / 4  → previous + 1   (blocks came 4× too fast: 16× the work per block)
 *   span > target × 4  → previous − 1
 *   otherwise          → previous
 *
 * clamped to [BLOCKCHAIN_DIFFICULTY, BLOCKCHAIN_MAX_DIFFICULTY] (periods are heights 1–W, W+1–2W, …;
 * genesis belongs to none). Inside a period, and for the first W blocks, the difficulty is the previous block's (clamped; genesis counts as the minimum). One
 * hex zero is 16× the work, so the band of 4 on each side cannot oscillate: a step up from "4× too
 * fast" lands at most 4× too slow.
 */
export function difficultyAt(
  config: IssuanceConfig,
  height: number,
  previous: { difficulty: number; height: number },
  span?: { from: number; to: number },
): number {
  const { min, max } = difficultyBounds(config);
  const clamp = (d: number) => Math.min(max, Math.max(min, d));
  const base = previous.height === 0 ? min : clamp(previous.difficulty);
  const window = config.BLOCKCHAIN_RETARGET_BLOCKS;
  if (!startsPeriod(height, window) || !span) return base;
  const target = (window - 1) * config.BLOCKCHAIN_BLOCK_INTERVAL_SECONDS * 1000;
  const took = span.to - span.from;
  if (took * RETARGET_BAND < target) return clamp(base + 1);
  if (took > target * RETARGET_BAND) return clamp(base - 1);
  return base;
}

/**
 * The reward of the block at `height` (≥ 1): MINING_REWARD halved (in whole base units of 10⁻⁸,
 * rounding down) once per MINING_HALVING_BLOCKS blocks; 0 once it has halved to nothing.
 * A block without a miner address carries "0.00000000".
 */
export function rewardAt(config: IssuanceConfig, height: number): string {
  const halvings = Math.floor((height - 1) / config.MINING_HALVING_BLOCKS);
  const base = parseAmount(config.MINING_REWARD);
  return formatAmount(halvings >= 64 ? 0n : base >> BigInt(halvings));
}

/** The rules the next block after `head` must follow. */
export type NextBlockRules = { height: number; difficulty: number; reward: string };
