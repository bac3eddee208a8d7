// @ts-check
/** Editor: opens a text file of the Files app (/api/vscode), edits it, saves a new version over the one opened (If-Match). */

import { ApiError, api } from '../api-client.js';
import { fill, h } from '../dom.js';
import { busy, empty, errorBox, loading, showError } from '../ui.js';

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx @param {unknown} arg */
export function mount(_body, ctx, arg) {
  /** @type {number | null} */ let fileId =
    typeof arg === 'object' && arg && 'id' in arg ? Number(/** @type {{id: unknown}} */ (arg).id) : null;
  /** @type {(() => void) | null} */ let reopen = null;
  ctx.gate(({ body, signal }) => {
    const pane = h('div', { class: 'pad stack editor' });
    body.append(pane);
    reopen = () => void open();

    async function open() {
      if (fileId === null)
        return void fill(
          pane,
          empty(
            'Open a text file from the Files window (its Edit button).',
            h('button', { type: 'button', class: 'btn', onclick: () => ctx.open('files') }, 'Open Files'),
          ),
        );
      fill(pane, loading('Opening…'));
      try {
        show(await api(`/api/vscode/files/${fileId}`, { signal }));
      } catch (e) {
        showError(pane, e, open);
      }
    }

    /** @param {{ id: number, name: string, language: string, content: string, etag: string, version: number }} f */
    function show(f) {
      let etag = f.etag;
      let saved = f.content;
      const text = /** @type {HTMLTextAreaElement} */ (
        h('textarea', { class: 'code', spellcheck: 'false', 'aria-label': `Content of ${f.name}`, rows: '18' })
      );
      text.value = f.content;
      const status = h('p', { class: 'muted', role: 'status' }, `${f.language} · version ${f.version}`);
      const out = h('div');
      const save = /** @type {HTMLButtonElement} */ (
        h('button', { type: 'button', class: 'btn primary', onclick: () => void doSave() }, 'Save')
      );
      const dirty = () => {
        status.textContent = `${f.language} · version ${f.version}${text.value !== saved ? ' · unsaved changes' : ''}`;
      };
      text.addEventListener('input', dirty);
      text.addEventListener('keydown', (e) => {
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
          e.preventDefault();
          void doSave();
        }
      });
      const doSave = () =>
        busy(save, async () => {
          out.replaceChildren();
          try {
            const r = await api(`/api/vscode/files/${f.id}`, {
              method: 'PUT',
              signal,
              headers: { 'if-match': etag },
              body: { content: text.value },
            });
            etag = r.etag;
            saved = text.value;
            f.version = r.version;
            status.textContent = `${f.language} · version ${r.version} · saved`;
          } catch (e) {
            if (e instanceof ApiError && e.status === 412) {
              fill(
                out,
                h(
                  'div',
                  { class: 'msg error', role: 'alert' },
                  h(
                    'p',
                    null,
                    'This file changed since you opened it (another window or an upload). Nothing was saved.',
                  ),
                  h(
                    'button',
                    { type: 'button', class: 'btn small', onclick: () => void open() },
                    'Reload the newer version',
                  ),
                ),
              );
            } else fill(out, errorBox(e));
          }
        });
      fill(pane, h('div', { class: 'row' }, h('strong', { class: 'grow' }, f.name), save), text, status, out);
      text.focus();
    }

    void open();
  });
  return (/** @type {unknown} */ next) => {
    if (typeof next === 'object' && next && 'id' in next) {
      fileId = Number(/** @type {{id: unknown}} */ (next).id);
      reopen?.();
    }
  };
}
