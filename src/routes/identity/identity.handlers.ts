import { serviceUnavailable } from "../../lib/errors.ts";
import { getAuth } from "../../middleware/auth.ts";
import * as identity from "../../services/identity/profile.ts";
import type { AppRouteHandler } from "../../types.ts";
import { auditLater } from "../request-kit.ts";
import type * as routes from "./identity.routes.ts";

export const getProfile: AppRouteHandler<typeof routes.getProfile> = async (c) =>
  c.json(await identity.getProfile(c.var.services.db, getAuth(c).userId), 200);

export const updateProfile: AppRouteHandler<typeof routes.updateProfile> = async (c) => {
  const b = c.req.valid("json");
  return c.json(
    await identity.updateProfile(c.var.services.db, getAuth(c).userId, {
      displayName: b.display_name,
      bio: b.bio,
      avatarFileId: b.avatar_file_id,
      links: b.links,
      location: b.location,
      pronouns: b.pronouns,
      timezone: b.timezone,
    }),
    200,
  );
};

export const getLinked: AppRouteHandler<typeof routes.getLinked> = async (c) =>
  c.json(await identity.linked(c.var.services.db, getAuth(c).userId), 200);

export const link: AppRouteHandler<typeof routes.link> = async (c) => {
  const b = c.req.valid("json");
  const out = await identity.linkUnverified(c.var.services.db, getAuth(c).userId, b.provider, b.external_id);
  auditLater(c, "identity.account_linked", { provider: b.provider, verified: false });
  return c.json(out, 200);
};

/** Only while the GitHub integration is configured (GITHUB_TOKEN): GitHub is then a service this deployment talks to. */
export const linkGithub: AppRouteHandler<typeof routes.linkGithub> = async (c) => {
  const { token } = c.req.valid("json");
  const cfg = c.var.config;
  if (!cfg.GITHUB_TOKEN)
    throw serviceUnavailable(
      "GitHub linking is not configured: set GITHUB_TOKEN (and GITHUB_API_URL for GitHub Enterprise)",
      "github-not-configured",
    );
  const out = await identity.linkGithub(c.var.services.db, getAuth(c).userId, token, {
    apiUrl: cfg.GITHUB_API_URL,
    timeoutMs: cfg.INTEGRATIONS_TIMEOUT_MS,
  });
  auditLater(c, "identity.account_linked", { provider: "github", verified: true });
  return c.json(out, 200);
};

export const unlink: AppRouteHandler<typeof routes.unlink> = async (c) => {
  const { provider } = c.req.valid("param");
  await identity.unlink(c.var.services.db, getAuth(c).userId, provider);
  auditLater(c, "identity.account_unlinked", { provider });
  return c.body(null, 204);
};
