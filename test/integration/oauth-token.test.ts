/**
 * The OAuth2 token endpoint as a standard client uses it: openid-client (a certified OAuth 2 / OIDC
 * client, running here inside workerd with its fetch pointed at the Worker) gets tokens with the
 * password grant, refreshes them at the token endpoint, and reads RFC 6749 §5.2 errors for a wrong
 * password, a reused refresh token and an unsupported grant.
 */
import { exports } from "cloudflare:workers";
import * as client from "openid-client";
import { describe, expect, it } from "vitest";
import { api, BASE } from "../helpers/api.ts";
import { PASSWORD, register } from "../helpers/auth.ts";

function oauthClient() {
  const config = new client.Configuration(
    { issuer: BASE, token_endpoint: `${BASE}/api/auth/token` },
    "pocket-os",
    undefined,
    client.None(),
  );
  config[client.customFetch] = (url, options) => exports.default.fetch(new Request(url, options as RequestInit));
  return config;
}

async function refused(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(client.ResponseBodyError);
  return err as client.ResponseBodyError;
}

const form = (fields: Record<string, string>) =>
  api("/api/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

describe("POST /api/auth/token with openid-client", () => {
  it("password grant, then refresh at the token endpoint; the access token works", async () => {
    const { username } = await register();
    const config = oauthClient();
    const tokens = await client.genericGrantRequest(config, "password", { username, password: PASSWORD });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.refresh_token).toBeTruthy();
    const me = await api("/api/auth/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(((await me.json()) as { username: string }).username).toBe(username);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it("a wrong password is invalid_grant (400), not a problem", async () => {
    const { username } = await register();
    const err = await refused(
      client.genericGrantRequest(oauthClient(), "password", { username, password: "not-the-password-1" }),
    );
    expect(err.error).toBe("invalid_grant");
    expect(err.status).toBe(400);
  });

  it("a reused refresh token is invalid_grant (rotation: every refresh token works once)", async () => {
    const { username } = await register();
    const config = oauthClient();
    const tokens = await client.genericGrantRequest(config, "password", { username, password: PASSWORD });
    await client.refreshTokenGrant(config, tokens.refresh_token!);
    const err = await refused(client.refreshTokenGrant(config, tokens.refresh_token!));
    expect(err.error).toBe("invalid_grant");
    expect(err.status).toBe(400);
  });

  it("speaks RFC 6749 §5.2 on malformed and unsupported requests, always with Cache-Control: no-store", async () => {
    const unsupported = await form({ grant_type: "client_credentials" });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({ error: "unsupported_grant_type" });
    expect(unsupported.headers.get("Cache-Control")).toBe("no-store");

    for (const fields of [{ grant_type: "password", username: "x" }, { grant_type: "refresh_token" }, {}]) {
      const res = await form(fields as Record<string, string>);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_request" });
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    }
    const { username } = await register();
    const ok = await form({ grant_type: "password", username, password: PASSWORD, client_id: "anything", scope: "x" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Cache-Control")).toBe("no-store");
  });
});
