import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Entry = {
  id: number;
  name: string;
  folder_id: number | null;
  language: string;
  content_type: string;
  editable: boolean;
  size: number;
  etag: string;
  version: number;
};
type Opened = Entry & { content: string };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3]);

async function upload(
  u: TestUser,
  name: string,
  body: string | Uint8Array,
  type: string,
  folderId?: number,
): Promise<Entry> {
  const form = new FormData();
  form.append("file", new File([body], name, { type }));
  return ok<Entry>(
    await api(`/api/files/upload${folderId ? `?folder_id=${folderId}` : ""}`, {
      method: "POST",
      headers: u.headers,
      body: form,
    }),
    201,
  );
}
const open = (u: TestUser, id: number) => api(`/api/vscode/files/${id}`, { headers: u.headers });
const save = (u: TestUser, id: number, content: string, ifMatch?: string) =>
  api(`/api/vscode/files/${id}`, {
    method: "PUT",
    headers: { ...u.headers, ...(ifMatch === undefined ? {} : { "If-Match": ifMatch }) },
    json: { content },
  });
const download = async (u: TestUser, id: number) =>
  (await api(`/api/files/${id}/download`, { headers: u.headers })).text();
const objectsOf = async (userId: number) => (await env.FILES.list({ prefix: `u/${userId}/` })).objects.length;

describe("Code editor: tree and open", () => {
  it("lists my tree with languages, opens text with its ETag, refuses binary and oversized files clearly, hides others' files", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const folder = await ok<{ id: number }>(
      await api("/api/files/folders", { method: "POST", headers: a.headers, json: { name: "src" } }),
      201,
    );
    const ts = await upload(a, "main.ts", "export const x = 1;\n", "text/plain", folder.id);
    const png = await upload(a, "logo.png", PNG, "image/png");
    const big = await upload(a, "big.txt", "x".repeat(600 * 1024), "text/plain");

    const tree = await ok<{ folders: { id: number; name: string }[]; files: Entry[]; truncated: boolean }>(
      await api("/api/vscode/tree", { headers: a.headers }),
    );
    expect(tree.folders.map((f) => f.name)).toEqual(["src"]);
    const byName = Object.fromEntries(tree.files.map((f) => [f.name, f]));
    expect(byName["main.ts"]).toMatchObject({
      id: ts.id,
      folder_id: folder.id,
      language: "typescript",
      editable: true,
    });
    expect(byName["logo.png"]).toMatchObject({ editable: false });
    expect(byName["big.txt"]).toMatchObject({ language: "plaintext", editable: false });
    expect((await ok<{ files: Entry[] }>(await api("/api/vscode/tree", { headers: b.headers }))).files).toEqual([]);

    const res = await open(a, ts.id);
    const opened = await ok<Opened>(res);
    expect(opened).toMatchObject({
      content: "export const x = 1;\n",
      language: "typescript",
      etag: ts.etag,
      version: 1,
    });
    expect(res.headers.get("ETag")).toBe(ts.etag);

    expect((await expectProblem(await open(a, png.id), 415)).detail).toMatch(/not text/);
    expect((await expectProblem(await open(a, big.id), 413)).detail).toMatch(/editor opens files up to/);
    await expectProblem(await open(b, ts.id), 404);
    const langs = await ok<{ extensions: Record<string, string> }>(
      await api("/api/vscode/languages", { headers: a.headers }),
    );
    expect(langs.extensions).toMatchObject({ ts: "typescript", py: "python", md: "markdown" });
  });
});

describe("Code editor: saving with optimistic concurrency", () => {
  it("saves a new version over the ETag I opened; a stale ETag is a 412 and nothing is overwritten or left behind", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const f = await upload(a, "notes.md", "# v1\n", "text/markdown");
    const v2 = await ok<Entry>(await save(a, f.id, "# v2\n", f.etag));
    expect(v2).toMatchObject({ id: f.id, version: 2, language: "markdown", content_type: "text/markdown" });
    expect(v2.etag).not.toBe(f.etag);
    expect(await download(a, f.id)).toBe("# v2\n");

    // Another tab still holds v1's ETag: refused, v2 stays.
    const p = await expectProblem(await save(a, f.id, "# stale\n", f.etag), 412);
    expect(p.detail).toMatch(/nothing was saved/);
    expect(await download(a, f.id)).toBe("# v2\n");
    expect((await ok<Opened>(await open(a, f.id))).version).toBe(2);
    expect(await objectsOf(a.id)).toBe(1); // the refused version's object was deleted

    await expectProblem(await save(a, f.id, "# no etag\n"), 428);
    await expectProblem(await save(b, f.id, "# b\n", v2.etag), 404);
    await expectProblem(await save(a, f.id, "nul \u0000 byte", v2.etag), 422);
    expect(await download(a, f.id)).toBe("# v2\n");
  });

  it("lets exactly one of two concurrent saves over the same version win", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const f = await upload(a, "race.txt", "base", "text/plain");
    const results = await Promise.all(["left", "right"].map((text) => save(a, f.id, text, f.etag)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results[0]!.status === 200 ? "left" : "right";
    expect(await download(a, f.id)).toBe(winner);
    expect(await objectsOf(a.id)).toBe(1);
  });

  it("refuses to save over a binary file and creates new text files", async () => {
    const [a] = (await createUsers(1)) as [TestUser];
    const png = await upload(a, "logo.png", PNG, "image/png");
    await expectProblem(await save(a, png.id, "text", png.etag), 415);
    const created = await ok<Entry>(
      await api("/api/vscode/files", {
        method: "POST",
        headers: a.headers,
        json: { name: "hello.py", content: "print('hi')\n" },
      }),
      201,
    );
    expect(created).toMatchObject({ name: "hello.py", language: "python", editable: true, version: 1 });
    expect((await ok<Opened>(await open(a, created.id))).content).toBe("print('hi')\n");
    await expectProblem(
      await api("/api/vscode/files", {
        method: "POST",
        headers: a.headers,
        json: { name: "x.txt", content: "é".repeat(300 * 1024) },
      }),
      413,
    );
    await expectProblem(
      await api("/api/vscode/files", { method: "POST", headers: a.headers, json: { name: "x.txt", user_id: 1 } }),
      422,
    );
  });
});
