// @ts-check
/** Files: folder tree, upload (button or drag-and-drop, with a progress bar), download, share links, edit text files. */

import { ApiError, api } from '../api-client.js';
import * as store from '../auth-store.js';
import { fill, fmtTime, h } from '../dom.js';
import { busy, confirmSheet, empty, errorBox, field, loading, showError } from '../ui.js';

/** @typedef {{ id: number, name: string, parent_id: number | null }} Folder */
/** @typedef {{ id: number, name: string, folder_id: number | null, content_type: string, size: number, version: number, updated_at: string }} FileRow */

/** @param {number} n */
export const fmtSize = (n) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
const TEXTUAL = /^(text\/|application\/(json|xml|javascript|x-sh|yaml|toml|sql)|image\/svg\+xml)|\+json$|\+xml$/;

/**
 * Upload one file with XMLHttpRequest (fetch reports no upload progress). Resolves to the stored file.
 * @param {File} file @param {number | null} folderId @param {(done: number, total: number) => void} onProgress
 * @returns {Promise<FileRow>}
 */
function uploadWithProgress(file, folderId, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/files/upload${folderId ? `?folder_id=${folderId}` : ''}`);
    const token = store.getAccessToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201) resolve(body);
      else reject(new ApiError(xhr.status, body?.detail ?? `The upload failed (${xhr.status}).`, body));
    };
    xhr.onerror = () => reject(new ApiError(0, "Can't reach the server. Check your connection and try again."));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** The file a search result or notification points at (`{ ref: 'file-<id>' }`), or null. @param {unknown} arg */
const fileRef = (arg) => {
  const m = /^file-(\d+)$/.exec(String(/** @type {{ ref?: unknown } | null} */ (arg)?.ref ?? ''));
  return m ? Number(m[1]) : null;
};

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx @param {unknown} [arg] */
export function mount(_body, ctx, arg) {
  let wanted = fileRef(arg);
  /** @type {(() => void) | null} */ let reveal = null;
  ctx.gate(({ body, signal }) => {
    /** @type {number | null} */ let folderId = null;
    /** @type {{ folders: Folder[], files: FileRow[] }} */ let data = { folders: [], files: [] };
    const tree = h('nav', { class: 'files-tree', 'aria-label': 'Folders' });
    const list = h('div', { class: 'stack', 'aria-live': 'polite' });
    const uploads = h('div', { class: 'stack' });
    const picker = /** @type {HTMLInputElement} */ (
      h('input', {
        type: 'file',
        multiple: true,
        hidden: true,
        onchange: () => {
          void uploadAll([...(picker.files ?? [])]);
          picker.value = '';
        },
      })
    );
    const newFolder = h(
      'button',
      { type: 'button', class: 'btn small', onclick: () => void makeFolder() },
      'New folder',
    );
    const drop = h(
      'div',
      { class: 'files-drop', 'data-testid': 'drop-zone' },
      h(
        'p',
        { class: 'muted' },
        'Drop files here, or ',
        h('button', { type: 'button', class: 'btn small primary', onclick: () => picker.click() }, 'Upload…'),
      ),
    );
    const main = h(
      'section',
      { class: 'stack files-main', 'aria-label': 'Files' },
      h('div', { class: 'row' }, newFolder, picker),
      drop,
      uploads,
      list,
    );
    body.append(h('div', { class: 'pad files' }, tree, main));

    for (const ev of ['dragenter', 'dragover'])
      drop.addEventListener(ev, (e) => {
        e.preventDefault();
        drop.classList.add('over');
      });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      void uploadAll([...(e.dataTransfer?.files ?? [])]);
    });

    /** @param {File[]} files */
    async function uploadAll(files) {
      for (const file of files) {
        const bar = /** @type {HTMLProgressElement} */ (
          h('progress', { max: '100', value: '0', 'aria-label': `Uploading ${file.name}` })
        );
        const line = h('div', { class: 'card row upload' }, h('span', { class: 'grow' }, file.name), bar);
        uploads.append(line);
        try {
          await uploadWithProgress(file, folderId, (done, total) => {
            bar.value = Math.round((done / total) * 100);
          });
          bar.value = 100;
          line.append(h('span', { class: 'badge ok' }, 'Uploaded'));
          setTimeout(() => line.remove(), 3000);
        } catch (e) {
          line.append(errorBox(e));
        }
      }
      await load();
    }

    async function makeFolder() {
      const name = prompt('Folder name');
      if (!name) return;
      try {
        await api('/api/files/folders', { signal, body: { name, parent_id: folderId } });
        await load();
      } catch (e) {
        showError(list, e);
      }
    }

    async function load() {
      try {
        data = await api('/api/files/tree', { signal });
        const target = wanted === null ? undefined : data.files.find((f) => f.id === wanted);
        if (target) folderId = target.folder_id;
        render();
        if (target) {
          const tr = list.querySelector(`tr[data-id="${target.id}"]`);
          tr?.classList.add('highlight');
          tr?.scrollIntoView({ block: 'nearest' });
          wanted = null;
        }
      } catch (e) {
        showError(list, e, load);
      }
    }

    function render() {
      // The root ("My files") with the folder tree under it.
      const top = h(
        'ul',
        null,
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: `btn small link${folderId === null ? ' current' : ''}`,
              'aria-current': folderId === null && 'true',
              onclick: () => {
                folderId = null;
                render();
              },
            },
            'My files',
          ),
          data.folders.some((f) => f.parent_id === null) ? sub(null) : null,
        ),
      );
      /** @param {number | null} parent @returns {HTMLElement} */
      function sub(parent) {
        return h(
          'ul',
          null,
          data.folders
            .filter((f) => f.parent_id === parent)
            .map((f) =>
              h(
                'li',
                null,
                h(
                  'button',
                  {
                    type: 'button',
                    class: `btn small link${f.id === folderId ? ' current' : ''}`,
                    'aria-current': f.id === folderId && 'true',
                    onclick: () => {
                      folderId = f.id;
                      render();
                    },
                  },
                  f.name,
                ),
                data.folders.some((c) => c.parent_id === f.id) ? sub(f.id) : null,
              ),
            ),
        );
      }
      fill(tree, top);
      const here = data.files.filter((f) => f.folder_id === folderId);
      if (here.length === 0) return void fill(list, empty('No files here yet.'));
      fill(
        list,
        h(
          'table',
          { class: 'table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, 'Name'),
              h('th', null, 'Size'),
              h('th', null, 'Changed'),
              h('th', null, h('span', { class: 'sr-only' }, 'Actions')),
            ),
          ),
          h('tbody', null, here.map(row)),
        ),
      );
    }

    /** @param {FileRow} f */
    function row(f) {
      const dl = h(
        'button',
        { type: 'button', class: 'btn small', onclick: () => busy(dl, () => download(f)) },
        'Download',
      );
      const share = h('button', { type: 'button', class: 'btn small', onclick: () => void shareDialog(f) }, 'Share');
      const del = h('button', { type: 'button', class: 'btn small danger', onclick: () => void remove(f) }, 'Delete');
      const edit =
        TEXTUAL.test(f.content_type) &&
        h('button', { type: 'button', class: 'btn small', onclick: () => ctx.open('editor', { id: f.id }) }, 'Edit');
      return h(
        'tr',
        { 'data-file': f.name, 'data-id': f.id },
        h('td', null, f.name),
        h('td', null, fmtSize(f.size)),
        h('td', null, fmtTime(f.updated_at)),
        h('td', null, h('div', { class: 'row' }, edit, dl, share, del)),
      );
    }

    /** @param {FileRow} f */
    async function download(f) {
      try {
        const res = await api(`/api/files/${f.id}/download`, { signal, stream: true });
        const url = URL.createObjectURL(await res.blob());
        const a = h('a', { href: url, download: f.name, hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (e) {
        showError(list, e);
      }
    }

    /** @param {FileRow} f */
    async function remove(f) {
      if (
        !(await confirmSheet(ctx.win.el, {
          title: `Delete ${f.name}?`,
          body: [h('p', null, 'The file and its share links are removed for good.')],
          ok: 'Delete',
          danger: true,
        }))
      )
        return;
      try {
        await api(`/api/files/${f.id}`, { method: 'DELETE', signal });
        await load();
      } catch (e) {
        showError(list, e);
      }
    }

    /** A modal dialog: choose an expiry, create the link, copy it. @param {FileRow} f */
    function shareDialog(f) {
      const back = /** @type {HTMLElement | null} */ (document.activeElement);
      const out = h('div');
      const expiry = /** @type {HTMLSelectElement} */ (
        h(
          'select',
          { name: 'expires_in_seconds' },
          [
            ['3600', '1 hour'],
            ['86400', '1 day'],
            ['604800', '7 days'],
            ['2592000', '30 days'],
          ].map(([v, l]) => h('option', { value: v, selected: v === '86400' }, l)),
        )
      );
      const create = h(
        'button',
        {
          type: 'button',
          class: 'btn primary',
          onclick: () =>
            busy(create, async () => {
              try {
                const s = await api(`/api/files/${f.id}/shares`, {
                  signal,
                  body: { expires_in_seconds: Number(expiry.value) },
                });
                const input = /** @type {HTMLInputElement} */ (
                  h('input', { readonly: true, value: s.url, 'aria-label': 'Share link' })
                );
                fill(
                  out,
                  h(
                    'div',
                    { class: 'stack' },
                    field('Anyone with this link can download the file until it expires', input),
                    h('p', { class: 'muted' }, `Expires ${fmtTime(s.expires_at)}`),
                    h(
                      'button',
                      { type: 'button', class: 'btn small', onclick: () => void navigator.clipboard?.writeText(s.url) },
                      'Copy link',
                    ),
                  ),
                );
                input.select();
              } catch (e) {
                fill(out, errorBox(e));
              }
            }),
        },
        'Create link',
      );
      const close = () => {
        sheet.remove();
        back?.focus();
      };
      const box = h(
        'div',
        { class: 'sheet-box', role: 'dialog', 'aria-modal': 'true', 'aria-label': `Share ${f.name}` },
        h('h3', null, `Share ${f.name}`),
        field('Link expires after', expiry),
        out,
        h('div', { class: 'row end' }, h('button', { type: 'button', class: 'btn', onclick: close }, 'Close'), create),
      );
      const sheet = h('div', { class: 'sheet' }, box);
      sheet.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      });
      ctx.win.el.append(sheet);
      expiry.focus();
    }

    reveal = () => void load();
    fill(list, loading('Loading files…'));
    void load();
  });
  return (/** @type {unknown} */ next) => {
    wanted = fileRef(next);
    if (wanted !== null) reveal?.();
  };
}
