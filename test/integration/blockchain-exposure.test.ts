// What the internet can reach on the chain routes: the test-only chain selector is inert outside
// ENVIRONMENT=test, and the costly public /verify has its own, tighter rate limit.
import { beforeAll, describe, expect, it } from "vitest";
import { resolveChain } from "../../src/services/chain/ledger.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import { awayFromWindowEdge, randomIp } from "../helpers/auth.ts";
import { type BlockJson, mineOk, testChain } from "../helpers/chain.ts";
import { createUser } from "../helpers/users.ts";

const chain = testChain();
let block: BlockJson;

beforeAll(async () => {
  block = await mineOk(chain, await createUser());
});

describe("X-Test-Chain", () => {
  it("selects a test chain only under ENVIRONMENT=test", () => {
    expect(resolveChain("test", chain.id)).toBe(chain.id);
    for (const environment of ["production", "development", "", "TEST"])
      expect(resolveChain(environment, chain.id)).toBe("main");
    expect(resolveChain("test", "main2")).toBe("main");
    expect(resolveChain("test", "t_../x")).toBe("main");
  });

  it("is ignored through the Worker in production, in development and when ENVIRONMENT is unset", async () => {
    const path = `/api/blockchain/blocks/${block.hash}`;
    expect((await api(path, { headers: chain.headers })).status).toBe(200);
    for (const ENVIRONMENT of ["production", "development", undefined]) {
      const res = await fetchWith({ ENVIRONMENT } as Record<string, string>, path, {
        headers: { ...chain.headers, "CF-Connecting-IP": randomIp() },
      });
      await expectProblem(res, 404); // looked up on "main", which does not hold the test chain's block
    }
  });
});

describe("GET /verify rate limit", () => {
  it("allows 6 verifications a minute per client, then 429 with Retry-After", async () => {
    await awayFromWindowEdge(60_000, 15_000); // seven chain verifications take a few seconds
    const headers = { ...chain.headers, "CF-Connecting-IP": randomIp() };
    for (let i = 0; i < 6; i++) expect((await api("/api/blockchain/verify", { headers })).status).toBe(200);
    const limited = await api("/api/blockchain/verify", { headers });
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    await expectProblem(limited, 429);
  });
});
