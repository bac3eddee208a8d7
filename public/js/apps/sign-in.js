// @ts-check
/** Account window: sign in / register when signed out; profile, signed-in devices, password change and sign-out when signed in. */

import { api } from '../api-client.js';
import * as store from '../auth-store.js';
import { ago, asList, fill, fmtAmount, h } from '../dom.js';
import { changePassword, register, signIn, signOut } from '../session.js';
import { busy, field, formErrors, kv, loading, showError, tabs } from '../ui.js';
import { openWindows } from '../window-manager.js';

/**
 * The sign-in form (also used by Prism). The form object is kept by the caller, so what the user
 * typed survives re-renders.
 * @param {() => void} onDone @param {AbortSignal} [signal]
 */
export function signInForm(onDone, signal) {
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn primary' }, 'Sign in');
  const form = h(
    'form',
    { id: 'signin', class: 'stack' },
    field(
      'Username or email',
      h('input', { name: 'username', autocomplete: 'username', required: true, value: store.lastUsername() }),
    ),
    field(
      'Password',
      h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ),
    out,
    h('div', { class: 'row end' }, btn),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = new FormData(form);
    void busy(btn, async () => {
      out.replaceChildren();
      try {
        await signIn(String(d.get('username')).trim(), String(d.get('password')), signal);
        form.reset();
        onDone();
      } catch (err) {
        formErrors(form, err, out);
      }
    });
  });
  return form;
}

function registerForm() {
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn primary' }, 'Create account');
  const form = h(
    'form',
    { id: 'register', class: 'stack' },
    field(
      'Username',
      h('input', {
        name: 'username',
        autocomplete: 'username',
        required: true,
        minlength: '3',
        maxlength: '50',
        pattern: '[A-Za-z0-9_.\\-]{3,50}',
      }),
      '3–50 letters, digits, _ . -',
    ),
    field('Email', h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true })),
    field('Full name (optional)', h('input', { name: 'full_name', autocomplete: 'name', maxlength: '100' })),
    field(
      'Password',
      h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8' }),
      'At least 8 characters',
    ),
    out,
    h('div', { class: 'row end' }, btn),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]));
    if (!d.full_name) delete d.full_name;
    d.password = String(new FormData(form).get('password')); // not trimmed
    void busy(btn, async () => {
      out.replaceChildren();
      try {
        await register(/** @type {any} */ (d));
        form.reset();
      } catch (err) {
        formErrors(form, err, out);
      }
    });
  });
  return form;
}

/**
 * The user's signed-in devices (one per session), each but this one with its own sign-out.
 * @param {AbortSignal} signal
 */
function devices(signal) {
  const list = h('div', { class: 'stack' }, loading());
  const load = async () => {
    try {
      const sessions = asList(await api('/api/auth/sessions', { signal }), 'sessions');
      fill(
        list,
        sessions.map((/** @type {any} */ s) => {
          const name = s.user_agent || 'Unknown device';
          const end = h('button', { type: 'button', class: 'btn small', 'aria-label': `Sign out ${name}` }, 'Sign out');
          end.addEventListener(
            'click',
            () =>
              void busy(end, async () => {
                try {
                  await api(`/api/auth/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE', signal });
                  await load();
                } catch (e) {
                  showError(list, e, load);
                }
              }),
          );
          return h(
            'div',
            { class: 'row', 'data-session': s.current ? 'current' : 'other' },
            h(
              'span',
              { class: 'grow' },
              h('strong', null, name),
              s.current ? ' (this device)' : '',
              h('small', { class: 'muted' }, ` · ${s.ip || 'unknown address'} · active ${ago(s.last_seen)}`),
            ),
            s.current ? null : end,
          );
        }),
      );
    } catch (e) {
      showError(list, e, load);
    }
  };
  void load();
  return h(
    'section',
    { class: 'card stack', 'aria-label': 'Signed-in devices' },
    h('h3', null, 'Signed-in devices'),
    list,
  );
}

/** @param {import('../auth-store.js').User} u @param {import('../app-registry.js').AppContext} ctx */
function account(u, ctx) {
  const out = h('div', { 'aria-live': 'polite' });
  const pwBtn = h('button', { type: 'submit', class: 'btn' }, 'Change password');
  const pw = h(
    'form',
    { id: 'pw', class: 'stack' },
    h('h3', null, 'Change password'),
    field(
      'Current password',
      h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password', required: true }),
    ),
    field(
      'New password',
      h('input', {
        name: 'new_password',
        type: 'password',
        autocomplete: 'new-password',
        required: true,
        minlength: '8',
      }),
    ),
    out,
    h('div', { class: 'row end' }, pwBtn),
  );
  pw.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = new FormData(pw);
    void busy(pwBtn, async () => {
      try {
        await changePassword(String(d.get('current_password')), String(d.get('new_password')), ctx.signal);
        pw.reset();
        fill(out, h('p', { class: 'msg ok' }, 'Password changed. Your other sessions were signed out.'));
      } catch (err) {
        formErrors(pw, err, out);
      }
    });
  });
  const outBtn = h(
    'button',
    { type: 'button', class: 'btn', onclick: () => busy(outBtn, () => signOut(false)) },
    'Sign out',
  );
  const allBtn = h(
    'button',
    { type: 'button', class: 'btn danger', onclick: () => busy(allBtn, () => signOut(true)) },
    'Sign out everywhere',
  );
  return h(
    'div',
    { class: 'stack' },
    h(
      'div',
      { class: 'card stack' },
      h('h3', null, u.full_name || u.username),
      kv({
        username: u.username,
        email: u.email,
        wallet_address: u.wallet_address,
        balance: u.balance == null ? null : fmtAmount(u.balance),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'btn', onclick: () => ctx.open('wallet') }, 'Open wallet'),
      outBtn,
      allBtn,
    ),
    devices(ctx.signal),
    pw,
  );
}

/** @param {HTMLElement} body @param {import('../app-registry.js').AppContext} ctx @param {unknown} [arg] */
export function mount(body, ctx, arg) {
  const notice = h('div', { 'aria-live': 'polite' });
  const view = h('div');
  body.append(h('div', { class: 'pad stack' }, notice, view));
  const afterSignIn = () => {
    notice.replaceChildren();
    // Back to whatever the user was doing; a first sign-in with nothing open lands on the dashboard.
    const others = openWindows().filter((w) => w !== ctx.win).length;
    ctx.win.close();
    if (!others) ctx.open('dashboard');
  };
  const login = signInForm(() => {}, ctx.signal); // the 'change' listener below moves on
  const reg = registerForm();
  const panel = h('div', { class: 'pad', role: 'tabpanel' }, login);
  const forms = h(
    'div',
    { class: 'stack' },
    tabs(
      [
        { id: 'in', label: 'Sign in' },
        { id: 'up', label: 'Create account' },
      ],
      'in',
      (id) => fill(panel, id === 'in' ? login : reg),
    ),
    panel,
  );
  const draw = () => {
    const u = store.getUser();
    ctx.win.setTitle(u ? 'Account' : 'Sign in');
    fill(view, u ? account(u, ctx) : forms);
  };
  /** @param {unknown} a */
  const reason = (a) => {
    const r = /** @type {{ reason?: string } | undefined} */ (a)?.reason;
    if (r === 'expired')
      fill(
        notice,
        h('p', { class: 'msg warn' }, 'Your session has ended. Sign in again: your open windows keep what you typed.'),
      );
    else if (r === 'required') fill(notice, h('p', { class: 'msg' }, 'Please sign in to continue.'));
  };
  store.events.addEventListener(
    'change',
    (e) => {
      const r = /** @type {CustomEvent} */ (e).detail.reason;
      if (r === 'signin' && view.contains(forms)) return afterSignIn();
      draw();
    },
    { signal: ctx.signal },
  );
  reason(arg);
  draw();
  return (/** @type {unknown} */ a) => {
    reason(a);
    draw();
  };
}
