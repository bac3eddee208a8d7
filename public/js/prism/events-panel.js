// @ts-check
/** Prism: the audit event log with filters (type, user id) and paging (/api/prism/events). */

import { api } from '../api-client.js';
import { asList, fill, fmtTime, h } from '../dom.js';
import { busy, empty, field, loading, showError } from '../ui.js';

/** Suggestions for the type filter: the API matches `area.action` exactly, or one word as an area or an action. */
const TYPES = [
  'auth',
  'auth.register',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.refresh',
  'auth.refresh_reuse_detected',
  'auth.password_change',
  'admin.granted',
  'admin.revoked',
  'chain.block_mined',
  'wallet.transfer',
  'miner',
  'email.sent',
  'social',
  'video',
  'prism.job_created',
];

/** @param {unknown} v */
const details = (v) =>
  v == null ? '' : typeof v === 'string' ? v : typeof v === 'object' && !Object.keys(v).length ? '' : JSON.stringify(v);

/** @param {AbortSignal} signal */
export function eventsPanel(signal) {
  let offset = 0;
  const type = h('input', {
    name: 'type',
    list: 'event-types',
    placeholder: 'any (auth, auth.login…)',
    autocomplete: 'off',
  });
  const user = h('input', { name: 'user_id', placeholder: 'any', autocomplete: 'off' });
  const limit = h(
    'select',
    { name: 'limit' },
    ['25', '50', '100'].map((n) => h('option', { value: n }, n)),
  );
  const apply = h('button', { type: 'submit', class: 'btn primary' }, 'Apply');
  const form = h(
    'form',
    { class: 'filters' },
    field('Type', type),
    field('User ID', user),
    field('Per page', limit),
    apply,
    h(
      'datalist',
      { id: 'event-types' },
      TYPES.map((t) => h('option', { value: t })),
    ),
  );
  const box = h('div', null, loading());
  const prev = h('button', { type: 'button', class: 'btn small', disabled: true }, '← Newer');
  const next = h('button', { type: 'button', class: 'btn small', disabled: true }, 'Older →');
  const page = h('span', { class: 'muted' });
  const el = h(
    'section',
    { class: 'panel wide', 'aria-labelledby': 'p-events' },
    h('header', null, h('h2', { id: 'p-events' }, 'Audit events')),
    form,
    box,
    h('div', { class: 'row end' }, page, prev, next),
  );

  async function load() {
    const qs = new URLSearchParams({ limit: limit.value, offset: String(offset) });
    if (type.value.trim()) qs.set('type', type.value.trim());
    if (user.value.trim()) qs.set('user_id', user.value.trim());
    fill(box, loading());
    try {
      const r = await api(`/api/prism/events?${qs}`, { signal });
      const list = asList(r, 'events');
      const n = Number(limit.value);
      const total = typeof r?.total === 'number' ? r.total : null;
      page.textContent = list.length
        ? `${offset + 1}–${offset + list.length}${total == null ? '' : ` of ${total}`}`
        : '';
      prev.disabled = offset === 0;
      next.disabled = total == null ? list.length < n : offset + list.length >= total;
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
                    ['Time', 'Type', 'User', 'IP', 'Details'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  list.map((ev) =>
                    h(
                      'tr',
                      null,
                      h('td', { class: 'nowrap' }, fmtTime(ev.created_at ?? ev.timestamp)),
                      h('td', null, h('strong', null, ev.type ?? ev.event_type ?? ev.action ?? '')),
                      h('td', null, String(ev.username ?? ev.user_id ?? '—')),
                      h('td', { class: 'mono nowrap' }, ev.ip ?? ev.ip_address ?? ''),
                      h(
                        'td',
                        { class: 'mono details' },
                        details(ev.metadata ?? ev.data ?? ev.details ?? ev.user_agent),
                      ),
                    ),
                  ),
                ),
              ),
            )
          : empty('No events match these filters.'),
      );
    } catch (e) {
      showError(box, e, load);
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    void busy(apply, load);
  });
  prev.onclick = () => {
    offset = Math.max(0, offset - Number(limit.value));
    void busy(prev, load);
  };
  next.onclick = () => {
    offset += Number(limit.value);
    void busy(next, load);
  };
  void load();
  return { el };
}
