import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emails } from "../../src/db/schema/index.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Email = {
  id: number;
  message_id: number;
  thread_id: number;
  in_reply_to: number | null;
  folder_id: number;
  folder: string;
  to: string[];
  cc: string[];
  bcc: string[] | null;
  subject: string;
  body: string;
  is_read: boolean;
  is_starred: boolean;
  is_draft: boolean;
  sent_at: string | null;
};
type Folder = { id: number; name: string; folder_type: string; total_count: number; unread_count: number };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}
const send = async (from: TestUser, json: Record<string, unknown>) =>
  ok<Email>(
    await api("/api/email/send", { method: "POST", headers: from.headers, json: { subject: "s", body: "b", ...json } }),
    201,
  );
const inbox = async (u: TestUser, q = "") => ok<Email[]>(await api(`/api/email/inbox${q}`, { headers: u.headers }));
const folders = async (u: TestUser) => ok<Folder[]>(await api("/api/email/folders", { headers: u.headers }));
const folderOf = async (u: TestUser, type: string) => (await folders(u)).find((f) => f.folder_type === type)!;
const del = (u: TestUser, id: number) => api(`/api/email/${id}`, { method: "DELETE", headers: u.headers });

describe("RoadMail ownership", () => {
  it("user B cannot read, change, move or delete A's email (404 every time)", async () => {
    const [a, b, c] = await createUsers(3);
    const mine = await send(a!, { to: c!.email });
    const [theirs] = await inbox(c!);
    for (const id of [mine.id, theirs!.id]) {
      await expectProblem(await api(`/api/email/${id}`, { headers: b!.headers }), 404);
      await expectProblem(await api(`/api/email/threads/${id}`, { headers: b!.headers }), 404);
      await expectProblem(await api(`/api/email/${id}/thread`, { headers: b!.headers }), 404);
      await expectProblem(
        await api(`/api/email/${id}`, { method: "PATCH", headers: b!.headers, json: { is_starred: true } }),
        404,
      );
      await expectProblem(await del(b!, id), 404);
    }
    // Nor move my own email into someone else's folder.
    const cInbox = await folderOf(c!, "inbox");
    await expectProblem(
      await api(`/api/email/${mine.id}`, { method: "PATCH", headers: a!.headers, json: { folder_id: cInbox.id } }),
      404,
    );
    await expectProblem(await api(`/api/email/folders/${cInbox.id}/emails`, { headers: a!.headers }), 404);
    expect((await inbox(c!))[0]).toMatchObject({ is_read: false, is_starred: false });
  });
});

describe("RoadMail delete", () => {
  it("first delete moves to Trash, second deletes for me only; the other party keeps theirs", async () => {
    const [a, b] = await createUsers(2);
    const sent = await send(a!, { to: b!.email, subject: "keep me" });
    expect((await del(a!, sent.id)).status).toBe(204);
    const trash = await folderOf(a!, "trash");
    const inTrash = await ok<Email[]>(await api(`/api/email/folders/${trash.id}/emails`, { headers: a!.headers }));
    expect(inTrash.map((e) => e.id)).toEqual([sent.id]);
    expect(await ok<Email[]>(await api("/api/email/sent", { headers: a!.headers }))).toEqual([]);

    expect((await del(a!, sent.id)).status).toBe(204);
    await expectProblem(await api(`/api/email/${sent.id}`, { headers: a!.headers }), 404);
    await expectProblem(await del(a!, sent.id), 404);

    const [received] = await inbox(b!);
    expect(received).toMatchObject({ subject: "keep me", message_id: sent.message_id });
    expect(await ok<Email>(await api(`/api/email/${received!.id}`, { headers: b!.headers }))).toMatchObject({
      subject: "keep me",
    });
    // B deletes too: the message is gone for everyone, and nothing is left behind.
    expect((await del(b!, received!.id)).status).toBe(204);
    expect((await del(b!, received!.id)).status).toBe(204);
    expect(await inbox(b!)).toEqual([]);
    expect(await testDb().select({ id: emails.id }).from(emails).where(eq(emails.id, sent.message_id))).toEqual([]);
  });
});

describe("RoadMail flags and folders", () => {
  it("read/unread, star and move to a custom folder, with counts", async () => {
    const [a, b] = await createUsers(2);
    await send(a!, { to: b!.email, subject: "one" });
    const [mail] = await inbox(b!);
    const read = await ok<Email>(
      await api(`/api/email/${mail!.id}`, {
        method: "PATCH",
        headers: b!.headers,
        json: { is_read: true, is_starred: true },
      }),
    );
    expect(read).toMatchObject({ is_read: true, is_starred: true });
    const unread = await ok<Email>(
      await api(`/api/email/${mail!.id}`, { method: "PATCH", headers: b!.headers, json: { is_read: false } }),
    );
    expect(unread).toMatchObject({ is_read: false, is_starred: true });

    const custom = await ok<Folder>(
      await api("/api/email/folders", { method: "POST", headers: b!.headers, json: { name: "Receipts" } }),
      201,
    );
    expect(custom).toMatchObject({ name: "Receipts", folder_type: "custom" });
    await expectProblem(
      await api("/api/email/folders", { method: "POST", headers: b!.headers, json: { name: "receipts" } }),
      409,
    );
    await expectProblem(
      await api("/api/email/folders", { method: "POST", headers: b!.headers, json: { name: "INBOX" } }),
      409,
    );

    const moved = await ok<Email>(
      await api(`/api/email/${mail!.id}`, { method: "PATCH", headers: b!.headers, json: { folder_id: custom.id } }),
    );
    expect(moved).toMatchObject({ folder_id: custom.id, folder: "custom" });
    expect(await inbox(b!)).toEqual([]);
    const list = await folders(b!);
    expect(list.find((f) => f.id === custom.id)).toMatchObject({ total_count: 1, unread_count: 1 });
    expect(list.at(-1)!.id).toBe(custom.id); // custom folders after the system ones

    const drafts = await folderOf(b!, "drafts");
    await expectProblem(
      await api(`/api/email/${mail!.id}`, { method: "PATCH", headers: b!.headers, json: { folder_id: drafts.id } }),
      409,
    );
    await expectProblem(await api(`/api/email/folders/${drafts.id}`, { method: "DELETE", headers: b!.headers }), 409);

    expect((await api(`/api/email/folders/${custom.id}`, { method: "DELETE", headers: b!.headers })).status).toBe(204);
    expect((await inbox(b!)).map((e) => e.id)).toEqual([mail!.id]); // back home
  });

  it("mail moved into a folder while it is deleted either lands back home or gets a 404, never a 500", async () => {
    const [a, b] = await createUsers(2);
    for (let i = 0; i < 6; i++) await send(a!, { to: b!.email, subject: `m${i}` });
    const mails = await inbox(b!);
    const custom = await ok<Folder>(
      await api("/api/email/folders", { method: "POST", headers: b!.headers, json: { name: "Racing" } }),
      201,
    );
    const move = (id: number) =>
      api(`/api/email/${id}`, { method: "PATCH", headers: b!.headers, json: { folder_id: custom.id } });
    const [removed, ...moves] = await Promise.all([
      api(`/api/email/folders/${custom.id}`, { method: "DELETE", headers: b!.headers }),
      ...mails.map((m) => move(m.id)),
    ]);
    expect(removed.status).toBe(204);
    for (const res of moves) {
      if (res.status !== 200) await expectProblem(res, 404);
    }
    // Nothing is lost: every message is in the Inbox, whichever side won each race.
    expect((await inbox(b!)).map((e) => e.id).sort()).toEqual(mails.map((m) => m.id).sort());
  });
});

describe("RoadMail drafts and threads", () => {
  it("creates, updates and sends a draft exactly once", async () => {
    const [a, b] = await createUsers(2);
    const draft = await ok<Email>(
      await api("/api/email/drafts", { method: "POST", headers: a!.headers, json: { subject: "wip" } }),
      201,
    );
    expect(draft).toMatchObject({ is_draft: true, folder: "drafts", to: [], subject: "wip", body: "", sent_at: null });
    await expectProblem(await api(`/api/email/drafts/${draft.id}/send`, { method: "POST", headers: a!.headers }), 422);

    const updated = await ok<Email>(
      await api(`/api/email/drafts/${draft.id}`, {
        method: "PATCH",
        headers: a!.headers,
        json: { to: [b!.email], body: "done" },
      }),
    );
    expect(updated).toMatchObject({ to: [b!.email], subject: "wip", body: "done", is_draft: true });
    await expectProblem(
      await api(`/api/email/drafts/${draft.id}`, { method: "PATCH", headers: b!.headers, json: { body: "hijack" } }),
      404,
    );
    expect((await ok<Email[]>(await api("/api/email/drafts", { headers: a!.headers }))).map((d) => d.id)).toEqual([
      draft.id,
    ]);

    const results = await Promise.all(
      [1, 2, 3].map(() => api(`/api/email/drafts/${draft.id}/send`, { method: "POST", headers: a!.headers })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await inbox(b!)).toHaveLength(1);
    expect((await ok<Email[]>(await api("/api/email/sent", { headers: a!.headers })))[0]).toMatchObject({
      id: draft.id,
      is_draft: false,
      folder: "sent",
    });
    expect(await ok<Email[]>(await api("/api/email/drafts", { headers: a!.headers }))).toEqual([]);
    await expectProblem(
      await api(`/api/email/drafts/${draft.id}`, { method: "PATCH", headers: a!.headers, json: { body: "late" } }),
      409,
    );
  });

  it("a deleted draft (in Trash) can be neither sent nor edited, and is deleted for good by a second delete", async () => {
    const [a, b] = await createUsers(2);
    const draft = await ok<Email>(
      await api("/api/email/drafts", {
        method: "POST",
        headers: a!.headers,
        json: { to: [b!.email], subject: "oops" },
      }),
      201,
    );
    expect((await del(a!, draft.id)).status).toBeLessThan(300);
    expect(await ok<Email>(await api(`/api/email/${draft.id}`, { headers: a!.headers }))).toMatchObject({
      folder: "trash",
      is_draft: true,
    });
    const send = await api(`/api/email/drafts/${draft.id}/send`, { method: "POST", headers: a!.headers });
    expect((await expectProblem(send, 409)).type).toMatch(/draft-in-trash$/);
    await expectProblem(
      await api(`/api/email/drafts/${draft.id}`, { method: "PATCH", headers: a!.headers, json: { body: "revive" } }),
      409,
    );
    expect(await inbox(b!)).toEqual([]);
    expect((await del(a!, draft.id)).status).toBeLessThan(300);
    await expectProblem(await api(`/api/email/${draft.id}`, { headers: a!.headers }), 404);
  });

  it("replies join the thread; writing to myself gives me both copies", async () => {
    const [a, b] = await createUsers(2);
    const first = await send(a!, { to: b!.email, subject: "plan" });
    const [got] = await inbox(b!);
    const reply = await send(b!, { to: a!.email, subject: "Re: plan", in_reply_to: got!.id });
    expect(reply).toMatchObject({ thread_id: first.message_id, in_reply_to: first.message_id });
    const thread = await ok<Email[]>(await api(`/api/email/threads/${first.id}`, { headers: a!.headers }));
    // The earlier path answers the same, marked deprecated with its successor.
    const legacy = await api(`/api/email/${first.id}/thread`, { headers: a!.headers });
    expect(legacy.headers.get("Link")).toBe(`</api/email/threads/${first.id}>; rel="successor-version"`);
    expect(await ok<Email[]>(legacy)).toEqual(thread);
    expect(thread.map((e) => e.subject)).toEqual(["plan", "Re: plan"]);
    await expectProblem(
      await api("/api/email/send", {
        method: "POST",
        headers: a!.headers,
        json: { to: b!.email, subject: "x", body: "y", in_reply_to: got!.id },
      }),
      404,
    );

    const note = await send(a!, { to: a!.email, subject: "note to self" });
    expect(note.folder).toBe("sent");
    expect((await inbox(a!)).map((e) => e.subject)).toContain("note to self");
  });
});

describe("RoadMail pagination and bad input", () => {
  it("paginates newest first within bounds", async () => {
    const [a, b] = await createUsers(2);
    for (const s of ["1", "2", "3"]) await send(a!, { to: b!.email, subject: s });
    expect((await inbox(b!, "?limit=2")).map((e) => e.subject)).toEqual(["3", "2"]);
    expect((await inbox(b!, "?limit=2&offset=2")).map((e) => e.subject)).toEqual(["1"]);
    expect(await inbox(b!, "?offset=50")).toEqual([]);
    for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?offset=-1", "?limit=1e9"]) {
      await expectProblem(await api(`/api/email/inbox${q}`, { headers: b!.headers }), 422);
    }
  });

  it("rejects missing fields, wrong types, bad addresses and huge bodies with 4xx problems", async () => {
    const [a, b] = await createUsers(2);
    const base = { to: b!.email, subject: "s", body: "b" };
    const bad: unknown[] = [
      {},
      { subject: "s", body: "b" },
      { ...base, to: "not-an-email" },
      { ...base, to: "a@b" },
      { ...base, to: `${b!.email}\r\nBcc: x@example.com` },
      { ...base, to: [] },
      { ...base, to: 42 },
      { ...base, cc: "x@example.com" },
      { ...base, cc: ["nope"] },
      { ...base, bcc: [123] },
      { ...base, subject: 5 },
      { ...base, subject: "x".repeat(501) },
      { ...base, body: null },
      { ...base, in_reply_to: "1" },
      null,
      [],
      "text",
    ];
    for (const json of bad)
      await expectProblem(await api("/api/email/send", { method: "POST", headers: a!.headers, json }), 422);
    await expectProblem(
      await api("/api/email/send", {
        method: "POST",
        headers: a!.headers,
        json: { ...base, body: "x".repeat(1024 * 1024) },
      }),
      413,
    );
    await expectProblem(
      await api("/api/email/send", {
        method: "POST",
        headers: { ...a!.headers, "Content-Type": "application/json" },
        body: '{"to":',
      }),
      400,
    );
    await expectProblem(await api("/api/email/send", { method: "POST", json: base }), 401);
    for (const id of ["0", "-1", "1.5", "1e3", "abc", "99999999999"])
      await expectProblem(await api(`/api/email/${id}`, { headers: a!.headers }), 422);

    // Spaces around addresses and null lists are fine; an address in any case reaches its owner.
    const sent = await send(a!, { to: `  ${b!.email.toUpperCase()} `, cc: null, bcc: null });
    expect(sent).toMatchObject({ to: [b!.email], cc: [], bcc: [] });
    expect(await inbox(b!)).toHaveLength(1);
    expect(await inbox(a!)).toEqual([]);
  });
});
