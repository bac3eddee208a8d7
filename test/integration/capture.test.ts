import { describe, expect, it } from "vitest";
import type { CaptureItemView } from "../../src/services/capture/items.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}
const capture = (u: TestUser, json: Record<string, unknown>) =>
  api("/api/capture/items", { method: "POST", headers: u.headers, json }).then((r) => ok<CaptureItemView>(r, 201));

describe("capture (Chaos Inbox)", () => {
  it("is per user: my items, my search and my clusters only; another user's item is a 404 for every operation", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const note = await capture(a, { raw_content: "Buy 100% cotton_sheets", tags: ["home", "shopping"] });
    expect(note).toMatchObject({ type: "note", source: "manual", status: "inbox", tags: ["home", "shopping"] });
    await capture(a, { raw_content: "Fix the fence", type: "task", tags: ["home"] });
    await capture(a, { raw_content: "Archived idea", type: "idea", tags: ["home", "shopping"] });
    await capture(b, { raw_content: "B's own cotton note", tags: ["home"] });

    const mine = await ok<{ items: CaptureItemView[]; total: number }>(
      await api("/api/capture/items", { headers: a.headers }),
    );
    expect(mine.total).toBe(3);
    expect(mine.items.map((i) => i.raw_content)).toEqual(["Archived idea", "Fix the fence", "Buy 100% cotton_sheets"]);
    const found = await ok<{ items: CaptureItemView[] }>(
      await api(`/api/capture/items?q=${encodeURIComponent("100% cotton_")}`, { headers: a.headers }),
    );
    expect(found.items.map((i) => i.id)).toEqual([note.id]);
    expect((await ok<{ total: number }>(await api("/api/capture/items?q=cotton", { headers: a.headers }))).total).toBe(
      1,
    ); // not B's
    expect((await ok<{ total: number }>(await api("/api/capture/items?q=%25", { headers: a.headers }))).total).toBe(1); // % is literal
    expect(
      (await ok<{ total: number }>(await api("/api/capture/items?tag=shopping&type=note", { headers: a.headers })))
        .total,
    ).toBe(1);

    for (const [method, path, json] of [
      ["GET", `/api/capture/items/${note.id}`, undefined],
      ["PATCH", `/api/capture/items/${note.id}`, { raw_content: "mine now" }],
      ["POST", `/api/capture/items/${note.id}/tags`, { tags: ["x"] }],
      ["POST", `/api/capture/items/${note.id}/status`, { status: "triaged" }],
      ["DELETE", `/api/capture/items/${note.id}`, undefined],
    ] as const) {
      await expectProblem(await api(path, { method, headers: b.headers, ...(json ? { json } : {}) }), 404);
    }
    expect(await ok<CaptureItemView>(await api(`/api/capture/items/${note.id}`, { headers: a.headers }))).toMatchObject(
      { raw_content: "Buy 100% cotton_sheets", status: "inbox", tags: ["home", "shopping"] },
    );
    expect(await ok<unknown[]>(await api("/api/capture/clusters", { headers: b.headers }))).toEqual([]);
  });

  it("moves items along the status workflow (other moves are 409), tags as a set, clusters by shared tags", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const one = await capture(a, { raw_content: "one", tags: ["x", "y"] });
    const two = await capture(a, { raw_content: "two", tags: ["x"] });
    const three = await capture(a, { raw_content: "three", tags: ["y"] });
    const move = (id: number, status: string) =>
      api(`/api/capture/items/${id}/status`, { method: "POST", headers: a.headers, json: { status } });

    await expectProblem(await move(one.id, "done"), 409); // inbox → done skips triage
    expect((await ok<CaptureItemView>(await move(one.id, "triaged"))).status).toBe("triaged");
    expect((await ok<CaptureItemView>(await move(one.id, "done"))).status).toBe("done");
    await expectProblem(await move(one.id, "inbox"), 409);
    expect((await ok<CaptureItemView>(await move(one.id, "archived"))).status).toBe("archived");
    await expectProblem(await move(one.id, "done"), 409);
    await expectProblem(await move(one.id, "lost"), 422);

    const tagged = await ok<CaptureItemView>(
      await api(`/api/capture/items/${two.id}/tags`, {
        method: "POST",
        headers: a.headers,
        json: { tags: ["y", "x", "y"] },
      }),
    );
    expect(tagged.tags).toEqual(["x", "y"]);
    await expectProblem(
      await api(`/api/capture/items/${two.id}/tags`, {
        method: "POST",
        headers: a.headers,
        json: { tags: ["has space"] },
      }),
      422,
    );
    await expectProblem(
      await api(`/api/capture/items/${two.id}/tags`, {
        method: "POST",
        headers: a.headers,
        json: { tags: Array.from({ length: 19 }, (_, i) => `t${i}`) },
      }),
      409,
    );

    // "one" is archived: clusters count the others only.
    const clusters = await ok<Array<{ tag: string; count: number; item_ids: number[] }>>(
      await api("/api/capture/clusters", { headers: a.headers }),
    );
    expect(clusters).toEqual([{ tag: "y", count: 2, item_ids: [two.id, three.id] }]);
    await expectProblem(
      await api("/api/capture/items", { method: "POST", headers: a.headers, json: { raw_content: "  " } }),
      422,
    );
    await expectProblem(
      await api("/api/capture/items", { method: "POST", headers: a.headers, json: { raw_content: "x", user_id: 1 } }),
      422,
    );
    await ok(await api(`/api/capture/items/${three.id}`, { method: "DELETE", headers: a.headers }), 204);
    await expectProblem(await api(`/api/capture/items/${three.id}`, { headers: a.headers }), 404);
  });
});
