/** RoadCraft rules (pure): blocks placed in a bounded world (32×32×16), `air` removes one. */
export const WORLD = { x: 32, y: 16, z: 32 } as const;
export const MAX_BLOCKS = 4096;
export const BLOCK_TYPES = ["grass", "dirt", "stone", "wood", "glass", "water", "road", "brick", "air"] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

/** Blocks by position key "x,y,z". */
export type WorldState = { blocks: Record<string, Exclude<BlockType, "air">> };

export const newWorld = (): WorldState => ({ blocks: {} });

export function place(
  state: WorldState,
  pos: { x: number; y: number; z: number },
  type: BlockType,
): { ok: true; state: WorldState } | { ok: false; reason: string } {
  if (pos.x >= WORLD.x || pos.y >= WORLD.y || pos.z >= WORLD.z) {
    return {
      ok: false,
      reason: `(${pos.x}, ${pos.y}, ${pos.z}) is outside the ${WORLD.x}×${WORLD.y}×${WORLD.z} world`,
    };
  }
  const key = `${pos.x},${pos.y},${pos.z}`;
  const blocks = { ...state.blocks };
  if (type === "air") {
    if (!(key in blocks)) return { ok: false, reason: `There is no block at (${key})` };
    if (blocks[`${pos.x},${pos.y + 1},${pos.z}`]) return { ok: false, reason: `The block at (${key}) holds one up` };
    delete blocks[key];
    return { ok: true, state: { blocks } };
  }
  if (pos.y > 0 && !blocks[`${pos.x},${pos.y - 1},${pos.z}`]) {
    return { ok: false, reason: `A block at height ${pos.y} needs a block under it` };
  }
  if (!(key in blocks) && Object.keys(blocks).length >= MAX_BLOCKS) {
    return { ok: false, reason: `A world holds at most ${MAX_BLOCKS} blocks` };
  }
  blocks[key] = type;
  return { ok: true, state: { blocks } };
}

export const worldScore = (s: WorldState) => Object.keys(s.blocks).length;
