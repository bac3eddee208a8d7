// @ts-check
/** Pocket OS entry: boot screen, desktop icons, start menu, taskbar, clock, and app launching. */

import { ApiError } from './api-client.js';
import { APPS } from './app-registry.js';
import * as store from './auth-store.js';
import { fill, h, trapTab } from './dom.js';
import { initNotifications } from './notification-tray.js';
import { initSearch } from './search-box.js';
import { restore } from './session.js';
import { empty, errorBox, loading, toast } from './ui.js';
import { findWindow, initWindows, openWindow, openWindows } from './window-manager.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const startBtn = /** @type {HTMLButtonElement} */ ($('start-btn'));
const menu = $('start-menu');
const userBtn = $('user-btn');

/**
 * Open an app (or focus it and pass it `arg` when it is already open).
 * @param {string} id @param {unknown} [arg]
 */
export async function launch(id, arg) {
  const app = APPS.find((a) => a.id === id);
  if (!app) return;
  const open = findWindow(id);
  if (open) {
    open.focus(true);
    open.onArg?.(arg);
    return;
  }
  const win = openWindow({
    key: id,
    title: app.title,
    glyph: app.glyph,
    hue: app.hue,
    width: app.w,
    height: app.h,
    escCloses: id === 'account',
  });
  win.body.append(loading(`Starting ${app.title}…`));
  try {
    const mod = await app.load();
    if (win.signal.aborted) return;
    win.body.replaceChildren();
    const onArg = mod.mount(
      win.body,
      { win, signal: win.signal, open: (i, a) => void launch(i, a), gate: (r) => gate(win, app.title, r) },
      arg,
    );
    if (typeof onArg === 'function') win.onArg = onArg;
    // Only if it is still in front: a window opened while this one loaded keeps the focus (moving
    // it here would raise this window over the one the user is working in).
    if (win.isActive) win.focusInside();
  } catch (e) {
    fill(
      win.body,
      h(
        'div',
        { class: 'pad' },
        errorBox(
          e instanceof TypeError
            ? new ApiError(0, `${app.title} could not be loaded. Check your connection and reopen it.`)
            : e,
        ),
      ),
    );
  }
}

/**
 * Run `render` for the signed-in user, or show a sign-in prompt. A different user signing in, or
 * signing out, re-renders (and aborts the old render's requests); an expired session does not,
 * so anything typed in the window is still there after signing in again as the same user.
 * @param {import('./window-manager.js').Win} win @param {string} title @param {(s: import('./app-registry.js').Scope) => void} render
 */
function gate(win, title, render) {
  /** @type {AbortController | null} */ let ctrl = null;
  /** @type {string | number | null} */ let shownFor = null;
  const draw = () => {
    ctrl?.abort();
    const user = store.getUser();
    win.body.replaceChildren();
    shownFor = user?.id ?? null;
    if (!user) {
      win.body.append(
        h(
          'div',
          { class: 'pad' },
          empty(
            `Sign in to use ${title}.`,
            h('button', { type: 'button', class: 'btn primary', onclick: () => launch('account') }, 'Sign in'),
          ),
        ),
      );
      return;
    }
    ctrl = new AbortController();
    win.signal.addEventListener('abort', () => ctrl?.abort(), { once: true });
    render({ body: win.body, signal: ctrl.signal, user });
  };
  store.events.addEventListener(
    'change',
    (e) => {
      const { user, reason } = /** @type {CustomEvent} */ (e).detail;
      if (reason === 'signout' || (reason === 'signin' && user?.id !== shownFor)) draw();
    },
    { signal: win.signal },
  );
  draw();
}

function renderIcons() {
  fill(
    $('icons'),
    APPS.filter((a) => !a.hidden).map((a) =>
      h(
        'li',
        null,
        h(
          'button',
          { type: 'button', class: 'icon', onclick: () => launch(a.id) },
          h('span', { class: 'glyph', style: `--hue:${a.hue}`, 'aria-hidden': 'true' }, a.glyph),
          h('span', null, a.title),
        ),
      ),
    ),
  );
}

// ---- start menu (role=menu; arrows, Home/End, letters, Escape) ----
function menuItems() {
  return /** @type {HTMLElement[]} */ ([...menu.querySelectorAll('[role="menuitem"]')]);
}
function openMenu() {
  const u = store.getUser();
  const item = (
    /** @type {string} */ label,
    /** @type {() => void} */ fn,
    /** @type {number} */ hue,
    /** @type {string} */ glyph,
  ) =>
    h(
      'button',
      {
        type: 'button',
        role: 'menuitem',
        tabindex: '-1',
        onclick: () => {
          closeMenu(false);
          fn();
        },
      },
      h('span', { class: 'glyph', style: `--hue:${hue}`, 'aria-hidden': 'true' }, glyph),
      label,
    );
  fill(
    menu,
    h('p', { class: 'who', role: 'presentation' }, u ? `Signed in as ${u.username}` : 'Not signed in'),
    APPS.filter((a) => a.id !== 'account').map((a) => item(a.title, () => launch(a.id), a.hue, a.glyph)),
    h('div', { role: 'separator' }),
    item(u ? 'Account' : 'Sign in / Register', () => launch('account'), 12, '@'),
    h(
      'a',
      { role: 'menuitem', tabindex: '-1', href: '/prism' },
      h('span', { class: 'glyph', style: '--hue:280', 'aria-hidden': 'true' }, 'Pr'),
      'Prism console (admin)',
    ),
  );
  menu.hidden = false;
  startBtn.setAttribute('aria-expanded', 'true');
  menuItems()[0]?.focus();
}
/** @param {boolean} refocus */
function closeMenu(refocus) {
  if (menu.hidden) return;
  menu.hidden = true;
  startBtn.setAttribute('aria-expanded', 'false');
  if (refocus) startBtn.focus();
}
startBtn.addEventListener('click', () => (menu.hidden ? openMenu() : closeMenu(true)));
startBtn.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    openMenu();
  }
});
menu.addEventListener('keydown', (e) => {
  const items = menuItems();
  const i = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
  /** @param {number} n */
  const go = (n) => {
    e.preventDefault();
    items[(n + items.length) % items.length]?.focus();
  };
  if (e.key === 'ArrowDown') go(i + 1);
  else if (e.key === 'ArrowUp') go(i - 1);
  else if (e.key === 'Home') go(0);
  else if (e.key === 'End') go(items.length - 1);
  else if (e.key === 'Escape') {
    e.preventDefault();
    closeMenu(true);
  } else if (e.key === 'Tab') closeMenu(false);
  else if (e.key.length === 1 && /\S/.test(e.key)) {
    const k = e.key.toLowerCase();
    const j = items.findIndex((el, n) => n > i && el.textContent?.trim().toLowerCase().startsWith(k));
    const first = items.findIndex((el) => el.textContent?.trim().toLowerCase().startsWith(k));
    if (j >= 0 || first >= 0) go(j >= 0 ? j : first);
  } else trapTab(menu, e);
});
document.addEventListener('pointerdown', (e) => {
  const t = /** @type {Node} */ (e.target);
  if (!menu.hidden && !menu.contains(t) && !startBtn.contains(t)) closeMenu(false);
});

// ---- tray: user button and clock ----
function renderUser() {
  const u = store.getUser();
  userBtn.textContent = u ? u.username : 'Sign in';
  userBtn.setAttribute('aria-label', u ? `Account: ${u.username}` : 'Sign in');
}
userBtn.addEventListener('click', () => launch('account'));
function tick() {
  const now = new Date();
  const c = $('clock');
  c.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  c.setAttribute('datetime', now.toISOString());
  c.title = now.toLocaleDateString(undefined, { dateStyle: 'full' });
}

store.events.addEventListener('change', (e) => {
  const { user, reason, was } = /** @type {CustomEvent} */ (e).detail;
  renderUser();
  if (reason === 'expired') {
    if (was) toast('Your session has ended. Please sign in again.');
    void launch('account', { reason: was ? 'expired' : 'required' });
  } else if (reason === 'signin') toast(`Signed in as ${user.username}`);
  else if (reason === 'signout') toast('Signed out');
});

async function boot() {
  initWindows($('windows'), $('task-list'));
  initSearch((id, arg) => void launch(id, arg));
  initNotifications((id, arg) => void launch(id, arg));
  renderIcons();
  renderUser();
  tick();
  setInterval(tick, 10_000);
  const msg = $('boot-msg');
  msg.textContent = 'Restoring your session…';
  // Wait for the session at most a few seconds; it keeps going in the background after that.
  const user = await Promise.race([restore(), new Promise((r) => setTimeout(r, 4000, undefined))]);
  msg.textContent = 'Ready';
  const bootEl = $('boot');
  bootEl.classList.add('done');
  setTimeout(() => bootEl.remove(), 450);
  document.body.removeAttribute('aria-busy');
  if (openWindows().length === 0) void launch(user ? 'dashboard' : 'account');
}

void boot();
