// @ts-check
/**
 * Small DOM and formatting helpers. User data reaches the page only through textContent,
 * properties and setAttribute here — never through innerHTML — so it can never become markup.
 */

/** @typedef {Node | string | number | false | null | undefined} Child */

const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'htmlFor']);

/**
 * Create an element: h('button', { class: 'btn', onclick }, 'Save').
 * `on*` function props become listeners, `text` sets textContent, PROPS are set as properties,
 * everything else is an attribute (true → empty attribute, null/false → skipped).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...(Child | Child[])} kids
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function')
      el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'style')
      el.style.cssText = String(v); // CSSOM, so a strict style-src CSP allows it
    else if (PROPS.has(k)) /** @type {any} */ (el)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}

/** @param {Element} el @param {(Child | Child[])[]} kids */
export function append(el, kids) {
  for (const c of kids.flat()) if (c != null && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** Replace an element's children. @param {Element} el @param {...(Child | Child[])} kids */
export function fill(el, ...kids) {
  el.replaceChildren();
  return append(el, kids);
}

const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]):not([type=hidden]),select:not([disabled]),' +
  'textarea:not([disabled]),video[controls],[tabindex]:not([tabindex="-1"])';

/** Visible, enabled, tabbable elements inside root. @param {Element} root @returns {HTMLElement[]} */
export function focusables(root) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(FOCUSABLE)]).filter(
    (e) => e.getClientRects().length > 0,
  );
}

/** Keep Tab / Shift+Tab inside root (for modal sheets and menus). @param {Element} root @param {KeyboardEvent} e */
export function trapTab(root, e) {
  if (e.key !== 'Tab') return;
  const f = focusables(root);
  const first = f[0],
    last = f[f.length - 1];
  if (!first || !last) return e.preventDefault();
  if (e.shiftKey && (document.activeElement === first || !root.contains(document.activeElement))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

/** @param {unknown} v ISO string, epoch seconds or ms */
function toDate(v) {
  if (v == null || v === '') return null;
  const d = new Date(typeof v === 'number' && v < 1e12 ? v * 1000 : /** @type {string} */ (v));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** @param {unknown} v */
export function fmtTime(v) {
  const d = toDate(v);
  return d ? d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : v == null ? '—' : String(v);
}

/** "3 min ago" style. @param {unknown} v */
export function ago(v) {
  const d = toDate(v);
  if (!d) return '—';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return d.toLocaleDateString();
}

/** "100.50000000" → "100.5"; leaves anything that is not a plain decimal alone. @param {unknown} v */
export function trimDec(v) {
  if (v == null || v === '') return '—';
  const s = String(v);
  return /^-?\d+\.\d+$/.test(s) ? s.replace(/\.?0+$/, '') : s;
}

/** @param {unknown} v */
export const fmtAmount = (v) => (v == null || v === '' ? '—' : `${trimDec(v)} RC`);

/** Shorten a hash or address for display: "0000ab12…9f3e". @param {unknown} v @param {number} [n] */
export function short(v, n = 8) {
  const s = String(v ?? '');
  return s.length > n * 2 + 2 ? `${s.slice(0, n)}…${s.slice(-Math.ceil(n / 2))}` : s;
}

/** "blocks_mined" → "Blocks mined", "ai_conversations" → "AI conversations". @param {string} k */
export const humanize = (k) =>
  k
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\b(ai|id|ip|api|url)\b/gi, (w) => w.toUpperCase());

/** Only http(s) URLs may reach src/href attributes. @param {unknown} u @returns {string | null} */
export function safeUrl(u) {
  if (typeof u !== 'string' || !u) return null;
  try {
    const x = new URL(u, location.href);
    return x.protocol === 'https:' || x.protocol === 'http:' ? x.href : null;
  } catch {
    return null;
  }
}

/**
 * Lists may come bare or wrapped ({items}, {data}, {emails: []} …).
 * @param {unknown} x @param {...string} keys @returns {any[]}
 */
export function asList(x, ...keys) {
  if (Array.isArray(x)) return x;
  if (x && typeof x === 'object') {
    const o = /** @type {Record<string, unknown>} */ (x);
    for (const k of [...keys, 'items', 'data', 'results']) if (Array.isArray(o[k])) return /** @type {any[]} */ (o[k]);
  }
  return [];
}

/** setInterval that stops when signal aborts. @param {number} ms @param {() => void} fn @param {AbortSignal} signal */
export function every(ms, fn, signal) {
  const t = setInterval(fn, ms);
  signal.addEventListener('abort', () => clearInterval(t), { once: true });
}

/** Random UUID (Idempotency-Key), with a fallback for non-secure contexts. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 15) | 64;
  b[8] = ((b[8] ?? 0) & 63) | 128;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
