// @ts-check
/**
 * Windows: open, focus, move and resize (pointer events), minimize, maximize, close, z-order and
 * taskbar entries. Each window is a non-modal role=dialog labelled by its title, so focus is not
 * trapped (the taskbar stays reachable); modal sheets inside a window trap focus themselves.
 * Closing a window aborts its signal: its requests, sockets and timers stop with it.
 */
import { focusables, h } from './dom.js';

/**
 * @typedef {Object} WinOptions
 * @property {string} key one window per key; opening it again focuses it
 * @property {string} title
 * @property {string} glyph short tile text
 * @property {number} [hue]
 * @property {number} [width]
 * @property {number} [height]
 * @property {boolean} [escCloses] Escape closes the window (sign-in)
 */

const MIN_W = 280,
  MIN_H = 180;
const pocket = matchMedia('(max-width: 640px)');
/** @type {Map<string, Win>} */ const wins = new Map();
/** @type {HTMLElement} */ let layer;
/** @type {HTMLElement} */ let taskList;
let z = 10,
  seq = 0,
  cascade = 0;

/** @param {HTMLElement} windowLayer @param {HTMLElement} taskbarList */
export function initWindows(windowLayer, taskbarList) {
  layer = windowLayer;
  taskList = taskbarList;
  addEventListener('resize', () => {
    for (const w of wins.values()) w.keepInView();
  });
}

/** @param {string} key */
export const findWindow = (key) => wins.get(key);
export const openWindows = () => [...wins.values()];

/** @param {WinOptions} o @returns {Win} */
export function openWindow(o) {
  const old = wins.get(o.key);
  if (old) {
    old.focus(true);
    return old;
  }
  const w = new Win(o);
  wins.set(o.key, w);
  w.focus(false);
  return w;
}

function topmost() {
  return [...wins.values()]
    .filter((w) => !w.el.hidden)
    .sort((a, b) => Number(b.el.style.zIndex) - Number(a.el.style.zIndex))[0];
}

export class Win {
  /** @param {WinOptions} o */
  constructor(o) {
    const id = `win-${++seq}`;
    this.key = o.key;
    this.ctrl = new AbortController();
    /** Aborts when the window closes. */
    this.signal = this.ctrl.signal;
    /** @type {(() => void)[]} */ this.closers = [];
    /** @type {((arg: unknown) => void) | null} set by the app to receive arguments when reopened */
    this.onArg = null;
    /** @type {HTMLElement | null} */ this.lastFocus = null;
    this.opener = /** @type {HTMLElement | null} */ (document.activeElement);
    const glyph = () => h('span', { class: 'glyph', style: `--hue:${o.hue ?? 30}`, 'aria-hidden': 'true' }, o.glyph);
    this.titleEl = h('h2', { id: `${id}-t`, class: 'win-title' }, o.title);
    const btn = (/** @type {string} */ label, /** @type {string} */ text, /** @type {() => void} */ fn) =>
      h('button', { type: 'button', class: 'win-btn', 'aria-label': label, title: label, onclick: fn }, text);
    this.maxBtn = btn('Maximize', '□', () => this.toggleMax());
    const bar = h(
      'div',
      { class: 'win-bar' },
      glyph(),
      this.titleEl,
      h(
        'div',
        { class: 'win-ctl' },
        btn('Minimize', '–', () => this.minimize()),
        this.maxBtn,
        btn('Close', '×', () => this.close()),
      ),
    );
    this.body = h('div', { class: 'win-body' });
    const grip = h('div', { class: 'win-grip', 'aria-hidden': 'true' });
    this.el = h(
      'section',
      { id, class: 'win', role: 'dialog', 'aria-labelledby': `${id}-t`, tabindex: '-1' },
      bar,
      this.body,
      grip,
    );
    this.task = h(
      'button',
      { type: 'button', class: 'task', 'aria-controls': id, 'aria-pressed': 'false', onclick: () => this.taskClick() },
      glyph(),
      h('span', { class: 'task-label' }, o.title),
    );

    const W = layer.clientWidth,
      H = layer.clientHeight;
    const w = Math.min(o.width ?? 640, W - 16),
      ht = Math.min(o.height ?? 460, H - 16);
    const off = (cascade++ % 8) * 26;
    // Keep clear of the desktop icons (left ~220px) when there is room.
    const x = W >= w + 240 ? 220 + Math.max(0, (W - 220 - w) / 2 - 60) : (W - w) / 2;
    Object.assign(this.el.style, {
      width: `${w}px`,
      height: `${ht}px`,
      left: `${Math.max(8, Math.min(x + off, W - w - 8))}px`,
      top: `${Math.max(8, Math.min(16 + off, H - ht - 8))}px`,
    });
    this.el.addEventListener('pointerdown', () => this.focus(false), true);
    this.el.addEventListener('focusin', (e) => {
      this.lastFocus = /** @type {HTMLElement} */ (e.target);
      if (!this.el.classList.contains('is-active')) this.focus(false);
    });
    this.el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && o.escCloses && !e.defaultPrevented) {
        e.preventDefault();
        this.close();
      }
    });
    bar.addEventListener('dblclick', (e) => {
      if (!(/** @type {Element} */ (e.target).closest('button'))) this.toggleMax();
    });
    this.drag(bar, false);
    this.drag(grip, true);
    layer.append(this.el);
    taskList.append(this.task);
  }

  /** Move (title bar) or resize (grip) with pointer events. @param {HTMLElement} handle @param {boolean} resize */
  drag(handle, resize) {
    handle.addEventListener('pointerdown', (e) => {
      if (
        e.button !== 0 ||
        pocket.matches ||
        this.el.classList.contains('is-max') ||
        /** @type {Element} */ (e.target).closest('button')
      )
        return;
      e.preventDefault();
      const s = this.el.style,
        x0 = e.clientX,
        y0 = e.clientY;
      const l0 = parseFloat(s.left),
        t0 = parseFloat(s.top),
        w0 = this.el.offsetWidth,
        h0 = this.el.offsetHeight;
      handle.setPointerCapture(e.pointerId);
      this.el.classList.add('is-dragging');
      const move = (/** @type {PointerEvent} */ ev) => {
        const dx = ev.clientX - x0,
          dy = ev.clientY - y0;
        if (resize) {
          s.width = `${Math.max(MIN_W, Math.min(w0 + dx, layer.clientWidth - l0))}px`;
          s.height = `${Math.max(MIN_H, Math.min(h0 + dy, layer.clientHeight - t0))}px`;
        } else {
          s.left = `${Math.max(80 - w0, Math.min(l0 + dx, layer.clientWidth - 80))}px`;
          s.top = `${Math.max(0, Math.min(t0 + dy, layer.clientHeight - 36))}px`;
        }
      };
      const end = () => {
        handle.removeEventListener('pointermove', move);
        this.el.classList.remove('is-dragging');
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', end, { once: true });
      handle.addEventListener('pointercancel', end, { once: true });
    });
  }

  keepInView() {
    const s = this.el.style;
    s.left = `${Math.max(80 - this.el.offsetWidth, Math.min(parseFloat(s.left), layer.clientWidth - 80))}px`;
    s.top = `${Math.max(0, Math.min(parseFloat(s.top), layer.clientHeight - 36))}px`;
  }

  /** Bring to front; with moveFocus, put keyboard focus inside (last focused control, first field, or the window). @param {boolean} moveFocus */
  focus(moveFocus) {
    this.el.hidden = false;
    for (const w of wins.values()) {
      w.el.classList.toggle('is-active', w === this);
      w.task.setAttribute('aria-pressed', String(w === this));
    }
    if (Number(this.el.style.zIndex) !== z) this.el.style.zIndex = String(++z);
    if (moveFocus && !this.el.contains(document.activeElement)) this.focusInside();
  }

  /** The window in front (the one keyboard focus belongs to). */
  get isActive() {
    return !this.el.hidden && this.el.classList.contains('is-active');
  }

  focusInside() {
    const target =
      this.lastFocus && this.el.contains(this.lastFocus) && this.lastFocus.getClientRects().length
        ? this.lastFocus
        : (this.body.querySelector('input:not([type=hidden]),textarea,select') ?? focusables(this.body)[0] ?? this.el);
    /** @type {HTMLElement} */ (target).focus();
  }

  minimize() {
    this.el.hidden = true;
    this.el.classList.remove('is-active');
    this.task.setAttribute('aria-pressed', 'false');
    const next = topmost();
    if (next) next.focus(true);
    else this.task.focus();
  }

  taskClick() {
    if (!this.el.hidden && this.el.classList.contains('is-active')) this.minimize();
    else this.focus(true);
  }

  toggleMax() {
    const on = this.el.classList.toggle('is-max');
    this.maxBtn.setAttribute('aria-label', on ? 'Restore' : 'Maximize');
    this.maxBtn.title = on ? 'Restore' : 'Maximize';
    this.maxBtn.textContent = on ? '❐' : '□';
  }

  /** @param {string} t */
  setTitle(t) {
    this.titleEl.textContent = t;
    const label = this.task.querySelector('.task-label');
    if (label) label.textContent = t;
  }

  /** @param {() => void} fn */
  onClose(fn) {
    this.closers.push(fn);
  }

  close() {
    if (this.signal.aborted) return;
    this.ctrl.abort();
    for (const fn of this.closers) {
      try {
        fn();
      } catch (e) {
        console.warn(e);
      }
    }
    const hadFocus = this.el.contains(document.activeElement);
    this.el.remove();
    this.task.remove();
    wins.delete(this.key);
    const next = topmost();
    if (next) next.focus(hadFocus);
    else if (hadFocus) (this.opener?.isConnected ? this.opener : document.getElementById('start-btn'))?.focus();
  }
}
