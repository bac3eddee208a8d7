// @ts-check
/** Renders /api/health/summary (used by the System app and Prism): overall status, dependency checks with latencies, integrations. */
import { fmtTime, h, humanize } from './dom.js';
import { badge } from './ui.js';

/** @param {any} c */
const latency = (c) => c?.latency_ms ?? c?.latencyMs ?? c?.duration_ms ?? c?.latency;

/**
 * Checks may be an array of {name, status, latency_ms} or a map name → {status, latency_ms} | status.
 * @param {unknown} x @returns {{ name: string, status: unknown, ms: unknown, note: unknown }[]}
 */
function checks(x) {
  if (Array.isArray(x))
    return x.map((c) => ({
      name: String(c.name ?? c.id ?? '?'),
      status: c.status ?? c.ok,
      ms: latency(c),
      note: c.error ?? c.message ?? c.detail,
    }));
  if (x && typeof x === 'object') {
    return Object.entries(x).map(([name, c]) =>
      c && typeof c === 'object'
        ? {
            name,
            status: c.status ?? (c.ok === undefined ? undefined : c.ok ? 'ok' : 'down'),
            ms: latency(c),
            note: c.error ?? c.message ?? c.detail,
          }
        : { name, status: c, ms: undefined, note: undefined },
    );
  }
  return [];
}

/** Product names as their owners write them. */
const NAMES = /** @type {Record<string, string>} */ ({
  openai: 'OpenAI',
  github: 'GitHub',
  postgres: 'PostgreSQL',
  roadchain: 'RoadChain',
});
/** @param {string} k */
const nameOf = (k) => NAMES[k.toLowerCase()] ?? humanize(k);

/** @param {any} s the summary body (also on 503, where it says what is down) */
export function healthView(s) {
  const list = checks(s?.checks ?? s?.dependencies ?? s?.services);
  const integ = s?.integrations ?? s?.optional_integrations ?? s?.configured;
  const integList =
    integ && typeof integ === 'object'
      ? Object.entries(integ).map(([k, v]) => [k, typeof v === 'object' && v ? (v.configured ?? v.status) : v])
      : [];
  return h(
    'div',
    { class: 'stack' },
    h(
      'div',
      { class: 'row' },
      h('strong', null, 'Overall'),
      badge(s?.status ?? 'unknown'),
      s?.timestamp && h('span', { class: 'muted' }, `checked ${fmtTime(s.timestamp)}`),
    ),
    list.length > 0 &&
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Dependency', 'Status', 'Latency', 'Note'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            list.map((c) =>
              h(
                'tr',
                null,
                h('td', null, nameOf(c.name)),
                h('td', null, badge(c.status)),
                h('td', null, c.ms == null ? '—' : `${Math.round(Number(c.ms) * 10) / 10} ms`),
                h('td', { class: 'muted' }, c.note == null ? '' : String(c.note)),
              ),
            ),
          ),
        ),
      ),
    integList.length > 0 &&
      h(
        'div',
        { class: 'stack' },
        h('strong', null, 'Integrations'),
        h(
          'div',
          { class: 'row' },
          integList.map(([k, v]) =>
            h(
              'span',
              { class: `badge ${v === true || v === 'configured' ? 'ok' : ''}` },
              `${nameOf(String(k))}: ${v === true ? 'configured' : v === false ? 'not configured' : String(v)}`,
            ),
          ),
        ),
      ),
  );
}
