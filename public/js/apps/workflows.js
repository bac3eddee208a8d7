// @ts-check
/**
 * Workflows: start a multi-step agent workflow (sequential, parallel, or a planner that splits a
 * goal), watch its steps live while Cloudflare Workflows runs them, and read the reasoning trace
 * (each step's input, output, attempts, time and tokens) once it is over. Recent runs are listed.
 */

import { api } from '../api-client.js';
import { fill, fmtTime, h } from '../dom.js';
import { badge, errorText, isAbort, showError } from '../ui.js';

const FINISHED = new Set(['complete', 'failed', 'cancelled']);
const POLL_MS = 1000;

/**
 * @typedef {{name: string, agent: string, status: string, attempts: number, input: string, output: string | null,
 *   error: string | null, ms: number | null, usage: {prompt_tokens: number, completion_tokens: number}}} Step
 * @typedef {{id: string, kind: string, status: string, output: string | null, error: string | null,
 *   created_at: string, steps?: Step[]}} Workflow
 */

/** "agent: input" per line → tasks. @param {string} text */
function parseTasks(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(':');
      return at > 0
        ? { agent: line.slice(0, at).trim(), input: line.slice(at + 1).trim() }
        : { agent: 'cece', input: line };
    });
}

/** @param {Step[]} steps */
function stepsTable(steps) {
  return h(
    'table',
    { class: 'table', 'aria-label': 'Steps' },
    h('thead', null, h('tr', null, ...['Step', 'Agent', 'Status', 'Attempts', 'Time'].map((t) => h('th', null, t)))),
    h(
      'tbody',
      null,
      ...steps.map((s) =>
        h(
          'tr',
          null,
          h('td', null, s.name),
          h('td', null, s.agent),
          h('td', null, badge(s.status)),
          h('td', null, String(s.attempts)),
          h('td', null, s.ms == null ? '…' : `${s.ms} ms`),
        ),
      ),
    ),
  );
}

/** The trace, after the run: what each step was given and what it answered. @param {Workflow} w */
function trace(w) {
  const steps = w.steps ?? [];
  return h(
    'section',
    { class: 'stack', 'aria-label': 'Reasoning trace' },
    h('h3', null, 'Reasoning trace'),
    ...steps.map((s) =>
      h(
        'details',
        { class: 'card' },
        h('summary', null, `${s.name} · ${s.agent} · ${s.usage.prompt_tokens + s.usage.completion_tokens} tokens`),
        h('p', { class: 'muted' }, `Input: ${s.input}`),
        h('pre', null, s.output ?? s.error ?? '—'),
      ),
    ),
    h('p', { role: 'status' }, w.status === 'complete' ? `Result: ${w.output ?? ''}` : `${w.status}: ${w.error ?? ''}`),
  );
}

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    const mode = h(
      'select',
      { name: 'mode', 'aria-label': 'Mode' },
      h('option', { value: 'sequential' }, 'Sequential'),
      h('option', { value: 'parallel' }, 'Parallel'),
      h('option', { value: 'planner' }, 'Planner'),
    );
    const tasks = h('textarea', {
      name: 'tasks',
      required: true,
      rows: '4',
      maxlength: '16000',
      placeholder: 'One task per line, as agent: input (Planner: the goal)',
      'aria-label': 'Tasks',
    });
    const start = h('button', { type: 'submit', class: 'btn primary' }, 'Start');
    const form = h(
      'form',
      { id: 'workflow-start', class: 'card stack' },
      h('div', { class: 'row' }, mode, start),
      tasks,
    );
    const current = h('section', { class: 'stack', 'aria-label': 'Current workflow', 'aria-live': 'polite' });
    const recent = h('ul', { class: 'stack', 'aria-label': 'Recent workflows' });
    body.append(h('div', { class: 'pad stack' }, form, current, h('h3', null, 'Recent'), recent));

    /** @type {string | null} */ let watching = null;

    const listRecent = () =>
      api('/api/cognition/workflows?limit=10', { signal })
        .then((/** @type {Workflow[]} */ list) =>
          fill(
            recent,
            ...list.map((w) =>
              h(
                'li',
                null,
                h(
                  'button',
                  { type: 'button', class: 'btn', onclick: () => watch(w.id) },
                  `${w.kind} · ${fmtTime(w.created_at)}`,
                ),
                ' ',
                badge(w.status),
              ),
            ),
          ),
        )
        .catch((e) => isAbort(e) || showError(recent, e));

    /** Polls one workflow until it is over, then shows its trace. @param {string} id */
    const watch = async (id) => {
      watching = id;
      const cancel = h('button', { type: 'button', class: 'btn' }, 'Cancel');
      cancel.addEventListener('click', () =>
        api(`/api/cognition/cancel-workflow/${id}`, { method: 'POST', signal }).catch((e) => showError(current, e)),
      );
      while (watching === id && !signal.aborted) {
        /** @type {Workflow} */ let w;
        try {
          w = await api(`/api/cognition/workflows/${id}`, { signal });
        } catch (e) {
          if (!isAbort(e)) fill(current, h('p', { class: 'msg error', role: 'alert' }, errorText(e)));
          return;
        }
        const over = FINISHED.has(w.status);
        fill(
          current,
          h('div', { class: 'row' }, h('strong', null, `${w.kind} workflow`), badge(w.status), over ? null : cancel),
          stepsTable(w.steps ?? []),
          over ? trace(w) : null,
        );
        if (over) return void listRecent();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body =
        mode.value === 'planner'
          ? { mode: 'planner', goal: tasks.value.trim() }
          : { mode: mode.value, tasks: parseTasks(tasks.value) };
      start.setAttribute('disabled', '');
      try {
        const w = /** @type {Workflow} */ (await api('/api/cognition/workflows', { method: 'POST', body, signal }));
        void listRecent();
        void watch(w.id);
      } catch (err) {
        if (!isAbort(err)) fill(current, h('p', { class: 'msg error', role: 'alert' }, `Failed: ${errorText(err)}`));
      } finally {
        start.removeAttribute('disabled');
      }
    });
    void listRecent();
  });
}
