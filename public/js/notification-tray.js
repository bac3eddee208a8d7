// @ts-check
/** The notification tray: a bell with the unread count, kept live over the notifications WebSocket, and a panel listing them. */

import { api } from './api-client.js';
import * as store from './auth-store.js';
import { ago, fill, h } from './dom.js';
import { busy, errorBox, isAbort } from './ui.js';

const APP_OF = /** @type {Record<string, string>} */ ({
  roadmail: 'mail',
  social: 'social',
  blackstream: 'stream',
  wallet: 'wallet',
  miner: 'miner',
  files: 'files',
});

/** @param {(id: string, arg?: unknown) => void} launch */
export function initNotifications(launch) {
  const bell = /** @type {HTMLButtonElement} */ (document.getElementById('bell-btn'));
  const count = /** @type {HTMLElement} */ (document.getElementById('bell-count'));
  const panel = /** @type {HTMLElement} */ (document.getElementById('bell-panel'));
  /** @type {WebSocket | null} */ let ws = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let retry;
  let generation = 0;

  /** @param {number} n */
  const setUnread = (n) => {
    count.textContent = String(n);
    count.classList.toggle('zero', n === 0);
    bell.setAttribute('aria-label', `Alerts ${n} unread`);
  };

  async function connect(/** @type {number} */ gen, /** @type {number} */ delay = 1000) {
    if (gen !== generation || !store.getUser()) return;
    try {
      const { url } = await api('/api/notifications/live-ticket', { method: 'POST' });
      if (gen !== generation) return;
      const sock = new WebSocket(url);
      ws = sock;
      sock.onmessage = (ev) => {
        const m = JSON.parse(String(ev.data));
        if (typeof m.unread === 'number') setUnread(m.unread);
        if (m.type === 'notification' && !panel.hidden) panel.querySelector('ul')?.prepend(row(m.notification));
      };
      sock.onclose = () => {
        if (gen === generation) retry = setTimeout(() => void connect(gen, Math.min(delay * 2, 30_000)), delay);
      };
    } catch {
      retry = setTimeout(() => void connect(gen, Math.min(delay * 2, 30_000)), delay);
    }
  }

  function stop() {
    generation++;
    clearTimeout(retry);
    ws?.close();
    ws = null;
  }

  function start() {
    stop();
    const user = store.getUser();
    bell.hidden = !user;
    close();
    if (!user) return;
    setUnread(0);
    const gen = generation;
    api('/api/notifications/unread-count')
      .then((r) => {
        if (gen === generation) setUnread(r.unread);
      })
      .catch(() => {});
    void connect(gen);
  }

  /** @param {any} n */
  function row(n) {
    const [, app] = /^app:([a-z-]+)#/.exec(n.link ?? '') ?? [];
    const target = app ? APP_OF[app] : undefined;
    return h(
      'li',
      { class: n.read ? 'read' : 'unread' },
      h(
        'button',
        {
          type: 'button',
          class: 'search-hit',
          disabled: !target,
          onclick: () => {
            if (target) {
              close();
              launch(target);
            }
          },
        },
        h('strong', null, n.title),
        h('br'),
        h('span', null, n.body),
        ' ',
        h('small', { class: 'muted' }, ago(n.created_at)),
      ),
    );
  }

  const close = () => {
    panel.hidden = true;
    bell.setAttribute('aria-expanded', 'false');
  };
  async function openPanel() {
    panel.hidden = false;
    bell.setAttribute('aria-expanded', 'true');
    fill(panel, h('p', { class: 'pad muted', role: 'status' }, 'Loading…'));
    try {
      const list = await api('/api/notifications?limit=20');
      const readAll = h(
        'button',
        {
          type: 'button',
          class: 'btn small',
          onclick: () =>
            busy(readAll, async () => {
              const r = await api('/api/notifications/read-all', { method: 'POST' });
              setUnread(r.unread);
              for (const li of panel.querySelectorAll('li.unread')) li.className = 'read';
            }),
        },
        'Mark all read',
      );
      fill(
        panel,
        h('div', { class: 'row pad' }, h('strong', { class: 'grow' }, 'Notifications'), readAll),
        list.length
          ? h('ul', { class: 'search-results' }, list.map(row))
          : h('p', { class: 'pad muted' }, 'Nothing yet.'),
      );
    } catch (e) {
      if (!isAbort(e)) fill(panel, h('div', { class: 'pad' }, errorBox(e)));
    }
  }

  bell.addEventListener('click', () => (panel.hidden ? void openPanel() : close()));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      close();
      bell.focus();
    }
  });
  document.addEventListener('pointerdown', (e) => {
    const t = /** @type {Node} */ (e.target);
    if (!panel.hidden && !panel.contains(t) && !bell.contains(t)) close();
  });
  store.events.addEventListener('change', start);
  start();
}
