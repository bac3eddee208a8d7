// @ts-check
/** System: health summary with dependency latencies, version, public configuration, link to the API docs. */

import { ApiError, api } from '../api-client.js';
import { fill, h } from '../dom.js';
import { healthView } from '../health-view.js';
import { busy, kv, loading, showError } from '../ui.js';

/** @param {HTMLElement} body @param {import('../app-registry.js').AppContext} ctx */
export function mount(body, ctx) {
  const { signal } = ctx;
  const health = h('div', null, loading());
  const version = h('div', null, loading());
  const config = h('div', null, loading());
  const refresh = h('button', { type: 'button', class: 'btn small', onclick: () => busy(refresh, load) }, 'Refresh');
  body.append(
    h(
      'div',
      { class: 'pad stack' },
      h(
        'div',
        { class: 'spread' },
        h('h3', null, 'Health'),
        h(
          'div',
          { class: 'row' },
          refresh,
          h('a', { class: 'btn small', href: '/api/docs', target: '_blank', rel: 'noopener' }, 'API docs ↗'),
        ),
      ),
      health,
      h('h3', null, 'Version'),
      version,
      h('h3', null, 'Public configuration'),
      config,
    ),
  );

  async function loadHealth() {
    try {
      fill(health, healthView(await api('/api/health/summary', { auth: false, signal })));
    } catch (e) {
      // 503 still carries the summary: show what is down rather than a bare error.
      if (
        e instanceof ApiError &&
        e.body &&
        typeof e.body === 'object' &&
        'status' in e.body &&
        typeof e.body.status === 'string'
      )
        fill(health, healthView(e.body));
      else showError(health, e, loadHealth);
    }
  }
  async function loadVersion() {
    try {
      fill(
        version,
        kv(await api('/api/system/version', { auth: false, signal }), [
          'app_name',
          'version',
          'env',
          'environment',
          'git_sha',
          'build_time',
        ]),
      );
    } catch (e) {
      showError(version, e, loadVersion);
    }
  }
  async function loadConfig() {
    try {
      fill(
        config,
        kv(await api('/api/system/config/public', { auth: false, signal }), ['app_name', 'environment', 'version']),
      );
    } catch (e) {
      showError(config, e, loadConfig);
    }
  }
  const load = () => Promise.all([loadHealth(), loadVersion(), loadConfig()]);
  void load();
}
