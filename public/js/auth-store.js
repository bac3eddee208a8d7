// @ts-check
/**
 * Who is signed in, and where the tokens live.
 *
 * - The access token stays in memory only (this module). Every request carries it, so keeping it
 *   out of Web Storage means nothing that reads storage (a stray script, an extension, a copy of the
 *   browser profile on disk) finds a usable bearer token; a reload simply mints a new one.
 * - The refresh token has to survive a reload, so it goes to sessionStorage: this origin and this
 *   tab only, gone when the tab closes, and never sent automatically (unlike a cookie: no CSRF).
 *   Not localStorage: that persists on disk and is shared by all tabs, and because the API rotates
 *   refresh tokens and revokes the whole family when a used one is replayed, two tabs racing over one
 *   shared token would sign each other out. (An httpOnly cookie would also hide it from scripts, but
 *   the API's contract takes the token in a JSON body.)
 */

/**
 * @typedef {Object} User
 * @property {string | number} id
 * @property {string} username
 * @property {string} [email]
 * @property {string | null} [full_name]
 * @property {string} [wallet_address]
 * @property {string | number} [balance]
 * @property {boolean} [is_admin]
 */
/** @typedef {{ access_token: string, refresh_token?: string, token_type?: string, expires_in?: number }} TokenPair */
/** @typedef {'signin' | 'signout' | 'expired'} ChangeReason */

const KEY = 'blackroad.refresh_token';
const LAST = 'blackroad.last_user';

/** @type {string | null} */ let access = null;
let expiresAt = 0;
let lifetime = 0;
/** @type {User | null} */ let user = null;

/** 'change' (detail {user, reason}) when the signed-in user changes; 'tokens' when tokens are replaced. */
export const events = new EventTarget();

/** @param {string} type @param {unknown} [detail] */
const emit = (type, detail) => events.dispatchEvent(new CustomEvent(type, { detail }));

export const getAccessToken = () => access;
export const getUser = () => user;

export function getRefreshToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Milliseconds until the access token expires (−Infinity when there is none). */
export const msUntilExpiry = () => (access ? expiresAt - Date.now() : -Infinity);

/** How long the current access token was issued for (ms). */
export const tokenLifetime = () => lifetime;

/** @param {TokenPair} t */
export function setTokens(t) {
  access = t.access_token;
  lifetime = (Number(t.expires_in) > 0 ? Number(t.expires_in) : 1800) * 1000;
  expiresAt = Date.now() + lifetime;
  try {
    if (t.refresh_token) sessionStorage.setItem(KEY, t.refresh_token);
  } catch {
    /* storage off: session lasts until reload */
  }
  emit('tokens');
}

/** @param {User} u */
export function setUser(u) {
  user = u;
  try {
    sessionStorage.setItem(LAST, u.username);
  } catch {
    /* ignore */
  }
  emit('change', { user: u, reason: /** @type {ChangeReason} */ ('signin') });
}

/** The last username signed in on this tab, to prefill the sign-in form. */
export function lastUsername() {
  try {
    return sessionStorage.getItem(LAST) ?? '';
  } catch {
    return '';
  }
}

function drop() {
  access = null;
  expiresAt = 0;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
  emit('tokens');
}

/** The user chose to sign out: forget everything. */
export function signedOut() {
  drop();
  user = null;
  emit('change', { user: null, reason: /** @type {ChangeReason} */ ('signout') });
}

/**
 * The API refused our credentials (final 401). Windows stay as they are, so what the user typed
 * survives; the desktop listens for reason 'expired' and brings back the sign-in window.
 */
let lastExpire = 0;
export function expire() {
  if (Date.now() - lastExpire < 1500 && !access && !user) return; // parallel 401s: tell the desktop once
  lastExpire = Date.now();
  const was = user;
  drop();
  user = null;
  emit('change', { user: null, reason: /** @type {ChangeReason} */ ('expired'), was });
}
