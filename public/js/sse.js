// @ts-check
/** Server-sent events over fetch: parse a text/event-stream body into {event, data, id} records. */

/** @typedef {{ event: string, data: string, id?: string }} SseEvent */

/** @param {string} raw one event block @returns {SseEvent | null} */
function parse(raw) {
  let event = 'message';
  /** @type {string[]} */ const data = [];
  /** @type {string | undefined} */ let id;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (!line || line.startsWith(':')) continue; // comment / keep-alive
    const c = line.indexOf(':');
    const name = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? '' : line.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
    else if (name === 'id') id = value;
  }
  return data.length ? { event, data: data.join('\n'), id } : null;
}

/**
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<SseEvent>}
 */
export async function* readSse(body) {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += text.decode(value, { stream: true });
      for (let m = /\r\n\r\n|\n\n|\r\r/.exec(buf); m; m = /\r\n\r\n|\n\n|\r\r/.exec(buf)) {
        const ev = parse(buf.slice(0, m.index));
        buf = buf.slice(m.index + m[0].length);
        if (ev) yield ev;
      }
    }
    const last = parse(buf);
    if (last) yield last;
  } finally {
    reader.cancel().catch(() => {});
  }
}
