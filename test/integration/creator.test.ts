import { describe, expect, it } from "vitest";
import type { ProjectView } from "../../src/services/creator/projects.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function upload(u: TestUser, name: string): Promise<number> {
  const form = new FormData();
  form.append("file", new File([`contents of ${name}`], name, { type: "text/plain" }));
  return (
    await ok<{ id: number }>(await api("/api/files/upload", { method: "POST", headers: u.headers, body: form }), 201)
  ).id;
}

describe("creator projects", () => {
  it("keeps projects per user with revenue streams and a status workflow; assets are the owner's own files", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const p = await ok<ProjectView>(
      await api("/api/creator/projects", {
        method: "POST",
        headers: a.headers,
        json: {
          title: "Night Drive EP",
          type: "music",
          revenue_streams: [
            { name: "Bandcamp", kind: "sales", monthly_amount: 120.5 },
            { name: "Patreon", kind: "subscription", monthly_amount: 80, currency: "USD" },
            { name: "Radio", kind: "licensing", monthly_amount: 30, currency: "EUR" },
          ],
        },
      }),
      201,
    );
    expect(p).toMatchObject({ status: "idea", type: "music", monthly_revenue: { USD: 200.5, EUR: 30 }, assets: [] });
    await expectProblem(
      await api("/api/creator/projects", {
        method: "POST",
        headers: a.headers,
        json: { title: "x", revenue_streams: [{ name: "n", kind: "sales", monthly_amount: -1 }] },
      }),
      422,
    );
    await expectProblem(
      await api("/api/creator/projects", {
        method: "POST",
        headers: a.headers,
        json: { title: "x", revenue_streams: [{ name: "n", kind: "sales", monthly_amount: 1, currency: "usd" }] },
      }),
      422,
    );

    const mine = await upload(a, "master.txt");
    const theirs = await upload(b, "theirs.txt");
    const linked = await ok<ProjectView>(
      await api(`/api/creator/projects/${p.id}/assets/${mine}`, { method: "PUT", headers: a.headers }),
    );
    expect(linked.assets.map((x) => [x.file_id, x.name])).toEqual([[mine, "master.txt"]]);
    await ok(await api(`/api/creator/projects/${p.id}/assets/${mine}`, { method: "PUT", headers: a.headers })); // idempotent
    await expectProblem(
      await api(`/api/creator/projects/${p.id}/assets/${theirs}`, { method: "PUT", headers: a.headers }),
      404,
    );
    expect(
      (await ok<ProjectView>(await api(`/api/creator/projects/${p.id}`, { headers: a.headers }))).assets,
    ).toHaveLength(1);

    // Another user: nothing of mine is theirs to see or change.
    for (const [method, path, json] of [
      ["GET", `/api/creator/projects/${p.id}`, undefined],
      ["PATCH", `/api/creator/projects/${p.id}`, { title: "stolen" }],
      ["POST", `/api/creator/projects/${p.id}/status`, { status: "in_progress" }],
      ["PUT", `/api/creator/projects/${p.id}/assets/${theirs}`, undefined],
      ["DELETE", `/api/creator/projects/${p.id}/assets/${mine}`, undefined],
      ["DELETE", `/api/creator/projects/${p.id}`, undefined],
    ] as const) {
      await expectProblem(await api(path, { method, headers: b.headers, ...(json ? { json } : {}) }), 404);
    }
    expect((await ok<{ total: number }>(await api("/api/creator/projects", { headers: b.headers }))).total).toBe(0);

    const move = (status: string) =>
      api(`/api/creator/projects/${p.id}/status`, { method: "POST", headers: a.headers, json: { status } });
    await expectProblem(await move("published"), 409);
    expect((await ok<ProjectView>(await move("in_progress"))).status).toBe("in_progress");
    expect((await ok<ProjectView>(await move("published"))).status).toBe("published");
    await expectProblem(await move("idea"), 409);
    const edited = await ok<ProjectView>(
      await api(`/api/creator/projects/${p.id}`, {
        method: "PATCH",
        headers: a.headers,
        json: { notes: "mastered", revenue_streams: [] },
      }),
    );
    expect(edited).toMatchObject({
      title: "Night Drive EP",
      notes: "mastered",
      monthly_revenue: {},
      status: "published",
    });
    expect(
      (
        await ok<{ total: number }>(
          await api("/api/creator/projects?status=published&type=music", { headers: a.headers }),
        )
      ).total,
    ).toBe(1);

    await ok(await api(`/api/creator/projects/${p.id}/assets/${mine}`, { method: "DELETE", headers: a.headers }), 204);
    await expectProblem(
      await api(`/api/creator/projects/${p.id}/assets/${mine}`, { method: "DELETE", headers: a.headers }),
      404,
    );
    await ok(await api(`/api/files/${mine}`, { headers: a.headers })); // the file itself stays
    await ok(await api(`/api/creator/projects/${p.id}`, { method: "DELETE", headers: a.headers }), 204);
    await expectProblem(await api(`/api/creator/projects/${p.id}`, { headers: a.headers }), 404);
  });
});
