// Enumeration and lock-out (issue 14 §4): registering a taken email costs what a new account costs;
// a stranger's lock-out of an account does not lock out the owner's devices that signed in before.
import { beforeEach, describe, expect, it } from "vitest";
import { windowMs } from "../../src/middleware/rate-limit.ts";
import { ACCOUNT_WINDOW } from "../../src/services/auth/login-throttle.ts";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { awayFromWindowEdge, fetchWith, PASSWORD, randomIp, register } from "../helpers/auth.ts";

const loginAs = (json: unknown, headers: Record<string, string> = {}) =>
  api("/api/auth/login", { method: "POST", json, headers: { "CF-Connecting-IP": randomIp(), ...headers } });

/** The device token a successful login set as its cookie. */
function deviceTokenOf(res: Response): string {
  const cookie = res.headers.get("Set-Cookie") ?? "";
  const m = /(?:^|,\s*)br_device=([^;]+);/.exec(cookie);
  if (!m) throw new Error(`no device cookie in ${cookie}`);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/Secure/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return m[1]!;
}

describe("register: a taken email costs what a new account costs", () => {
  it("spends the bcrypt hash on both paths (timing)", async () => {
    // Cost 9 (~50 ms per hash) makes "hash" against "no hash" obvious next to a query.
    const env = { BCRYPT_ROUNDS: "9" };
    const existing = unique("taken");
    const first = await fetchWith(env, "/api/auth/register", {
      method: "POST",
      json: { username: existing, email: `${existing}@example.com`, password: PASSWORD },
    });
    expect(first.status).toBe(201);
    const time = async (json: unknown, status: number) => {
      const started = performance.now();
      const res = await fetchWith(env, "/api/auth/register", { method: "POST", json });
      expect(res.status, await res.clone().text()).toBe(status);
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const taken: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < 7; i++) {
      const name = unique("fresh");
      taken.push(await time({ username: name, email: `${existing}@example.com`, password: PASSWORD }, 409));
      fresh.push(await time({ username: name, email: `${name}@example.com`, password: PASSWORD }, 201));
    }
    const ratio = median(taken) / median(fresh);
    expect(ratio, `taken ${median(taken)} ms vs new ${median(fresh)} ms`).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });
});

describe("login lock-out and known devices", () => {
  beforeEach(async () => {
    await awayFromWindowEdge(windowMs(ACCOUNT_WINDOW));
  });

  it("a stranger's lock-out stops strangers, not the owner's device that signed in before", async () => {
    const { username } = await register();
    const ok = await loginAs({ username, password: PASSWORD });
    expect(ok.status).toBe(200);
    const device = deviceTokenOf(ok);

    // Someone spends the account's budget from rotating addresses.
    for (let i = 0; i < 10; i++) expect((await loginAs({ username, password: "not-the-password-1" })).status).toBe(401);
    await expectProblem(await loginAs({ username, password: PASSWORD }), 429);

    // The owner's known device still gets in, by cookie (browsers) or header (other clients).
    const byCookie = await loginAs({ username, password: PASSWORD }, { Cookie: `theme=dark; br_device=${device}` });
    expect(byCookie.status, await byCookie.clone().text()).toBe(200);
    const byHeader = await loginAs({ username, password: PASSWORD }, { "X-Device-Token": deviceTokenOf(byCookie) });
    expect(byHeader.status).toBe(200);
    // Strangers are still locked out, also with a forged or another account's device token.
    await expectProblem(
      await loginAs({ username, password: PASSWORD }, { "X-Device-Token": `${device.slice(0, -2)}AA` }),
      429,
    );
    const other = await register();
    const otherDevice = deviceTokenOf(await loginAs({ username: other.username, password: PASSWORD }));
    await expectProblem(await loginAs({ username, password: PASSWORD }, { "X-Device-Token": otherDevice }), 429);
  });

  it("a device token that guesses wrong locks out on its own", async () => {
    const { username } = await register();
    const device = deviceTokenOf(await loginAs({ username, password: PASSWORD }));
    for (let i = 0; i < 10; i++) {
      expect((await loginAs({ username, password: "not-the-password-1" }, { "X-Device-Token": device })).status).toBe(
        401,
      );
    }
    await expectProblem(await loginAs({ username, password: PASSWORD }, { "X-Device-Token": device }), 429);
    // The account's own budget was not spent by that device.
    expect((await loginAs({ username, password: PASSWORD })).status).toBe(200);
  });
});

describe("RoadMail: probing for addresses is bounded", () => {
  it("answers 'Recipient not found' for 20 unknown addresses an hour, then 429 naming none; real mail still goes", async () => {
    const { createUsers } = await import("../helpers/users.ts");
    const [prober, real] = await createUsers(2);
    const send = (to: string[]) =>
      api("/api/email/send", { method: "POST", headers: prober!.headers, json: { to, subject: "hi", body: "x" } });
    // 18 single probes plus one naming two unknown addresses (one twice, in another case) = 20.
    for (let i = 0; i < 18; i++)
      expect((await expectProblem(await send([`${unique("ghost")}@example.com`]), 404)).detail).toMatch(
        /Recipient not found/,
      );
    const twin = `${unique("ghost")}@example.com`;
    await expectProblem(await send([twin, twin.toUpperCase(), `${unique("ghost")}@example.com`]), 404);
    const refused = await send([`${unique("ghost")}@example.com`]);
    const problem = await expectProblem(refused.clone(), 429);
    expect(problem.detail).not.toMatch(/@/);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    // An existing address is refused just the same when it is named next to an unknown one…
    await expectProblem(await send([real!.email, `${unique("ghost")}@example.com`]), 429);
    // …and mail to existing addresses is still delivered.
    expect((await send([real!.email])).status).toBe(201);
  });
});
