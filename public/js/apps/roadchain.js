// @ts-check
/** RoadChain explorer: stats, latest blocks (live over WebSocket), block and transaction detail, verify. */

import { api, wsUrl } from '../api-client.js';
import { chartFigure } from '../chart-figure.js';
import { ago, asList, fill, fmtAmount, fmtTime, h, short } from '../dom.js';
import { busy, empty, errorBox, isAbort, kv, loading, showError } from '../ui.js';

/** @param {any} b */ const heightOf = (b) => b?.height ?? b?.index;
const HASH = /^[0-9a-f]{64}$/i;
const CHART_BLOCKS = 100;

/** @param {HTMLElement} body @param {import('../app-registry.js').AppContext} ctx */
export function mount(body, ctx) {
  const { signal } = ctx;
  const live = h('span', { class: 'badge warn', role: 'status' }, 'Connecting…');
  const stats = h('div', { class: 'chain-stats' });
  const verifyOut = h('div', { 'aria-live': 'polite' });
  const chart = chartFigure({
    name: 'block-times',
    title: `Block times and difficulty, last ${CHART_BLOCKS} blocks`,
    empty: 'No mined blocks yet.',
    xLabel: 'Block',
    xFmt: (x) => `#${x}`,
  });
  const chartOut = h('div');
  const main = h('div', { class: 'stack' });
  const q = h('input', {
    name: 'q',
    placeholder: 'Height, block hash or transaction hash',
    'aria-label': 'Find a block or transaction',
  });
  // chain-find: never narrower than its input and button, so on a phone Verify wraps below it.
  const find = h(
    'form',
    { class: 'row nowrap grow chain-find' },
    q,
    h('button', { type: 'submit', class: 'btn' }, 'Find'),
  );
  const verifyBtn = h(
    'button',
    { type: 'button', class: 'btn primary', onclick: () => busy(verifyBtn, verify) },
    'Verify chain',
  );
  body.append(
    h(
      'div',
      { class: 'pad stack' },
      h('div', { class: 'row' }, find, verifyBtn, live),
      stats,
      chart.el,
      chartOut,
      verifyOut,
      main,
    ),
  );

  const rows = h('tbody');
  /** @type {Set<number>} */ const shown = new Set();
  let listing = false;
  let top = -1;
  // Which view `main` shows now: a slow answer for a view the user already left is dropped.
  let view = 0;

  async function loadStats() {
    try {
      const s = await api('/api/blockchain/stats', { auth: false, signal });
      void loadChart();
      fill(
        stats,
        kv(
          s,
          ['height', 'total_blocks', 'total_transactions', 'pending_transactions', 'difficulty'],
          ['head_hash', 'latest_block_hash', 'latest_block_index'],
        ),
      );
    } catch (e) {
      showError(stats, e, loadStats);
    }
  }

  // Seconds since the previous block, and each block's difficulty (leading hex zeros), by height.
  let charting = false;
  let chartAgain = false;
  async function loadChart() {
    if (charting) return void (chartAgain = true);
    charting = true;
    try {
      const list = asList(await api(`/api/blockchain/blocks?limit=${CHART_BLOCKS}`, { auth: false, signal }), 'blocks');
      // Not the genesis block: its timestamp is fixed, so the gap after it is no block time.
      const asc = [...list].reverse().filter((b) => Number(heightOf(b)) > 0);
      const secs = (/** @type {number} */ v) => `${+v.toFixed(1)} s`;
      chartOut.replaceChildren();
      await chart.draw(
        asc.map((b) => Number(heightOf(b))),
        [
          {
            label: 'Block time',
            values: asc.map((b, i) =>
              i && Number(heightOf(asc[i - 1])) === Number(heightOf(b)) - 1
                ? (Number(b.timestamp) - Number(asc[i - 1].timestamp)) / 1000
                : null,
            ),
            fmt: secs,
          },
          { label: 'Difficulty', values: asc.map((b) => Number(b.difficulty)), right: true, fmt: String },
        ],
      );
    } catch (e) {
      if (!isAbort(e)) showError(chartOut, e, loadChart);
    } finally {
      charting = false;
      if (chartAgain) {
        chartAgain = false;
        void loadChart();
      }
    }
  }

  /** Blocks that arrived live while the table was not shown: highlighted once the list loads. @type {Set<number>} */
  const arrived = new Set();

  /** @param {any} b @param {boolean} fresh */
  function row(b, fresh) {
    const n = Number(heightOf(b));
    shown.add(n);
    top = Math.max(top, n);
    return h(
      'tr',
      { class: fresh || arrived.delete(n) ? 'fresh' : null },
      h('td', null, h('button', { type: 'button', class: 'btn link', onclick: () => showBlock(String(n)) }, `#${n}`)),
      h('td', { class: 'mono', title: b.hash }, short(b.hash, 10)),
      h('td', null, b.transaction_count ?? asList(b.transactions).length),
      h('td', { class: 'mono', title: b.miner_address ?? '' }, b.miner_address ? short(b.miner_address, 6) : '—'),
      h('td', { title: fmtTime(b.timestamp ?? b.created_at) }, ago(b.timestamp ?? b.created_at)),
    );
  }

  async function showList() {
    const my = ++view;
    listing = true;
    shown.clear();
    fill(main, loading('Loading blocks…'));
    try {
      const list = asList(await api('/api/blockchain/blocks?limit=25', { auth: false, signal }), 'blocks');
      if (my !== view) return;
      fill(
        rows,
        list.map((b) => row(b, false)),
      );
      fill(
        main,
        list.length
          ? h(
              'div',
              { class: 'table-wrap', tabindex: '0' },
              h(
                'table',
                { class: 'table' },
                h('caption', { class: 'sr-only' }, 'Latest blocks, newest first'),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Height', 'Hash', 'Txs', 'Miner', 'Time'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                rows,
              ),
            )
          : empty('No blocks yet. Mine the first one from the Miner or the Terminal.'),
      );
    } catch (e) {
      if (my === view) showError(main, e, showList);
    }
  }

  /** A block arrived on the socket. @param {any} b */
  function addBlock(b) {
    if (!listing || shown.has(Number(heightOf(b)))) return;
    // Still loading, or the "no blocks yet" note (the first block creates the genesis block too): reload.
    if (!rows.isConnected) {
      arrived.add(Number(heightOf(b)));
      void loadStats();
      return void showList();
    }
    rows.prepend(row(b, true));
    while (rows.children.length > 50) rows.lastElementChild?.remove();
    void loadStats();
  }

  const back = () => h('button', { type: 'button', class: 'btn small', onclick: showList }, '← Latest blocks');

  /** @param {string} id height or hash */
  async function showBlock(id) {
    const my = ++view;
    listing = false;
    fill(main, back(), loading(`Loading block ${id}…`));
    try {
      const b = await api(`/api/blockchain/blocks/${encodeURIComponent(id)}`, { auth: false, signal });
      if (my !== view) return;
      const txs = asList(b.transactions);
      fill(
        main,
        back(),
        h('h3', null, `Block #${heightOf(b)}`),
        kv(
          b,
          [
            'height',
            'hash',
            'previous_hash',
            'merkle_root',
            'timestamp',
            'nonce',
            'difficulty',
            'miner_address',
            'reward',
            'transaction_count',
          ],
          ['transactions', 'index', 'id'],
        ),
        h('h3', null, `Transactions (${txs.length})`),
        txs.length ? txTable(txs) : h('p', { class: 'muted' }, 'No transactions in this block.'),
      );
    } catch (e) {
      if (my === view && !isAbort(e)) fill(main, back(), errorBox(e));
    }
  }

  /** @param {any[]} txs */
  function txTable(txs) {
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
            ['Hash', 'From', 'To', 'Amount'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          null,
          txs.map((t) =>
            h(
              'tr',
              null,
              h(
                'td',
                null,
                h(
                  'button',
                  { type: 'button', class: 'btn link mono', onclick: () => showTx(t.transaction_hash) },
                  short(t.transaction_hash, 8),
                ),
              ),
              h('td', { class: 'mono' }, short(t.from_address, 6)),
              h('td', { class: 'mono' }, short(t.to_address, 6)),
              h('td', null, fmtAmount(t.amount)),
            ),
          ),
        ),
      ),
    );
  }

  /** @param {string} hash */
  async function showTx(hash) {
    const my = ++view;
    listing = false;
    fill(main, back(), loading('Loading transaction…'));
    try {
      const t = await api(`/api/blockchain/transactions/${encodeURIComponent(hash)}`, { auth: false, signal });
      if (my !== view) return;
      const bh = t.block_height;
      fill(
        main,
        back(),
        h('h3', null, 'Transaction'),
        kv(t, [
          'transaction_hash',
          'from_address',
          'to_address',
          'amount',
          'fee',
          'message',
          'is_confirmed',
          'block_height',
          'created_at',
        ]),
        bh != null &&
          h(
            'button',
            { type: 'button', class: 'btn small', onclick: () => showBlock(String(bh)) },
            `Open block #${bh}`,
          ),
      );
    } catch (e) {
      if (my === view && !isAbort(e)) fill(main, back(), errorBox(e));
    }
  }

  find.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = q.value.trim().replace(/^#/, '');
    if (/^\d+$/.test(v)) return showBlock(v);
    if (!HASH.test(v))
      return fill(
        main,
        back(),
        h('p', { class: 'msg error', role: 'alert' }, 'Enter a block height (a number) or a 64-character hex hash.'),
      );
    // A 64-hex string is a block hash or a transaction hash: try the block first.
    try {
      await api(`/api/blockchain/blocks/${v}`, { auth: false, signal });
      void showBlock(v);
    } catch (err) {
      if (!isAbort(err)) void showTx(v);
    }
  });

  async function verify() {
    fill(verifyOut, loading('Verifying every block…'));
    try {
      const r = await api('/api/blockchain/verify', { auth: false, signal, timeout: 120_000 });
      const errs = asList(r.errors);
      fill(
        verifyOut,
        h(
          'div',
          { class: `msg ${r.valid ? 'ok' : 'error'}`, role: 'status' },
          h(
            'p',
            null,
            h('strong', null, r.valid ? '✓ Chain is valid. ' : '✗ Chain is NOT valid. '),
            `Checked ${r.checked_blocks ?? '?'} blocks up to height ${r.height ?? '?'}`,
            r.head_hash ? `, head ${short(r.head_hash, 8)}.` : '.',
          ),
          errs.length > 0 &&
            h(
              'ul',
              null,
              errs.map((x) =>
                h('li', null, `Height ${x.height ?? '?'}: ${x.problem ?? x.message ?? JSON.stringify(x)}`),
              ),
            ),
        ),
      );
    } catch (e) {
      showError(verifyOut, e);
    }
  }

  // Live blocks: {type:"hello", head} on connect, then {type:"block", block}. Reconnects with backoff.
  // A "ping" every 30 s keeps the socket from the feed's idle timeout (BLOCKCHAIN_WS_IDLE_SECONDS).
  let tries = 0;
  /** @type {WebSocket | null} */ let ws = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */ let keepAlive;
  function connect() {
    if (signal.aborted) return;
    const socket = (ws = new WebSocket(wsUrl('/api/blockchain/ws')));
    clearInterval(keepAlive);
    keepAlive = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send('ping');
    }, 30_000);
    ws.onopen = () => {
      tries = 0;
    };
    ws.onmessage = (ev) => {
      let m;
      try {
        m = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (m?.type === 'hello') {
        live.className = 'badge ok';
        live.textContent = '● Live';
        const head = Number(heightOf(m.head) ?? m.head);
        if (listing && Number.isFinite(head) && head > top && top >= 0) {
          void showList();
          void loadStats();
        }
      } else if (m?.type === 'block' && m.block) addBlock(m.block);
    };
    ws.onclose = () => {
      live.className = 'badge warn';
      live.textContent = 'Offline – retrying';
      if (!signal.aborted) setTimeout(connect, Math.min(30_000, 1000 * 2 ** tries++));
    };
  }
  signal.addEventListener(
    'abort',
    () => {
      clearInterval(keepAlive);
      ws?.close();
    },
    { once: true },
  );

  void loadStats();
  void showList();
  connect();
}
