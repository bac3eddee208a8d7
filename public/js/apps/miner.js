// @ts-check
/** Miner: start/stop the per-user miner, mine one block on demand, live stats by polling. */
import { h, fill, fmtAmount, ago, asList, short, every, uuid } from '../dom.js';
import { api } from '../api-client.js';
import { busy, loading, kv, showError, errorBox, badge, empty, toast, isAbort } from '../ui.js';

const POLL_MS = 3000;

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
        fill(status, kv(s, ['is_mining', 'hashrate_hs', 'hashrate_mhs', 'shares_submitted', 'shares_accepted', 'uptime_seconds'], ['status', 'running']));
        fill(stats, kv(st, ['blocks_mined', 'roadcoins_earned', 'current_hashrate_mhs', 'average_hashrate_mhs', 'last_block_time', 'mining_since']));
      } catch (e) {
        if (!isAbort(e)) fill(status, errorBox(e));
      } finally { polling = false; }
    }

    async function slowPoll() {
      if (document.hidden || ctx.win.el.hidden) return;
      try { fill(pool, kv(await api('/api/miner/pool/info', { signal }), ['active_miners', 'connected_miners', 'network_hashrate', 'difficulty'])); }
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
