// @ts-check
/** Prism: disable or enable an account, with a reason (PUT /api/prism/users/{id}/status; audited). */

import { api } from '../api-client.js';
import { fill, h } from '../dom.js';
import { busy, field, formErrors, toast } from '../ui.js';

export function accountsPanel() {
  const out = h('div');
  const id = /** @type {HTMLInputElement} */ (
    h('input', { name: 'id', type: 'number', min: '1', required: true, inputmode: 'numeric' })
  );
  const reason = /** @type {HTMLInputElement} */ (
    h('input', { name: 'reason', type: 'text', minlength: '3', maxlength: '500', required: true })
  );
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { id: 'p-account-form', class: 'stack' },
      field('User id', id),
      field('Reason (kept in the audit log)', reason),
    )
  );
  /** @param {boolean} active @param {HTMLButtonElement} btn */
  const change = (active, btn) =>
    busy(btn, async () => {
      if (!form.reportValidity()) return;
      try {
        const r = await api(`/api/prism/users/${encodeURIComponent(id.value)}/status`, {
          method: 'PUT',
          body: { active, reason: reason.value },
        });
        fill(
          out,
          h(
            'p',
            { class: 'msg ok', role: 'status' },
            `${r.username} (#${r.id}) is now ${r.is_active ? 'enabled' : `disabled; ${r.sessions_ended} session(s) ended`}.`,
          ),
        );
        toast(active ? 'Account enabled' : 'Account disabled');
      } catch (e) {
        formErrors(form, e, out);
      }
    });
  const off = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', class: 'btn danger', onclick: () => change(false, off) }, 'Disable')
  );
  const on = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', class: 'btn', onclick: () => change(true, on) }, 'Enable')
  );
  form.append(h('div', { class: 'row' }, off, on));
  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'p-accounts' },
    h('header', null, h('h2', { id: 'p-accounts' }, 'Accounts')),
    h(
      'p',
      { class: 'muted' },
      'Disabling ends every session of the account at once; its tokens are refused from the next request.',
    ),
    form,
    out,
  );
  return { el };
}
