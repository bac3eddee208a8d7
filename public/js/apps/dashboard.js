// @ts-check
/** Dashboard: overview cards with real counts per app, quick stats, recent activity. */

import { api } from '../api-client.js';
import { chartFigure } from '../chart-figure.js';
import { ago, asList, fill, fmtAmount, h, humanize } from '../dom.js';
import { badge, busy, empty, kv, loading, showError } from '../ui.js';

/** Which app a card opens, guessed from its name. @param {string} name */
function appFor(name) {
  const n = name.toLowerCase();
  return /mail/.test(n)
    ? 'mail'
    : /social/.test(n)
      ? 'social'
      : /video|stream/.test(n)
        ? 'stream'
        : /min/.test(n)
          ? 'miner'
          : /wallet|chain|coin/.test(n)
            ? 'wallet'
            : /ai|chat|assist/.test(n)
              ? 'chat'
              : /health|system/.test(n)
                ? 'system'
                : null;
}

/**
 * Cards can come as an array of {id, name, status, stats} or a map name → stats. `name` is a display
 * name ("RoadMail") when the API gives one, else a key to humanize.
 * @param {any} o @returns {{ id: string, name: string, status?: unknown, stats: Record<string, unknown> }[]}
 */
function cardsOf(o) {
  const raw = o?.cards ?? o?.services ?? o?.apps;
  if (Array.isArray(raw)) {
    return raw.map((c) => ({
      id: String(c.id ?? ''),
      name: (c.name ?? c.title) ? String(c.name ?? c.title) : humanize(String(c.id ?? '?')),
      status: c.status,
      stats: c.stats ?? c.counts ?? {},
    }));
  }
  if (raw && typeof raw === 'object')
    return Object.entries(raw).map(([k, v]) => ({
      id: k,
      name: humanize(k),
      status: v?.status,
      stats: v && typeof v === 'object' ? v : { value: v },
    }));
  return [];
}

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal, user }) => {
    const hello = h(
      'div',
      { class: 'card spread' },
      h(
        'div',
        null,
        h('h3', null, `Hello, ${user.full_name || user.username}`),
        h('span', { class: 'muted' }, 'Here is what is happening on your road.'),
      ),
    );
    const quick = h('div');
    const cards = h('div', { class: 'cards' }, loading('Loading overview…'));
    const activity = h('div', null, loading());
    const chart = chartFigure({ name: 'activity', title: 'Your activity, last 24 hours', height: 140 });
    const chartOut = h('div');
    const refresh = h('button', { type: 'button', class: 'btn small', onclick: () => busy(refresh, load) }, 'Refresh');
    hello.append(refresh);
    body.append(
      h(
        'div',
        { class: 'pad stack' },
        hello,
        quick,
        cards,
        h('h3', null, 'Recent activity'),
        chart.el,
        chartOut,
        activity,
      ),
    );

    async function loadOverview() {
      try {
        const o = await api('/api/dashboard/overview', { signal });
        const list = cardsOf(o);
        const sys = o?.system_health ?? o?.health;
        const hasWallet = list.some((c) => appFor(`${c.id} ${c.name}`) === 'wallet');
        fill(
          cards,
          o?.user?.balance != null &&
            !hasWallet &&
            h(
              'section',
              { class: 'card stack' },
              h('h3', null, 'Wallet'),
              h('div', { class: 'big' }, fmtAmount(o.user.balance)),
              h('button', { type: 'button', class: 'btn small', onclick: () => ctx.open('wallet') }, 'Open Wallet'),
            ),
          list.map((c) => {
            const app = appFor(`${c.id} ${c.name}`);
            return h(
              'section',
              { class: 'card stack' },
              h('div', { class: 'spread' }, h('h3', null, c.name), c.status != null && badge(c.status)),
              kv(c.stats, [], ['name', 'status', 'icon', 'endpoint', 'enabled', 'connected']),
              app &&
                h('button', { type: 'button', class: 'btn small', onclick: () => ctx.open(app) }, `Open ${c.name}`),
            );
          }),
          sys &&
            h(
              'section',
              { class: 'card stack' },
              h('div', { class: 'spread' }, h('h3', null, 'System'), badge(sys.overall_status ?? sys.status)),
              kv(sys, [], ['overall_status', 'status', 'checks', 'dependencies', 'checked_at']),
              sys.checked_at && h('span', { class: 'muted' }, `Health checked ${ago(sys.checked_at)} (live in System)`),
              h('button', { type: 'button', class: 'btn small', onclick: () => ctx.open('system') }, 'Open System'),
            ),
        );
        if (!cards.childElementCount) cards.append(empty('Nothing to show yet.'));
      } catch (e) {
        showError(cards, e, loadOverview);
      }
    }
    async function loadQuick() {
      try {
        const q = await api('/api/dashboard/quick-stats', { signal });
        fill(
          quick,
          h(
            'div',
            { class: 'quick row' },
            Object.entries(q ?? {})
              .filter(([, v]) => v == null || typeof v !== 'object')
              .map(([k, v]) =>
                h(
                  'div',
                  { class: 'quick-item' },
                  h('span', { class: 'muted' }, humanize(k)),
                  h('strong', null, /balance/.test(k) ? fmtAmount(v) : String(v ?? '—')),
                ),
              ),
          ),
        );
      } catch (e) {
        showError(quick, e);
      }
    }
    async function loadActivity() {
      try {
        const list = asList(await api('/api/dashboard/activity?limit=15', { signal }), 'activities', 'events');
        fill(
          activity,
          list.length
            ? h(
                'ul',
                { class: 'plain-list' },
                list.map((a) =>
                  h(
                    'li',
                    { class: 'spread' },
                    h(
                      'span',
                      null,
                      humanize(String(a.action ?? a.type ?? a.event_type ?? 'event')),
                      a.description ? h('span', { class: 'muted' }, ` · ${a.description}`) : null,
                    ),
                    h('span', { class: 'muted' }, ago(a.created_at ?? a.timestamp)),
                  ),
                ),
              )
            : empty('No activity yet.'),
        );
      } catch (e) {
        showError(activity, e, loadActivity);
      }
    }
    /** Events per hour (GET /api/dashboard/activity/timeline), every hour present. */
    async function loadChart() {
      try {
        const t = await api('/api/dashboard/activity/timeline?hours=24', { signal });
        const hours = /** @type {{ hour: string, count: number }[]} */ (t.hours);
        const busiest = hours.reduce((a, b) => (b.count > a.count ? b : a), hours[0] ?? { hour: '', count: 0 });
        const at = (/** @type {string} */ iso) =>
          new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        chartOut.replaceChildren();
        await chart.draw(
          hours.map((x) => Date.parse(x.hour) / 1000),
          [{ label: 'Events', values: hours.map((x) => x.count), bars: true, fmt: (v) => String(v) }],
          t.total
            ? `${t.total} event${t.total === 1 ? '' : 's'} in the last 24 hours; busiest hour from ${at(busiest.hour)} with ${busiest.count}`
            : 'No events in the last 24 hours',
        );
      } catch (e) {
        showError(chartOut, e, loadChart);
      }
    }
    const load = () => Promise.all([loadOverview(), loadQuick(), loadActivity(), loadChart()]);
    void load();
  });
}
