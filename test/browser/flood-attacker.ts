/**
 * The attacker of ws-flood.test.ts in a process of its own (as a remote client would be), so that
 * its sending loop never blocks the test's latency probes: `node flood-attacker.ts <url> <ms>` floods
 * for <ms> and prints its report as one JSON line.
 */
import { flood } from "./flood-kit.ts";

const [url, ms] = process.argv.slice(2);
if (!url || !ms) throw new Error("usage: flood-attacker.ts <url> <ms>");
console.log(JSON.stringify(await flood(url, Number(ms))));
