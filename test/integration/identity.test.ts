import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfileView } from "../../src/services/identity/profile.ts";
import { api, expectProblem, fetchWith } from "../helpers/api.ts";
import { CONFIGURED, type FakeUpstreams, installFakeUpstreams } from "../helpers/fake-upstream.ts";
import { createUsers, type TestUser } from "../helpers/users.ts";

type Linked = {
  github: boolean;
  wallet: boolean;
  discord: boolean;
  accounts: Array<{ provider: string; external_id: string; verified: boolean }>;
};
async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}
async function upload(
  u: TestUser,
  name: string,
  type: string,
  bytes: string | Uint8Array<ArrayBuffer>,
): Promise<number> {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type }));
  return (
    await ok<{ id: number }>(await api("/api/files/upload", { method: "POST", headers: u.headers, body: form }), 201)
  ).id;
}
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
  0, 0, 0x1f, 0x15, 0xc4, 0x89,
]);

let fake: FakeUpstreams;
beforeAll(() => void (fake = installFakeUpstreams()));
afterAll(() => fake.uninstall());

describe("identity", () => {
  it("keeps my profile with a completeness computed from what is filled; the avatar is an image of my own Files", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const empty = await ok<ProfileView>(await api("/api/identity/profile", { headers: a.headers }));
    expect(empty).toMatchObject({ display_name: null, links: [], completeness: 0, updated_at: null });
    const p = await ok<ProfileView>(
      await api("/api/identity/profile", {
        method: "PUT",
        headers: a.headers,
        json: { display_name: "Alexa", bio: "Builds roads", location: "Berlin" },
      }),
    );
    expect(p).toMatchObject({ display_name: "Alexa", completeness: 38 });
    const more = await ok<ProfileView>(
      await api("/api/identity/profile", {
        method: "PUT",
        headers: a.headers,
        json: {
          links: [{ label: "Site", url: "https://example.com" }],
          timezone: "Europe/Berlin",
          pronouns: "she/her",
        },
      }),
    );
    expect(more).toMatchObject({ display_name: "Alexa", completeness: 75 });

    const image = await upload(a, "me.png", "image/png", PNG);
    const text = await upload(a, "notes.txt", "text/plain", "hello");
    const theirs = await upload(b, "them.png", "image/png", PNG);
    await expectProblem(
      await api("/api/identity/profile", { method: "PUT", headers: a.headers, json: { avatar_file_id: theirs } }),
      404,
    );
    await expectProblem(
      await api("/api/identity/profile", { method: "PUT", headers: a.headers, json: { avatar_file_id: text } }),
      422,
    );
    const withAvatar = await ok<ProfileView>(
      await api("/api/identity/profile", { method: "PUT", headers: a.headers, json: { avatar_file_id: image } }),
    );
    expect(withAvatar).toMatchObject({
      avatar_file_id: image,
      avatar_url: `/api/files/${image}/download?disposition=inline`,
      completeness: 88,
    });
    for (const bad of [
      { links: [{ label: "x", url: "javascript:alert(1)" }] },
      { links: [{ label: "x", url: "http://example.com" }] },
      { timezone: "../etc" },
      { display_name: "a\u0000b" },
      { user_id: 1 },
    ]) {
      await expectProblem(await api("/api/identity/profile", { method: "PUT", headers: a.headers, json: bad }), 422);
    }
    // B's profile is B's.
    expect((await ok<ProfileView>(await api("/api/identity/profile", { headers: b.headers }))).completeness).toBe(0);
    const cleared = await ok<ProfileView>(
      await api("/api/identity/profile", { method: "PUT", headers: a.headers, json: { bio: null } }),
    );
    expect(cleared).toMatchObject({ bio: null, display_name: "Alexa", completeness: 75 });
  });

  it("links GitHub only with a token GitHub says belongs to the account (verified, one user per account); others unverified", async () => {
    const [a, b] = (await createUsers(2)) as [TestUser, TestUser];
    const login = `octo${Date.now().toString(36)}`;
    fake.on("GET github/user", (call) =>
      call.headers.get("authorization") === "Bearer gho_good"
        ? Response.json({ login, id: 1 })
        : Response.json({ message: "Bad credentials" }, { status: 401 }),
    );
    const linkGithub = (u: TestUser, token: string) =>
      fetchWith(CONFIGURED, "/api/identity/linked/github", { method: "POST", headers: u.headers, json: { token } });

    // Without the GitHub integration configured: the documented 503, and no request leaves.
    const before = fake.calls.length;
    const off = await expectProblem(
      await api("/api/identity/linked/github", { method: "POST", headers: a.headers, json: { token: "gho_good" } }),
      503,
    );
    expect(off.type).toMatch(/github-not-configured$/);
    expect(fake.calls.length).toBe(before);

    await expectProblem(await linkGithub(a, "gho_bad"), 422);
    const linked = await ok<Linked>(await linkGithub(a, "gho_good"));
    expect(linked.github).toBe(true);
    expect(linked.accounts).toEqual([
      expect.objectContaining({ provider: "github", external_id: login, verified: true }),
    ]);
    expect(fake.calls.at(-1)!.url.pathname).toBe("/user");
    await expectProblem(await linkGithub(b, "gho_good"), 409); // the same account for another user
    expect((await ok<ProfileView>(await api("/api/identity/profile", { headers: a.headers }))).completeness).toBe(13);

    // A provider without proof: recorded unverified, and GitHub cannot be claimed that way.
    const site = await ok<Linked>(
      await api("/api/identity/linked", {
        method: "POST",
        headers: b.headers,
        json: { provider: "discord", external_id: login },
      }),
    );
    expect(site).toMatchObject({ discord: true, github: false, wallet: true });
    expect(site.accounts[0]!.verified).toBe(false);
    await expectProblem(
      await api("/api/identity/linked", {
        method: "POST",
        headers: b.headers,
        json: { provider: "github", external_id: login },
      }),
      422,
    );
    await ok(await api("/api/identity/linked/discord", { method: "DELETE", headers: b.headers }), 204);
    await expectProblem(await api("/api/identity/linked/discord", { method: "DELETE", headers: b.headers }), 404);
    expect((await ok<Linked>(await api("/api/identity/linked", { headers: a.headers }))).github).toBe(true);
  });
});
