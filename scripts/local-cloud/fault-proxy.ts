/**
 * A TCP fault proxy: forwards connections to one target and, when told, misbehaves the way a
 * network or a dying server does, so tests can break a dependency at an exact moment.
 *
 *   none        pass everything through
 *   latency     delay every chunk, both ways, by `ms`
 *   reset       reset (RST) every open connection and each new one
 *   blackhole   accept, then forward nothing either way: the peer hears silence, never an error
 *   slow-close  pass through, but when one side closes, hold the other side open for `ms`
 *
 * A fault can wait for its moment: with `trigger`, traffic passes until a client->server chunk
 * contains `trigger.match` (case-insensitive), and then `trigger.drop` says what is lost on that
 * connection: "request" (the chunk never reaches the server) or "reply" (the server gets it and
 * answers; the answer is swallowed). That connection then gets `mode` (reset or blackhole), and
 * the fault is spent: other connections pass through. Development and test tooling only.
 */
import { createServer, type Socket, connect as tcpConnect } from "node:net";

export type FaultMode = "none" | "latency" | "reset" | "blackhole" | "slow-close";
export type Fault = {
  mode: FaultMode;
  /** latency: added delay per chunk; slow-close: how long the other side is held open. */
  ms?: number;
  trigger?: { match: string; drop: "request" | "reply" };
};
export type FaultProxy = {
  /** host:port clients connect to. */
  port: number;
  set(fault: Fault): void;
  get(): Fault & { connections: number; triggered: number };
  close(): Promise<void>;
};

type Pair = { client: Socket; server: Socket; frozen: boolean };

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let fault: Fault = { mode: "none" };
  let triggered = 0;
  const pairs = new Set<Pair>();

  const reset = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.server.resetAndDestroy();
  };
  const delay = () => (fault.mode === "latency" ? (fault.ms ?? 0) : 0);
  const later = (fn: () => void) => {
    const ms = delay();
    if (ms > 0) setTimeout(fn, ms);
    else fn();
  };

  /** The trigger fired on `pair`: apply the mode to it alone and disarm. */
  const fire = (pair: Pair, mode: FaultMode) => {
    triggered++;
    fault = { mode: "none" };
    if (mode === "reset") reset(pair);
    else pair.frozen = true; // blackhole: silence from now on
  };

  // Half-open allowed: a FIN is passed on by closeOther (late, in slow-close mode), not by Node.
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) => {
    if (fault.mode === "reset" && !fault.trigger) return void client.resetAndDestroy();
    const upstream = tcpConnect({ host: target.host, port: target.port, allowHalfOpen: true });
    const pair: Pair = { client, server: upstream, frozen: fault.mode === "blackhole" && !fault.trigger };
    pairs.add(pair);
    let awaitingReply: FaultMode | undefined; // "reply" trigger: swallow the next answer, then apply
    client.setNoDelay(true);
    upstream.setNoDelay(true);

    client.on("data", (chunk: Buffer) => {
      if (pair.frozen) return;
      const t = fault.trigger;
      if (t && chunk.toString("latin1").toLowerCase().includes(t.match.toLowerCase())) {
        const mode = fault.mode;
        if (t.drop === "request") return fire(pair, mode);
        fault = { mode: "none" }; // spent: only this connection is hit
        awaitingReply = mode;
      }
      later(() => !pair.frozen && !upstream.destroyed && upstream.write(chunk));
    });
    upstream.on("data", (chunk: Buffer) => {
      if (pair.frozen) return;
      if (awaitingReply) {
        const mode = awaitingReply;
        awaitingReply = undefined;
        return fire(pair, mode);
      }
      later(() => !pair.frozen && !client.destroyed && client.write(chunk));
    });

    // One side closed: close the other (after `ms` in slow-close mode; never while frozen).
    const closeOther = (other: Socket) => () => {
      if (pair.frozen) return;
      const hold = fault.mode === "slow-close" ? (fault.ms ?? 0) : delay();
      setTimeout(() => {
        pairs.delete(pair);
        other.end();
      }, hold);
    };
    client.on("end", closeOther(upstream));
    upstream.on("end", closeOther(client));
    const destroyBoth = () => {
      if (pair.frozen) return;
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", destroyBoth);
    upstream.on("error", destroyBoth);
    client.on("close", () => !pair.frozen && upstream.destroy());
    upstream.on("close", () => !pair.frozen && client.destroy());
    client.resume();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });

  return {
    port: (server.address() as { port: number }).port,
    set(next) {
      fault = { ...next };
      if (next.trigger) return;
      if (next.mode === "reset") for (const pair of [...pairs]) reset(pair);
      if (next.mode === "blackhole") for (const pair of pairs) pair.frozen = true;
      if (next.mode === "none") {
        // Connections frozen by a black hole stay dead (their peers' state is lost): end them.
        for (const pair of [...pairs]) if (pair.frozen) reset(pair);
      }
    },
    get: () => ({ ...fault, connections: pairs.size, triggered }),
    async close() {
      for (const pair of [...pairs]) reset(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
