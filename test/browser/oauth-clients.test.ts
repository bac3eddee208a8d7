/**
 * The token endpoint with simple-oauth2, a Node OAuth2 client (its HTTP goes through Node's own
 * stack, so it runs against the real system over HTTP rather than inside workerd, where
 * test/integration/oauth-token.test.ts drives openid-client): the password grant, a refresh at the
 * token URL, and the RFC 6749 §5.2 errors a client library turns into its own error objects.
 */
import { ResourceOwnerPassword } from "simple-oauth2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "./system.ts";

let system: TestSystem;
beforeAll(async () => {
  system = await startSystem();
}, 240_000);
afterAll(() => system?.stop(), 30_000);

const PASSWORD = "simple-oauth2-password-9";

function oauth() {
  return new ResourceOwnerPassword({
    client: { id: "pocket-os", secret: "" },
    auth: { tokenHost: system.url, tokenPath: "/api/auth/token" },
    options: { authorizationMethod: "body" },
  });
}

async function registered(): Promise<string> {
  const username = `oauth${crypto.randomUUID().slice(0, 8)}`;
  const res = await fetch(`${system.url}/api/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }),
  });
  expect(res.status, await res.text()).toBe(201);
  return username;
}

/** What simple-oauth2 throws for an error answer: a Boom error carrying the status and the body. */
async function refusal(promise: Promise<unknown>) {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { output?: { statusCode: number }; data?: { payload?: { error?: string; error_description?: string } } };
  expect(err, "the client should have refused").toBeDefined();
  return { status: err.output?.statusCode, body: err.data?.payload };
}

describe("POST /api/auth/token with simple-oauth2", () => {
  it("password grant, a refresh at the token endpoint, and the new access token works", async () => {
    const username = await registered();
    const token = await oauth().getToken({ username, password: PASSWORD });
    expect(token.token.token_type).toBe("bearer");
    expect(token.expired()).toBe(false);

    const refreshed = await token.refresh();
    expect(refreshed.token.access_token).not.toBe(token.token.access_token);
    const me = await fetch(`${system.url}/api/auth/me`, {
      headers: { Authorization: `Bearer ${refreshed.token.access_token}` },
    });
    expect(((await me.json()) as { username: string }).username).toBe(username);
  });

  it("a wrong password is 400 invalid_grant, which the client reports", async () => {
    const username = await registered();
    const { status, body } = await refusal(oauth().getToken({ username, password: "not-the-password-1" }));
    expect(status).toBe(400);
    expect(body?.error).toBe("invalid_grant");
    expect(body?.error_description).toBeTruthy();
  });

  it("a refresh token used twice is refused the second time (reuse detection)", async () => {
    const username = await registered();
    const token = await oauth().getToken({ username, password: PASSWORD });
    await token.refresh();
    const { status, body } = await refusal(token.refresh());
    expect(status).toBe(400);
    expect(body?.error).toBe("invalid_grant");
  });
});
