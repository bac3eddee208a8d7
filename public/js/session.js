// @ts-check
/** Sign in, register, sign out, restore a session after reload, change password. */
import { api, refreshSession } from './api-client.js';
import * as store from './auth-store.js';

/** @param {AbortSignal} [signal] @returns {Promise<store.User>} */
export async function loadMe(signal) {
  const u = await api('/api/auth/me', { signal });
  store.setUser(u);
  return u;
}

/**
 * The API takes `username` holding either a username or an e-mail address.
 * @param {string} username @param {string} password @param {AbortSignal} [signal]
 */
export async function signIn(username, password, signal) {
  const t = await api('/api/auth/login', { auth: false, body: { username, password }, signal });
  store.setTokens(t);
  return loadMe(signal);
}

/**
 * @param {{ username: string, email: string, password: string, full_name?: string }} data
 * @param {AbortSignal} [signal]
 */
export async function register(data, signal) {
  await api('/api/auth/register', { auth: false, body: data, signal });
  return signIn(data.username, data.password, signal);
}

/** End this session (or all of them) on the server, then forget it here whatever happens. @param {boolean} [all] */
export async function signOut(all = false) {
  try {
    if (store.getAccessToken())
      await api(`/api/auth/logout${all ? '?all=true' : ''}`, { method: 'POST', quiet: true, timeout: 8000 });
  } catch {
    /* the local sign-out below still happens */
  }
  store.signedOut();
}

/** After a reload: trade the tab's refresh token for a new session. Resolves to the user or null. */
export async function restore() {
  if (!store.getRefreshToken() || !(await refreshSession())) return null;
  try {
    return await loadMe();
  } catch {
    return null;
  }
}

/** @param {string} current_password @param {string} new_password @param {AbortSignal} [signal] */
export async function changePassword(current_password, new_password, signal) {
  const r = await api('/api/auth/password', { body: { current_password, new_password }, signal });
  if (r?.access_token) store.setTokens(r); // if the API hands this session a fresh pair, keep it
  return r;
}
