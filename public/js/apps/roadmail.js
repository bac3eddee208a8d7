// @ts-check
/** RoadMail: folders with unread counts, message list, reading, compose, reply, delete (to Trash, then for good). */

import { api } from '../api-client.js';
import { ago, asList, fill, fmtTime, h } from '../dom.js';
import { busy, confirmSheet, empty, field, formErrors, loading, showError, toast } from '../ui.js';

/** @typedef {{ id: string | number, name: string, folder_type?: string, unread_count?: number }} Folder */

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal, user }) => {
    const nav = h('nav', { class: 'mail-folders', 'aria-label': 'Folders' });
    const pane = h('div', { class: 'mail-pane stack' });
    const composeBtn = h('button', { type: 'button', class: 'btn primary', onclick: () => compose() }, 'Compose');
    body.append(h('div', { class: 'split' }, h('div', { class: 'split-side stack' }, composeBtn, nav), pane));
    /** @type {Folder | null} */ let current = null;
    /** @type {HTMLFormElement | null} */ let draft = null; // the compose form survives switching views
    // Which view the pane shows now: an answer that arrives after the user moved on (a slow list
    // after "Compose") is dropped instead of replacing what they are looking at.
    let view = 0;

    /** @param {Folder} f */
    const kind = (f) => String(f.folder_type ?? f.name).toLowerCase();
    /** @param {Folder} f */
    const listPath = (f) =>
      kind(f) === 'inbox'
        ? '/api/email/inbox'
        : kind(f) === 'sent'
          ? '/api/email/sent'
          : `/api/email/folders/${encodeURIComponent(f.id)}/emails`;

    async function loadFolders() {
      try {
        const list = /** @type {Folder[]} */ (asList(await api('/api/email/folders', { signal }), 'folders'));
        current ??= list.find((f) => kind(f) === 'inbox') ?? list[0] ?? null;
        fill(
          nav,
          list.map((f) =>
            h(
              'button',
              {
                type: 'button',
                class: 'folder',
                'aria-current': current && f.id === current.id ? 'true' : null,
                onclick: () => {
                  current = f;
                  void loadFolders();
                  void showList();
                },
              },
              h('span', { class: 'grow' }, f.name),
              f.unread_count
                ? h('span', { class: 'badge ok', 'aria-label': `${f.unread_count} unread` }, f.unread_count)
                : null,
            ),
          ),
        );
      } catch (e) {
        showError(nav, e, loadFolders);
      }
    }

    async function showList() {
      const my = ++view;
      if (!current) return void fill(pane, empty('No folders.'));
      const f = current;
      fill(pane, h('h3', null, f.name), loading());
      try {
        const mails = asList(await api(`${listPath(f)}?limit=50`, { signal }), 'emails');
        if (my !== view) return;
        const sent = kind(f) === 'sent';
        fill(
          pane,
          h(
            'div',
            { class: 'spread' },
            h('h3', null, f.name),
            h(
              'button',
              {
                type: 'button',
                class: 'btn small',
                onclick: () => {
                  void showList();
                  void loadFolders();
                },
              },
              'Refresh',
            ),
          ),
          mails.length
            ? h(
                'ul',
                { class: 'mail-list' },
                mails.map((m) =>
                  h(
                    'li',
                    null,
                    h(
                      'button',
                      {
                        type: 'button',
                        class: `mail-item${m.is_read === false && !sent ? ' unread' : ''}`,
                        onclick: () => read(m.id),
                      },
                      h(
                        'span',
                        { class: 'mail-from' },
                        sent
                          ? `To: ${Array.isArray(m.to) && m.to.length ? m.to.join(', ') : (m.recipient_email ?? '')}`
                          : m.sender_name || m.sender_email || '',
                      ),
                      h('span', { class: 'mail-subj' }, m.subject || '(no subject)'),
                      h('span', { class: 'muted mail-time' }, ago(m.sent_at ?? m.created_at)),
                    ),
                  ),
                ),
              )
            : empty(`No messages in ${f.name}.`),
        );
      } catch (e) {
        if (my === view) showError(pane, e, showList);
      }
    }

    /** @param {string | number} id */
    async function read(id) {
      const my = ++view;
      fill(pane, loading('Opening message…'));
      try {
        const m = await api(`/api/email/${encodeURIComponent(id)}`, { signal });
        if (my !== view) return;
        const inTrash = current && kind(current) === 'trash';
        const del = h('button', { type: 'button', class: 'btn danger' }, inTrash ? 'Delete forever' : 'Delete');
        del.onclick = () =>
          busy(del, async () => {
            if (
              inTrash &&
              !(await confirmSheet(ctx.win.el, {
                title: 'Delete forever?',
                body: [
                  h(
                    'p',
                    null,
                    'This removes the message from your mailbox for good. The other person keeps their copy.',
                  ),
                ],
                ok: 'Delete',
                danger: true,
              }))
            )
              return;
            try {
              await api(`/api/email/${encodeURIComponent(id)}`, { method: 'DELETE', signal });
              toast(inTrash ? 'Deleted' : 'Moved to Trash');
              void loadFolders();
              void showList();
            } catch (e) {
              showError(actions, e);
            }
          });
        const actions = h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'btn small', onclick: showList }, '← Back'),
          h('button', { type: 'button', class: 'btn', onclick: () => compose(m) }, 'Reply'),
          del,
        );
        fill(
          pane,
          actions,
          h(
            'article',
            { class: 'card stack mail-read' },
            h('h3', null, m.subject || '(no subject)'),
            h(
              'dl',
              { class: 'kv' },
              h('dt', null, 'From'),
              h('dd', null, m.sender_name ? `${m.sender_name} <${m.sender_email}>` : m.sender_email),
              h('dt', null, 'To'),
              h(
                'dd',
                null,
                (Array.isArray(m.to) && m.to.length ? m.to : [m.recipient_email ?? user.email ?? '']).join(', '),
              ),
              Array.isArray(m.cc) && m.cc.length > 0 && [h('dt', null, 'Cc'), h('dd', null, m.cc.join(', '))],
              h('dt', null, 'Date'),
              h('dd', null, fmtTime(m.sent_at ?? m.created_at)),
            ),
            h('div', { class: 'mail-body' }, m.body ?? ''),
          ),
        );
        void loadFolders(); // unread counts changed
      } catch (e) {
        if (my === view) showError(pane, e, () => read(id));
      }
    }

    /** @param {any} [re] message being replied to */
    function compose(re) {
      ++view;
      if (!draft || re) draft = composeForm(re);
      fill(pane, draft);
      /** @type {HTMLElement | null} */ (draft.querySelector(re ? '[name=body]' : '[name=to]'))?.focus();
    }

    /** @param {any} [re] */
    function composeForm(re) {
      const out = h('div', { 'aria-live': 'polite' });
      const send = h('button', { type: 'submit', class: 'btn primary' }, 'Send');
      const quote = re
        ? `\n\nOn ${fmtTime(re.sent_at ?? re.created_at)}, ${re.sender_email} wrote:\n${String(re.body ?? '').replace(/^/gm, '> ')}`
        : '';
      const form = h(
        'form',
        { id: 'compose', class: 'stack' },
        h('h3', null, re ? 'Reply' : 'New message'),
        field(
          'To',
          h('input', {
            name: 'to',
            type: 'email',
            required: true,
            autocomplete: 'email',
            value: re?.sender_email ?? '',
          }),
        ),
        field('Cc', h('input', { name: 'cc', autocomplete: 'off', placeholder: 'Optional, comma-separated' })),
        field(
          'Subject',
          h('input', {
            name: 'subject',
            required: true,
            maxlength: '255',
            value: re ? `Re: ${String(re.subject ?? '').replace(/^Re:\s*/i, '')}` : '',
          }),
        ),
        field('Message', h('textarea', { name: 'body', rows: '9', required: true, value: quote })),
        out,
        h(
          'div',
          { class: 'row end' },
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              onclick: () => {
                draft = null;
                void showList();
              },
            },
            'Discard',
          ),
          send,
        ),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const d = new FormData(form);
        const cc = String(d.get('cc'))
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        void busy(send, async () => {
          try {
            await api('/api/email/send', {
              signal,
              body: {
                to: String(d.get('to')).trim(),
                cc,
                bcc: [],
                subject: String(d.get('subject')),
                body: String(d.get('body')),
                ...(re ? { in_reply_to: re.message_id ?? re.id } : {}),
              },
            });
            toast('Message sent');
            draft = null;
            void loadFolders();
            void showList();
          } catch (err) {
            formErrors(form, err, out);
          }
        });
      });
      return form;
    }

    void loadFolders().then(showList);
  });
}
