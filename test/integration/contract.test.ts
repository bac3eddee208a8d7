/**
 * The contract check that every api() call runs (test/helpers/contract.ts): it accepts what the
 * Worker answers and refuses a response that drifts from the document in status, content type, body
 * or declared headers.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, BASE } from "../helpers/api.ts";
import { buildContract, checkResponse } from "../helpers/contract.ts";

const contract = async () =>
  buildContract(await (await exports.default.fetch(new Request(`${BASE}/api/openapi.json`))).json());
const problem = (status: number, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: "t", title: "T", status, detail: "d", request_id: "r" }), {
    status,
    headers: { "Content-Type": "application/problem+json", "X-Request-Id": "r", ...extra },
  });

describe("the response contract check", () => {
  it("accepts the Worker's real answers", async () => {
    const c = await contract();
    for (const path of [
      "/api/blockchain/stats",
      "/api/blockchain/blocks?limit=2",
      "/health",
      "/api/blockchain/blocks/999999999",
    ]) {
      const res = await exports.default.fetch(new Request(BASE + path));
      await expect(checkResponse(c, "GET", BASE + path, res), path).resolves.toBeUndefined();
    }
    // a deprecated alias is checked against its successor
    const alias = await api("/api/videos");
    expect(alias.status).toBe(401);
  });

  it("refuses an undeclared status, a wrong body, a wrong content type and a missing required header", async () => {
    const c = await contract();
    const url = `${BASE}/api/blockchain/stats`;
    const stats = await (await exports.default.fetch(new Request(url))).json<Record<string, unknown>>();
    const ok = (body: unknown, headers: Record<string, string> = { "X-Request-Id": "r" }) =>
      new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json", ...headers } });

    await expect(checkResponse(c, "GET", url, ok(stats))).resolves.toBeUndefined();
    await expect(checkResponse(c, "GET", url, problem(418))).rejects.toThrow(/status not declared/);
    await expect(checkResponse(c, "GET", url, ok({ ...stats, height: "tall" }))).rejects.toThrow(/body does not match/);
    const { height: _, ...withoutHeight } = stats;
    await expect(checkResponse(c, "GET", url, ok(withoutHeight))).rejects.toThrow(/required property "height"/);
    await expect(checkResponse(c, "GET", url, ok(stats, {}))).rejects.toThrow(/required header X-Request-Id missing/);
    await expect(
      checkResponse(
        c,
        "GET",
        url,
        new Response("<html>", { status: 200, headers: { "Content-Type": "text/html", "X-Request-Id": "r" } }),
      ),
    ).rejects.toThrow(/content type text\/html not declared/);
    // an error that is not a problem, even where the document says nothing
    await expect(
      checkResponse(
        c,
        "GET",
        `${BASE}/api/nope`,
        new Response("{}", { status: 404, headers: { "Content-Type": "application/json" } }),
      ),
    ).rejects.toThrow(/not a problem/);
    await expect(checkResponse(c, "GET", url, problem(415))).resolves.toBeUndefined();
  });
});
