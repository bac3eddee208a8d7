import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { api, expectProblem, unique } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Hit = {
  type: string;
  id: number | string;
  title: string;
  snippet: string;
  highlights: { text: string; match: boolean }[];
  rank: number;
  link: string;
  api_path: string;
};
type Page = { results: Hit[]; next_cursor: string | null };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const search = async (u: TestUser, q: string, extra = "") =>
  ok<Page>(await api(`/api/search?q=${encodeURIComponent(q)}${extra}`, { headers: u.headers }));
const keys = (p: Page) => p.results.map((h) => `${h.type}:${h.id}`).sort();

const post = async (u: TestUser, content: string, isPublic = true) =>
  (
    await ok<{ id: number }>(
      await api("/api/social/posts", { method: "POST", headers: u.headers, json: { content, is_public: isPublic } }),
      201,
    )
  ).id;
const video = async (u: TestUser, title: string, isPublic = true, extra: Record<string, unknown> = {}) =>
  (
    await ok<{ id: number }>(
      await api("/api/video", {
        method: "POST",
        headers: u.headers,
        json: { title, video_url: "https://cdn.example.com/v.mp4", is_public: isPublic, ...extra },
      }),
      201,
    )
  ).id;
const vault = async (u: TestUser, idea: string, title?: string) =>
  (
    await ok<{ id: string }>(
      await api("/api/vault/leos", { method: "POST", headers: u.headers, json: { idea, title } }),
      201,
    )
  ).id;
const capture = async (u: TestUser, text: string, tags: string[]) =>
  (
    await ok<{ id: number }>(
      await api("/api/capture/items", { method: "POST", headers: u.headers, json: { raw_content: text, tags } }),
      201,
    )
  ).id;
async function file(u: TestUser, name: string, text: string): Promise<number> {
  const form = new FormData();
  form.append("file", new File([text], name, { type: "text/plain" }));
  return (
    await ok<{ id: number }>(await api("/api/files/upload", { method: "POST", headers: u.headers, body: form }), 201)
  ).id;
}
/** Sends mail; returns the mailbox ids (the API's email ids) of the sender's and the recipient's copies. */
async function mail(
  from: TestUser,
  to: TestUser,
  subject: string,
  body: string,
): Promise<{ sent: number; received: number }> {
  const sent = await ok<{ id: number }>(
    await api("/api/email/send", { method: "POST", headers: from.headers, json: { to: to.email, subject, body } }),
    201,
  );
  const inbox = await ok<{ id: number; subject: string }[]>(await api("/api/email/inbox", { headers: to.headers }));
  return { sent: sent.id, received: inbox.find((m) => m.subject === subject)!.id };
}

describe("Search: what each user may see", () => {
  it("finds my mail, posts, videos, files, vault entries and capture items, and public posts and videos of others — never anything else of theirs", async () => {
    const [a, b, c] = (await createUsers(3)) as [TestUser, TestUser, TestUser];
    const w = unique("kiln");
    const aMail = await mail(a, b, `Plans ${w}`, "see attached");
    const bcMail = await mail(b, c, `Secret ${w}`, "between b and c");
    const aPublicPost = await post(a, `public ${w}`);
    const aPrivatePost = await post(a, `private ${w}`, false);
    const aPrivateVideo = await video(a, `clip ${w}`, false);
    const aFile = await file(a, "notes.txt", `the ${w} notes`);
    const aVault = await vault(a, `an idea about ${w}`);
    const bPublicVideo = await video(b, `show ${w}`);
    const bPrivatePost = await post(b, `b private ${w}`, false);
    const bFile = await file(b, `${w}.txt`, "b's file");
    const bVault = await vault(b, `b idea ${w}`);
    const aCapture = await capture(a, "call the plumber", [w]); // found by its tag
    const bCapture = await capture(b, `b note ${w}`, []);

    expect(keys(await search(a, w))).toEqual(
      [
        `mail:${aMail.sent}`,
        `post:${aPublicPost}`,
        `post:${aPrivatePost}`,
        `video:${aPrivateVideo}`,
        `file:${aFile}`,
        `vault:${aVault}`,
        `video:${bPublicVideo}`,
        `capture:${aCapture}`,
      ].sort(),
    );
    expect(keys(await search(b, w))).toEqual(
      [
        `mail:${aMail.received}`,
        `mail:${bcMail.sent}`,
        `post:${aPublicPost}`,
        `post:${bPrivatePost}`,
        `video:${bPublicVideo}`,
        `file:${bFile}`,
        `vault:${bVault}`,
        `capture:${bCapture}`,
      ].sort(),
    );
    expect(keys(await search(c, w))).toEqual(
      [`mail:${bcMail.received}`, `post:${aPublicPost}`, `video:${bPublicVideo}`].sort(),
    );

    // Every link names a resource its reader can open.
    for (const h of (await search(a, w)).results)
      expect((await api(h.api_path, { headers: a.headers })).status, h.api_path).toBe(200);
    // Type filter.
    expect(keys(await search(a, w, "&type=file"))).toEqual([`file:${aFile}`]);
  });
});

describe("Search: matching, ranking, snippets and pages", () => {
  it("ignores case and accents, matches the word being typed as a prefix, and marks the matches", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const w = unique("cafe");
    const id = await post(a, `Crème Brûlée at the ${w} — served warm`);
    expect(keys(await search(a, `CREME ${w}`))).toEqual([`post:${id}`]);
    expect(keys(await search(a, `${w} brul`))).toEqual([`post:${id}`]); // typing "brûlée"
    expect(keys(await search(a, `${w} brul `))).toEqual([]); // "brul" finished: no such word
    expect(keys(await search(a, `${w} -creme`))).toEqual([]);
    expect(keys(await search(a, `"served warm" ${w}`))).toEqual([`post:${id}`]);
    expect(keys(await search(a, `"warm served" ${w}`))).toEqual([]);
    const [hit] = (await search(a, `brulee ${w}`)).results;
    expect(hit!.highlights.filter((p) => p.match).map((p) => p.text)).toEqual(["Brûlée", w]);
    expect(hit!.snippet).toContain("Crème Brûlée at the");
    expect(hit!.link).toBe(`app:social#post-${id}`);
  });

  it("ranks a title match above a body match", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const w = unique("rank");
    const inBody = await vault(a, `a long text that mentions ${w} once, among many other words`, "Untitled");
    const inTitle = await vault(a, "nothing here", `${w} plans`);
    const page = await search(a, w);
    expect(page.results.map((h) => h.id)).toEqual([inTitle, inBody]);
    expect(page.results[0]!.rank).toBeGreaterThan(page.results[1]!.rank);
  });

  it("pages with a keyset cursor: every hit once, in rank order, also between equal ranks", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const w = unique("page");
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(`post:${await post(a, `same text ${w}`)}`); // equal ranks
    ids.push(
      `file:${await file(a, "f.txt", `same text ${w}`)}`,
      `video:${await video(a, `same text ${w}`)}`,
      `post:${await post(a, `${w} ${w} ${w} more`)}`,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let ranks: number[] = [];
    do {
      const page: Page = await search(a, w, `&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.results.length).toBeLessThanOrEqual(2);
      seen.push(...page.results.map((h) => `${h.type}:${h.id}`));
      ranks = ranks.concat(page.results.map((h) => h.rank));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.length).toBe(ids.length);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
  });

  it("ranks only the newest 500 matches per kind (the documented bound), and pages through exactly those", async () => {
    // Written here, not imported from the service: the test states the contract, so changing the
    // bound (or dropping it) fails here.
    const N = 500;
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const w = unique("bound");
    // 100 old posts that would rank first (the word three times), then N newer ones (once), and
    // another user's newest private posts, which must not take a candidate's place.
    await testDb().execute(sql`insert into posts (user_id, content)
      select ${a.id}, case when i <= 100 then ${`${w} ${w} ${w} old`} else ${`${w} new`} end
      from generate_series(1, ${N + 100}) i order by i`);
    await testDb().execute(sql`insert into posts (user_id, content, is_public)
      select ${b.id}, ${`${w} ${w} ${w} private`}, false from generate_series(1, 50)`);
    const idsOf = async (userId: number, ending: string) =>
      (
        await testDb().execute(sql`select id from posts where user_id = ${userId} and content like ${`%${ending}`}`)
      ).rows.map((r) => `post:${r.id}`);
    const newest = await idsOf(a.id, "new");
    expect(newest).toHaveLength(N);

    // The old posts rank higher but are not candidates: the best results are new ones.
    const first = await search(a, `${w} `, "&type=post&limit=5");
    expect(first.results).toHaveLength(5);
    for (const hit of first.results) expect(newest).toContain(`${hit.type}:${hit.id}`);

    // The whole walk: exactly the N newest, each once, in rank order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search(a, `${w} `, `&type=post&limit=50${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.results.map((h) => `${h.type}:${h.id}`));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(N);
    expect([...seen].sort()).toEqual([...newest].sort());
    // Their owner sees the private posts among their own candidates (and first: they rank highest).
    const own = await search(b, `${w} `, "&type=post&limit=1");
    expect(await idsOf(b.id, "private")).toContain(`${own.results[0]?.type}:${own.results[0]?.id}`);
  });

  it("refuses bad input clearly and requires sign-in", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    await expectProblem(await api("/api/search?q=%20%20", { headers: a.headers }), 422);
    await expectProblem(await api("/api/search", { headers: a.headers }), 422);
    await expectProblem(await api("/api/search?q=x&cursor=bm90LWEtY3Vyc29y", { headers: a.headers }), 422);
    await expectProblem(await api("/api/search?q=x&type=users", { headers: a.headers }), 422);
    await expectProblem(await api(`/api/search?q=${"x".repeat(201)}`, { headers: a.headers }), 422);
    await expectProblem(await api("/api/search?q=x"), 401);
    // Punctuation only, operators only: no lexemes, no results, no error.
    expect((await search(a, "!!! ---")).results).toEqual([]);
    expect((await search(a, '"')).results).toEqual([]);
  });
});
