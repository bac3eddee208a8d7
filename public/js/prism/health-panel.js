// @ts-check
/** Prism: system health with dependency latencies (/api/health/summary), refreshed every 30 s. */

import { ApiError, api } from '../api-client.js';
import { every, fill, h } from '../dom.js';
import { healthView } from '../health-view.js';
import { busy, loading, showError } from '../ui.js';

/** @param {AbortSignal} signal */
export function healthPanel(signal) {
  const box = h('div', null, loading());
  const btn = h('button', { type: 'button', class: 'btn small', onclick: () => busy(btn, load) }, 'Refresh');
  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'p-health' },
    h('header', null, h('h2', { id: 'p-health' }, 'System health'), btn),
    box,
  );
  async function load() {
    try {
      fill(box, healthView(await api('/api/health/summary', { auth: false, signal })));
    } catch (e) {
      if (e instanceof ApiError && e.status === 503 && e.body && typeof e.body === 'object')
        fill(box, healthView(e.body));
      else showError(box, e, load);
    }
  }
  void load();
  every(30_000, () => void load(), signal);
  return { el };
}
