/**
 * Sentry error tracking, against a fake Sentry ingest endpoint at the network edge (the Worker's
 * real outbound fetch answered by the test, as the AI chat tests answer the provider): a forced 5xx
 * sends a real envelope with the request id, route, release and environment, and none of the
 * personal or secret data the request carried; a 4xx sends nothing; no DSN sends nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchWith } from "../helpers/api.ts";
import { createUser } from "../helpers/users.ts";

const INGEST = "https://sentry-ingest.fake.test";
const DSN = `https://0123456789abcdef0123456789abcdef@sentry-ingest.fake.test/4242`;
const DEAD_DATABASE = {
  DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:1/none",
  NEON_PROXY_URL: "http://127.0.0.1:1",
};

let envelopes: string[];
let realFetch: typeof fetch;

beforeEach(() => {
  envelopes = [];
  realFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(INGEST)) return realFetch(input, init);
    expect(new URL(request.url).pathname).toBe("/api/4242/envelope/");
    envelopes.push(await request.text());
    return Response.json({ id: "fake" });
  };
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** The envelope's items (header line, then item header / payload pairs), parsed. */
const itemsOf = (envelope: string) =>
  envelope
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("Sentry error tracking", () => {
  // The first DSN request imports the SDK (a third of the bundle): slow to transform under load.
  it("reports a 5xx with request id, route, release and environment, and no personal data", {
    timeout: 90_000,
  }, async () => {
    const user = await createUser({ email: `victim-${crypto.randomUUID().slice(0, 8)}@example.com` });
    const res = await fetchWith(
      { ...DEAD_DATABASE, SENTRY_DSN: DSN, GIT_SHA: "test-sha-5e7" },
      "/api/social/posts?secret_query=query-secret-value",
      {
        method: "POST",
        headers: {
          ...user.headers,
          Cookie: "session=cookie-secret-value",
          "CF-Connecting-IP": "203.0.113.77",
          "User-Agent": "private-agent/1.0",
        },
        json: { content: `mail me at ${user.email}` },
      },
    );
    expect(res.status).toBe(503);
    const requestId = res.headers.get("X-Request-Id")!;
    expect(envelopes).toHaveLength(1);
    const envelope = envelopes[0]!;
    const event = itemsOf(envelope).find((item) => "exception" in item || "message" in item) as {
      tags: Record<string, string>;
      release: string;
      environment: string;
      exception?: { values: Array<{ type: string }> };
    };
    expect(event.tags).toMatchObject({ request_id: requestId, route: "/api/social/posts", status: "503" });
    expect(event.release).toBe("test-sha-5e7");
    expect(event.environment).toBe("test");
    expect(event.exception?.values.length).toBeGreaterThan(0);
    for (const secret of [
      user.token,
      "Bearer",
      "cookie-secret-value",
      "203.0.113.77",
      user.email,
      "query-secret-value",
      "private-agent",
      user.username,
    ]) {
      expect(envelope, `the envelope leaks ${secret}`).not.toContain(secret);
    }
  });

  it("does not report 4xx answers", async () => {
    const res = await fetchWith({ SENTRY_DSN: DSN }, "/api/blockchain/blocks/not-a-height");
    expect(res.status).toBe(422);
    expect((await fetchWith({ SENTRY_DSN: DSN }, "/api/no-such-route")).status).toBe(404);
    expect(envelopes).toEqual([]);
  });

  it("sends nothing without a DSN", async () => {
    const res = await fetchWith(DEAD_DATABASE, "/api/blockchain/stats");
    expect(res.status).toBe(503);
    expect(envelopes).toEqual([]);
  });
});
