/**
 * The example clients in examples/ run the register → login → transfer → mail flow against the
 * Worker: one through hc<AppType>, one through openapi-fetch with types generated from the
 * published document. Every response is also checked against the document (checkedFetch).
 */
import { describe, expect, it } from "vitest";
import { hcFlow } from "../../examples/hc-client.ts";
import { openapiFetchFlow } from "../../examples/openapi-fetch-client.ts";
import { BASE, checkedFetch, unique } from "../helpers/api.ts";
import { testChain } from "../helpers/chain.ts";

/** The examples' fetch, on a chain of this test's own (the examples know nothing of test chains). */
function onOwnChain(): typeof fetch {
  const chain = testChain();
  return (input, init) => {
    const request = new Request(input, init);
    for (const [name, value] of Object.entries(chain.headers)) request.headers.set(name, value);
    return checkedFetch(request);
  };
}

describe("example clients (examples/)", () => {
  for (const [name, flow] of [
    ["hc<AppType>", hcFlow],
    ["openapi-fetch", openapiFetchFlow],
  ] as const) {
    it(`${name}: register, log in, transfer and mail`, async () => {
      const bob = unique("bob");
      const result = await flow(BASE, onOwnChain(), [unique("alice"), bob]);
      expect(result.transferHash).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(result.amount)).toBe(2.5);
      expect(result.inboxSubjects).toEqual([`Sent you ${result.amount} RC`]);
    });
  }
});
