// @ts-check
/** Wallet: address, balance, send with a confirmation step, and transaction history. */

import { api } from '../api-client.js';
import { chartFigure, seriesSummary as seriesSummaryOf } from '../chart-figure.js';
import { asList, fill, fmtAmount, fmtTime, h, short, uuid } from '../dom.js';
import { busy, empty, field, formErrors, loading, showError, toast } from '../ui.js';

const AMOUNT = /^\d+(\.\d{1,8})?$/;
const PAGE = 20;
const HISTORY_POINTS = 200;

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    let address = '';
    /** @type {unknown} */ let balance = null;
    const head = h('div', { class: 'card stack wallet-head' }, loading('Loading wallet…'));
    const sendBox = h('section', { class: 'stack', 'aria-labelledby': 'w-send' });
    const chart = chartFigure({ name: 'balance', title: 'Balance over time', empty: 'No balance changes yet.' });
    const chartOut = h('div');
    const hist = h('tbody');
    const histOut = h('div');
    const more = h('button', { type: 'button', class: 'btn small', hidden: true }, 'Load more');
    const refreshBtn = h(
      'button',
      { type: 'button', class: 'btn small', onclick: () => busy(refreshBtn, refresh) },
      'Refresh',
    );
    body.append(
      h(
        'div',
        { class: 'pad stack' },
        head,
        chart.el,
        chartOut,
        sendBox,
        h(
          'section',
          { class: 'stack', 'aria-labelledby': 'w-hist' },
          h('div', { class: 'spread' }, h('h3', { id: 'w-hist' }, 'History'), refreshBtn),
          histOut,
          h(
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
                  ['Type', 'Amount', 'With', 'Status', 'Time'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              hist,
            ),
          ),
          more,
        ),
      ),
    );

    async function loadWallet() {
      try {
        const w = await api('/api/blockchain/wallet', { signal });
        address = w.address ?? w.wallet_address ?? '';
        balance = w.balance;
        const copy = h(
          'button',
          {
            type: 'button',
            class: 'btn small',
            onclick: async () => {
              try {
                await navigator.clipboard.writeText(address);
                toast('Address copied');
              } catch {
                toast('Copy failed: select the address and copy it');
              }
            },
          },
          'Copy',
        );
        fill(
          head,
          h('div', { class: 'muted' }, w.label ?? 'Wallet'),
          h('div', { class: 'big', 'aria-live': 'polite' }, fmtAmount(balance)),
          h('div', { class: 'row' }, h('span', { class: 'mono grow', title: 'Your address' }, address), copy),
        );
      } catch (e) {
        showError(head, e, loadWallet);
      }
    }

    let offset = 0;
    /** @param {boolean} reset */
    async function loadHistory(reset) {
      if (reset) {
        offset = 0;
        hist.replaceChildren();
      }
      histOut.replaceChildren(loading());
      try {
        const list = asList(
          await api(`/api/blockchain/transactions?limit=${PAGE}&offset=${offset}`, { signal }),
          'transactions',
        );
        offset += list.length;
        histOut.replaceChildren();
        if (!offset) histOut.append(empty('No transactions yet.'));
        hist.closest('table')?.toggleAttribute('hidden', !offset);
        for (const t of list) {
          const out = t.from_address === address;
          hist.append(
            h(
              'tr',
              null,
              h('td', null, h('span', { class: `badge ${out ? 'warn' : 'ok'}` }, out ? 'Sent' : 'Received')),
              h('td', { class: out ? 'neg' : 'pos' }, `${out ? '−' : '+'}${fmtAmount(t.amount)}`),
              h(
                'td',
                { class: 'mono', title: out ? t.to_address : t.from_address },
                short(out ? t.to_address : t.from_address, 6),
              ),
              h('td', null, t.is_confirmed ? `In block #${t.block_height ?? '?'}` : 'Pending'),
              h('td', null, fmtTime(t.created_at)),
            ),
          );
        }
        more.hidden = list.length < PAGE;
      } catch (e) {
        showError(histOut, e, () => loadHistory(false));
      }
    }
    more.onclick = () => busy(more, () => loadHistory(false));

    /** The balance after each change (GET /api/blockchain/wallet/history), oldest first. */
    async function loadChart() {
      try {
        const r = await api(`/api/blockchain/wallet/history?limit=${HISTORY_POINTS}`, { signal });
        const points = /** @type {{ at: string, balance: string }[]} */ (r.points);
        const rc = (/** @type {number} */ v) => `${+v.toFixed(8)} RC`;
        const series = { label: 'Balance', values: points.map((p) => Number(p.balance)), fmt: rc };
        chartOut.replaceChildren();
        await chart.draw(
          points.map((p) => Date.parse(p.at) / 1000),
          [series],
          r.complete ? undefined : `The latest ${points.length} changes. ${seriesSummaryOf(series)}`,
        );
      } catch (e) {
        showError(chartOut, e, loadChart);
      }
    }

    const refresh = () => Promise.all([loadWallet(), loadHistory(true), loadChart()]);

    // ---- send: form → review (confirmation) → result ----
    const out = h('div', { 'aria-live': 'polite' });
    const to = h('input', {
      name: 'to_address',
      required: true,
      autocomplete: 'off',
      spellcheck: 'false',
      pattern: 'RD[0-9a-fA-F]{38}',
      placeholder: 'RD…',
    });
    const amount = h('input', {
      name: 'amount',
      required: true,
      inputmode: 'decimal',
      autocomplete: 'off',
      placeholder: '0.0',
    });
    const msg = h('input', { name: 'message', maxlength: '280', autocomplete: 'off' });
    const form = h(
      'form',
      { id: 'send', class: 'stack' },
      field('To address', to, 'A RoadChain address: RD followed by 38 hex characters'),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'grow' }, field('Amount (RC)', amount)),
        h('div', { class: 'grow' }, field('Message (optional)', msg)),
      ),
      out,
      h('div', { class: 'row end' }, h('button', { type: 'submit', class: 'btn primary' }, 'Review…')),
    );
    fill(sendBox, h('h3', { id: 'w-send' }, 'Send RoadCoin'), form);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const a = amount.value.trim();
      out.replaceChildren();
      if (!AMOUNT.test(a) || Number(a) < 0.0001)
        return fill(
          out,
          h(
            'p',
            { class: 'msg error', role: 'alert' },
            'Enter an amount of at least 0.0001 with up to 8 decimals, e.g. 12.5',
          ),
        );
      if (to.value.trim() === address)
        return fill(
          out,
          h('p', { class: 'msg error', role: 'alert' }, 'That is your own address. Send to someone else.'),
        );
      review({ to_address: to.value.trim(), amount: a, message: msg.value.trim() || undefined });
    });

    /** The confirmation step. One idempotency key per reviewed payment, so a retry can never pay twice. @param {{to_address: string, amount: string, message?: string}} tx */
    function review(tx) {
      const key = uuid();
      const err = h('div', { 'aria-live': 'polite' });
      const ok = h('button', { type: 'button', class: 'btn primary' }, `Send ${fmtAmount(tx.amount)}`);
      const cancel = h(
        'button',
        {
          type: 'button',
          class: 'btn',
          onclick: () => {
            fill(sendBox, h('h3', { id: 'w-send' }, 'Send RoadCoin'), form);
            amount.focus();
          },
        },
        'Back',
      );
      const left = Number(balance) - Number(tx.amount);
      fill(
        sendBox,
        h('h3', { id: 'w-send' }, 'Confirm payment'),
        h(
          'div',
          { class: 'card', role: 'group', 'aria-label': 'Payment summary' },
          h(
            'dl',
            { class: 'kv' },
            h('dt', null, 'To'),
            h('dd', { class: 'mono' }, tx.to_address),
            h('dt', null, 'Amount'),
            h('dd', null, h('strong', null, fmtAmount(tx.amount))),
            tx.message && [h('dt', null, 'Message'), h('dd', null, tx.message)],
            Number.isFinite(left) && [h('dt', null, 'Balance after'), h('dd', null, fmtAmount(left.toFixed(8)))],
          ),
        ),
        h(
          'p',
          { class: 'muted' },
          'Payments cannot be undone. The transaction stays pending until the next block is mined.',
        ),
        err,
        h('div', { class: 'row end' }, cancel, ok),
      );
      ok.focus();
      ok.onclick = () =>
        busy(ok, async () => {
          cancel.disabled = true;
          try {
            const t = await api('/api/blockchain/transactions', {
              body: tx,
              signal,
              headers: { 'Idempotency-Key': key },
            });
            form.reset();
            fill(
              sendBox,
              h('h3', { id: 'w-send' }, 'Sent'),
              h(
                'p',
                { class: 'msg ok', role: 'status' },
                `Sent ${fmtAmount(t?.amount ?? tx.amount)} to ${short(tx.to_address, 8)}. It is pending until the next block.`,
              ),
              h('p', { class: 'mono muted' }, t?.transaction_hash ?? ''),
              h(
                'div',
                { class: 'row' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn',
                    onclick: () => {
                      fill(sendBox, h('h3', { id: 'w-send' }, 'Send RoadCoin'), form);
                      to.focus();
                    },
                  },
                  'Send another',
                ),
              ),
            );
            toast('Payment sent');
            void refresh();
          } catch (e) {
            formErrors(form, e, h('div'));
            showError(err, e);
          } finally {
            cancel.disabled = false;
          }
        });
    }

    void refresh();
  });
}
