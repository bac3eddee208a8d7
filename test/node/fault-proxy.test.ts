/**
 * The local cloud's TCP fault proxy (scripts/local-cloud/fault-proxy.ts) against an echo server:
 * each mode does what it says, and a triggered fault hits exactly the matching chunk.
 *
 *   npx vitest run --project node test/node/fault-proxy.test.ts
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../../scripts/local-cloud/fault-proxy.ts";

let echo: Server;
let received: string[] = []; // what the server got
let proxy: FaultProxy;

beforeAll(async () => {
  echo = createServer((s) => {
    s.on("data", (d) => {
      received.push(d.toString());
      s.write(`echo:${d}`);
    });
    s.on("end", () => s.end());
    s.on("error", () => {});
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  proxy = await startFaultProxy({ host: "127.0.0.1", port: (echo.address() as { port: number }).port });
});
afterEach(() => {
  proxy.set({ mode: "none" });
  received = [];
});
afterAll(async () => {
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

/** Connects through the proxy; `reply()` resolves with the next data, "error:<code>", "end" or "silence". */
async function client() {
  const socket: Socket = connect(proxy.port, "127.0.0.1");
  await new Promise<void>((r, j) => socket.once("connect", r).once("error", j));
  const events: string[] = [];
  let wake = () => {};
  socket.on("data", (d) => (events.push(d.toString()), wake()));
  socket.on("error", (e: NodeJS.ErrnoException) => (events.push(`error:${e.code}`), wake()));
  socket.on("end", () => (events.push("end"), wake()));
  const reply = (ms = 400) =>
    new Promise<string>((resolve) => {
      if (events.length) return resolve(events.shift()!);
      const timer = setTimeout(() => resolve("silence"), ms);
      wake = () => (clearTimeout(timer), resolve(events.shift()!));
    });
  return { socket, reply };
}

describe("fault proxy", () => {
  it("passes traffic through when nothing is set", async () => {
    const c = await client();
    c.socket.write("hello");
    expect(await c.reply()).toBe("echo:hello");
    c.socket.destroy();
  });

  it("latency delays each direction", async () => {
    proxy.set({ mode: "latency", ms: 150 });
    const c = await client();
    const started = Date.now();
    c.socket.write("slow");
    expect(await c.reply(2_000)).toBe("echo:slow");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    c.socket.destroy();
  });

  it("reset kills open connections and refuses new ones with RST", async () => {
    const open = await client();
    proxy.set({ mode: "reset" });
    expect(await open.reply()).toBe("error:ECONNRESET");
    const next = connect(proxy.port, "127.0.0.1");
    const outcome = await new Promise<string>((r) => {
      next.on("error", (e: NodeJS.ErrnoException) => r(`error:${e.code}`));
      next.on("data", () => r("data"));
      next.on("connect", () => next.write("x"));
    });
    expect(outcome).toBe("error:ECONNRESET");
  });

  it("black hole: silence both ways, no error, until lifted (then the frozen connection is reset)", async () => {
    const c = await client();
    proxy.set({ mode: "blackhole" });
    c.socket.write("anyone?");
    expect(await c.reply(500)).toBe("silence");
    expect(received).toEqual([]);
    proxy.set({ mode: "none" });
    expect(await c.reply()).toBe("error:ECONNRESET");
  });

  it("slow close holds the other side open", async () => {
    proxy.set({ mode: "slow-close", ms: 300 });
    const c = await client();
    const started = Date.now();
    c.socket.end("bye");
    expect(await c.reply()).toBe("echo:bye");
    expect(await c.reply(2_000)).toBe("end");
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("a trigger dropping the request: the matching chunk never arrives, the connection is reset, once", async () => {
    proxy.set({ mode: "reset", trigger: { match: "COMMIT", drop: "request" } });
    const c = await client();
    c.socket.write("begin");
    expect(await c.reply()).toBe("echo:begin");
    c.socket.write("commit");
    expect(await c.reply()).toBe("error:ECONNRESET");
    expect(received).toEqual(["begin"]);
    expect(proxy.get()).toMatchObject({ mode: "none", triggered: 1 });
    const after = await client();
    after.socket.write("commit");
    expect(await after.reply()).toBe("echo:commit"); // spent: the next connection passes
    after.socket.destroy();
  });

  it("a trigger dropping the reply: the server gets the chunk, its answer is swallowed", async () => {
    proxy.set({ mode: "blackhole", trigger: { match: "commit", drop: "reply" } });
    const c = await client();
    c.socket.write("commit");
    expect(await c.reply(500)).toBe("silence");
    expect(received).toEqual(["commit"]);
    c.socket.destroy();
  });
});
