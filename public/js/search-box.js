// @ts-check
/** The taskbar's search box: GET /api/search as you type, results that open their app. */

import { api } from './api-client.js';
import * as store from './auth-store.js';
import { fill, fmtTime, h } from './dom.js';
import { errorBox, isAbort } from './ui.js';

/** `link` (app:<app>#<ref>) → the Pocket OS app that shows it. */
const APP_OF = /** @type {Record<string, string>} */ ({
  roadmail: 'mail',
  social: 'social',
  blackstream: 'stream',
  files: 'files',
});
const KIND = /** @type {Record<string, string>} */ ({
  mail: 'Mail',
  post: 'Post',
  video: 'Video',
  file: 'File',
  vault: 'Vault',
});

/** @param {(id: string, arg?: unknown) => void} launch */
export function initSearch(launch) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById('search-form'));
  const box = /** @type {HTMLInputElement} */ (document.getElementById('search-box'));
  const panel = /** @type {HTMLElement} */ (document.getElementById('search-panel'));
  /** @type {AbortController | null} */ let ctrl = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ let timer;

  const close = () => {
    panel.hidden = true;
    ctrl?.abort();
  };
  const run = async () => {
    ctrl?.abort();
    const q = box.value;
    if (!q.trim()) return close();
    if (!store.getUser()) {
      fill(panel, h('p', { class: 'pad muted' }, 'Sign in to search.'));
      panel.hidden = false;
      return;
    }
    ctrl = new AbortController();
    try {
      const page = await api(`/api/search?q=${encodeURIComponent(q)}&limit=10`, { signal: ctrl.signal });
      fill(
        panel,
        page.results.length === 0
          ? h('p', { class: 'pad muted' }, `Nothing found for “${q.trim()}”.`)
          : h(
              'ul',
              { class: 'search-results', 'aria-label': 'Results' },
              page.results.map(/** @param {any} r */ (r) => item(r)),
            ),
      );
      panel.hidden = false;
    } catch (e) {
      if (isAbort(e)) return;
      fill(panel, h('div', { class: 'pad' }, errorBox(e)));
      panel.hidden = false;
    }
  };

  /** @param {{ type: string, title: string, highlights: { text: string, match: boolean }[], created_at: string, link: string }} r */
  function item(r) {
    const [, app, ref] = /^app:([a-z-]+)#(.*)$/.exec(r.link) ?? [];
    const target = app ? APP_OF[app] : undefined;
    const snippet = h(
      'span',
      { class: 'snippet' },
      r.highlights.map((p) => (p.match ? h('mark', null, p.text) : p.text)),
    );
    return h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          class: 'search-hit',
          disabled: !target,
          onclick: () => {
            if (target) {
              close();
              launch(target, { ref });
            }
          },
        },
        h('span', { class: 'badge' }, KIND[r.type] ?? r.type),
        ' ',
        h('strong', null, r.title),
        h('br'),
        snippet,
        ' ',
        h('small', { class: 'muted' }, fmtTime(r.created_at)),
      ),
    );
  }

  box.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), 250);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    void run();
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      box.value = '';
      close();
    }
  });
  document.addEventListener('pointerdown', (e) => {
    const t = /** @type {Node} */ (e.target);
    if (!panel.hidden && !panel.contains(t) && !form.contains(t)) close();
  });
  store.events.addEventListener('change', () => {
    box.value = '';
    close();
  });
}
