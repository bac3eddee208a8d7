/**
 * The bad-input matrix, generated from the Worker's own `/api/openapi.json`: every documented
 * operation (every path, every method) gets malformed and hostile path parameters, query strings,
 * headers and bodies, with and without a valid bearer token. For every answer:
 *
 *   - never a 5xx;
 *   - every 4xx is `application/problem+json` with `type, title, status, detail, request_id`
 *     (and `status` equal to the HTTP status);
 *   - no body (of any status) carries a stack trace, SQL text, a driver or vendor name (`neon`,
 *     `upstash`) or a connection string.
 *
 * A new route is covered as soon as it is in the docs. Operations that need different assertions
 * are named in SPECIAL below, each with the reason; they still get the whole matrix except where
 * said. Requests carry no CF-Connecting-IP, so the rate limiter stays out of the way (tests only),
 * and chain routes work on an isolated test chain (X-Test-Chain) so no other test sees our writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, uncheckedApi } from "../helpers/api.ts";
import {
  bodyCases,
  fillPath,
  headerCases,
  LOGOUT_PATH,
  MATRIX_DEVICE,
  methodCases,
  ownershipCases,
  pathCases,
  queryCases,
  realIds,
  SSE_PATH,
  TEST_CHAIN,
  WS_PATH,
} from "../helpers/bad-inputs/case-builders.ts";
import { type Case, MATRIX_TIMEOUT_MS, runAll } from "../helpers/bad-inputs/run-cases.ts";
import { HUGE, type Op, type Spec } from "../helpers/bad-inputs/schema-values.ts";
import { world } from "../helpers/bad-inputs/world.ts";
import { installFakeUpstreams } from "../helpers/fake-upstream.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

const { real } = world;
let spec: Spec;
let ops: Op[];

// ---------------------------------------------------------------------------------------------
// The spec, as the Worker serves it
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Users and resources
// ---------------------------------------------------------------------------------------------

/** The main caller; `other` owns resources the caller must not see; `doomed` is logged out by the logout cases. */
let caller: TestUser;
let other: TestUser;
let doomed: TestUser;

async function created(res: Response): Promise<{ id: number }> {
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`setup: ${res.status} ${text}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// Checking one answer
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  // The network edge: a valid-looking URL (the page fetcher's, a webhook's) must never send a packet
  // beyond loopback; every other host gets a small fake page.
  const edge = installFakeUpstreams({
    elsewhere: () => new Response("<title>edge</title>", { headers: { "Content-Type": "text/html" } }),
  });
  afterAll(() => edge.uninstall());
  [caller, other, doomed] = (await createUsers(3)) as [TestUser, TestUser, TestUser];
  const doc = await api("/api/openapi.json");
  spec = await doc.json<Spec>();
  Object.assign(world, { spec, caller, other, doomed });
  ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );

  // Real rows: the caller's own, and one of someone else's mail in the caller's inbox.
  const as = (u: TestUser, path: string, json?: unknown) =>
    api(path, { method: "POST", headers: u.headers, ...(json === undefined ? {} : { json }) });
  real.conversation = (await created(await as(caller, "/api/ai_chat/conversations", { title: "matrix" }))).id;
  real.folder = (await created(await as(caller, "/api/email/folders", { name: "matrix" }))).id;
  real.draft = (await created(await as(caller, "/api/email/drafts", { to: other.email, subject: "d", body: "d" }))).id;
  await created(await as(other, "/api/email/send", { to: caller.email, subject: "hello", body: "hi" }));
  const inbox = await (await api("/api/email/inbox", { headers: caller.headers })).json<Array<{ id: number }>>();
  real.email = inbox[0]!.id;
  real.post = (await created(await as(caller, "/api/social/posts", { content: "matrix" }))).id;
  real.comment = (await created(await as(caller, `/api/social/posts/${real.post}/comments`, { content: "c" }))).id;
  real.video = (
    await created(await as(caller, "/api/video", { title: "matrix", video_url: "https://example.com/v.mp4" }))
  ).id;
  real.videoComment = (await created(await as(caller, `/api/video/${real.video}/comments`, { content: "c" }))).id;
  real.fileFolder = (await created(await as(caller, "/api/files/folders", { name: "matrix" }))).id;
  const upload = new FormData();
  upload.append("file", new File(["matrix"], "matrix.txt", { type: "text/plain" }));
  real.file = (
    await created(await api("/api/files/upload", { method: "POST", headers: caller.headers, body: upload }))
  ).id;
  await created(await as(caller, "/api/devices", { device_id: MATRIX_DEVICE, name: "matrix" }));
  real.captureItem = (await created(await as(caller, "/api/capture/items", { raw_content: "matrix" }))).id;
  real.creatorProject = (await created(await as(caller, "/api/creator/projects", { title: "matrix" }))).id;
}, MATRIX_TIMEOUT_MS);

/**
 * Cases that use up the rows or the session the others need: DELETEs, logout, and sending the
 * draft. They run in their own test, after every other case of every kind.
 */
const isDestructive = (c: Case) =>
  c.method === "DELETE" || c.url.startsWith(LOGOUT_PATH) || /^\/api\/email\/drafts\/[^/]+\/send/.test(c.url);
const destructive: Case[] = [];
function keepForLast(cases: Case[]): Case[] {
  destructive.push(...cases.filter(isDestructive));
  return cases.filter((c) => !isDestructive(c));
}

async function expectNoFailures(cases: Case[]) {
  const failures = await runAll(cases);
  expect(failures, `${failures.length} of ${cases.length} cases failed:\n${failures.join("\n")}`).toEqual([]);
}

describe("bad-input matrix over every documented operation", () => {
  it("the spec documents the API (a sanity floor, so an empty spec cannot pass)", () => {
    expect(ops.length).toBeGreaterThanOrEqual(88);
    for (const p of ["/api/auth/register", "/api/email/send", "/api/social/posts", "/api/video", WS_PATH, SSE_PATH]) {
      expect(spec.paths, p).toHaveProperty([p]);
    }
  });

  it(
    "path parameters: missing row, real row, and abc / -1 / 0 / 20 digits / 63 hex / %00 / SQL / … (no token, valid token, garbage token)",
    async () => {
      await expectNoFailures(keepForLast(ops.flatMap(pathCases)));
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "query strings: pagination out of bounds, junk and injection in every documented query parameter",
    async () => {
      await expectNoFailures(keepForLast(ops.flatMap(queryCases)));
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "header parameters: Idempotency-Key empty, short, huge, not a UUID",
    async () => {
      const cases = ops.flatMap(headerCases);
      expect(cases.length).toBeGreaterThan(0);
      await expectNoFailures(keepForLast(cases));
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "bodies: malformed JSON, non-objects, wrong types per field, 100 KB strings, odd numbers, wrong content types, 1.1 MB",
    async () => {
      await expectNoFailures(keepForLast(ops.flatMap(bodyCases)));
    },
    MATRIX_TIMEOUT_MS,
  );

  it("methods: every method a path does not document answers 405 with Allow, or a 4xx", async () => {
    const cases = Object.entries(spec.paths).flatMap(([path, methods]) =>
      methodCases(
        path,
        Object.keys(methods).map((m) => m.toUpperCase()),
      ),
    );
    await expectNoFailures(keepForLast(cases));
  });

  it(
    "ownership: another user gets 404 for every operation on the caller's private rows, and the rows survive",
    async () => {
      const cases = ops.flatMap(ownershipCases);
      expect(cases.length).toBeGreaterThanOrEqual(19);
      await expectNoFailures(cases);
      for (const path of [
        `/api/ai_chat/conversations/${real.conversation}`,
        `/api/email/folders/${real.folder}/emails`,
        `/api/email/${real.draft}`,
        `/api/email/${real.email}`,
        `/api/social/posts/${real.post}`,
        `/api/video/${real.video}`,
        `/api/files/${real.file}/download`,
        `/api/files/folders?parent_id=${real.fileFolder}`,
        `/api/devices/${MATRIX_DEVICE}`,
        `/api/capture/items/${real.captureItem}`,
        `/api/creator/projects/${real.creatorProject}`,
      ]) {
        expect((await api(path, { headers: caller.headers })).status, path).toBe(200);
      }
      const comments = await (await api(`/api/social/posts/${real.post}/comments`, { headers: caller.headers })).json<
        Array<{ id: number }>
      >();
      expect(comments.map((c) => c.id)).toContain(real.comment);
      const videoComments = await (await api(`/api/video/${real.video}/comments`, { headers: caller.headers })).json<
        Array<{ id: number }>
      >();
      expect(videoComments.map((c) => c.id)).toContain(real.videoComment);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    "the destructive cases of all of the above (DELETE, logout, sending the draft), last",
    async () => {
      expect(destructive.length).toBeGreaterThan(0);
      await expectNoFailures(destructive);
    },
    MATRIX_TIMEOUT_MS,
  );
});

describe("special operations", () => {
  it("GET /api/blockchain/ws: with Upgrade: websocket it switches protocols and says hello", async () => {
    const res = await api(WS_PATH, { headers: { Upgrade: "websocket", "X-Test-Chain": TEST_CHAIN } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const first = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data))));
    ws.accept();
    expect(JSON.parse(await first)).toMatchObject({ type: "hello" });
    ws.close(1000, "done");
  });

  it("SSE: a bad message asked for as text/event-stream is a problem+json 4xx, not a stream", async () => {
    const url = fillPath(SSE_PATH, realIds(SSE_PATH));
    const failures = await runAll(
      [{ content: "" }, { content: 1 }, { content: HUGE }, []].map((json) => ({
        label: `SSE ${JSON.stringify(json).slice(0, 20)}`,
        method: "POST",
        url,
        headers: { ...caller.headers, Accept: "text/event-stream", "Content-Type": "application/json" },
        body: JSON.stringify(json),
        expectStatus: [422],
      })),
    );
    expect(failures).toEqual([]);
  });

  it("SSE: a valid message with no provider configured is the documented 503 problem, for JSON and for streams", async () => {
    // A conversation of the caller's own (the destructive cases deleted the shared one; ownership is checked first).
    const own = await created(
      await api("/api/ai_chat/conversations", { method: "POST", headers: caller.headers, json: {} }),
    );
    const url = fillPath(SSE_PATH, { id: String(own.id) });
    for (const accept of ["application/json", "text/event-stream"]) {
      const res = await api(url, {
        method: "POST",
        headers: { ...caller.headers, Accept: accept },
        json: { content: "hello" },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect((await res.json<{ detail: string }>()).detail).toMatch(/not configured/i);
    }
  });

  it("logout really ran as the doomed user only: the caller's token still works", async () => {
    const me = await api("/api/auth/me", { headers: caller.headers });
    expect(me.status).toBe(200);
  });
});
