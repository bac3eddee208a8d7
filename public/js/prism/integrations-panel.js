// @ts-check
/**
 * Prism: the external services. Configuration and live status of each (/api/health/all: probes
 * cached 60 s server-side), recent webhook deliveries (the audit log's webhook.* events), and the
 * main read views an administrator may open (GitHub repositories, Stripe balance, Vercel
 * deployments …), each answering with its data or the API's own words ("not configured: set …").
 */

import { api } from '../api-client.js';
import { asList, fill, fmtTime, h } from '../dom.js';
import { badge, busy, empty, field, kv, loading, showError } from '../ui.js';

/** Admin read views: label → API path. */
const VIEWS = [
  ['GitHub repositories', '/api/github/repos?per_page=20'],
  ['GitHub notifications', '/api/github/notifications'],
  ['Stripe balance', '/api/stripe/balance'],
  ['Stripe customers', '/api/stripe/customers?limit=20'],
  ['Vercel deployments', '/api/vercel/deployments?limit=20'],
  ['Railway projects', '/api/railway/projects'],
  ['DigitalOcean droplets', '/api/digitalocean/droplets'],
  ['Cloudflare zones', '/api/cloudflare/zones'],
  ['Sentry projects', '/api/sentry/projects'],
  ['Slack channels', '/api/slack/channels'],
  ['Discord servers', '/api/discord/guilds'],
  ['Twilio messages', '/api/twilio/messages?limit=20'],
  ['Hugging Face account', '/api/huggingface/whoami'],
];

/** @param {unknown} v */
const cell = (v) => (v == null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A list of objects as a table (the first 8 columns), anything else as a definition list. @param {any} data */
function render(data) {
  const list = Array.isArray(data) ? data : asList(data, 'data', 'items', 'droplets', 'channels');
  if (Array.isArray(list) && (Array.isArray(data) || list.length > 0)) {
    if (!list.length) return empty('Nothing here.');
    const cols = Object.keys(list[0] ?? {}).slice(0, 8);
    return h(
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
            cols.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          null,
          list.map((row) =>
            h(
              'tr',
              null,
              cols.map((c) => h('td', null, cell(row?.[c]))),
            ),
          ),
        ),
      ),
    );
  }
  return kv(data);
}

/** @param {AbortSignal} signal */
export function integrationsPanel(signal) {
  const status = h('div', null, loading());
  const refresh = h(
    'button',
    { type: 'button', class: 'btn small', onclick: () => busy(refresh, loadStatus) },
    'Refresh',
  );
  const deliveries = h('div', null, loading());
  const pick = h(
    'select',
    { name: 'view', 'aria-label': 'Read view' },
    VIEWS.map(([label, path]) => h('option', { value: path }, label)),
  );
  const open = h('button', { type: 'submit', class: 'btn primary' }, 'Open');
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'filters' }, field('View', pick), open);

  const el = h(
    'section',
    { class: 'panel wide', 'aria-labelledby': 'p-integrations' },
    h('header', null, h('h2', { id: 'p-integrations' }, 'Integrations'), refresh),
    status,
    h('h3', null, 'Recent webhook deliveries'),
    deliveries,
    h('h3', null, 'Read views'),
    form,
    result,
  );

  async function loadStatus() {
    try {
      const all = await api('/api/health/all', { auth: false, signal });
      const rows = Object.values(all?.apis ?? {});
      fill(
        status,
        h(
          'div',
          { class: 'stack' },
          h(
            'div',
            { class: 'row' },
            h('strong', null, 'Overall'),
            badge(all.status),
            h(
              'span',
              { class: 'muted' },
              `${all.connected_apis} connected, ${all.not_configured_apis} not configured, ${all.error_apis} failing`,
            ),
          ),
          h(
            'div',
            { class: 'table-wrap', tabindex: '0' },
            h(
              'table',
              { class: 'table', 'data-testid': 'integrations-status' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Service', 'Status', 'Latency', 'Checked', 'Note'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                rows.map((/** @type {any} */ s) =>
                  h(
                    'tr',
                    { 'data-service': s.name },
                    h('td', null, s.title ?? s.name),
                    h('td', null, badge(s.status)),
                    h('td', null, s.latency_ms == null ? '—' : `${s.latency_ms} ms${s.cached ? ' (cached)' : ''}`),
                    h('td', { class: 'nowrap' }, fmtTime(s.last_checked)),
                    h('td', { class: 'muted' }, s.missing?.length ? `Set ${s.missing.join(', ')}` : (s.error ?? '')),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      showError(status, e, loadStatus);
    }
  }

  async function loadDeliveries() {
    try {
      const page = await api('/api/prism/events?type=webhook&limit=20', { signal });
      const list = asList(page, 'items', 'events');
      fill(
        deliveries,
        list.length
          ? h(
              'div',
              { class: 'table-wrap', tabindex: '0' },
              h(
                'table',
                { class: 'table', 'data-testid': 'webhook-deliveries' },
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Time', 'Source', 'Event', 'Detail'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  list.map((/** @type {any} */ ev) => {
                    const m = ev.metadata ?? {};
                    return h(
                      'tr',
                      null,
                      h('td', { class: 'nowrap' }, fmtTime(ev.created_at)),
                      h('td', null, String(ev.type).replace('webhook.', '')),
                      h('td', null, [m.event ?? m.type, m.action].filter(Boolean).join(' · ')),
                      h('td', { class: 'mono details' }, m.repository ?? m.event_id ?? m.delivery_id ?? ''),
                    );
                  }),
                ),
              ),
            )
          : empty('No webhook deliveries yet.'),
      );
    } catch (e) {
      showError(deliveries, e, loadDeliveries);
    }
  }

  async function openView() {
    fill(result, loading());
    try {
      fill(result, render(await api(pick.value, { signal })));
    } catch (e) {
      showError(result, e);
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(open, openView);
  });

  void loadStatus();
  void loadDeliveries();
  return { el };
}
