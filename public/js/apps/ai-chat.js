// @ts-check
/** AI chat: conversations, messages, streamed replies (SSE over fetch), a clear "not configured" state. */

import { ApiError, api } from '../api-client.js';
import { asList, fill, h } from '../dom.js';
import { readSse } from '../sse.js';
import { busy, confirmSheet, empty, errorText, isAbort, loading, showError } from '../ui.js';

const OFF =
  'AI chat is not configured on this server. An administrator can enable it by setting OPENAI_API_KEY (and optionally OPENAI_BASE_URL and OPENAI_MODEL). Your conversations are still here to read.';

/** Is AI switched off according to /api/system/config/public? Unknown → assume on. @param {any} c */
function aiOff(c) {
  const v =
    c?.features?.ai_chat ??
    c?.features?.ai_chat_enabled ??
    c?.external_services?.openai?.configured ??
    c?.external_services?.openai_enabled;
  return v === false;
}

/** One streamed chunk → text to append / a final text / an error. @param {import('../sse.js').SseEvent} ev */
function chunk(ev) {
  if (ev.data === '[DONE]') return { done: true };
  let j;
  try {
    j = JSON.parse(ev.data);
  } catch {
    return { text: ev.data };
  }
  if (ev.event === 'error' || j?.error)
    return { error: String(j?.detail ?? j?.error?.message ?? j?.error ?? 'The AI provider failed.') };
  if (ev.event === 'done' || j?.type === 'done') return { done: true, final: j?.message?.content ?? j?.content };
  const text = j?.delta?.content ?? j?.delta ?? j?.choices?.[0]?.delta?.content ?? j?.content ?? j?.text ?? '';
  return { text: typeof text === 'string' ? text : '' };
}

/** @param {HTMLElement} _body @param {import('../app-registry.js').AppContext} ctx */
export function mount(_body, ctx) {
  ctx.gate(({ body, signal }) => {
    const side = h('nav', { class: 'stack', 'aria-label': 'Conversations' });
    const banner = h('div');
    const log = h('div', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
    const input = h('textarea', {
      name: 'content',
      rows: '2',
      required: true,
      placeholder: 'Ask anything… (Enter to send, Shift+Enter for a new line)',
      'aria-label': 'Message',
    });
    const send = h('button', { type: 'submit', class: 'btn primary' }, 'Send');
    const stop = h('button', { type: 'button', class: 'btn', hidden: true }, 'Stop');
    const form = h('form', { class: 'chat-form row' }, h('div', { class: 'grow' }, input), stop, send);
    const newBtn = h('button', { type: 'button', class: 'btn primary', onclick: () => select(null) }, 'New chat');
    body.append(
      h(
        'div',
        { class: 'split' },
        h('div', { class: 'split-side stack' }, newBtn, side),
        h('div', { class: 'chat-main' }, banner, log, form),
      ),
    );
    /** @type {any} */ let current = null;
    let off = false;

    const notConfigured = (/** @type {string} */ why = OFF) => {
      fill(banner, h('p', { class: 'msg warn', role: 'status' }, h('strong', null, 'Not configured. '), why));
      off = true;
      send.disabled = true;
    };

    async function loadList() {
      try {
        const list = asList(await api('/api/ai_chat/conversations?limit=50', { signal }), 'conversations');
        fill(
          side,
          list.length
            ? list.map((c) =>
                h(
                  'div',
                  { class: `conv${current && c.id === current.id ? ' current' : ''}` },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn link grow',
                      'aria-current': current && c.id === current.id ? 'true' : null,
                      onclick: () => select(c),
                    },
                    c.title || 'Untitled',
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn small',
                      'aria-label': `Delete ${c.title || 'conversation'}`,
                      onclick: () => remove(c),
                    },
                    '×',
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'No conversations yet.'),
        );
      } catch (e) {
        showError(side, e, loadList);
      }
    }

    /** @param {string} role @param {string} text */
    const bubble = (role, text) =>
      h(
        'div',
        { class: `bubble ${role}` },
        h('span', { class: 'sr-only' }, role === 'user' ? 'You: ' : 'Assistant: '),
        h('span', { class: 'text' }, text),
      );

    /** @param {any} c */
    async function select(c) {
      current = c;
      void loadList();
      if (!c) {
        fill(log, empty('Start a new conversation below.'));
        input.focus();
        return;
      }
      fill(log, loading());
      try {
        const msgs = asList(await api(`/api/ai_chat/conversations/${c.id}/messages`, { signal }), 'messages');
        fill(
          log,
          msgs.length
            ? msgs.filter((m) => m.role !== 'system').map((m) => bubble(m.role, m.content ?? ''))
            : empty('No messages yet.'),
        );
        log.scrollTop = log.scrollHeight;
      } catch (e) {
        showError(log, e, () => select(c));
      }
    }

    /** @param {any} c */
    async function remove(c) {
      if (
        !(await confirmSheet(ctx.win.el, {
          title: 'Delete conversation?',
          body: [h('p', null, `“${c.title || 'Untitled'}” and its messages will be deleted.`)],
          ok: 'Delete',
          danger: true,
        }))
      )
        return;
      try {
        await api(`/api/ai_chat/conversations/${c.id}`, { method: 'DELETE', signal });
        if (current?.id === c.id) void select(null);
        else void loadList();
      } catch (e) {
        showError(side, e, loadList);
      }
    }

    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      void busy(send, () => ask(text)).then(() => {
        send.disabled = off;
      });
    });

    /** @param {string} text */
    async function ask(text) {
      log.querySelector('.empty')?.remove();
      const mine = bubble('user', text);
      const reply = bubble('assistant', '…');
      const out = /** @type {HTMLElement} */ (reply.querySelector('.text'));
      reply.classList.add('pending');
      log.append(mine, reply);
      log.scrollTop = log.scrollHeight;
      input.value = '';
      const ctrl = new AbortController();
      signal.addEventListener('abort', () => ctrl.abort(), { once: true });
      stop.hidden = false;
      stop.onclick = () => ctrl.abort();
      /** @type {any} */ let created = null;
      try {
        current ??= created = await api('/api/ai_chat/conversations', {
          body: { title: text.slice(0, 50) },
          signal: ctrl.signal,
        });
        const res = await api(`/api/ai_chat/conversations/${current.id}/messages`, {
          body: { content: text },
          signal: ctrl.signal,
          stream: true,
          headers: { accept: 'text/event-stream, application/json' },
        });
        let got = '';
        if (/event-stream/.test(res.headers.get('content-type') ?? '') && res.body) {
          for await (const ev of readSse(res.body)) {
            const c = chunk(ev);
            if (c.error) throw new ApiError(502, c.error);
            if (c.text) {
              got += c.text;
              out.textContent = got;
              log.scrollTop = log.scrollHeight;
            }
            // after "done" keep reading until the server ends the stream (breaking early would abort the request)
            if (c.done && c.final) out.textContent = got = c.final;
          }
        } else {
          const j = await res.json();
          got = j?.content ?? j?.message?.content ?? '';
          out.textContent = got;
        }
        if (!got) out.textContent = '(empty reply)';
        reply.classList.remove('pending');
        void loadList();
      } catch (e) {
        reply.classList.remove('pending');
        if (isAbort(e) && !signal.aborted) {
          out.textContent += ' [stopped]';
          return;
        }
        reply.remove();
        if (e instanceof ApiError && e.status === 503) {
          mine.remove();
          input.value = text; // nothing was stored: give the text back
          if (created) {
            // …nor is the conversation opened for it kept (it would sit empty in the list)
            if (current === created) current = null;
            await api(`/api/ai_chat/conversations/${created.id}`, { method: 'DELETE', signal }).catch(() => {});
          }
          // Only this problem type means "no provider"; any other 503 (the database, the provider
          // down) is worth a retry and must not disable Send.
          if (/\/ai-not-configured$/.test(e.problem?.type ?? '')) notConfigured(e.message || OFF);
          else
            fill(
              banner,
              h(
                'p',
                { class: 'msg error', role: 'alert' },
                `Not answered: ${errorText(e)} Nothing was stored; try again.`,
              ),
            );
        } else {
          mine.append(h('p', { class: 'msg error', role: 'alert' }, `Not answered: ${errorText(e)}`));
        }
      } finally {
        stop.hidden = true;
      }
    }

    api('/api/system/config/public', { auth: false, signal }).then(
      (c) => {
        if (aiOff(c)) notConfigured();
      },
      () => {},
    );
    void select(null);
  });
}
