// @ts-check
/** Prism: counts (/api/prism/stats) and chain status with a verify button. */

import { api } from '../api-client.js';
import { asList, fill, h, humanize, short, trimDec } from '../dom.js';
import { busy, kv, loading, showError } from '../ui.js';

/** Flatten {users: 3, chain: {blocks: 9}} → [["users", 3], ["chain blocks", 9]]. @param {any} o @param {string} [pre] @returns {[string, unknown][]} */
function flat(o, pre = '') {
  return Object.entries(o ?? {}).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? flat(v, `${pre}${k} `) : [[`${pre}${k}`, v]],
  );
}

/** @param {AbortSignal} signal @param {any} first the stats already fetched by the admin check */
export function countsPanel(signal, first) {
  const box = h('div');
  const btn = h('button', { type: 'button', class: 'btn small', onclick: () => busy(btn, load) }, 'Refresh');
  const el = h(
    'section',
    { class: 'panel wide', 'aria-labelledby': 'p-counts' },
    h('header', null, h('h2', { id: 'p-counts' }, 'Counts'), btn),
    box,
  );
  /** @param {any} s */
  const draw = (s) =>
    fill(
      box,
      h(
        'div',
        { class: 'counts' },
        flat(s)
          .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
          .map(([k, v]) =>
            h('div', { class: 'count' }, h('strong', null, trimDec(v)), h('span', { class: 'muted' }, humanize(k))),
          ),
      ),
    );
  async function load() {
    try {
      draw(await api('/api/prism/stats', { signal }));
    } catch (e) {
      showError(box, e, load);
    }
  }
  draw(first);
  return { el };
}

/** @param {AbortSignal} signal */
export function chainPanel(signal) {
  const box = h('div', null, loading());
  const out = h('div', { 'aria-live': 'polite' });
  const verify = h(
    'button',
    { type: 'button', class: 'btn primary', onclick: () => busy(verify, check) },
    'Verify chain',
  );
  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'p-chain' },
    h('header', null, h('h2', { id: 'p-chain' }, 'Chain status'), verify),
    box,
    out,
  );
  async function load() {
    try {
      // latest_block_* repeat height and head_hash under their older names.
      fill(
        box,
        kv(
          await api('/api/blockchain/stats', { auth: false, signal }),
          ['height', 'head_hash', 'total_blocks', 'total_transactions', 'pending_transactions'],
          ['latest_block_index', 'latest_block_hash'],
        ),
      );
    } catch (e) {
      showError(box, e, load);
    }
  }
  async function check() {
    fill(out, loading('Verifying every block, link, proof of work and signature…'));
    const t0 = performance.now();
    try {
      const r = await api('/api/blockchain/verify', { auth: false, signal, timeout: 120_000 });
      const errs = asList(r.errors);
      fill(
        out,
        h(
          'div',
          { class: `msg ${r.valid ? 'ok' : 'error'}`, role: 'status' },
          h(
            'p',
            null,
            h('strong', null, r.valid ? 'Valid. ' : 'INVALID. '),
            `${r.checked_blocks ?? '?'} blocks checked up to height ${r.height ?? '?'} (head ${short(r.head_hash, 8)})`,
            r.checkpoint_height != null
              ? `, from the checkpoint at height ${r.checkpoint_height}, with ${r.sampled_blocks ?? 0} older blocks sampled`
              : '',
            ` in ${Math.round(performance.now() - t0)} ms.`,
          ),
          errs.length > 0 &&
            h(
              'ul',
              null,
              errs.map((x) => h('li', null, `Height ${x.height}: ${x.problem ?? x.message ?? ''}`)),
            ),
        ),
      );
      void load();
    } catch (e) {
      showError(out, e);
    }
  }
  void load();
  return { el };
}
