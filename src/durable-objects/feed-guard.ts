import type { AppConfig } from "../config.ts";

/** The per-socket rules of the live block feed (block-feed.ts), as plain functions over a socket's state. */
export type FeedLimits = {
  maxConnectionsPerAddress: number;
  maxFrameBytes: number;
  /** Token bucket: this many messages at once, refilled evenly over a minute. */
  maxMessagesPerMinute: number;
  idleMs: number;
};

export const feedLimits = (config: AppConfig): FeedLimits => ({
  maxConnectionsPerAddress: config.BLOCKCHAIN_WS_MAX_CONNECTIONS_PER_ADDRESS,
  maxFrameBytes: config.BLOCKCHAIN_WS_MAX_FRAME_BYTES,
  maxMessagesPerMinute: config.BLOCKCHAIN_WS_MAX_MESSAGES_PER_MINUTE,
  idleMs: config.BLOCKCHAIN_WS_IDLE_SECONDS * 1000,
});

export type SocketState = {
  address: string;
  /** Last client message (or the connection), ms since the epoch. */
  lastSeen: number;
  tokens: number;
  tokensAt: number;
  /** Set once the feed has closed it: messages still in flight are ignored. */
  closed?: boolean;
};

export const newSocketState = (address: string, limits: FeedLimits, now: number): SocketState => ({
  address,
  lastSeen: now,
  tokens: limits.maxMessagesPerMinute,
  tokensAt: now,
});

export type Verdict = "ok" | "too-big" | "flood";

/** UTF-8 length of a text message without encoding it when it is obviously too long. */
export function messageBytes(message: string | ArrayBuffer | Blob, max: number): number {
  if (message instanceof Blob) return message.size;
  if (typeof message !== "string") return message.byteLength;
  if (message.length > max) return message.length; // ≥ its UTF-16 length in bytes
  return new TextEncoder().encode(message).byteLength;
}

/** A token bucket of `perMinute` messages, refilled evenly over the minute. */
export type Bucket = { tokens: number; tokensAt: number };

/** The bucket after one message, or null when it is empty (the socket is flooding). */
export function takeToken(bucket: Bucket, perMinute: number, now: number): Bucket | null {
  const tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.tokensAt) / 60_000) * perMinute);
  return tokens < 1 ? null : { tokens: tokens - 1, tokensAt: now };
}

/** Judges one client message and returns the socket's next state. */
export function admit(
  state: SocketState,
  bytes: number,
  limits: FeedLimits,
  now: number,
): { verdict: Verdict; state: SocketState } {
  if (bytes > limits.maxFrameBytes) return { verdict: "too-big", state: { ...state, closed: true } };
  const bucket = takeToken(state, limits.maxMessagesPerMinute, now);
  if (!bucket) return { verdict: "flood", state: { ...state, tokens: 0, tokensAt: now, closed: true } };
  return { verdict: "ok", state: { ...state, ...bucket, lastSeen: now } };
}

export const isIdle = (state: SocketState, limits: FeedLimits, now: number) => now - state.lastSeen >= limits.idleMs;

/** How often idle sockets are looked for: closed between idle and idle + this. */
export const sweepEveryMs = (limits: FeedLimits) => Math.min(30_000, Math.max(500, Math.floor(limits.idleMs / 4)));
