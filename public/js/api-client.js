// @ts-check
/**
 * The one way the UI talks to the API: same origin, JSON in and out, RFC 9457 problem bodies
 * turned into ApiError with a plain-words message, the bearer token attached, and a single-flight
 * silent refresh (shortly before expiry, and once after a 401 before retrying the request once).
 * A final 401 calls store.expire(), which makes the desktop reopen the sign-in window.
 */
import * as store from './auth-store.js';

/** @typedef {{ path: string, message: string }} FieldError */
/**
 * @typedef {Object} Problem
 * @property {string} [type] @property {string} [title] @property {number} [status]
 * @property {string | {msg?: string}[]} [detail] @property {string} [request_id]
 * @property {{ path?: string | (string | number)[], loc?: (string | number)[], message?: string, msg?: string }[]} [errors]
 */

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 for a network failure or timeout
   * @param {string} message plain words, safe to show
   * @param {Problem | null} [problem]
   * @param {unknown} [body]
   */
  constructor(status, message, problem = null, body = undefined) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.body = body;
    /** @type {FieldError[]} field errors, the path reduced to the top-level field name ("cc.0" → "cc") */
    this.fields = (Array.isArray(problem?.errors) ? problem.errors : []).map((e) => {
      const p = e.path ?? e.loc ?? '';
      const parts = Array.isArray(p) ? p.map(String) : String(p).split(/[./]/);
      return { path: parts.filter((x) => x && x !== 'body')[0] ?? '', message: e.message ?? e.msg ?? 'is not valid' };
    });
  }
}

/**
 * @typedef {Object} ReqOptions
 * @property {string} [method] defaults to POST when there is a body, else GET
 * @property {unknown} [body] JSON-encoded unless URLSearchParams / FormData
 * @property {AbortSignal} [signal] cancel (e.g. the window closed)
 * @property {boolean} [auth] attach the bearer token and handle 401 (default true)
 * @property {boolean} [quiet] a 401 does not end the session (used by sign-out)
 * @property {Record<string, string>} [headers]
 * @property {boolean} [stream] resolve to the Response itself (no timeout on the body)
 * @property {number} [timeout] ms, default 30 s
 */

const TIMEOUT_MS = 30_000;
const EARLY_MS = 60_000;
const WORDS = /** @type {Record<number, string>} */ ({
  400: 'The request was not accepted.',
  401: 'Please sign in to continue.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state.',
  413: 'That is too large.',
  422: 'Some fields need attention.',
  429: 'Too many requests. Wait a moment and try again.',
  500: 'The server hit an unexpected error.',
  502: 'An upstream service failed.',
  503: 'This service is unavailable right now.',
  504: 'An upstream service took too long to answer.',
});

/** @type {Promise<boolean> | null} */ let inflight = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */ let timer;

/** Exchange the refresh token for a new pair; concurrent callers share one request. */
export function refreshSession() {
  inflight ??= doRefresh().finally(() => {
    inflight = null;
  });
  return inflight;
}

async function doRefresh() {
  const token = store.getRefreshToken();
  if (!token) return false;
  let res;
  try {
    res = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refresh_token: token }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return false;
  } // offline or slow: keep the token and try again later
  if (store.getRefreshToken() !== token) return false; // signed out meanwhile
  if (!res.ok) {
    if (res.status >= 400 && res.status < 500 && res.status !== 429) store.expire();
    return false;
  }
  store.setTokens(await res.json());
  return true;
}

// Silent refresh a little before the access token expires.
store.events.addEventListener('tokens', () => {
  clearTimeout(timer);
  const left = store.msUntilExpiry();
  if (left === -Infinity || !store.getRefreshToken()) return;
  timer = setTimeout(() => void refreshSession(), Math.max(1000, left - Math.min(EARLY_MS, left * 0.2)));
});

/**
 * Call the API. Resolves to parsed JSON (null for 204), or the Response when `stream` is set.
 * Rejects with ApiError, or with the AbortError when the caller's signal aborted.
 * @param {string} path @param {ReqOptions} [o] @returns {Promise<any>}
 */
export async function api(path, o = {}) {
  const useAuth = o.auth !== false;
  // Timers sleep in background tabs: if the token is (nearly) expired, refresh first.
  if (useAuth && store.getRefreshToken() && store.msUntilExpiry() < Math.min(15_000, store.tokenLifetime() / 4))
    await refreshSession();
  let res = await send(path, o, useAuth);
  if (res.status === 401 && useAuth && !o.quiet) {
    if (store.getRefreshToken() && (await refreshSession())) res = await send(path, o, useAuth);
    if (res.status === 401) store.expire();
  }
  return read(res, o);
}

/** @param {string} path @param {ReqOptions} o @param {boolean} useAuth */
async function send(path, o, useAuth) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json, application/problem+json', ...o.headers };
  /** @type {BodyInit | undefined} */ let body;
  if (o.body instanceof URLSearchParams || o.body instanceof FormData) body = o.body;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  const token = useAuth ? store.getAccessToken() : null;
  if (token) headers.authorization = `Bearer ${token}`;
  const limit = o.stream ? null : AbortSignal.timeout(o.timeout ?? TIMEOUT_MS);
  const signals = /** @type {AbortSignal[]} */ ([o.signal, limit].filter(Boolean));
  try {
    return await fetch(path, {
      method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      cache: 'no-store',
      signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    });
  } catch (e) {
    if (o.signal?.aborted) throw e;
    if (limit?.aborted) throw new ApiError(0, 'The server took too long to answer. Please try again.');
    throw new ApiError(0, "Can't reach the server. Check your connection and try again.");
  }
}

/** @param {Response} res @param {ReqOptions} o */
async function read(res, o) {
  if (res.ok) {
    if (o.stream) return res;
    const text = res.status === 204 ? '' : await res.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  const text = await res.text().catch(() => '');
  /** @type {unknown} */ let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  const p = body && typeof body === 'object' ? /** @type {Problem} */ (body) : null;
  throw new ApiError(res.status, describe(res, p), p, body);
}

/** Plain words for an error response. @param {Response} res @param {Problem | null} p */
function describe(res, p) {
  const d = p?.detail;
  let m =
    typeof d === 'string'
      ? d
      : Array.isArray(d)
        ? d
            .map((x) => x?.msg)
            .filter(Boolean)
            .join('; ')
        : '';
  m ||= p?.title || WORDS[res.status] || `The server answered with an error (${res.status}).`;
  const wait = res.headers.get('retry-after');
  if (res.status === 429 && wait) m += ` Try again in ${wait} s.`;
  if (res.status >= 500 && p?.request_id) m += ` (Request id: ${p.request_id})`;
  return m;
}

/** ws:// or wss:// URL on this origin. @param {string} path */
export const wsUrl = (path) => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
