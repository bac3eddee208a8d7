// Keyset paging by time (`?before=<opaque cursor>` of src/lib/time-cursor.ts): vault entries, device
// commands, agent runs, cognition workflows (created_at, id) and creator projects (updated_at, id),
// each walked to its end through the Link header while rows are added between pages. Rows are put
// on shared instants first: three on one microsecond, two on the microsecond before it (the same
// millisecond), so page boundaries fall inside ties. Every row that existed when the walk started
// comes exactly once, in the list's order, and none of the new ones; a cursor cut to the
// millisecond, or one without the id, loses rows here.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agentRuns, creativeProjects, deviceCommands, vaultEntries, workflows } from "../../src/db/schema/index.ts";
import { api } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { type Item, order, T1, tie, walkExactly } from "../helpers/keyset-time.ts";
import { ok } from "../helpers/keyset-walk.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

describe("keyset pages by time: vault entries", () => {
  let me: TestUser;
  const create = async () =>
    (
      await ok<{ id: string }>(
        await api("/api/vault/leos", { method: "POST", headers: me.headers, json: { idea: "x" } }),
        201,
      )
    ).id;

  beforeAll(async () => {
    me = await createUser();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await create());
    await tie(vaultEntries, vaultEntries.id, vaultEntries.createdAt, ids);
  });

  it("walks every entry once, ties included, while entries are recorded; the Link drops page", async () => {
    const expected = await order(vaultEntries, vaultEntries.id, vaultEntries.createdAt, vaultEntries.userId, me.id);
    const w = await walkExactly(
      "/api/vault/leos?per_page=2&page=1",
      me.headers,
      expected,
      create,
      "uuid",
      (b) => (b as { leos: Item[] }).leos,
    );
    expect(w.pages).toBe(4); // 2 + 2 + 2 + 1
    expect(w.links.every((l) => !/[?&]page=/.test(l))).toBe(true);
  });
});

describe("keyset pages by time: device commands", () => {
  it("walks every command once, ties included, while commands are queued; the total stays the device's", async () => {
    const me = await createUser();
    await ok(
      await api("/api/devices", {
        method: "POST",
        headers: me.headers,
        json: { device_id: "pi-keyset", name: "pi", kind: "raspberry_pi" },
      }),
      201,
    );
    const url = "/api/devices/pi-keyset/commands";
    const queue = async () =>
      (
        await ok<{ id: string }>(
          await api(url, {
            method: "POST",
            headers: me.headers,
            json: { action: "restart_service", target: "nginx", expires_in_seconds: 3600 },
          }),
          201,
        )
      ).id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await queue());
    await tie(deviceCommands, deviceCommands.id, deviceCommands.createdAt, ids);
    const [device] = await testDb()
      .select({ id: deviceCommands.deviceId })
      .from(deviceCommands)
      .where(eq(deviceCommands.id, ids[0]!));
    const expected = await order(
      deviceCommands,
      deviceCommands.id,
      deviceCommands.createdAt,
      deviceCommands.deviceId,
      device!.id,
    );
    const w = await walkExactly(
      `${url}?limit=2`,
      me.headers,
      expected,
      queue,
      "uuid",
      (b) => (b as { commands: Item[] }).commands,
    );
    const last = await ok<{ total: number }>(await api(w.links.at(-1)!, { headers: me.headers }));
    expect(last.total).toBe(7 + 3);
  });
});

describe("keyset pages by time: agent runs and cognition workflows", () => {
  it("my agent runs walk to their end, ties included, while runs start", async () => {
    const me = await createUser();
    const start = async () =>
      (
        await testDb()
          .insert(agentRuns)
          .values({ userId: me.id, agentName: "cece", agentVersion: 1, input: "x", status: "succeeded" })
          .returning({ id: agentRuns.id })
      )[0]!.id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await start());
    await tie(agentRuns, agentRuns.id, agentRuns.createdAt, ids);
    const expected = await order(agentRuns, agentRuns.id, agentRuns.createdAt, agentRuns.userId, me.id);
    await walkExactly("/api/agent-runs?limit=2", me.headers, expected, start, "uuid");
  });

  it("my workflows walk to their end, ties included, while workflows start", async () => {
    const me = await createUser();
    const start = async () =>
      (
        await testDb()
          .insert(workflows)
          .values({ id: randomUUID(), userId: me.id, kind: "sequential", status: "complete", input: { goal: "x" } })
          .returning({ id: workflows.id })
      )[0]!.id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await start());
    await tie(workflows, workflows.id, workflows.createdAt, ids);
    const expected = await order(workflows, workflows.id, workflows.createdAt, workflows.userId, me.id);
    await walkExactly("/api/cognition/workflows?limit=2", me.headers, expected, start, "uuid");
  });
});

describe("keyset pages by time: creator projects (last changed first)", () => {
  it("walks every project once, ties included, while projects are created and a walked one is edited", async () => {
    const me = await createUser();
    const create = async () =>
      String(
        (
          await ok<{ id: number }>(
            await api("/api/creator/projects", { method: "POST", headers: me.headers, json: { title: "p" } }),
            201,
          )
        ).id,
      );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await create());
    ids.sort((a, b) => Number(a) - Number(b));
    await tie(creativeProjects, creativeProjects.id, creativeProjects.updatedAt, ids);
    const expected = await order(
      creativeProjects,
      creativeProjects.id,
      creativeProjects.updatedAt,
      creativeProjects.userId,
      me.id,
    );
    let edits = 0;
    // Between pages: a new project, and an edit of the first project walked (it moves to the head,
    // behind the cursor: it must not come again). Each is a row the walk must not show twice.
    const w = await walkExactly(
      "/api/creator/projects?limit=2",
      me.headers,
      expected,
      async () => {
        if (edits++ === 0) {
          const res = await api(`/api/creator/projects/${expected[0]}`, {
            method: "PATCH",
            headers: me.headers,
            json: { notes: "edited" },
          });
          expect(res.status).toBe(200);
          await res.text();
        }
        return create();
      },
      "int",
      (b) => (b as { projects: Item[] }).projects,
    );
    expect(w.pages).toBe(4);
    // A fresh first page shows the edited and the new projects first.
    const head = await ok<{ projects: { id: number }[] }>(
      await api("/api/creator/projects?limit=4", { headers: me.headers }),
    );
    expect(head.projects.map((p) => String(p.id))).toContain(expected[0]);
  });
});

describe("keyset pages by time: a cursor this API did not hand out is a 422", () => {
  const bad = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const uuid = "0b1f6e5c-4d0a-4f59-9c1e-2b7f0a6d9e11";
  const cases = [
    "%%%",
    "bm90IGpzb24", // "not json"
    bad([T1]),
    bad([T1, 5]),
    bad(["2026-02-31T00:00:00.000000Z", uuid]), // no such day
    bad(["2026-01-02T03:04:05.123Z", uuid]), // milliseconds only
    bad(["2026-01-02 03:04:05.123456+00", uuid]),
    bad([T1, "not-a-uuid"]),
    "A".repeat(201),
  ];

  it.each([
    ["/api/vault/leos", "uuid"],
    ["/api/devices/pi-x/commands", "uuid"],
    ["/api/agent-runs", "uuid"],
    ["/api/cognition/workflows", "uuid"],
    ["/api/creator/projects", "int"],
  ])("%s", async (path, kind) => {
    const me = await createUser();
    const all = kind === "int" ? [...cases, bad([T1, uuid]), bad([T1, "0"]), bad([T1, "99999999999"])] : cases;
    for (const cursor of all) {
      const res = await api(`${path}?before=${encodeURIComponent(cursor)}`, { headers: me.headers });
      const text = await res.text();
      expect(res.status, `${cursor}: ${text}`).toBe(422);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    }
  });
});
