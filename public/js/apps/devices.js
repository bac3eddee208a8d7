// @ts-check
/**
 * Devices: my devices with live status (polled), fleet stats, registration (the device token is
 * shown once, with the agent's command line), and per device its metrics, a chart of CPU and
 * temperature over time (uPlot), the command queue, and token rotation/revocation.
 */

import { api } from '../api-client.js';
import { ago, every, fill, h } from '../dom.js';
import {
  badge,
  busy,
  confirmSheet,
  empty,
  field,
  formErrors,
  isAbort,
  kv,
  loading,
  showError,
  tabs,
  toast,
} from '../ui.js';
import { loadUPlot } from '../uplot-loader.js';

const POLL_MS = 5000;
const KINDS = ['raspberry_pi', 'server', 'desktop', 'laptop', 'phone', 'iot', 'other'];
const ACTIONS = [
  ['restart_service', 'Restart a service'],
  ['deploy_version', 'Deploy a version'],
  ['run_action', 'Run an action'],
];
const RUN_ACTIONS = ['ping', 'reboot', 'update_packages', 'collect_logs', 'sync_time'];
/** Chart ranges: [id, label, seconds, step]. @type {[string, string, number, number][]} */
const RANGES = [
  ['1h', 'Last hour', 3600, 60],
  ['24h', 'Last day', 86400, 600],
  ['7d', 'Last week', 604800, 3600],
];
const pct = (/** @type {unknown} */ v) => (v == null ? '—' : `${v} %`);

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    /** @type {string | null} */ let selected = null;
    const stats = h('div', { class: 'cards' }, loading());
    const list = h('div', { 'aria-live': 'polite' }, loading());
    const detail = h('section', { class: 'stack', 'aria-label': 'Selected device' });
    const tokenBox = h('div', { 'aria-live': 'polite' });
    const out = h('div');
    const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Register');
    const form = h(
      'form',
      { id: 'register-device', class: 'card stack', hidden: true },
      h(
        'div',
        { class: 'cards' },
        field(
          'Device id',
          h('input', {
            name: 'device_id',
            required: true,
            maxlength: '64',
            pattern: '[a-z0-9][a-z0-9._\\-]{0,63}',
            placeholder: 'kitchen-pi',
          }),
          'lower case, digits, . _ -',
        ),
        field('Name', h('input', { name: 'name', required: true, maxlength: '200' })),
        field(
          'Kind',
          h(
            'select',
            { name: 'kind' },
            KINDS.map((k) => h('option', { value: k }, k.replace('_', ' '))),
          ),
        ),
        field(
          'Heartbeat every (s)',
          h('input', { name: 'heartbeat_interval_seconds', type: 'number', min: '10', max: '3600', value: '60' }),
        ),
      ),
      out,
      h('div', { class: 'row end' }, submit),
    );
    const toggle = h(
      'button',
      { type: 'button', class: 'btn', 'aria-expanded': 'false', 'aria-controls': 'register-device' },
      'Register a device',
    );
    toggle.onclick = () => {
      form.hidden = !form.hidden;
      toggle.setAttribute('aria-expanded', String(!form.hidden));
    };
    body.append(
      h(
        'div',
        { class: 'pad stack' },
        stats,
        h('div', { class: 'spread' }, h('h3', null, 'My devices'), toggle),
        form,
        tokenBox,
        list,
        detail,
      ),
    );

    /** The token, once, and how to start the agent with it. @param {any} d */
    function showToken(d) {
      fill(
        tokenBox,
        h(
          'div',
          { class: 'msg ok stack', role: 'status' },
          h('p', null, `Device token for ${d.device_id} — shown only now; the server keeps just its hash:`),
          h('code', { class: 'mono device-token', tabindex: '0' }, d.device_token),
          h('p', { class: 'muted' }, 'On the device:'),
          h(
            'code',
            { class: 'mono' },
            `DEVICE_TOKEN=${d.device_token} node device-agent.mjs run --url ${location.origin} --device-id ${d.device_id}`,
          ),
          h(
            'button',
            { type: 'button', class: 'btn small', onclick: () => tokenBox.replaceChildren() },
            'I have copied it',
          ),
        ),
      );
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const f = new FormData(form);
      void busy(submit, async () => {
        out.replaceChildren();
        try {
          const d = await api('/api/devices', {
            signal,
            body: {
              device_id: String(f.get('device_id')),
              name: String(f.get('name')),
              kind: String(f.get('kind')),
              heartbeat_interval_seconds: Number(f.get('heartbeat_interval_seconds')),
            },
          });
          form.reset();
          form.hidden = true;
          toggle.setAttribute('aria-expanded', 'false');
          showToken(d);
          selected = d.device_id;
          await refresh();
        } catch (err) {
          formErrors(form, err, out);
        }
      });
    });

    let polling = false;
    async function refresh() {
      if (polling || document.hidden || ctx.win.el.hidden) return;
      polling = true;
      try {
        const [s, devices] = await Promise.all([
          api('/api/devices/stats', { signal }),
          api('/api/devices?limit=100', { signal }),
        ]);
        fill(
          stats,
          ...[
            ['Devices', s.total_devices],
            ['Online', s.online_devices],
            ['Average CPU', pct(s.average_cpu_usage)],
            ['Average temperature', s.average_temperature == null ? '—' : `${s.average_temperature} °C`],
          ].map(([label, value]) =>
            h(
              'div',
              { class: 'card' },
              h('div', { class: 'muted' }, String(label)),
              h('strong', { class: 'stat' }, String(value)),
            ),
          ),
        );
        renderList(/** @type {any[]} */ (devices));
        if (selected && !devices.some((/** @type {any} */ d) => d.device_id === selected)) {
          selected = null;
          detail.replaceChildren();
        }
        if (selected) await view.update();
      } catch (e) {
        if (!isAbort(e)) showError(list, e, () => void refresh());
      } finally {
        polling = false;
      }
    }

    /** @param {any[]} devices */
    function renderList(devices) {
      if (!devices.length) return fill(list, empty('No devices yet. Register one, then run the agent on it.'));
      fill(
        list,
        h(
          'div',
          { class: 'table-wrap', tabindex: '0' },
          h(
            'table',
            { class: 'table' },
            h('caption', { class: 'sr-only' }, 'My devices'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ...['Device', 'Status', 'CPU', 'RAM', 'Temperature', 'Last seen'].map((x) =>
                  h('th', { scope: 'col' }, x),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              devices.map((d) =>
                h(
                  'tr',
                  { 'aria-selected': String(d.device_id === selected) },
                  h(
                    'td',
                    null,
                    h('button', { type: 'button', class: 'btn link', onclick: () => select(d.device_id) }, d.name),
                    ' ',
                    h('span', { class: 'muted mono' }, d.device_id),
                  ),
                  h('td', null, badge(d.status)),
                  h('td', null, pct(d.metrics?.cpu_percent)),
                  h('td', null, pct(d.metrics?.ram_percent)),
                  h('td', null, d.metrics?.temperature_c == null ? '—' : `${d.metrics.temperature_c} °C`),
                  h('td', null, d.last_seen_at ? ago(d.last_seen_at) : 'never'),
                ),
              ),
            ),
          ),
        ),
      );
    }

    const view = deviceView(
      detail,
      ctx.win.el,
      signal,
      () => selected,
      async () => {
        selected = null;
        detail.replaceChildren();
        await refresh();
      },
      showToken,
    );
    /** @param {string} id */
    function select(id) {
      selected = id;
      void view.open();
    }

    void refresh();
    every(POLL_MS, () => void refresh(), signal);
  });
}

/**
 * The selected device: facts, chart, commands and token actions.
 * @param {HTMLElement} box @param {HTMLElement} host the window (for confirm sheets) @param {AbortSignal} signal @param {() => string | null} current
 * @param {() => Promise<void>} gone @param {(d: any) => void} showToken
 */
function deviceView(box, host, signal, current, gone, showToken) {
  let range = /** @type {[string, string, number, number]} */ (RANGES[0]);
  const head = h('div', { class: 'spread' });
  const facts = h('div');
  const figure = h(
    'figure',
    { class: 'chart-figure', role: 'img', 'aria-label': 'CPU and temperature: loading' },
    h('figcaption', null, 'CPU % and temperature °C'),
    h('div', { class: 'chart' }),
  );
  const commands = h('div', { 'aria-live': 'polite' });
  const cmdOut = h('div');
  const target = h('input', {
    name: 'target',
    required: true,
    maxlength: '64',
    list: 'device-run-actions',
    placeholder: 'nginx · 1.4.2 · ping',
  });
  const queue = h('button', { type: 'submit', class: 'btn primary' }, 'Queue');
  const cmdForm = h(
    'form',
    { id: 'device-command', class: 'row' },
    field(
      'Command',
      h(
        'select',
        { name: 'action' },
        ACTIONS.map(([v, l]) => h('option', { value: v }, l)),
      ),
    ),
    field('Target', target),
    h(
      'datalist',
      { id: 'device-run-actions' },
      RUN_ACTIONS.map((a) => h('option', { value: a })),
    ),
    queue,
  );
  /** @type {any} */ let plot = null;
  let chartAt = 0;

  cmdForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(cmdForm);
    void busy(queue, async () => {
      cmdOut.replaceChildren();
      try {
        await api(`/api/devices/${current()}/commands`, {
          signal,
          body: { action: String(f.get('action')), target: String(f.get('target')) },
        });
        cmdForm.reset();
        toast('Command queued: the device gets it with its next heartbeat');
        await loadCommands();
      } catch (err) {
        formErrors(cmdForm, err, cmdOut);
      }
    });
  });

  const tokenAction = (/** @type {'POST' | 'DELETE'} */ method) => async () => {
    const ok = await confirmSheet(
      host,
      method === 'POST'
        ? {
            title: 'Issue a new token?',
            body: [h('p', null, 'The current token stops working at once; the agent needs the new one.')],
            ok: 'New token',
          }
        : {
            title: 'Revoke the token?',
            body: [h('p', null, 'The device can no longer report until you issue a new token.')],
            ok: 'Revoke',
            danger: true,
          },
    );
    if (!ok) return;
    try {
      const r = await api(`/api/devices/${current()}/token`, { method, signal });
      if (r?.device_token) showToken(r);
      else toast('Token revoked');
      await update();
    } catch (e) {
      showError(cmdOut, e);
    }
  };
  const remove = async () => {
    if (
      !(await confirmSheet(host, {
        title: `Delete ${current()}?`,
        body: [h('p', null, 'Its metrics and commands are deleted too.')],
        ok: 'Delete',
        danger: true,
      }))
    )
      return;
    try {
      await api(`/api/devices/${current()}`, { method: 'DELETE', signal });
      toast('Device deleted');
      await gone();
    } catch (e) {
      showError(cmdOut, e);
    }
  };

  async function loadCommands() {
    const r = await api(`/api/devices/${current()}/commands?limit=20`, { signal });
    const rows = /** @type {any[]} */ (r.commands);
    fill(
      commands,
      rows.length
        ? h(
            'div',
            { class: 'table-wrap', tabindex: '0' },
            h(
              'table',
              { class: 'table' },
              h('caption', { class: 'sr-only' }, 'Commands'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ...['Command', 'Target', 'Status', 'Exit', 'Output', 'Queued'].map((x) =>
                    h('th', { scope: 'col' }, x),
                  ),
                ),
              ),
              h(
                'tbody',
                null,
                rows.map((c) =>
                  h(
                    'tr',
                    null,
                    h('td', null, c.action.replace('_', ' ')),
                    h('td', { class: 'mono' }, c.target),
                    h('td', null, badge(c.status)),
                    h('td', null, c.exit_code == null ? '—' : String(c.exit_code)),
                    h('td', { class: 'mono' }, c.output ?? ''),
                    h('td', null, ago(c.created_at)),
                  ),
                ),
              ),
            ),
          )
        : empty('No commands yet.'),
    );
  }

  async function loadChart() {
    const [, , seconds, step] = range;
    const to = Date.now();
    const from = to - seconds * 1000;
    const [hist, uPlot] = await Promise.all([
      api(
        `/api/devices/${current()}/metrics?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&step=${step}`,
        { signal },
      ),
      loadUPlot(),
    ]);
    const s = hist.step_seconds;
    /** @type {Map<number, any>} */ const byT = new Map(
      hist.points.map((/** @type {any} */ p) => [Date.parse(p.t) / 1000, p]),
    );
    /** @type {number[]} */ const xs = [];
    for (let t = Math.floor(from / 1000 / s) * s; t <= to / 1000; t += s) xs.push(t);
    const cpu = xs.map((t) => byT.get(t)?.cpu_percent ?? null);
    const temp = xs.map((t) => byT.get(t)?.temperature_c ?? null);
    const peak = (/** @type {(number | null)[]} */ v) => {
      const n = /** @type {number[]} */ (v.filter((x) => x != null));
      return n.length ? Math.max(...n) : null;
    };
    figure.setAttribute(
      'aria-label',
      hist.points.length
        ? `CPU and temperature, ${range[1].toLowerCase()}: ${hist.points.length} points; highest CPU ${peak(cpu)} %, highest temperature ${peak(temp) ?? '—'} °C`
        : `CPU and temperature, ${range[1].toLowerCase()}: no data yet`,
    );
    plot?.destroy();
    const holder = /** @type {HTMLElement} */ (figure.querySelector('.chart'));
    plot = new uPlot(
      {
        width: Math.max(240, Math.min(640, box.clientWidth - 24)),
        height: 180,
        scales: {
          x: { time: true },
          y: {
            range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [
              0,
              Math.max(100, max ?? 0),
            ],
          },
        },
        axes: [
          { stroke: '#9aa3b5', grid: { stroke: '#232838' } },
          { stroke: '#9aa3b5', grid: { stroke: '#232838' }, size: 44 },
        ],
        series: [
          {},
          { label: 'CPU %', stroke: '#7aa2ff', width: 2, spanGaps: false, points: { show: true, size: 5 } },
          { label: 'Temperature °C', stroke: '#ff6b6b', width: 2, spanGaps: false, points: { show: true, size: 5 } },
        ],
      },
      [xs, cpu, temp],
      holder,
    );
    chartAt = Date.now();
  }

  async function update() {
    const id = current();
    if (!id) return;
    if (!box.contains(head)) return open();
    try {
      const d = await api(`/api/devices/${id}`, { signal });
      fill(
        head,
        h('h3', null, `${d.name} `, badge(d.status)),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'btn small', onclick: tokenAction('POST') }, 'New token'),
          h(
            'button',
            { type: 'button', class: 'btn small', disabled: !d.token.active, onclick: tokenAction('DELETE') },
            'Revoke token',
          ),
          h('button', { type: 'button', class: 'btn small danger', onclick: remove }, 'Delete'),
        ),
      );
      const m = d.metrics;
      fill(
        facts,
        kv({
          kind: d.kind,
          tags: d.tags,
          last_seen_at: d.last_seen_at,
          agent_version: d.agent_version,
          token_active: d.token.active,
          ...(m
            ? {
                cpu: pct(m.cpu_percent),
                ram: `${m.ram_used_mb} / ${m.ram_total_mb} MB`,
                disk: `${m.disk_used_gb} / ${m.disk_total_gb} GB`,
                temperature: m.temperature_c == null ? '—' : `${m.temperature_c} °C`,
                uptime_seconds: m.uptime_seconds,
                services: m.services.map((/** @type {any} */ x) => `${x.name}: ${x.status}`),
              }
            : {}),
        }),
      );
      await loadCommands();
      if (Date.now() - chartAt > 15_000) await loadChart();
    } catch (e) {
      if (!isAbort(e)) showError(facts, e);
    }
  }

  async function open() {
    chartAt = 0;
    fill(
      box,
      head,
      facts,
      tabs(
        RANGES.map(([id, label]) => ({ id, label })),
        range[0],
        (id) => {
          range = RANGES.find((r) => r[0] === id) ?? range;
          chartAt = 0;
          void update();
        },
      ),
      figure,
      h('h4', null, 'Commands'),
      cmdForm,
      cmdOut,
      commands,
    );
    fill(head, loading());
    await update();
    box.scrollIntoView({ block: 'nearest' });
  }
  return { open, update };
}
