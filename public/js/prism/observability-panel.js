// @ts-check
/**
 * Prism: the last hour of metrics (/api/prism/observability) as charts, refreshed every 30 s.
 * Charts are uPlot (served from /vendor/uplot, copied from node_modules by the build); each has a
 * text alternative (its aria-label says what it shows and its highest point), and the busiest routes
 * are a table.
 */

import { ApiError, api } from '../api-client.js';
import { every, fill, h } from '../dom.js';
import { loading, showError } from '../ui.js';
import { loadUPlot } from '../uplot-loader.js';

const COLOURS = ['#7aa2ff', '#ff6b6b', '#4fd1a5', '#f5b94c', '#c792ea', '#5ccfe6'];
const hhmm = (/** @type {number} */ t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * A chart figure: a uPlot canvas and its text alternative.
 * @param {any} uPlot
 * @param {string} title
 * @param {number[]} times ms since the epoch
 * @param {{ label: string, values: (number | null)[] }[]} lines
 * @param {string} unit
 */
function chart(uPlot, title, times, lines, unit) {
  const summary = lines
    .map((l) => {
      const vals = /** @type {number[]} */ (l.values.filter((v) => v != null));
      if (!vals.length) return `${l.label}: no data`;
      const peak = Math.max(...vals);
      const at = times[l.values.indexOf(peak)];
      const total = vals.reduce((a, b) => a + b, 0);
      return `${l.label}: highest ${+peak.toFixed(1)}${unit} at ${hhmm(at ?? 0)}${unit ? '' : `, ${+total.toFixed(1)} in the hour`}`;
    })
    .join('; ');
  const box = h('div', { class: 'chart' });
  const figure = h(
    'figure',
    { class: 'chart-figure', role: 'img', 'aria-label': `${title} over the last hour. ${summary}.` },
    h('figcaption', null, title),
    box,
  );
  // The figure's width comes from the grid (min-width: 0), never from the canvas, so a chart never
  // pushes the page sideways; the canvas follows it on resize.
  const width = () => Math.max(200, Math.min(560, figure.clientWidth - 16));
  /** @type {any} */ let plot = null;
  return {
    figure,
    /** Draws the chart; call once the figure is in the document (it needs its width). */
    mount() {
      plot = new uPlot(
        {
          width: width(),
          height: 170,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true } },
          axes: [
            { stroke: '#9aa3b5', grid: { stroke: '#232838' } },
            { stroke: '#9aa3b5', grid: { stroke: '#232838' }, size: 48 },
          ],
          series: [
            {},
            ...lines.map((l, i) => ({
              label: l.label,
              stroke: COLOURS[i % COLOURS.length],
              width: 2,
              spanGaps: false,
            })),
          ],
        },
        [times.map((t) => t / 1000), ...lines.map((l) => l.values)],
        box,
      );
    },
    resize: () => plot?.setSize({ width: width(), height: 170 }),
    destroy: () => plot?.destroy(),
  };
}

/** @param {AbortSignal} signal */
export function observabilityPanel(signal) {
  const box = h('div', { class: 'charts' }, loading());
  const el = h(
    'section',
    { class: 'panel wide', 'aria-labelledby': 'p-obs' },
    h(
      'header',
      null,
      h('h2', { id: 'p-obs' }, 'Observability'),
      h('span', { class: 'muted' }, 'last hour, per minute · refreshes every 30 s'),
    ),
    box,
  );
  /** @type {{ figure: HTMLElement, mount: () => void, resize: () => void, destroy: () => void }[]} */ let charts = [];

  async function load() {
    try {
      const [t, uPlot] = await Promise.all([api('/api/prism/observability', { signal }), loadUPlot()]);
      for (const c of charts) c.destroy();
      const minutes = /** @type {any[]} */ (t.minutes);
      const times = minutes.map((m) => m.t);
      const deps = [...new Set(minutes.flatMap((m) => Object.keys(m.dependencies)))].sort();
      const business = ['registrations', 'logins_ok', 'logins_failed', 'transfers', 'mail_sent', 'rate_limited'];
      charts = [
        chart(
          uPlot,
          'Requests and 5xx per minute',
          times,
          [
            { label: 'requests', values: minutes.map((m) => m.requests) },
            { label: '5xx', values: minutes.map((m) => m.errors) },
          ],
          '',
        ),
        chart(uPlot, 'p95 latency (ms)', times, [{ label: 'p95', values: minutes.map((m) => m.p95_ms) }], ' ms'),
        chart(
          uPlot,
          'Dependency latency, average (ms)',
          times,
          deps.map((d) => ({ label: d, values: minutes.map((m) => m.dependencies[d]?.avg_ms ?? null) })),
          ' ms',
        ),
        chart(
          uPlot,
          'Business events per minute',
          times,
          business.map((b) => ({ label: b.replace('_', ' '), values: minutes.map((m) => m.business[b] ?? 0) })),
          '',
        ),
      ];
      const routes = /** @type {any[]} */ (t.routes);
      const table = routes.length
        ? h(
            'table',
            { class: 'table', tabindex: '0' }, // scrolls sideways on a phone: keyboard users reach it too
            h('caption', { class: 'muted' }, 'Busiest routes of the hour'),
            h(
              'thead',
              null,
              h('tr', null, ...['Route', 'Requests', 'Error ratio', 'p95'].map((x) => h('th', { scope: 'col' }, x))),
            ),
            h(
              'tbody',
              null,
              ...routes.map((r) =>
                h(
                  'tr',
                  null,
                  h('td', null, `${r.method} ${r.route}`),
                  h('td', null, String(r.requests)),
                  h('td', null, `${(r.error_ratio * 100).toFixed(1)} %`),
                  h('td', { class: 'nowrap' }, r.p95_ms == null ? '—' : `${r.p95_ms} ms`),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No requests recorded in the last hour.');
      fill(box, ...charts.map((c) => c.figure), table);
      for (const c of charts) c.mount();
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && e.status === 503) fill(box, h('p', { class: 'msg warn' }, e.message));
      else showError(box, e, load);
    }
  }
  void load();
  every(30_000, () => void load(), signal);
  addEventListener('resize', () => charts.forEach((c) => c.resize()), { signal });
  return { el };
}
