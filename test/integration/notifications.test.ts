import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { eventually } from "../helpers/auth.ts";
import { mineOk, testChain, transfer, walletOf } from "../helpers/chain.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Note = {
  id: number;
  type: string;
  title: string;
  body: string;
  importance: string;
  link: string | null;
  actor_id: number | null;
  read: boolean;
};

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const notes = (u: TestUser, q = "") => api(`/api/notifications${q}`, { headers: u.headers }).then((r) => ok<Note[]>(r));
const unread = (u: TestUser) =>
  api("/api/notifications/unread-count", { headers: u.headers })
    .then((r) => ok<{ unread: number }>(r))
    .then((b) => b.unread);

describe("Notifications", () => {
  it("are written by the events themselves: mail, follow, like and comment (never for my own action)", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    await ok(
      await api("/api/email/send", {
        method: "POST",
        headers: b.headers,
        json: { to: a.email, subject: "Lunch?", body: "At noon" },
      }),
      201,
    );
    await ok(await api(`/api/social/users/${a.id}/follow`, { method: "POST", headers: b.headers }));
    const post = await ok<{ id: number }>(
      await api("/api/social/posts", { method: "POST", headers: a.headers, json: { content: "mine" } }),
      201,
    );
    await ok(await api(`/api/social/posts/${post.id}/like`, { method: "POST", headers: a.headers })); // my own: nothing
    await ok(await api(`/api/social/posts/${post.id}/like`, { method: "POST", headers: b.headers }));
    await ok(await api(`/api/social/posts/${post.id}/like`, { method: "POST", headers: b.headers })); // idempotent: one like, one note
    await ok(
      await api(`/api/social/posts/${post.id}/comments`, {
        method: "POST",
        headers: b.headers,
        json: { content: "Nice one" },
      }),
      201,
    );

    const list = await notes(a);
    expect(list.map((n) => n.type)).toEqual([
      "social.post_commented",
      "social.post_liked",
      "social.followed",
      "mail.received",
    ]);
    expect(list[3]).toMatchObject({
      title: expect.stringContaining("New mail from"),
      body: "Lunch?",
      actor_id: b.id,
      read: false,
      link: expect.stringMatching(/^app:roadmail#\d+$/),
    });
    expect(list[0]).toMatchObject({ body: "Nice one", title: `${b.username} commented on your post` });
    expect(await notes(b)).toEqual([]);
    expect(await unread(a)).toBe(4);

    // Paging (keyset), the importance filter, unread only.
    const page1 = await notes(a, "?limit=2");
    const page2 = await notes(a, `?limit=2&before=${page1[1]!.id}`);
    expect([...page1, ...page2].map((n) => n.id)).toEqual(list.map((n) => n.id));
    expect((await notes(a, "?importance=low")).map((n) => n.type)).toEqual(["social.post_liked"]);

    // Read one, read all, delete; someone else's is a 404.
    await expectProblem(
      await api(`/api/notifications/${list[0]!.id}/read`, { method: "POST", headers: b.headers }),
      404,
    );
    await expectProblem(await api(`/api/notifications/${list[0]!.id}`, { method: "DELETE", headers: b.headers }), 404);
    expect(
      await ok<Note>(await api(`/api/notifications/${list[0]!.id}/read`, { method: "POST", headers: a.headers })),
    ).toMatchObject({ read: true });
    expect(await unread(a)).toBe(3);
    expect((await notes(a, "?unread_only=true")).map((n) => n.id)).toEqual(list.slice(1).map((n) => n.id));
    expect(
      await ok<{ marked: number }>(await api("/api/notifications/read-all", { method: "POST", headers: a.headers })),
    ).toMatchObject({ marked: 3 });
    expect(await unread(a)).toBe(0);
    await ok(await api(`/api/notifications/${list[0]!.id}`, { method: "DELETE", headers: a.headers }), 204);
    expect(await notes(a)).toHaveLength(3);
  });

  it("coins received and a block found notify; a refused transfer notifies nobody", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const chain = testChain();
    const block = await mineOk(chain, b);
    expect((await notes(b))[0]).toMatchObject({
      type: "miner.block_found",
      title: `Your miner found block #${block.height}`,
    });
    const to = (await walletOf(a)).address;
    const refused = await transfer(chain, b, { to_address: to, amount: "100000" });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await refused.body?.cancel();
    expect(await notes(a)).toEqual([]);
    expect((await transfer(chain, b, { to_address: to, amount: "1.5", message: "thanks" })).status).toBe(201);
    expect((await notes(a))[0]).toMatchObject({
      type: "coins.received",
      title: "You received 1.50000000 RC",
      body: "thanks",
      importance: "high",
      actor_id: b.id,
    });
  });

  it("pushes new notifications live over a WebSocket opened with a ticket", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    await expectProblem(
      await api("/api/notifications/ws?ticket=1.9999999999.00", { headers: { Upgrade: "websocket" } }),
      401,
    );
    await expectProblem(await api("/api/notifications/ws"), 426);
    const { ticket } = await ok<{ ticket: string }>(
      await api("/api/notifications/live-ticket", { method: "POST", headers: a.headers }),
    );
    const res = await api(`/api/notifications/ws?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const got: Array<{ type: string; unread: number; notification?: Note }> = [];
    ws.addEventListener("message", (e) => got.push(JSON.parse(e.data as string)));
    ws.accept();
    await eventually(async () => expect(got[0]).toEqual({ type: "hello", unread: 0 }), 5000);

    await ok(await api(`/api/social/users/${a.id}/follow`, { method: "POST", headers: b.headers }));
    await eventually(
      async () =>
        expect(got[1]).toMatchObject({
          type: "notification",
          unread: 1,
          notification: { type: "social.followed", actor_id: b.id },
        }),
      8000,
    );
    await ok(await api("/api/notifications/read-all", { method: "POST", headers: a.headers }));
    await eventually(async () => expect(got[2]).toEqual({ type: "unread", unread: 0 }), 8000);
    ws.close(1000, "done");
  });
});
