import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../src/db/schema/index.ts";
import type { ComplianceEventView } from "../../src/services/compliance/events.ts";
import { csvCell } from "../../src/services/compliance/events.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { eventually, testDb } from "../helpers/auth.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Page = { events: ComplianceEventView[]; next_before: number | null };
async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe("compliance log", () => {
  it("shows a user their own audit events (logins, device tokens) with type filter and keyset pages; another user's only to an administrator", async () => {
    const [a, b, admin] = (await createUsers(3)) as [TestUser, TestUser, TestUser];
    await testDb().update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
    await api("/api/devices", { method: "POST", headers: a.headers, json: { device_id: "audit-pi", name: "Pi" } });
    await api("/api/devices/audit-pi/token", { method: "DELETE", headers: a.headers });

    const mine = await eventually(async () => {
      const p = await ok<Page>(await api("/api/compliance/events", { headers: a.headers }));
      expect(p.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(["device.token_revoked", "device.registered"]),
      );
      return p;
    });
    expect(mine.events.every((e) => e.user_id === a.id)).toBe(true);
    expect(mine.events.map((e) => e.type)).toContain("auth.login");
    const devices = await ok<Page>(await api("/api/compliance/events?type=device.", { headers: a.headers }));
    expect(devices.events.map((e) => e.type)).toEqual(["device.token_revoked", "device.registered"]);
    expect(devices.events[0]!.metadata).toEqual({ device_id: "audit-pi" });

    const first = await ok<Page>(await api("/api/compliance/events?limit=1", { headers: a.headers }));
    expect(first.next_before).toBe(first.events[0]!.id);
    const second = await ok<Page>(
      await api(`/api/compliance/events?limit=1&before=${first.next_before}`, { headers: a.headers }),
    );
    expect(second.events[0]!.id).toBeLessThan(first.events[0]!.id);

    await expectProblem(await api(`/api/compliance/events?user_id=${a.id}`, { headers: b.headers }), 403);
    await expectProblem(await api(`/api/compliance/events/export?user_id=${a.id}`, { headers: b.headers }), 403);
    const bs = await ok<Page>(await api("/api/compliance/events", { headers: b.headers }));
    expect(bs.events.every((e) => e.user_id === b.id)).toBe(true);
    const seenByAdmin = await ok<Page>(
      await api(`/api/compliance/events?user_id=${a.id}&type=device.`, { headers: admin.headers }),
    );
    expect(seenByAdmin.events.map((e) => e.id)).toEqual(devices.events.map((e) => e.id));
    const everyone = await ok<Page>(await api("/api/compliance/events?limit=200", { headers: admin.headers }));
    expect(new Set(everyone.events.map((e) => e.user_id)).size).toBeGreaterThan(1);

    const from = new Date(Date.now() + 60_000).toISOString();
    expect((await ok<Page>(await api(`/api/compliance/events?from=${from}`, { headers: a.headers }))).events).toEqual(
      [],
    );
    await expectProblem(await api("/api/compliance/events?from=yesterday", { headers: a.headers }), 422);
  });

  it("exports the filtered events as streamed CSV, formula-like cells neutralised", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    await api("/api/devices", { method: "POST", headers: a.headers, json: { device_id: "csv-pi", name: "Pi" } });
    const res = await eventually(async () => {
      const r = await api("/api/compliance/events/export?type=device.", { headers: a.headers });
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain("device.registered");
      return { r, text };
    });
    expect(res.r.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.r.headers.get("content-disposition")).toMatch(/^attachment; filename="compliance-events-/);
    const lines = res.text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,created_at,type,user_id,ip,user_agent,metadata");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,device.registered,${a.id},`);
    expect(lines[1]).toContain('"{""device_id"":""csv-pi""}"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("-1+1")).toBe("'-1+1");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(null)).toBe("");
  });
});
