// @ts-check
/** Shared widgets: error boxes, loading lines, busy buttons, field errors, confirm sheets, key/value lists. */

import { ApiError } from './api-client.js';
import { fill, fmtAmount, fmtTime, h, humanize, trapTab, trimDec } from './dom.js';

/** @param {unknown} e */
export const isAbort = (e) => e instanceof DOMException && e.name === 'AbortError';

/** Plain words for any error. @param {unknown} e */
export function errorText(e) {
  if (e instanceof ApiError) return e.message;
  return `Something went wrong: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * An alert box with the message, field errors not shown elsewhere, and an optional retry button.
 * @param {unknown} e @param {(() => void) | null} [retry] @param {string[]} [shown] field names already marked in a form
 */
export function errorBox(e, retry = null, shown = []) {
  const fields = e instanceof ApiError ? e.fields.filter((f) => !shown.includes(f.path)) : [];
  return h(
    'div',
    { class: 'msg error', role: 'alert' },
    h('p', null, errorText(e)),
    fields.length > 0 &&
      h(
        'ul',
        null,
        fields.map((f) => h('li', null, f.path ? `${humanize(f.path)}: ${f.message}` : f.message)),
      ),
    retry && h('button', { type: 'button', class: 'btn small', style: 'margin-top:6px', onclick: retry }, 'Try again'),
  );
}

/** Show an error in place of target's content (ignores aborts: the window is gone). @param {Element} target @param {unknown} e @param {(() => void) | null} [retry] */
export function showError(target, e, retry = null) {
  if (!isAbort(e)) fill(target, errorBox(e, retry));
}

/** @param {string} [text] */
export const loading = (text = 'Loading…') => h('p', { class: 'loading', role: 'status' }, text);

/** @param {string} text @param {...import('./dom.js').Child} extra */
export const empty = (text, ...extra) => h('div', { class: 'empty' }, h('p', null, text), ...extra);

/**
 * Disable the button (and mark it busy) while fn runs, so a slow request cannot be sent twice.
 * @template T @param {HTMLButtonElement} btn @param {() => Promise<T>} fn @returns {Promise<T | undefined>}
 */
export async function busy(btn, fn) {
  if (btn.disabled) return undefined;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

/** Labelled control. @param {string} label @param {HTMLElement} control @param {string} [hint] */
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', null, label), control, hint && h('small', { class: 'muted' }, hint));
}

/**
 * Mark the inputs named in an API error and show the rest in `out`. Clears earlier marks first.
 * @param {HTMLFormElement} form @param {unknown} e @param {Element} out
 */
export function formErrors(form, e, out) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  if (isAbort(e)) return;
  /** @type {string[]} */ const shown = [];
  if (e instanceof ApiError)
    for (const f of e.fields) {
      const input = form.querySelector(`[name="${CSS.escape(f.path)}"]`);
      if (!input) continue;
      const id = `${form.id || 'f'}-${f.path}-err`;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      input.after(h('span', { class: 'field-error', id }, f.message));
      shown.push(f.path);
    }
  fill(out, errorBox(e, null, shown));
}

/**
 * A modal sheet over one window asking to confirm. Escape or Cancel → false. Focus is trapped
 * inside and goes back where it was.
 * @param {HTMLElement} host positioned container (the window) @param {{ title: string, body?: import('./dom.js').Child[], ok?: string, danger?: boolean }} o
 * @returns {Promise<boolean>}
 */
export function confirmSheet(host, o) {
  const back = /** @type {HTMLElement | null} */ (document.activeElement);
  const id = `sheet-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve) => {
    /** @param {boolean} v */
    const done = (v) => {
      sheet.remove();
      back?.focus();
      resolve(v);
    };
    const okBtn = h(
      'button',
      { type: 'button', class: `btn ${o.danger ? 'danger' : 'primary'}`, onclick: () => done(true) },
      o.ok ?? 'Confirm',
    );
    const box = h(
      'div',
      { class: 'sheet-box', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': id },
      h('h3', { id }, o.title),
      ...(o.body ?? []),
      h(
        'div',
        { class: 'row end' },
        h('button', { type: 'button', class: 'btn', onclick: () => done(false) }, 'Cancel'),
        okBtn,
      ),
    );
    const sheet = h('div', { class: 'sheet' }, box);
    sheet.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        done(false);
      } else trapTab(box, e);
    });
    host.append(sheet);
    okBtn.focus();
  });
}

/** Status word → badge colour. @param {unknown} s */
export function badge(s) {
  const t = String(s ?? 'unknown');
  const cls =
    /^(ok|up|healthy|true|connected|online|running|valid|configured|confirmed|done|succeeded|complete|completed)$/i.test(
      t,
    )
      ? 'ok'
      : /^(degraded|pending|queued|delivered|running_late|not_configured|stopped|false|idle|unknown|skipped|disabled|slow|retrying|cancelled)$/i.test(
            t,
          )
        ? 'warn'
        : 'err';
  return h('span', { class: `badge ${cls}` }, humanize(t));
}

/** @param {string} k @param {unknown} v @returns {import('./dom.js').Child} */
export function fmtValue(k, v) {
  if (v == null || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'string' && /(_at|time|since|timestamp)$/.test(k) && /^\d{4}-\d\d-\d\d/.test(v)) return fmtTime(v);
  if (typeof v === 'string' && /(^|_)(hash|address|sha)(_|$)/.test(k)) return h('span', { class: 'mono' }, v); // not "hashrate"
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') || '—';
  if (typeof v === 'object') return kv(/** @type {Record<string, unknown>} */ (v));
  const n = Number(v);
  if (/hashrate/.test(k) && !/mhs$/.test(k) && Number.isFinite(n)) {
    const [d, u] = n >= 1e9 ? [1e9, 'GH/s'] : n >= 1e6 ? [1e6, 'MH/s'] : n >= 1e3 ? [1e3, 'kH/s'] : [1, 'H/s'];
    return `${Math.round((n / d) * 100) / 100} ${u}`;
  }
  if (/_seconds$/.test(k) && Number.isFinite(n))
    return n >= 3600
      ? `${Math.floor(n / 3600)} h ${Math.floor((n % 3600) / 60)} min`
      : n >= 60
        ? `${Math.floor(n / 60)} min ${Math.round(n % 60)} s`
        : `${n} s`;
  if (/balance|earned|reward|amount|fee/.test(k) && Number.isFinite(n)) return fmtAmount(v);
  return trimDec(v);
}

/**
 * A definition list of an object's fields, `first` keys in that order, then the rest.
 * @param {Record<string, unknown> | null | undefined} obj @param {string[]} [first] @param {string[]} [skip]
 */
export function kv(obj, first = [], skip = []) {
  const o = obj ?? {};
  const keys = [...first.filter((k) => k in o), ...Object.keys(o).filter((k) => !first.includes(k))].filter(
    (k) => !skip.includes(k),
  );
  // The unit of a *_seconds or *_hs value is in the value ("2 min 5 s", "3 kH/s"), not the label.
  return h(
    'dl',
    { class: 'kv' },
    keys.flatMap((k) => [h('dt', null, humanize(k.replace(/_(seconds|hs)$/, ''))), h('dd', null, fmtValue(k, o[k]))]),
  );
}

/**
 * Accessible tabs. Returns the tablist; onSelect gets the chosen id.
 * @param {{ id: string, label: string }[]} items @param {string} current @param {(id: string) => void} onSelect
 */
export function tabs(items, current, onSelect) {
  const list = h('div', { class: 'tablist', role: 'tablist' });
  /** @param {string} id */
  const select = (id) => {
    for (const b of list.children) b.setAttribute('aria-selected', String(b.getAttribute('data-id') === id));
    for (const b of list.children) b.setAttribute('tabindex', b.getAttribute('data-id') === id ? '0' : '-1');
    onSelect(id);
  };
  for (const it of items) {
    list.append(
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          'data-id': it.id,
          'aria-selected': String(it.id === current),
          tabindex: it.id === current ? '0' : '-1',
          onclick: () => select(it.id),
        },
        it.label,
      ),
    );
  }
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const btns = /** @type {HTMLElement[]} */ ([...list.children]);
    const i = btns.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    const next = btns[(i + (e.key === 'ArrowRight' ? 1 : btns.length - 1)) % btns.length];
    next?.focus();
    next?.click();
  });
  return list;
}

/** Announce something briefly (e.g. "Sent"). @param {string} text */
export function toast(text) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(Number(el.dataset.t));
  el.dataset.t = String(setTimeout(() => el.classList.remove('show'), 3500));
}
