// @ts-check
/** Chaos Inbox: capture a thought in one line (Enter), then triage it: inbox → triaged → done, or archive. */

import { api } from '../api-client.js';
import { ago, fill, h } from '../dom.js';
import { badge, busy, empty, formErrors, loading, showError, tabs } from '../ui.js';

/** The moves the API allows from each status, as buttons. */
const MOVES = /** @type {Record<string, [string, string][]>} */ ({
  inbox: [
    ['triaged', 'Triage'],
    ['archived', 'Archive'],
  ],
  triaged: [
    ['done', 'Done'],
    ['inbox', 'Back to inbox'],
    ['archived', 'Archive'],
  ],
  done: [
    ['triaged', 'Reopen'],
    ['archived', 'Archive'],
  ],
  archived: [['inbox', 'Restore']],
});

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    let status = 'inbox';
    const list = h('div', { class: 'stack', 'aria-live': 'polite' }, loading());
    const out = h('div');
    const input = h('input', {
      name: 'raw_content',
      required: true,
      maxlength: '20000',
      placeholder: 'A thought, a link, a task… then Enter',
      'aria-label': 'Capture',
    });
    const tagsInput = h('input', {
      name: 'tags',
      maxlength: '200',
      placeholder: 'tags, comma separated',
      'aria-label': 'Tags',
    });
    const add = h('button', { type: 'submit', class: 'btn primary' }, 'Capture');
    const form = h(
      'form',
      { id: 'capture', class: 'card stack' },
      h('div', { class: 'row' }, input, tagsInput, add),
      out,
    );
    body.append(
      h(
        'div',
        { class: 'pad stack' },
        form,
        tabs(
          ['inbox', 'triaged', 'done', 'archived'].map((s) => ({ id: s, label: s[0]?.toUpperCase() + s.slice(1) })),
          status,
          (id) => {
            status = id;
            void load();
          },
        ),
        list,
      ),
    );

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const tags = String(tagsInput.value)
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      void busy(add, async () => {
        out.replaceChildren();
        try {
          await api('/api/capture/items', { signal, body: { raw_content: input.value, source: 'pocket-os', tags } });
          form.reset();
          input.focus();
          if (status === 'inbox') await load();
        } catch (err) {
          formErrors(form, err, out);
        }
      });
    });

    async function load() {
      try {
        const r = await api(`/api/capture/items?status=${status}&limit=50`, { signal });
        const items = /** @type {any[]} */ (r.items);
        fill(
          list,
          items.length
            ? h('ul', { class: 'plain-list stack' }, items.map(row))
            : empty(status === 'inbox' ? 'Inbox zero. Capture something above.' : `Nothing ${status}.`),
        );
      } catch (e) {
        showError(list, e, () => void load());
      }
    }

    /** @param {any} item */
    function row(item) {
      const err = h('div');
      return h(
        'li',
        { class: 'card stack' },
        h('div', { class: 'spread' }, h('span', null, item.raw_content), badge(item.status)),
        h(
          'div',
          { class: 'spread' },
          h(
            'span',
            { class: 'muted' },
            [item.type, ...item.tags.map((/** @type {string} */ t) => `#${t}`), ago(item.created_at)].join(' · '),
          ),
          h(
            'div',
            { class: 'row' },
            (MOVES[item.status] ?? []).map(([to, label]) => {
              const b = h('button', { type: 'button', class: 'btn small' }, label);
              b.onclick = () =>
                busy(b, async () => {
                  try {
                    await api(`/api/capture/items/${item.id}/status`, { signal, body: { status: to } });
                    await load();
                  } catch (e) {
                    showError(err, e);
                  }
                });
              return b;
            }),
          ),
        ),
        err,
      );
    }
    void load();
  });
}
