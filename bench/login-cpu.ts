/**
 * CPU cost of the password check in a login: one bcrypt compare (bcryptjs, pure JS) at each cost.
 * Node 22 runs the same V8 engine as workerd, so the numbers carry over to the Worker.
 *
 *   npx node bench/login-cpu.ts            # costs 10, 11, 12 (7 compares each)
 *   npx node bench/login-cpu.ts 12 15      # cost 12, 15 compares
 *
 * Prints the median CPU time (user + system, process.cpuUsage) and wall time per compare. This is
 * the part of a login that matters for Workers' CPU limits (everything else is I/O wait); the
 * Free plan's 10 ms cannot do it, the Paid plan's default 30 s can (wrangler.toml sets cpu_ms).
 */
import { hashPassword, verifyPassword } from "../src/lib/password.ts";

const PASSWORD = "tangerine-lighthouse-47";
const [costArg, runsArg] = process.argv.slice(2);
const costs = costArg ? [Number(costArg)] : [10, 11, 12];
const runs = Number(runsArg ?? 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`node ${process.version}, V8 ${process.versions.v8}; ${runs} compares per cost`);
for (const cost of costs) {
  const hash = await hashPassword(PASSWORD, cost);
  await verifyPassword(PASSWORD, hash, cost); // warm-up (JIT)
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { ok } = await verifyPassword(PASSWORD, hash, cost);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (!ok) throw new Error("the password did not verify");
  }
  console.log(
    `cost ${cost}: CPU median ${median(cpu).toFixed(0)} ms (min ${Math.min(...cpu).toFixed(0)}, max ${Math.max(...cpu).toFixed(0)}), wall median ${median(wall).toFixed(0)} ms`,
  );
}
