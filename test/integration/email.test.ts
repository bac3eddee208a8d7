import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { createUser, createUsers } from "../helpers/users.ts";

type Email = {
  id: number;
  message_id: number;
  thread_id: number;
  in_reply_to: number | null;
  folder_id: number;
  folder: string;
  sender_email: string;
  sender_name: string | null;
  recipient_email: string | null;
  to: string[];
  cc: string[];
  bcc: string[] | null;
  subject: string;
  body: string;
  is_read: boolean;
  is_starred: boolean;
  is_draft: boolean;
  created_at: string;
  sent_at: string | null;
  read_at: string | null;
};
type Folder = {
  id: number;
  name: string;
  icon: string | null;
  folder_type: string;
  total_count: number;
  unread_count: number;
};

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const send = (headers: Record<string, string>, json: unknown) =>
  api("/api/email/send", { method: "POST", headers, json });

describe("RoadMail folders", () => {
  it("creates the five system folders on first use, with counts", async () => {
    const a = await createUser();
    const folders = await ok<Folder[]>(await api("/api/email/folders", { headers: a.headers }));
    expect(folders.map((f) => [f.name, f.folder_type, f.icon])).toEqual([
      ["Inbox", "inbox", "📥"],
      ["Sent", "sent", "📤"],
      ["Drafts", "drafts", "📝"],
      ["Spam", "spam", "🚫"],
      ["Trash", "trash", "🗑️"],
    ]);
    expect(folders.every((f) => f.total_count === 0 && f.unread_count === 0)).toBe(true);
    // Idempotent, also when asked concurrently.
    const again = await Promise.all(
      [1, 2, 3].map(() => api("/api/email/folders", { headers: a.headers }).then((r) => ok<Folder[]>(r))),
    );
    for (const list of again) expect(list.map((f) => f.id)).toEqual(folders.map((f) => f.id));
  });
});

describe("RoadMail send and read", () => {
  it("delivers to, cc and bcc; hides bcc from recipients; counts unread", async () => {
    const [a, b, c, d] = await createUsers(4);
    const mine = await ok<Email>(
      await send(a!.headers, { to: b!.email, cc: [c!.email], bcc: [d!.email], subject: "Hello", body: "World" }),
      201,
    );
    expect(mine).toMatchObject({
      folder: "sent",
      to: [b!.email],
      cc: [c!.email],
      bcc: [d!.email],
      is_read: true,
      is_draft: false,
    });
    expect(mine.sender_email).toBe(a!.email);
    expect(mine.recipient_email).toBe(b!.email);

    for (const [user, role] of [
      [b!, "to"],
      [c!, "cc"],
      [d!, "bcc"],
    ] as const) {
      const res = await api("/api/email/inbox", { headers: user.headers });
      const inbox = await ok<Email[]>(res);
      expect(inbox, role).toHaveLength(1);
      expect(res.headers.get("X-Unread-Count")).toBe("1");
      expect(res.headers.get("X-Total-Count")).toBe("1");
      expect(inbox[0]).toMatchObject({
        subject: "Hello",
        body: "World",
        is_read: false,
        bcc: null,
        message_id: mine.message_id,
      });
      expect(JSON.stringify(inbox[0])).not.toContain(d!.email === user.email ? "__never__" : d!.email);
    }

    const sent = await ok<Email[]>(await api("/api/email/sent", { headers: a!.headers }));
    expect(sent.map((e) => e.id)).toEqual([mine.id]);
  });

  it("opening marks read once and updates unread counts", async () => {
    const [a, b] = await createUsers(2);
    await ok(await send(a!.headers, { to: b!.email, subject: "s", body: "b" }), 201);
    const [copy] = await ok<Email[]>(await api("/api/email/inbox", { headers: b!.headers }));
    const opened = await ok<Email>(await api(`/api/email/${copy!.id}`, { headers: b!.headers }));
    expect(opened.is_read).toBe(true);
    expect(opened.read_at).not.toBeNull();
    const folders = await ok<Folder[]>(await api("/api/email/folders", { headers: b!.headers }));
    expect(folders.find((f) => f.folder_type === "inbox")).toMatchObject({ total_count: 1, unread_count: 0 });
  });

  it("unknown recipient → 404 naming the address, nothing written", async () => {
    const [a, b] = await createUsers(2);
    const p = await expectProblem(
      await send(a!.headers, { to: b!.email, cc: ["nobody-here@example.com"], subject: "s", body: "b" }),
      404,
    );
    expect(p.detail).toContain("nobody-here@example.com");
    expect(await ok<Email[]>(await api("/api/email/inbox", { headers: b!.headers }))).toEqual([]);
    expect(await ok<Email[]>(await api("/api/email/sent", { headers: a!.headers }))).toEqual([]);
  });
});
