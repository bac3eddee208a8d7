// Postgres unreachable from the Worker: the ledger fails closed (503, nothing appended or moved,
// never "valid": true); cached public reads keep answering.
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiInit, api, expectProblem, fetchWith } from "../helpers/api.ts";
import { mineOk, testChain, verify, walletOf } from "../helpers/chain.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

const DEAD_DB = { NEON_PROXY_URL: "http://127.0.0.1:9", DATABASE_URL: "postgres://user:hunter2@127.0.0.1:9/db" };

const withDeadDb = (path: string, init: ApiInit = {}) => fetchWith(DEAD_DB, path, init);

let user: TestUser;
let other: string;

beforeAll(async () => {
  let peer: TestUser;
  [user, peer] = await Promise.all([createUser(), createUser()]);
  other = (await walletOf(peer)).address;
});

describe("Postgres down", () => {
  it("GET /verify is a 503, never valid: true", async () => {
    const chain = testChain();
    await mineOk(chain, user);
    const res = await withDeadDb("/api/blockchain/verify", { headers: chain.headers });
    const body = await expectProblem(res, 503);
    expect(res.headers.get("Retry-After")).toBeTruthy();
    expect(JSON.stringify(body)).not.toMatch(/hunter2|127\.0\.0\.1:9|valid/);
  });

  it("POST /blocks is a 503 and the head does not move", async () => {
    const chain = testChain();
    const before = await mineOk(chain, user);
    await expectProblem(
      await withDeadDb("/api/blockchain/blocks", { method: "POST", headers: { ...chain.headers, ...user.headers } }),
      503,
    );
    expect(await verify(chain)).toMatchObject({ valid: true, height: before.height });
  });

  it("POST /transactions is a 503 and no coins move", async () => {
    const chain = testChain();
    const before = (await walletOf(user)).balance;
    await expectProblem(
      await withDeadDb("/api/blockchain/transactions", {
        method: "POST",
        headers: { ...chain.headers, ...user.headers },
        json: { to_address: other, amount: "1" },
      }),
      503,
    );
    expect((await walletOf(user)).balance).toBe(before);
  });

  it("cached stats keep answering", async () => {
    const chain = testChain();
    const block = await mineOk(chain, user);
    expect((await api("/api/blockchain/stats", { headers: chain.headers })).status).toBe(200);
    const res = await withDeadDb("/api/blockchain/stats", { headers: chain.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache")).toBe("HIT");
    expect((await res.json<{ height: number }>()).height).toBe(block.height);
  });
});
