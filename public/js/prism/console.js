// @ts-check
/** Prism console entry: sign-in gate, admin check (the API answers 403 to non-admins), then the panels. */

import { ApiError, api } from '../api-client.js';
import { signInForm } from '../apps/sign-in.js';
import * as store from '../auth-store.js';
import { fill, h } from '../dom.js';
import { restore, signOut } from '../session.js';
import { busy, errorBox, loading } from '../ui.js';
import { accountsPanel } from './accounts-panel.js';
import { chainPanel, countsPanel } from './chain-panel.js';
import { eventsPanel } from './events-panel.js';
import { healthPanel } from './health-panel.js';
import { integrationsPanel } from './integrations-panel.js';
import { jobsPanel } from './jobs-panel.js';
import { observabilityPanel } from './observability-panel.js';

const root = /** @type {HTMLElement} */ (document.getElementById('prism'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
/** @type {AbortController | null} */ let ctrl = null;

function header() {
  const u = store.getUser();
  if (!u) return void who.replaceChildren();
  const out = h(
    'button',
    { type: 'button', class: 'btn small', onclick: () => busy(out, () => signOut()) },
    'Sign out',
  );
  fill(who, h('span', { class: 'muted' }, `Signed in as ${u.username}`), out);
}

/** @param {string} [notice] */
function showSignIn(notice) {
  ctrl?.abort();
  fill(
    root,
    h(
      'section',
      { class: 'panel narrow' },
      h('h1', { style: 'font-size:20px' }, 'Sign in to Prism'),
      h('p', { class: 'muted' }, 'The Prism console is for administrators of this BlackRoad system.'),
      notice && h('p', { class: 'msg warn' }, notice),
      signInForm(() => {}),
    ),
  );
  /** @type {HTMLElement | null} */ (root.querySelector('input'))?.focus();
}

async function enter() {
  ctrl?.abort();
  ctrl = new AbortController();
  const { signal } = ctrl;
  const u = store.getUser();
  fill(root, h('div', { class: 'narrow' }, loading('Checking admin access…')));
  try {
    const stats = await api('/api/prism/stats', { signal });
    const panels = [
      countsPanel(signal, stats),
      healthPanel(signal),
      observabilityPanel(signal),
      chainPanel(signal),
      jobsPanel(signal),
      integrationsPanel(signal),
      accountsPanel(),
      eventsPanel(signal),
    ];
    fill(
      root,
      panels.map((p) => p.el),
    );
  } catch (e) {
    if (signal.aborted) return;
    if (e instanceof ApiError && e.status === 403) {
      fill(
        root,
        h(
          'section',
          { class: 'panel narrow', role: 'alert' },
          h('h1', { style: 'font-size:20px' }, 'Admin only'),
          h(
            'p',
            null,
            `You are signed in as ${u?.username ?? 'a user'}, which is not an administrator account. Prism shows system internals (audit log, jobs, chain integrity), so it is limited to admins.`,
          ),
          h(
            'p',
            { class: 'muted' },
            'Sign in with an admin account, or ask an operator to grant this account admin rights (see the README).',
          ),
          h(
            'div',
            { class: 'row' },
            h('button', { type: 'button', class: 'btn', onclick: () => signOut() }, 'Switch account'),
            h('a', { class: 'btn primary', href: '/' }, 'Back to Pocket OS'),
          ),
        ),
      );
    } else if (!(e instanceof ApiError && e.status === 401)) {
      fill(root, h('section', { class: 'panel narrow' }, errorBox(e, enter)));
    }
  }
}

store.events.addEventListener('change', (e) => {
  const { reason, was } = /** @type {CustomEvent} */ (e).detail;
  header();
  if (reason === 'signin') void enter();
  else if (reason === 'expired') showSignIn(was ? 'Your session has ended. Please sign in again.' : undefined);
  else showSignIn();
});

void (async () => {
  const u = await restore();
  if (!u) showSignIn();
})();
