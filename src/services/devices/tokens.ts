import { sha256Hex } from "../auth/tokens.ts";

/**
 * Device tokens: `brdev_` + 32 random bytes (base64url). Shown once, at registration or rotation;
 * only the SHA-256 is stored (a database leak yields no usable token), and a heartbeat finds its
 * device by that hash through a unique index.
 */
export const DEVICE_TOKEN_PREFIX = "brdev_";
const TOKEN_SHAPE = /^brdev_[A-Za-z0-9_-]{43}$/;

export function newDeviceToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let b64 = btoa(String.fromCharCode(...bytes));
  b64 = b64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return DEVICE_TOKEN_PREFIX + b64;
}

export const hashDeviceToken = (token: string) => sha256Hex(token);

/** The token of `Authorization: Device <token>`, or undefined when the header is missing or malformed. */
export function deviceTokenFrom(header: string | undefined): string | undefined {
  const match = header?.match(/^Device\s+(\S+)\s*$/i);
  const token = match?.[1];
  return token && TOKEN_SHAPE.test(token) ? token : undefined;
}
