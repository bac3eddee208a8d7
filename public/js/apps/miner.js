// @ts-check
/** Miner: start/stop the per-user miner, mine one block on demand, live stats by polling. */
import { h, fill, fmtAmount, ago, asList, short, every, uuid } from '../dom.js';
import { api } from '../api-client.js';
import { busy, loading, kv, showError, errorBox, badge, empty, toast, isAbort } from '../ui.js';

const POLL_MS = 3000;

/**
 * The fields worth a line, in this order (the API also sends the same numbers in other units and
 * names, and internals such as worker ids). Empty ones (null: not yet, none) are left out.
 * @param {any} o @param {string[]} keys
 */
const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o?.[k] != null).map((k) => [k, o[k]]));
const STATUS = ['is_mining', 'hashrate_hs', 'shares_submitted', 'shares_accepted', 'blocks_found', 'uptime_seconds', 'next_round_at', 'stop_reason', 'last_error'];
const MINE = ['blocks_mined', 'roadcoins_earned', 'total_hashes', 'accepted_shares', 'average_hashrate_hs', 'last_block_time', 'mining_since'];
const POOL = ['pool_name', 'active_miners', 'network_hashrate_hs', 'difficulty', 'mining_reward', 'height', 'average_block_time_seconds', 'blocks_last_hour'];

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    const state = h('span', null, badge('unknown'));
    const out = h('div', { 'aria-live': 'polite' });
    const start = h('button', { type: 'button', class: 'btn primary', disabled: true }, 'Start mining');
    const stop = h('button', { type: 'button', class: 'btn', disabled: true }, 'Stop');
    const once = h('button', { type: 'button', class: 'btn' }, 'Mine one block now');
    const status = h('div', null, loading());
    const stats = h('div', null, loading());
    const pool = h('div', null, loading());
    const blocks = h('div', null, loading());
    body.append(h('div', { class: 'pad stack' },
      h('div', { class: 'card stack' }, h('div', { class: 'spread' }, h('h3', null, 'Miner ', state), h('div', { class: 'row' }, start, stop, once)), out),
      h('div', { class: 'cards' }, h('section', { class: 'card stack' }, h('h3', null, 'Status'), status),
        h('section', { class: 'card stack' }, h('h3', null, 'Your mining'), stats),
        h('section', { class: 'card stack' }, h('h3', null, 'Pool'), pool)),
      h('section', { class: 'stack' }, h('h3', null, 'Your recent blocks'), blocks)));

    /** @param {any} s */
    const running = (s) => Boolean(s?.is_mining ?? s?.running ?? (s?.status === 'running'));

    let polling = false;
    async function poll() {
      if (polling || document.hidden || ctx.win.el.hidden) return;
      polling = true;
      try {
        const [s, st] = await Promise.all([api('/api/miner/status', { signal }), api('/api/miner/stats', { signal })]);
        const on = running(s);
        fill(state, badge(on ? 'running' : 'stopped'));
        start.disabled = on;
        stop.disabled = !on;
        fill(status, kv(pick(s, STATUS)));
        fill(stats, kv(pick(st, MINE)));
      } catch (e) {
        if (!isAbort(e)) fill(status, errorBox(e));
      } finally { polling = false; }
    }

    async function slowPoll() {
      if (document.hidden || ctx.win.el.hidden) return;
      try { fill(pool, kv(pick(await api('/api/miner/pool/info', { signal }), POOL))); }
      catch (e) { showError(pool, e); }
      try {
        const list = asList(await api('/api/miner/blocks?limit=10', { signal }), 'blocks');
        fill(blocks, list.length ? h('ul', { class: 'plain-list' }, list.map((b) => h('li', { class: 'spread' },
          h('span', null, `#${b.height ?? b.block_index ?? b.index} `, h('span', { class: 'mono muted' }, short(b.hash ?? b.block_hash, 8))),
          h('span', null, `${fmtAmount(b.reward)} · ${ago(b.timestamp)}`)))) : empty('No blocks mined by you yet.'));
      } catch (e) { showError(blocks, e); }
    }

    /** @param {'start' | 'stop'} action */
    const control = (action) => async () => {
      out.replaceChildren();
      try {
        const r = await api('/api/miner/control', { body: { action }, signal });
        fill(out, h('p', { class: 'msg ok' }, r?.message ?? (action === 'start' ? 'Miner started.' : 'Miner stopped.')));
      } catch (e) { showError(out, e); }
      await poll();
    };
    start.onclick = () => busy(start, control('start'));
    stop.onclick = () => busy(stop, control('stop'));
    once.onclick = () => busy(once, async () => {
      fill(out, loading('Mining a block (proof of work can take a few seconds)…'));
      try {
        const b = await api('/api/blockchain/mine', { method: 'POST', signal, timeout: 120_000, headers: { 'Idempotency-Key': uuid() } });
        fill(out, h('p', { class: 'msg ok', role: 'status' }, `Mined block #${b?.height ?? b?.index}: reward ${fmtAmount(b?.reward)}, ${b?.transaction_count ?? 0} transactions.`));
        toast(`Block #${b?.height ?? b?.index} mined`);
        void poll(); void slowPoll();
      } catch (e) { showError(out, e); }
    });

    void poll();
    void slowPoll();
    every(POLL_MS, () => void poll(), signal);
    every(POLL_MS * 4, () => void slowPoll(), signal);
  });
}
