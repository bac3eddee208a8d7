// @ts-check
/** Agents: pick an agent, run it on an input, watch the streamed answer and its tool calls. */

import { ApiError, api } from '../api-client.js';
import { fill, h } from '../dom.js';
import { readSse } from '../sse.js';
import { errorText, isAbort, loading, showError } from '../ui.js';

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    const select = h('select', { name: 'agent', 'aria-label': 'Agent' });
    const about = h('p', { class: 'muted' });
    const input = h('textarea', {
      name: 'input',
      required: true,
      maxlength: '32000',
      rows: '3',
      placeholder: 'What should the agent do?',
      'aria-label': 'Input',
    });
    const run = h('button', { type: 'submit', class: 'btn primary' }, 'Run');
    const output = h('pre', { class: 'card', role: 'log', 'aria-label': 'Output', 'aria-live': 'polite' });
    const tools = h('ol', { class: 'stack', 'aria-label': 'Tool calls' });
    const status = h('div');
    /** @type {Array<{name: string, description: string, tools: string[]}>} */ let agents = [];

    const form = h(
      'form',
      { id: 'agent-run', class: 'card stack' },
      h('div', { class: 'row' }, select, run),
      about,
      input,
    );
    body.append(h('div', { class: 'pad stack' }, form, status, output, h('h3', null, 'Tool calls'), tools));

    const describe = () => {
      const a = agents.find((x) => x.name === select.value);
      about.textContent = a ? `${a.description}${a.tools.length ? ` Tools: ${a.tools.join(', ')}.` : ''}` : '';
    };
    select.addEventListener('change', describe);

    api('/api/agents?limit=100', { signal })
      .then((/** @type {{agents: typeof agents}} */ r) => {
        agents = r.agents;
        fill(select, ...agents.map((a) => h('option', { value: a.name }, a.name)));
        describe();
      })
      .catch((e) => showError(status, e));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      fill(output);
      fill(tools);
      fill(status, loading('Running…'));
      run.setAttribute('disabled', '');
      try {
        const res = await api(`/api/agents/${encodeURIComponent(select.value)}/execute`, {
          method: 'POST',
          body: { input: input.value },
          signal,
          stream: true,
          headers: { accept: 'text/event-stream, application/json' },
        });
        if (!res.body) throw new ApiError(502, 'The agent sent no answer.');
        /** @type {Map<string, HTMLElement>} */ const calls = new Map();
        for await (const ev of readSse(res.body)) {
          const d = JSON.parse(ev.data);
          if (ev.event === 'delta') output.textContent += d.content;
          else if (ev.event === 'tool_call') {
            const item = h('li', { class: 'pending' }, `${d.name}(${d.arguments}) …`);
            calls.set(d.id, item);
            tools.append(item);
          } else if (ev.event === 'tool_result') {
            const item = calls.get(d.id);
            if (item) item.textContent = `${d.name}: ${d.ok ? 'ok' : `refused — ${d.error}`}`;
          } else if (ev.event === 'done') {
            const u = d.run.usage;
            fill(
              status,
              h('p', { role: 'status' }, `Done · ${u.total_tokens} tokens · ${d.run.tool_calls.length} tool calls`),
            );
          } else if (ev.event === 'error') {
            fill(status, h('p', { class: 'msg error', role: 'alert' }, `Failed: ${d.detail}`));
          }
        }
      } catch (err) {
        if (isAbort(err)) return;
        if (err instanceof ApiError && /\/ai-not-configured$/.test(err.problem?.type ?? '')) {
          fill(status, h('p', { class: 'msg error', role: 'status' }, `Not configured. ${errorText(err)}`));
        } else fill(status, h('p', { class: 'msg error', role: 'alert' }, `Failed: ${errorText(err)}`));
      } finally {
        run.removeAttribute('disabled');
      }
    });
  });
}
