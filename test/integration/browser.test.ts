/**
 * The browser app: the SSRF-guarded page fetcher and the per-user bookmarks, history, tabs and
 * settings. Every page is served by a fake at the network edge (test/helpers/fake-upstream.ts):
 * no request in this file leaves loopback, and the refused address forms never reach any fetch.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FETCHES_PER_MINUTE } from "../../src/routes/browser/browser.routes.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import { FAKE, type FakeUpstreams, installFakeUpstreams, stall } from "../helpers/fake-upstream.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

type Page = {
  requested_url: string;
  url: string;
  status: number;
  redirects: string[];
  title: string | null;
  text: string;
  content: string | null;
  bytes: number;
};

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}
const fetchPage = (u: TestUser, url: string) =>
  api(`/api/browser/fetch?url=${encodeURIComponent(url)}`, { headers: u.headers });

const ARTICLE = `<!doctype html><html><head><title>Road &amp; Chain</title>
<style>body { color: red }</style><script>var secret = "no";</script></head>
<body><h1>Hello</h1><p>RoadChain&nbsp;news &#8212; today</p><noscript>enable js</noscript><p>Second</p></body></html>`;

let edge: FakeUpstreams;
beforeEach(() => {
  edge = installFakeUpstreams();
});
afterEach(() => edge.uninstall());

describe("GET /api/browser/fetch", () => {
  it("fetches a page with no cookies or caller credentials, extracts its title and visible text, and records it in my history", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    edge.on(
      "GET pages/article",
      () => new Response(ARTICLE, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
    );
    const page = await ok<Page>(
      await api(`/api/browser/fetch?url=${encodeURIComponent(`${FAKE("pages")}/article#top`)}`, {
        headers: { ...a.headers, Cookie: "session=abc" },
      }),
    );
    expect(page).toMatchObject({ url: `${FAKE("pages")}/article`, status: 200, title: "Road & Chain", redirects: [] });
    expect(page.text).toBe("Hello RoadChain news — today Second");
    expect(page.content).toBe(ARTICLE);
    const sent = edge.calls[0]!.headers;
    expect(sent.get("authorization")).toBeNull();
    expect(sent.get("cookie")).toBeNull();

    const history = await ok<{ entries: Array<{ url: string; title: string; status: number }> }>(
      await api("/api/browser/history", { headers: a.headers }),
    );
    expect(history.entries).toEqual([
      expect.objectContaining({ url: `${FAKE("pages")}/article`, title: "Road & Chain", status: 200 }),
    ]);
    expect(
      (await ok<{ entries: unknown[] }>(await api("/api/browser/history", { headers: b.headers }))).entries,
    ).toEqual([]);
  });

  it("follows up to 5 redirects, each re-checked; a 6th is 502; plain text has no title", async () => {
    const u = await createUser();
    for (let i = 0; i < 6; i++) {
      edge.on(`GET pages/hop/${i}`, () => new Response(null, { status: 302, headers: { Location: `/hop/${i + 1}` } }));
    }
    edge.on("GET pages/hop/6", () => new Response("the end", { headers: { "Content-Type": "text/plain" } }));
    const five = await ok<Page>(await fetchPage(u, `${FAKE("pages")}/hop/1`));
    expect(five).toMatchObject({ url: `${FAKE("pages")}/hop/6`, title: null, text: "the end" });
    expect(five.redirects).toHaveLength(5);
    const six = await expectProblem(await fetchPage(u, `${FAKE("pages")}/hop/0`), 502);
    expect(six.type).toMatch(/too-many-redirects$/);
  });

  it("refuses a redirect to a private, loopback or metadata address without following it", async () => {
    const u = await createUser();
    for (const target of [
      "http://127.0.0.1:1/admin",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]/",
      "file:///etc/passwd",
    ]) {
      edge.reset();
      edge.on("GET pages/jump", () => new Response(null, { status: 301, headers: { Location: target } }));
      const p = await expectProblem(await fetchPage(u, `${FAKE("pages")}/jump`), 422);
      expect(p.type).toMatch(/url-not-allowed$/);
      expect(p.detail).toContain("redirect");
      expect(edge.calls).toHaveLength(1);
      expect(edge.refused).toEqual([]);
    }
  });

  it("refuses every private, loopback, link-local and metadata address form, other schemes and credentials, before any request", async () => {
    const u = await createUser();
    const refusedForms = [
      "http://127.0.0.1/",
      "http://127.1/",
      "http://2130706433/",
      "http://0x7f.0.0.1/",
      "http://0177.0.0.1/",
      "http://localhost:8787/",
      "http://api.localhost/",
      "http://[::1]/",
      "http://[::]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:a9fe:a9fe]/",
      "http://[64:ff9b::10.0.0.1]/",
      "http://[fe80::1]/",
      "http://[fd12:3456::1]/",
      "http://[fd00:ec2::254]/",
      "http://0.0.0.0/",
      "http://10.1.2.3/",
      "http://172.16.0.1/",
      "http://172.31.255.255/",
      "http://192.168.1.1/",
      "http://100.64.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://printer.local/",
      "http://224.0.0.1/",
      "file:///etc/passwd",
      "ftp://example.com/",
      "gopher://example.com/",
      "javascript:alert(1)",
      "data:text/html,hi",
      `https://user:pass@${FAKE("pages").slice(8)}/`,
      "not a url",
    ];
    // Each user has FETCHES_PER_MINUTE fetches a minute (refused ones count): a fresh user per batch.
    let caller = u;
    for (const [i, url] of refusedForms.entries()) {
      if (i > 0 && i % FETCHES_PER_MINUTE === 0) caller = await createUser();
      const p = await expectProblem(await fetchPage(caller, url), 422);
      expect(p.type, url).toMatch(/url-not-allowed$/);
      expect(p.errors?.[0]?.path).toBe("url");
    }
    expect(edge.calls).toEqual([]);
    expect(edge.refused).toEqual([]);
    // Neighbours of the refused ranges are public, and fetched (here: answered by the edge).
    edge.uninstall(); // (spies do not nest) the same edge, now answering every other host
    edge = installFakeUpstreams({
      elsewhere: () => new Response("public", { headers: { "Content-Type": "text/plain" } }),
    });
    const v = await createUser();
    for (const url of ["http://172.32.0.1/", "http://100.128.0.1/", "http://11.0.0.1/", "http://[2606:4700::1111]/"]) {
      expect((await ok<Page>(await fetchPage(v, url))).text, url).toBe("public");
    }
    expect(edge.refused).toHaveLength(4);
  });

  it("refuses a page over 2 MB (declared or streamed) with 502, and a page slower than the deadline with 504", async () => {
    const u = await createUser();
    const big = "x".repeat(2 * 1024 * 1024 + 1);
    edge.on("GET pages/declared", () => new Response(big, { headers: { "Content-Length": String(big.length) } }));
    edge.on(
      "GET pages/streamed",
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode("y".repeat(1024 * 1024)));
              controller.close();
            },
          }),
        ),
    );
    for (const path of ["declared", "streamed"]) {
      const p = await expectProblem(await fetchPage(u, `${FAKE("pages")}/${path}`), 502);
      expect(p.type).toMatch(/page-too-large$/);
    }
    edge.on("GET pages/slow", stall);
    const started = Date.now();
    const slow = await fetchWith(
      { INTEGRATIONS_TIMEOUT_MS: "300" },
      `/api/browser/fetch?url=${encodeURIComponent(`${FAKE("pages")}/slow`)}`,
      { headers: u.headers },
    );
    expect((await expectProblem(slow, 504)).type).toMatch(/page-timeout$/);
    expect(Date.now() - started).toBeLessThan(5_000);
    const down = await fetchPage(u, "https://nowhere.example.org/");
    expect((await expectProblem(down, 502)).type).toMatch(/page-unreachable$/);
    expect(edge.refused).toEqual(["https://nowhere.example.org/"]);
  });

  it(`allows ${FETCHES_PER_MINUTE} fetches a minute per user, then 429 with Retry-After`, async () => {
    const [u, other] = (await createUsers(2)) as [TestUser, TestUser];
    edge.on("GET pages/", () => new Response("ok", { headers: { "Content-Type": "text/plain" } }));
    for (let i = 0; i < FETCHES_PER_MINUTE; i++) await ok(await fetchPage(u, `${FAKE("pages")}/n${i}`));
    const limited = await fetchPage(u, `${FAKE("pages")}/one-more`);
    await expectProblem(limited, 429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(edge.calls).toHaveLength(FETCHES_PER_MINUTE);
    await ok(await fetchPage(other, `${FAKE("pages")}/other`)); // per user, not global
  });
});

describe("bookmarks, history, tabs and settings", () => {
  it("are per user: another user's bookmark or tab is a 404; duplicates are 409", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const mark = await ok<{ id: number }>(
      await api("/api/browser/bookmarks", {
        method: "POST",
        headers: a.headers,
        json: { url: "https://example.com/", title: "Example" },
      }),
      201,
    );
    await expectProblem(
      await api("/api/browser/bookmarks", {
        method: "POST",
        headers: a.headers,
        json: { url: "https://example.com/", title: "Again" },
      }),
      409,
    );
    expect(await ok<unknown[]>(await api("/api/browser/bookmarks", { headers: b.headers }))).toEqual([]);
    await expectProblem(await api(`/api/browser/bookmarks/${mark.id}`, { method: "DELETE", headers: b.headers }), 404);

    const t1 = await ok<{ id: number; position: number }>(
      await api("/api/browser/tabs", { method: "POST", headers: a.headers, json: { url: "https://example.com/a" } }),
      201,
    );
    const t2 = await ok<{ id: number; position: number }>(
      await api("/api/browser/tabs", {
        method: "POST",
        headers: a.headers,
        json: { url: "https://example.com/b", title: "B" },
      }),
      201,
    );
    expect(t2.position).toBe(t1.position + 1);
    await expectProblem(
      await api(`/api/browser/tabs/${t1.id}`, { method: "PATCH", headers: b.headers, json: { title: "mine" } }),
      404,
    );
    await expectProblem(await api(`/api/browser/tabs/${t1.id}`, { method: "DELETE", headers: b.headers }), 404);
    await ok(await api(`/api/browser/tabs/${t1.id}`, { method: "PATCH", headers: a.headers, json: { position: 9 } }));
    const tabs = await ok<Array<{ id: number }>>(await api("/api/browser/tabs", { headers: a.headers }));
    expect(tabs.map((t) => t.id)).toEqual([t2.id, t1.id]);
    expect(await ok<unknown[]>(await api("/api/browser/tabs", { headers: b.headers }))).toEqual([]);
    const bad = await expectProblem(
      await api("/api/browser/tabs", { method: "POST", headers: a.headers, json: { url: "javascript:alert(1)" } }),
      422,
    );
    expect(bad.errors?.[0]?.path).toBe("url");
    await ok(await api(`/api/browser/bookmarks/${mark.id}`, { method: "DELETE", headers: a.headers }), 204);
  });

  it("keeps settings per user, merging changes over the defaults", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const before = await ok<{ search_engine: string; show_images: boolean }>(
      await api("/api/browser/settings", { headers: a.headers }),
    );
    expect(before).toMatchObject({ search_engine: "duckduckgo", show_images: true });
    await ok(await api("/api/browser/settings", { method: "PATCH", headers: a.headers, json: { show_images: false } }));
    const after = await ok(
      await api("/api/browser/settings", { method: "PATCH", headers: a.headers, json: { search_engine: "brave" } }),
    );
    expect(after).toMatchObject({ search_engine: "brave", show_images: false });
    expect(await ok(await api("/api/browser/settings", { headers: b.headers }))).toEqual(before);
    await expectProblem(await api("/api/browser/settings", { method: "PATCH", headers: a.headers, json: {} }), 422);
  });

  it("pages history newest first by keyset and clears only mine", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    edge.on(
      "GET pages/h",
      (call) => new Response(`<title>${call.url.pathname}</title>`, { headers: { "Content-Type": "text/html" } }),
    );
    for (const n of [1, 2, 3]) await ok(await fetchPage(a, `${FAKE("pages")}/h${n}`));
    await ok(await fetchPage(b, `${FAKE("pages")}/hb`));
    const first = await ok<{ entries: Array<{ id: number; title: string }>; next_before: number }>(
      await api("/api/browser/history?limit=2", { headers: a.headers }),
    );
    expect(first.entries.map((e) => e.title)).toEqual(["/h3", "/h2"]);
    const second = await ok<{ entries: Array<{ title: string }>; next_before: number | null }>(
      await api(`/api/browser/history?limit=2&before=${first.next_before}`, { headers: a.headers }),
    );
    expect(second.entries.map((e) => e.title)).toEqual(["/h1"]);
    expect(second.next_before).toBeNull();
    expect(await ok(await api("/api/browser/history", { method: "DELETE", headers: a.headers }))).toEqual({
      deleted: 3,
    });
    expect(
      (await ok<{ entries: unknown[] }>(await api("/api/browser/history", { headers: b.headers }))).entries,
    ).toHaveLength(1);
  });
});
