// @ts-check
/**
 * Miner: mines RoadChain blocks with this device's CPU (Web Workers, browser-miner.js) and shows the
 * real hashrate, the blocks found here, the ledger's totals and the network. The server only hands
 * out templates and checks each nonce with one hash.
 */

import { api } from '../api-client.js';
import { chartFigure } from '../chart-figure.js';
import { ago, asList, every, fill, fmtAmount, h, short } from '../dom.js';
import { badge, empty, errorBox, kv, loading, showError, toast } from '../ui.js';
import { browserMiner } from './browser-miner.js';

const POLL_MS = 3000;
/** Hashrate samples kept for the chart (one a second while mining). */
const RATE_SAMPLES = 120;
const CHART_BLOCKS = 100;

/**
 * The fields worth a line, in this order (the API also sends the same numbers in other units and
 * names). Empty ones (null: not yet, none) are left out.
 * @param {any} o @param {string[]} keys
 */
const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o?.[k] != null).map((k) => [k, o[k]]));
const MINE = ['blocks_mined', 'roadcoins_earned', 'last_block_time', 'mining_since'];
const POOL = [
  'pool_name',
  'active_miners',
  'network_hashrate_hs',
  'difficulty',
  'mining_reward',
  'height',
  'average_block_time_seconds',
  'blocks_last_hour',
];

/** @param {number} hs */
const fmtRate = (hs) =>
  hs >= 1e6 ? `${(hs / 1e6).toFixed(2)} MH/s` : hs >= 1e3 ? `${(hs / 1e3).toFixed(1)} kH/s` : `${Math.round(hs)} H/s`;

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    const state = h('span', null, badge('stopped'));
    const out = h('div', { 'aria-live': 'polite' });
    const start = h('button', { type: 'button', class: 'btn primary' }, 'Start mining');
    const stop = h('button', { type: 'button', class: 'btn', disabled: true }, 'Stop');
    const once = h('button', { type: 'button', class: 'btn' }, 'Mine one block now');
    const device = h('div');
    const stats = h('div', null, loading());
    const pool = h('div', null, loading());
    const blocks = h('div', null, loading());
    const rateChart = chartFigure({
      name: 'hashrate',
      title: 'Hashrate on this device',
      empty: 'Start mining to measure this device.',
    });
    const foundChart = chartFigure({ name: 'blocks-found', title: 'Blocks you found', empty: 'No blocks found yet.' });
    body.append(
      h(
        'div',
        { class: 'pad stack' },
        h(
          'div',
          { class: 'card stack' },
          h('div', { class: 'spread' }, h('h3', null, 'Miner ', state), h('div', { class: 'row' }, start, stop, once)),
          out,
        ),
        h(
          'div',
          { class: 'cards' },
          h('section', { class: 'card stack' }, h('h3', null, 'This device'), device),
          h('section', { class: 'card stack' }, h('h3', null, 'Your mining'), stats),
          h('section', { class: 'card stack' }, h('h3', null, 'Pool'), pool),
        ),
        h('div', { class: 'cards' }, rateChart.el, foundChart.el),
        h('section', { class: 'stack' }, h('h3', null, 'Your recent blocks'), blocks),
      ),
    );

    let found = 0;
    let single = false;
    let hashrate = 0;
    /** Measured here, one sample a second while mining: [seconds, hashes per second]. @type {[number, number][]} */
    const samples = [];
    let rateDrawn = 0;
    const drawRate = () => {
      rateDrawn = Date.now();
      void rateChart.draw(
        samples.map((x) => x[0]),
        [{ label: 'Hashrate', values: samples.map((x) => x[1]), fmt: fmtRate }],
      );
    };
    const miner = browserMiner({
      onRate: (hs) => {
        hashrate = hs;
        samples.push([Date.now() / 1000, hs]);
        if (samples.length > RATE_SAMPLES) samples.shift();
        // Redrawn every 5 s (and when the miner stops), not on every sample.
        if (Date.now() - rateDrawn > 5000 || !miner.running) drawRate();
        showDevice();
      },
      onBlock: (b) => {
        found++;
        fill(
          out,
          h(
            'p',
            { class: 'msg ok', role: 'status' },
            `Mined block #${b?.height ?? b?.index}: reward ${fmtAmount(b?.reward)}, ${b?.transaction_count ?? 0} transactions.`,
          ),
        );
        toast(`Block #${b?.height ?? b?.index} mined`);
        showDevice();
        void poll();
        void slowPoll();
      },
      onError: (e) => showError(out, e),
    });
    signal.addEventListener('abort', () => miner.dispose(), { once: true });

    function showDevice() {
      fill(device, kv({ hashrate: fmtRate(hashrate), workers: miner.workers, blocks_found: found }));
      fill(state, badge(miner.running ? 'running' : 'stopped'));
      // One search at a time: the workers serve either the running miner or a single block.
      start.disabled = miner.running || single;
      stop.disabled = !miner.running;
      once.disabled = miner.running || single;
    }

    async function poll() {
      if (document.hidden || ctx.win.el.hidden) return;
      try {
        fill(stats, kv(pick(await api('/api/miner/stats', { signal }), MINE)));
      } catch (e) {
        showError(stats, e);
      }
    }

    async function slowPoll() {
      if (document.hidden || ctx.win.el.hidden) return;
      try {
        fill(pool, kv(pick(await api('/api/miner/pool/info', { signal }), POOL)));
      } catch (e) {
        showError(pool, e);
      }
      try {
        const [all, st] = await Promise.all([
          api(`/api/miner/blocks?limit=${CHART_BLOCKS}`, { signal }),
          api('/api/miner/stats', { signal }),
        ]);
        const found = asList(all, 'blocks');
        // Your total after each block: the ledger's count at the newest, one less for each before it.
        const total = Math.max(Number(st?.blocks_mined ?? 0), found.length);
        const asc = [...found].reverse();
        await foundChart.draw(
          asc.map((b) => Number(b.timestamp) / 1000),
          [{ label: 'Blocks found', values: asc.map((_, i) => total - (asc.length - 1 - i)), fmt: String }],
        );
        const list = found.slice(0, 10);
        fill(
          blocks,
          list.length
            ? h(
                'ul',
                { class: 'plain-list' },
                list.map((b) =>
                  h(
                    'li',
                    { class: 'spread' },
                    h(
                      'span',
                      null,
                      `#${b.height ?? b.block_index ?? b.index} `,
                      h('span', { class: 'mono muted' }, short(b.hash ?? b.block_hash, 8)),
                    ),
                    h('span', null, `${fmtAmount(b.reward)} · ${ago(b.timestamp)}`),
                  ),
                ),
              )
            : empty('No blocks mined by you yet.'),
        );
      } catch (e) {
        showError(blocks, e);
      }
    }

    start.onclick = () => {
      out.replaceChildren();
      miner.start();
      showDevice();
    };
    stop.onclick = () => {
      miner.stop();
      showDevice();
      fill(out, h('p', { class: 'msg ok' }, 'Miner stopped.'));
    };
    once.onclick = () => {
      if (miner.running || single) return;
      single = true;
      showDevice();
      fill(out, loading(`Mining a block on this device (${miner.workers} worker${miner.workers > 1 ? 's' : ''})…`));
      void miner
        .mineOne(signal)
        .catch((e) => {
          if (!signal.aborted) fill(out, errorBox(e));
        })
        .finally(() => {
          single = false;
          showDevice();
        });
    };

    showDevice();
    drawRate();
    void poll();
    void slowPoll();
    every(POLL_MS, () => void poll(), signal);
    every(POLL_MS * 4, () => void slowPoll(), signal);
  });
}
