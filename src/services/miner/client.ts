import {
  type ControlOutcome,
  type MinerNamespace,
  type MinerSnapshot,
  minerStub,
  type StartInput,
} from "../../durable-objects/miner.contract.ts";
import { serviceUnavailable } from "../../lib/errors.ts";

/** A call to a user's miner object; a call that failed before answering is a 503 (nothing was acknowledged). */
async function callMiner<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "Miner Durable Object call failed",
        error: String((err as Error)?.message ?? err).slice(0, 200),
      }),
    );
    throw serviceUnavailable("The miner is unavailable; retry shortly", "miner-unavailable");
  }
}

/** The user's miner (its own Durable Object, named after the user). */
export function minerClient(ns: MinerNamespace, userId: number) {
  const stub = minerStub(ns, userId);
  return {
    status: () => callMiner(() => stub.status() as Promise<MinerSnapshot>),
    start: (input: StartInput) => callMiner(() => stub.start(input) as Promise<ControlOutcome>),
    restart: (input: StartInput) => callMiner(() => stub.restart(input) as Promise<ControlOutcome>),
    stop: () => callMiner(() => stub.stop() as Promise<ControlOutcome>),
  };
}
