// @ts-check
/** Terminal: a small shell over the API. Output is plain text lines (textContent only). */

import { ApiError, api } from '../api-client.js';
import { APPS } from '../app-registry.js';
import * as store from '../auth-store.js';
import { asList, fmtAmount, h, short, trimDec, uuid } from '../dom.js';
import { signOut } from '../session.js';
import { errorText, isAbort } from '../ui.js';
import { browserMiner } from './browser-miner.js';

const HELP = [
  'help                     this list',
  'whoami                   the signed-in user',
  'wallet                   your address and balance',
  'balance                  your balance',
  'send <address> <amount> [message]   pay someone (asks to confirm)',
  'history                  your latest transactions',
  'mine                     mine one block (reward to you)',
  'blocks [n]               latest n blocks (default 5)',
  'stats                    chain statistics',
  'verify                   verify the whole chain',
  'health                   system health summary',
  `open <app>               open an app: ${APPS.map((a) => a.id).join(', ')}`,
  'login | logout           sign in / sign out',
  'clear                    clear the screen   (Ctrl+C cancels a running command)',
];

/** @param {HTMLElement} body @param {import('../app-registry.js').AppContext} ctx */
export function mount(body, ctx) {
  const out = h('div', { class: 'term-out', role: 'log', 'aria-live': 'polite', 'aria-label': 'Terminal output' });
  const prompt = h('span', { class: 'term-prompt', 'aria-hidden': 'true' });
  const input = h('input', {
    class: 'term-in',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    'aria-label': 'Command',
  });
  const form = h('form', { class: 'term-line' }, prompt, input);
  const term = h(
    'div',
    {
      class: 'term',
      onclick: () => {
        if (!getSelection()?.toString()) input.focus();
      },
    },
    out,
    form,
  );
  body.append(term);
  /** @type {string[]} */ const history = [];
  let hpos = 0;
  /** @type {AbortController | null} */ let running = null;
  /** @type {((answer: string) => void) | null} */ let ask = null;

  const setPrompt = () => {
    prompt.textContent = ask ? '? ' : `${store.getUser()?.username ?? 'guest'}@pocket:~$ `;
  };
  /** @param {string} text @param {string} [cls] */
  const say = (text, cls = '') => {
    out.append(h('div', { class: `term-l ${cls}` }, text));
    term.scrollTop = term.scrollHeight;
  };
  /** @param {Record<string, unknown>} o */
  const pairs = (o) => {
    for (const [k, v] of Object.entries(o ?? {}))
      say(`  ${k.padEnd(22)} ${v != null && typeof v === 'object' ? JSON.stringify(v) : trimDec(v)}`);
  };

  /** @param {string} line */
  async function run(line) {
    const [cmd = '', ...args] = line.trim().split(/\s+/);
    const signal = /** @type {AbortController} */ (running).signal;
    switch (cmd.toLowerCase()) {
      case '':
        return;
      case 'help':
        return HELP.forEach((l) => say(l));
      case 'clear':
        out.replaceChildren();
        return;
      case 'whoami': {
        const u = await api('/api/auth/me', { signal });
        return say(`${u.username} <${u.email ?? ''}>  wallet ${u.wallet_address ?? '?'}`);
      }
      case 'wallet':
        return pairs(await api('/api/blockchain/wallet', { signal }));
      case 'balance': {
        const b = await api('/api/blockchain/balance', { signal });
        return say(fmtAmount(b.balance), 'ok');
      }
      case 'history': {
        const list = asList(await api('/api/blockchain/transactions?limit=10', { signal }), 'transactions');
        if (!list.length) return say('No transactions yet.');
        return list.forEach((t) =>
          say(
            `${short(t.transaction_hash, 6)}  ${short(t.from_address, 5)} → ${short(t.to_address, 5)}  ${fmtAmount(t.amount)}  ${t.is_confirmed ? `block #${t.block_height}` : 'pending'}`,
          ),
        );
      }
      case 'send': {
        const [to, amount, ...msg] = args;
        if (!to || !amount) return say('usage: send <address> <amount> [message]', 'err');
        if (!/^\d+(\.\d{1,8})?$/.test(amount))
          return say('amount must be a number with up to 8 decimals, e.g. 12.5', 'err');
        const yes = await question(`Send ${fmtAmount(amount)} to ${to}? Type "yes" to confirm:`);
        if (yes.toLowerCase() !== 'yes' && yes.toLowerCase() !== 'y') return say('Cancelled.');
        const t = await api('/api/blockchain/transactions', {
          signal,
          headers: { 'Idempotency-Key': uuid() },
          body: { to_address: to, amount, ...(msg.length ? { message: msg.join(' ') } : {}) },
        });
        return say(`Sent. Transaction ${t?.transaction_hash ?? ''} is pending until the next block.`, 'ok');
      }
      case 'mine': {
        // Proof of work on this device (Web Workers), as the Miner app does; the server checks it.
        const miner = browserMiner();
        say(`Mining on this device (${miner.workers} worker${miner.workers > 1 ? 's' : ''})…`);
        try {
          const b = await miner.mineOne(signal);
          return say(`Mined block #${b.height ?? b.index}  ${b.hash}  reward ${fmtAmount(b.reward)}`, 'ok');
        } finally {
          miner.dispose();
        }
      }
      case 'blocks': {
        const n = Math.min(100, Math.max(1, Number(args[0]) || 5));
        const list = asList(await api(`/api/blockchain/blocks?limit=${n}`, { auth: false, signal }), 'blocks');
        if (!list.length) return say('No blocks yet.');
        return list.forEach((b) =>
          say(
            `#${String(b.height ?? b.index).padEnd(6)} ${short(b.hash, 10)}  txs ${b.transaction_count ?? 0}  ${b.timestamp ?? ''}`,
          ),
        );
      }
      case 'stats':
        return pairs(await api('/api/blockchain/stats', { auth: false, signal }));
      case 'verify': {
        say('Verifying…');
        const r = await api('/api/blockchain/verify', { auth: false, signal, timeout: 120_000 });
        say(
          r.valid ? `VALID: ${r.checked_blocks} blocks checked, head #${r.height} ${short(r.head_hash, 8)}` : 'INVALID',
          r.valid ? 'ok' : 'err',
        );
        return asList(r.errors).forEach((e) => say(`  height ${e.height}: ${e.problem}`, 'err'));
      }
      case 'health': {
        let s;
        try {
          s = await api('/api/health/summary', { auth: false, signal });
        } catch (e) {
          if (e instanceof ApiError && e.body && typeof e.body === 'object') s = e.body;
          else throw e;
        }
        say(`status: ${s.status}`, s.status === 'healthy' ? 'ok' : 'err');
        const checks = s.checks ?? s.dependencies ?? {};
        for (const [k, v] of Object.entries(checks)) {
          const c = /** @type {any} */ (v);
          say(
            `  ${String(c?.name ?? k).padEnd(16)} ${c?.status ?? c}  ${c?.latency_ms != null ? `${c.latency_ms} ms` : ''}`,
          );
        }
        return;
      }
      case 'open': {
        const app = APPS.find((a) => a.id === args[0]);
        if (!app) return say(`open what? ${APPS.map((a) => a.id).join(', ')}`, 'err');
        return ctx.open(app.id);
      }
      case 'login':
        return ctx.open('account');
      case 'logout':
        await signOut();
        return say('Signed out.');
      default:
        return say(`${cmd}: command not found. Type "help".`, 'err');
    }
  }

  /** Ask a question on the prompt line. @param {string} q @returns {Promise<string>} */
  function question(q) {
    say(q);
    return new Promise((resolve) => {
      ask = resolve;
      setPrompt();
      input.readOnly = false;
      input.focus();
    });
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const line = input.value;
    input.value = '';
    say(`${prompt.textContent}${line}`, 'cmd');
    if (ask) {
      const a = ask;
      ask = null;
      setPrompt();
      input.readOnly = true;
      a(line.trim());
      return;
    }
    if (running) return;
    if (line.trim()) {
      history.push(line);
      hpos = history.length;
    }
    running = new AbortController();
    ctx.signal.addEventListener('abort', () => running?.abort(), { once: true });
    input.readOnly = true;
    try {
      await run(line);
    } catch (err) {
      if (isAbort(err)) say('^C', 'err');
      else say(err instanceof ApiError && err.status === 401 ? 'Not signed in. Type "login".' : errorText(err), 'err');
    } finally {
      running = null;
      ask = null;
      input.readOnly = false;
      setPrompt();
      if (ctx.win.el.contains(document.activeElement) || document.activeElement === document.body) input.focus();
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowUp' && hpos > 0) {
      e.preventDefault();
      input.value = history[--hpos] ?? '';
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      hpos = Math.min(history.length, hpos + 1);
      input.value = history[hpos] ?? '';
    }
  });
  term.addEventListener('keydown', (e) => {
    if (e.ctrlKey && e.key === 'c' && running && !getSelection()?.toString()) {
      e.preventDefault();
      running.abort();
    }
  });
  store.events.addEventListener('change', setPrompt, { signal: ctx.signal });
  setPrompt();
  say('BlackRoad shell. Type "help" for commands.');
}
