/**
 * The text messages of an accepted WebSocket (the Worker's end of a Durable Object's socket) as an
 * async iterator, for GraphQL subscriptions fed by the same Durable Objects as the WebSocket feeds.
 *
 * Written by hand rather than as an async generator: a generator's `return()` waits until the
 * generator reaches its next `yield`, so a subscriber who leaves while no message is coming would
 * keep the socket open forever. Here `return()` closes the socket at once and ends any pending `next()`.
 * `pingEveryMs` sends "ping" so the feed's idle sweep does not close a socket that only listens.
 */
export function socketMessages(ws: WebSocket, pingEveryMs = 0): AsyncIterableIterator<string> {
  const queue: string[] = [];
  let waiting: ((r: IteratorResult<string>) => void) | undefined;
  let done = false;

  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(ping);
    try {
      ws.close(1000, "subscription ended");
    } catch {
      // already closed
    }
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };
  ws.addEventListener("message", (e) => {
    if (done || typeof e.data !== "string") return;
    if (waiting) {
      waiting({ value: e.data, done: false });
      waiting = undefined;
    } else queue.push(e.data);
  });
  ws.addEventListener("close", finish);
  ws.addEventListener("error", finish);
  ws.accept();
  const ping =
    pingEveryMs > 0
      ? setInterval(() => {
          try {
            ws.send("ping");
          } catch {
            finish();
          }
        }, pingEveryMs)
      : undefined;

  const iterator: AsyncIterableIterator<string> = {
    next: () => {
      const value = queue.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: () => {
      queue.length = 0;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Maps and filters an async iterator, passing `return()` through (so leaving closes the source). */
export function mapMessages<T>(
  source: AsyncIterableIterator<string>,
  pick: (message: string) => T | undefined,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const value = pick(r.value);
        if (value !== undefined) return { value, done: false };
      }
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
