// @ts-check
/**
 * A chart for a Pocket OS window: a uPlot canvas (served from /vendor/uplot) and its text
 * alternative. The canvas says nothing to a screen reader, so it is hidden from one; what it draws is
 * in the figcaption's summary (visible) and in a visually hidden table of the same numbers.
 */
import { fill, h } from './dom.js';
import { loadUPlot } from './uplot-loader.js';

const COLOURS = ['#7aa2ff', '#4fd1a5', '#ff6b6b', '#f5b94c'];
const AXIS = { stroke: '#9aa3b5', grid: { stroke: '#232838' } };

/**
 * @typedef {{
 *   label: string,
 *   values: (number | null)[],
 *   fmt?: (v: number) => string,
 *   right?: boolean,
 *   bars?: boolean,
 * }} Series one line (or bars); `right`: on a second y axis on the right
 */

/** "12:05" for today, else the date too. @param {number} s seconds since the epoch */
export function whenText(s) {
  const d = new Date(s * 1000);
  const today = d.toDateString() === new Date().toDateString();
  return today
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/** @param {number} v */
const plain = (v) => String(+v.toFixed(2));

/** "Balance: 3 points, from 100 to 152.5, lowest 97.5, highest 152.5." @param {Series} s */
export function seriesSummary(s) {
  const fmt = s.fmt ?? plain;
  const vals = /** @type {number[]} */ (s.values.filter((v) => v != null));
  if (!vals.length) return `${s.label}: no data`;
  const [first, last] = [vals[0] ?? 0, vals[vals.length - 1] ?? 0];
  return `${s.label}: ${vals.length} point${vals.length === 1 ? '' : 's'}, from ${fmt(first)} to ${fmt(last)}, lowest ${fmt(Math.min(...vals))}, highest ${fmt(Math.max(...vals))}`;
}

/**
 * @param {{ name: string, title: string, xLabel?: string, xFmt?: (x: number) => string, empty?: string, height?: number }} o
 *   name: the figure's data-chart (what tests and styles find it by)
 */
export function chartFigure(o) {
  const xFmt = o.xFmt ?? whenText;
  const summary = h('span', { class: 'chart-summary' });
  const holder = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const table = h('table', { class: 'sr-only' });
  const el = h(
    'figure',
    { class: 'chart-figure', 'data-chart': o.name },
    h('figcaption', null, h('strong', null, o.title), ' ', summary),
    holder,
    table,
  );
  /** @type {any} */ let plot = null;

  /**
   * Draws the series (x in seconds since the epoch, ascending) and writes the same numbers as text.
   * Call when the figure is in the document (the canvas takes its width).
   * @param {number[]} xs @param {Series[]} series @param {string} [text] a summary to use instead of the generated one
   */
  async function draw(xs, series, text) {
    plot?.destroy();
    plot = null;
    holder.replaceChildren();
    if (!xs.length) {
      summary.textContent = o.empty ?? 'No data yet.';
      table.replaceChildren();
      return;
    }
    summary.textContent = `${text ?? series.map(seriesSummary).join('; ')}.`;
    fill(
      table,
      h('caption', null, o.title),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, o.xLabel ?? 'Time'),
          series.map((s) => h('th', { scope: 'col' }, s.label)),
        ),
      ),
      h(
        'tbody',
        null,
        xs.map((x, i) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, xFmt(x)),
            series.map((s) => {
              const v = s.values[i];
              return h('td', null, v == null ? '—' : (s.fmt ?? plain)(v));
            }),
          ),
        ),
      ),
    );
    const uPlot = await loadUPlot();
    const right = series.some((s) => s.right);
    plot = new uPlot(
      {
        width: Math.max(240, Math.min(640, (el.clientWidth || 280) - 18)),
        height: o.height ?? 170,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: o.xFmt === undefined }, ...(right ? { r: {} } : {}) },
        axes: [
          AXIS,
          { ...AXIS, size: 52 },
          ...(right ? [{ ...AXIS, scale: 'r', side: 1, size: 40, grid: { show: false } }] : []),
        ],
        series: [
          {
            label: o.xLabel ?? 'Time',
            value: (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? '—' : xFmt(v)),
          },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length],
            fill: s.bars ? `${COLOURS[i % COLOURS.length]}66` : undefined,
            width: s.bars ? 1 : 2,
            scale: s.right ? 'r' : 'y',
            spanGaps: false,
            points: { show: xs.length < 60, size: 5 },
            paths: s.bars ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined,
            value: (/** @type {any} */ _u, /** @type {number | null} */ v) => (v == null ? '—' : (s.fmt ?? plain)(v)),
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      holder,
    );
  }

  return { el, draw, destroy: () => plot?.destroy() };
}
