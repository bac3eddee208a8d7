import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signShare, verifyShare } from "../../src/services/files/shares.ts";
import { type PendingRow, storeFile } from "../../src/services/files/storage.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import { testDb } from "../helpers/auth.ts";
import { createUser, createUsers, type TestUser } from "../helpers/users.ts";

type FileJson = {
  id: number;
  name: string;
  folder_id: number | null;
  content_type: string;
  size: number;
  etag: string;
  version: number;
  is_public: boolean;
};
type Folder = { id: number; name: string; parent_id: number | null };

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3]);

function form(name: string, body: string | Uint8Array, type?: string): FormData {
  const f = new FormData();
  f.append("file", new File([body], name, type ? { type } : {}));
  return f;
}

const upload = (u: TestUser, name: string, body: string | Uint8Array, type?: string, query = "") =>
  api(`/api/files/upload${query}`, { method: "POST", headers: u.headers, body: form(name, body, type) });

async function objectsOf(userId: number): Promise<string[]> {
  const listed = await env.FILES.list({ prefix: `u/${userId}/` });
  return listed.objects.map((o) => o.key);
}

describe("Files: upload and download", () => {
  it("stores a multipart upload in R2 and serves it with type, disposition, ETag, Range and conditionals", async () => {
    const a = await createUser();
    const f = await ok<FileJson>(await upload(a, "../../notes/Read me.txt", "hello, files\n", "text/plain"), 201);
    expect(f).toMatchObject({
      name: "Read me.txt",
      content_type: "text/plain",
      size: 13,
      version: 1,
      is_public: false,
      folder_id: null,
    });
    expect(await objectsOf(a.id)).toHaveLength(1);

    const res = await api(`/api/files/${f.id}/download`, { headers: a.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="Read me.txt"; filename*=UTF-8''Read%20me.txt`,
    );
    expect(res.headers.get("etag")).toBe(f.etag);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(await res.text()).toBe("hello, files\n");

    const part = await api(`/api/files/${f.id}/download`, { headers: { ...a.headers, Range: "bytes=7-11" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 7-11/13");
    expect(await part.text()).toBe("files");
    const tail = await api(`/api/files/${f.id}/download`, { headers: { ...a.headers, Range: "bytes=-6" } });
    expect(await tail.text()).toBe("files\n");
    const stale = await api(`/api/files/${f.id}/download`, {
      headers: { ...a.headers, Range: "bytes=0-4", "If-Range": '"other"' },
    });
    expect(stale.status).toBe(200);
    await stale.body?.cancel();
    const bad = await api(`/api/files/${f.id}/download`, { headers: { ...a.headers, Range: "bytes=100-" } });
    await expectProblem(bad, 416);
    expect(bad.headers.get("content-range")).toBe("bytes */13");

    const same = await api(`/api/files/${f.id}/download`, { headers: { ...a.headers, "If-None-Match": f.etag } });
    expect(same.status).toBe(304);
    const since = await api(`/api/files/${f.id}/download`, {
      headers: { ...a.headers, "If-Modified-Since": new Date(Date.now() + 60_000).toUTCString() },
    });
    expect(since.status).toBe(304);
    await expectProblem(
      await api(`/api/files/${f.id}/download`, { headers: { ...a.headers, "If-Match": '"nope"' } }),
      412,
    );
  });

  it("streams a raw PUT, needs Content-Length, and checks the declared type against the bytes", async () => {
    const a = await createUser();
    const big = new Uint8Array(300_000).fill(97);
    const f = await ok<FileJson>(
      await api("/api/files/stream?name=big.txt", {
        method: "PUT",
        headers: { ...a.headers, "Content-Type": "text/plain", "Content-Length": String(big.length) },
        body: big,
      }),
      201,
    );
    expect(f).toMatchObject({ size: 300_000, content_type: "text/plain" });
    expect((await (await api(`/api/files/${f.id}/download`, { headers: a.headers })).arrayBuffer()).byteLength).toBe(
      300_000,
    );

    const png = await ok<FileJson>(
      await api("/api/files/stream?name=pic.png", {
        method: "PUT",
        headers: { ...a.headers, "Content-Type": "image/png" },
        body: PNG,
      }),
      201,
    );
    expect(png.content_type).toBe("image/png");

    const before = await objectsOf(a.id);
    await expectProblem(
      await api("/api/files/stream?name=fake.png", {
        method: "PUT",
        headers: { ...a.headers, "Content-Type": "image/png" },
        body: "not a png",
      }),
      415,
    );
    await expectProblem(await upload(a, "fake.png", "plain text pretending"), 415);
    await expectProblem(await upload(a, "data.txt", new Uint8Array([0, 1, 2, 255]), "text/plain"), 415);
    const chunked = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("x")), c.close()) });
    await expectProblem(
      await api("/api/files/stream?name=x.txt", {
        method: "PUT",
        headers: a.headers,
        body: chunked,
        duplex: "half",
      } as RequestInit),
      411,
    );
    expect(await objectsOf(a.id)).toEqual(before);
  });

  it("never shows, serves, changes or deletes another user's private file (404)", async () => {
    const [a, b] = await createUsers(2);
    const f = await ok<FileJson>(await upload(a!, "secret.txt", "mine"), 201);
    for (const [path, init] of [
      [`/api/files/${f.id}`, {}],
      [`/api/files/${f.id}/download`, {}],
      [`/api/files/${f.id}`, { method: "PATCH", json: { name: "x.txt" } }],
      [`/api/files/${f.id}`, { method: "DELETE" }],
      [`/api/files/${f.id}/shares`, { method: "POST", json: {} }],
      [`/api/files/${f.id}/content`, { method: "PUT", body: "overwrite", headers: { "Content-Type": "text/plain" } }],
    ] as const) {
      const init2 = init as { headers?: Record<string, string> };
      await expectProblem(await api(path, { ...init, headers: { ...init2.headers, ...b!.headers } }), 404);
    }
    await expectProblem(await api(`/api/files/${f.id}/download`), 404);
    expect(await (await api(`/api/files/${f.id}/download`, { headers: a!.headers })).text()).toBe("mine");

    await ok(await api(`/api/files/${f.id}`, { method: "PATCH", headers: a!.headers, json: { is_public: true } }));
    expect(await (await api(`/api/files/${f.id}/download`)).text()).toBe("mine");
    const listed = await ok<Array<FileJson & { owner: string }>>(await api("/api/files/public?limit=100"));
    expect(listed.find((x) => x.id === f.id)?.owner).toBe(a!.username);
  });
});

describe("Files: limits and consistency between R2 and Postgres", () => {
  it("refuses a file over the per-file limit and past the quota with 413, storing nothing", async () => {
    const a = await createUser();
    const big = "x".repeat(2000);
    await expectProblem(
      await fetchWith({ FILES_MAX_FILE_BYTES: "1000" }, "/api/files/upload", {
        method: "POST",
        headers: a.headers,
        body: form("a.txt", big),
      }),
      413,
    );
    await expectProblem(
      await fetchWith({ FILES_MAX_FILE_BYTES: "1000" }, "/api/files/stream?name=a.txt", {
        method: "PUT",
        headers: { ...a.headers, "Content-Type": "text/plain", "Content-Length": "2000" },
        body: big,
      }),
      413,
    );
    await ok(
      await fetchWith({ FILES_QUOTA_BYTES: "3000" }, "/api/files/upload", {
        method: "POST",
        headers: a.headers,
        body: form("a.txt", big),
      }),
      201,
    );
    await expectProblem(
      await fetchWith({ FILES_QUOTA_BYTES: "3000" }, "/api/files/upload", {
        method: "POST",
        headers: a.headers,
        body: form("b.txt", big),
      }),
      413,
    );
    expect(await objectsOf(a.id)).toHaveLength(1);
  });

  it("concurrent uploads cannot overrun the quota: the losers' objects are deleted", async () => {
    const a = await createUser();
    const body = "y".repeat(1500);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        fetchWith({ FILES_QUOTA_BYTES: "2000" }, `/api/files/stream?name=r${i}.txt`, {
          method: "PUT",
          headers: { ...a.headers, "Content-Type": "text/plain", "Content-Length": "1500" },
          body,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 413)).toHaveLength(3);
    const tree = await ok<{ files: FileJson[] }>(await api("/api/files/tree", { headers: a.headers }));
    expect(tree.files).toHaveLength(1);
    expect(await objectsOf(a.id)).toHaveLength(1);
  });

  it("deletes the new object when the row write fails after it (injected failure between the two writes)", async () => {
    const a = await createUser();
    const db = testDb();
    let written: PendingRow | undefined;
    const failing = storeFile(
      {
        db,
        bucket: env.FILES,
        limits: { maxFileBytes: 1e6, quotaBytes: 1e9 },
        writeRow: async (_db, row) => {
          written = row;
          expect(await env.FILES.head(row.storageKey)).not.toBeNull(); // the object is there, the row is next
          throw new Error("injected: database write failed");
        },
      },
      { userId: a.id, folderId: null, name: "doomed.txt", body: { bytes: new TextEncoder().encode("doomed") } },
    );
    await expect(failing).rejects.toThrow("injected");
    expect(written).toBeDefined();
    expect(await env.FILES.head(written!.storageKey)).toBeNull();
    expect(await objectsOf(a.id)).toEqual([]);
    const tree = await ok<{ files: FileJson[] }>(await api("/api/files/tree", { headers: a.headers }));
    expect(tree.files).toEqual([]);
  });

  it("R2 failing around a committed save: the save stands; R2 failing to store: 503, nothing written", async () => {
    const a = await createUser();
    const f = await ok<FileJson>(await upload(a, "notes.txt", "v1"), 201);
    const deps = (bucket: R2Bucket) => ({ db: testDb(), bucket, limits: { maxFileBytes: 1e6, quotaBytes: 1e9 } });
    const input = (text: string) => ({
      userId: a.id,
      folderId: null,
      name: "notes.txt",
      body: { bytes: new TextEncoder().encode(text) },
      replace: { id: f.id },
    });
    // The old version's object cannot be removed after the new row is committed: the answer is the new version.
    const noDelete = new Proxy(env.FILES, {
      get: (t, k) =>
        k === "delete" ? () => Promise.reject(new Error("injected: R2 delete failed")) : Reflect.get(t, k).bind(t),
    });
    const v2 = await storeFile(deps(noDelete), input("v2"));
    expect(v2.version).toBe(2);
    expect(await (await api(`/api/files/${f.id}/download`, { headers: a.headers })).text()).toBe("v2");
    // R2 refuses the new object: a retryable 503 problem, the row still at v2.
    const noPut = new Proxy(env.FILES, {
      get: (t, k) =>
        k === "put" ? () => Promise.reject(new Error("injected: R2 put failed")) : Reflect.get(t, k).bind(t),
    });
    await expect(storeFile(deps(noPut), input("v3"))).rejects.toMatchObject({
      status: 503,
      code: "storage-unavailable",
    });
    expect(await ok<FileJson>(await api(`/api/files/${f.id}`, { headers: a.headers }))).toMatchObject({
      version: 2,
      size: 2,
    });
  });

  it("a new version replaces the object only with the right If-Match (412 otherwise, nothing overwritten)", async () => {
    const a = await createUser();
    const f = await ok<FileJson>(await upload(a, "doc.md", "# v1\n"), 201);
    const put = (body: string, etag?: string) =>
      api(`/api/files/${f.id}/content`, {
        method: "PUT",
        headers: { ...a.headers, "Content-Type": "text/markdown", ...(etag ? { "If-Match": etag } : {}) },
        body,
      });
    const v2 = await ok<FileJson>(await put("# v2\n", f.etag));
    expect(v2.version).toBe(2);
    expect(v2.etag).not.toBe(f.etag);
    await expectProblem(await put("# lost update\n", f.etag), 412);
    expect(await (await api(`/api/files/${f.id}/download`, { headers: a.headers })).text()).toBe("# v2\n");
    expect(await objectsOf(a.id)).toHaveLength(1); // v1's object went with its row's update
  });
});

describe("Files: folders", () => {
  it("keeps a tree: create, nest, rename, move (never into itself), delete empty or recursively", async () => {
    const a = await createUser();
    const post = (json: Record<string, unknown>) =>
      api("/api/files/folders", { method: "POST", headers: a.headers, json });
    const docs = await ok<Folder>(await post({ name: "Docs" }), 201);
    const sub = await ok<Folder>(await post({ name: "Sub", parent_id: docs.id }), 201);
    await expectProblem(await post({ name: "docs" }), 409);
    await expectProblem(await post({ name: "X", parent_id: 2147483000 }), 404);
    await expectProblem(
      await api(`/api/files/folders/${docs.id}`, { method: "PATCH", headers: a.headers, json: { parent_id: sub.id } }),
      422,
    );
    await expectProblem(
      await api(`/api/files/folders/${docs.id}`, { method: "PATCH", headers: a.headers, json: { parent_id: docs.id } }),
      422,
    );
    const renamed = await ok<Folder>(
      await api(`/api/files/folders/${sub.id}`, {
        method: "PATCH",
        headers: a.headers,
        json: { name: "Inner", parent_id: null },
      }),
    );
    expect(renamed).toMatchObject({ name: "Inner", parent_id: null });
    await ok(
      await api(`/api/files/folders/${sub.id}`, { method: "PATCH", headers: a.headers, json: { parent_id: docs.id } }),
    );

    await ok(await upload(a, "a.txt", "a", undefined, `?folder_id=${sub.id}`), 201);
    const listed = await ok<FileJson[]>(await api(`/api/files?folder_id=${sub.id}`, { headers: a.headers }));
    expect(listed.map((f) => f.name)).toEqual(["a.txt"]);
    expect(
      await ok<Folder[]>(await api(`/api/files/folders?parent_id=${docs.id}`, { headers: a.headers })),
    ).toHaveLength(1);

    const b = await createUser();
    await expectProblem(await upload(b, "b.txt", "b", undefined, `?folder_id=${docs.id}`), 404);
    await expectProblem(await api(`/api/files/folders/${docs.id}`, { method: "DELETE", headers: b.headers }), 404);

    await expectProblem(await api(`/api/files/folders/${docs.id}`, { method: "DELETE", headers: a.headers }), 409);
    expect(await objectsOf(a.id)).toHaveLength(1);
    const gone = await ok<{ deleted_files: number }>(
      await api(`/api/files/folders/${docs.id}?recursive=true`, { method: "DELETE", headers: a.headers }),
    );
    expect(gone.deleted_files).toBe(1);
    expect(await objectsOf(a.id)).toEqual([]);
    expect((await ok<{ folders: Folder[] }>(await api("/api/files/tree", { headers: a.headers }))).folders).toEqual([]);
  });
});

describe("Files: share links", () => {
  it("opens the one file without sign-in until revoked; forged or altered tokens open nothing", async () => {
    const a = await createUser();
    const f = await ok<FileJson>(await upload(a, "shared.txt", "for you"), 201);
    const share = await ok<{ id: string; token: string; url: string; expires_at: string }>(
      await api(`/api/files/${f.id}/shares`, {
        method: "POST",
        headers: a.headers,
        json: { expires_in_seconds: 3600 },
      }),
      201,
    );
    expect(share.url).toContain(`/api/files/shared/${share.token}`);
    expect(await (await api(`/api/files/shared/${share.token}`)).text()).toBe("for you");

    const [id, exp, mac] = share.token.split(".");
    await expectProblem(await api(`/api/files/shared/${id}.${Number(exp) + 86400}.${mac}`), 404);
    await expectProblem(await api(`/api/files/shared/${id}.${exp}.${mac!.slice(0, -2)}AA`), 404);
    await expectProblem(await api(`/api/files/shared/garbage`), 404);

    const listed = await ok<Array<{ id: string; revoked: boolean }>>(
      await api(`/api/files/${f.id}/shares`, { headers: a.headers }),
    );
    expect(listed).toEqual([expect.objectContaining({ id: share.id, revoked: false })]);
    await ok(await api(`/api/files/${f.id}/shares/${share.id}`, { method: "DELETE", headers: a.headers }), 204);
    await expectProblem(await api(`/api/files/shared/${share.token}`), 404);
  });

  it("a token past its expiry does not verify, even with a valid signature", async () => {
    const secret = "s".repeat(40);
    const id = crypto.randomUUID();
    const token = await signShare(secret, id, new Date(Date.now() + 60_000));
    expect(await verifyShare(secret, token)).toBe(id);
    expect(await verifyShare(secret, token, Date.now() + 120_000)).toBeUndefined();
    expect(await verifyShare("t".repeat(40), token)).toBeUndefined();
  });
});
