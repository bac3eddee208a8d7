// @ts-check
/** Prism: background jobs (/api/prism/jobs). */

import { api } from '../api-client.js';
import { asList, fill, fmtTime, h } from '../dom.js';
import { badge, busy, empty, loading, showError } from '../ui.js';

/** @param {AbortSignal} signal */
export function jobsPanel(signal) {
  const box = h('div', null, loading());
  const btn = h('button', { type: 'button', class: 'btn small', onclick: () => busy(btn, load) }, 'Refresh');
  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'p-jobs' },
    h('header', null, h('h2', { id: 'p-jobs' }, 'Jobs'), btn),
    box,
  );
  async function load() {
    try {
      const list = asList(await api('/api/prism/jobs?limit=50', { signal }), 'jobs');
      fill(
        box,
        list.length
          ? h(
              'div',
              { class: 'table-wrap', tabindex: '0' },
              h(
                'table',
                { class: 'table' },
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Job', 'Status', 'Created', 'Updated', 'Error'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  list.map((j) =>
                    h(
                      'tr',
                      null,
                      h(
                        'td',
                        null,
                        String(j.name ?? j.type ?? j.kind ?? j.id),
                        j.attempts ? h('span', { class: 'muted' }, ` ×${j.attempts}`) : null,
                      ),
                      h('td', null, badge(j.status), progressOf(j)),
                      h('td', null, fmtTime(j.created_at)),
                      h('td', null, fmtTime(j.updated_at ?? j.finished_at ?? j.completed_at)),
                      h('td', { class: 'muted' }, String(j.error ?? j.last_error ?? '')),
                    ),
                  ),
                ),
              ),
            )
          : empty('No jobs.'),
      );
    } catch (e) {
      showError(box, e, load);
    }
  }
  void load();
  return { el };
}

/**
 * A running verify-chain job's progress (blocks done of total, chunk by chunk), or a finished
 * one's verdict.
 * @param {any} j
 */
function progressOf(j) {
  const p = j.progress;
  if ((j.status === 'running' || j.status === 'queued') && p && typeof p.total_blocks === 'number') {
    const pct = p.total_blocks ? Math.floor((100 * p.done_blocks) / p.total_blocks) : 0;
    return h(
      'span',
      { class: 'muted' },
      ` ${p.done_blocks.toLocaleString()}/${p.total_blocks.toLocaleString()} blocks (${pct}%)`,
    );
  }
  if (j.status === 'succeeded' && j.result && typeof j.result.valid === 'boolean') {
    return h(
      'span',
      { class: 'muted' },
      j.result.valid ? ' chain valid' : ` invalid from height ${j.result.first_invalid_height}`,
    );
  }
  return null;
}
