import { and, eq, sql } from "drizzle-orm";
import { files, linkedAccounts, userProfiles, wallets } from "../../db/schema/index.ts";
import { type Database, isUniqueViolation } from "../../lib/db.ts";
import { ApiError, conflict, notFound, serviceUnavailable, unprocessable } from "../../lib/errors.ts";

/**
 * The Identity app: my profile (completeness from what is filled), my linked accounts, and which
 * kinds are linked. GitHub is linked only with a token that proves the account (its /user answer
 * names it; the token is used once and never stored); other providers are recorded unverified.
 */
export type ProfileInput = {
  displayName?: string | null;
  bio?: string | null;
  avatarFileId?: number | null;
  links?: Array<{ label: string; url: string }>;
  location?: string | null;
  pronouns?: string | null;
  timezone?: string | null;
};
type ProfileRow = typeof userProfiles.$inferSelect;

const EMPTY = (userId: number): ProfileRow => ({
  userId,
  displayName: null,
  bio: null,
  avatarFileId: null,
  links: [],
  location: null,
  pronouns: null,
  timezone: null,
  updatedAt: new Date(0),
});

/** Eight things make a complete profile; each filled one is 12.5 %. */
export function completeness(p: ProfileRow, verifiedLinks: number): number {
  const filled = [
    p.displayName,
    p.bio,
    p.avatarFileId,
    p.links.length ? 1 : null,
    p.location,
    p.pronouns,
    p.timezone,
    verifiedLinks ? 1 : null,
  ].filter((v) => v !== null && v !== "").length;
  return Math.round((filled / 8) * 100);
}

export async function getProfile(db: Database, userId: number) {
  const [[row], [links]] = await db.batch([
    db.select().from(userProfiles).where(eq(userProfiles.userId, userId)),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(linkedAccounts)
      .where(and(eq(linkedAccounts.userId, userId), eq(linkedAccounts.verified, true))),
  ]);
  const p = row ?? EMPTY(userId);
  return {
    display_name: p.displayName,
    bio: p.bio,
    avatar_file_id: p.avatarFileId,
    avatar_url: p.avatarFileId === null ? null : `/api/files/${p.avatarFileId}/download?disposition=inline`,
    links: p.links,
    location: p.location,
    pronouns: p.pronouns,
    timezone: p.timezone,
    completeness: completeness(p, links?.n ?? 0),
    updated_at: row ? p.updatedAt.toISOString() : null,
  };
}
export type ProfileView = Awaited<ReturnType<typeof getProfile>>;

/** Saves the given fields (others unchanged). The avatar must be an image of my own Files (404 / 422). */
export async function updateProfile(db: Database, userId: number, input: ProfileInput) {
  if (input.avatarFileId !== undefined && input.avatarFileId !== null) {
    const [f] = await db
      .select({ type: files.contentType })
      .from(files)
      .where(and(eq(files.id, input.avatarFileId), eq(files.userId, userId)));
    if (!f) throw notFound("File not found");
    if (!f.type.startsWith("image/"))
      throw unprocessable("The avatar must be an image", [{ path: "avatar_file_id", message: "not an image" }]);
  }
  const set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  await db
    .insert(userProfiles)
    .values({ userId, ...set })
    .onConflictDoUpdate({ target: userProfiles.userId, set: { ...set, updatedAt: sql`now()` } });
  return getProfile(db, userId);
}

export async function linked(db: Database, userId: number) {
  const [accounts, [wallet]] = await db.batch([
    db.select().from(linkedAccounts).where(eq(linkedAccounts.userId, userId)).orderBy(linkedAccounts.provider),
    db.select({ n: sql<number>`count(*)::int` }).from(wallets).where(eq(wallets.userId, userId)),
  ]);
  const has = (p: string) => accounts.some((a) => a.provider === p);
  return {
    github: has("github"),
    wallet: (wallet?.n ?? 0) > 0,
    discord: has("discord"),
    railway: has("railway"),
    accounts: accounts.map((a) => ({
      provider: a.provider,
      external_id: a.externalId,
      verified: a.verified,
      verified_at: a.verifiedAt?.toISOString() ?? null,
      linked_at: a.createdAt.toISOString(),
    })),
  };
}

async function upsertLink(db: Database, userId: number, provider: string, externalId: string, verified: boolean) {
  try {
    await db
      .insert(linkedAccounts)
      .values({ userId, provider, externalId, verified, verifiedAt: verified ? sql`now()` : null })
      .onConflictDoUpdate({
        target: [linkedAccounts.userId, linkedAccounts.provider],
        set: { externalId, verified, verifiedAt: verified ? sql`now()` : null, createdAt: sql`now()` },
      });
  } catch (err) {
    if (isUniqueViolation(err, "linked_accounts_verified_key"))
      throw conflict("That account is already linked to another user", "account-linked-elsewhere");
    throw err;
  }
  return linked(db, userId);
}

/** An unverified link (any provider but GitHub, which needs its proof). */
export const linkUnverified = (db: Database, userId: number, provider: string, externalId: string) =>
  upsertLink(db, userId, provider, externalId, false);

/** Links the GitHub account the token belongs to (verified), after asking GitHub who it is. */
export async function linkGithub(
  db: Database,
  userId: number,
  token: string,
  cfg: { apiUrl: string; timeoutMs: number },
) {
  let res: Response;
  try {
    res = await fetch(`${cfg.apiUrl.replace(/\/+$/, "")}/user`, {
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/vnd.github+json",
        "User-Agent": "blackroad-edge-api",
      },
      signal: AbortSignal.timeout(cfg.timeoutMs),
      redirect: "manual",
    });
  } catch {
    throw serviceUnavailable("GitHub cannot be reached right now; try again shortly", "github-unavailable");
  }
  if (res.status === 401 || res.status === 403)
    throw new ApiError(422, "github-token-refused", "GitHub refused that token: it proves no account", {
      errors: [{ path: "token", message: "refused by GitHub" }],
    });
  if (!res.ok) throw serviceUnavailable(`GitHub answered ${res.status}; try again shortly`, "github-unavailable");
  const body = (await res.json().catch(() => null)) as { login?: unknown } | null;
  if (typeof body?.login !== "string" || !/^[A-Za-z0-9-]{1,39}$/.test(body.login))
    throw serviceUnavailable("GitHub's answer named no account", "github-unavailable");
  return upsertLink(db, userId, "github", body.login, true);
}

export async function unlink(db: Database, userId: number, provider: string): Promise<void> {
  const removed = await db
    .delete(linkedAccounts)
    .where(and(eq(linkedAccounts.userId, userId), eq(linkedAccounts.provider, provider)))
    .returning({ p: linkedAccounts.provider });
  if (!removed.length) throw notFound("No account of that provider is linked");
}
