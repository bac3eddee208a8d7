import { and, eq, sql } from "drizzle-orm";
import { users, wallets } from "../../db/schema/index.ts";
import type { Database } from "../../lib/db.ts";

/**
 * The public view of a user (original field names). Never a password hash, a key or the admin
 * flag; `/api/auth/me` alone adds `is_admin`, so the Prism console knows whether to offer its admin
 * screens (every admin route still checks the flag in the database itself).
 */
export type UserView = {
  id: number;
  username: string;
  email: string;
  full_name: string | null;
  avatar_url: string | null;
  bio: string | null;
  is_active: boolean;
  is_verified: boolean;
  /** Address of the primary RoadChain wallet. */
  wallet_address: string | null;
  /** Primary wallet balance, an exact decimal string with 8 places ("100.00000000"). */
  balance: string;
  created_at: string;
};

const userViewColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  fullName: users.fullName,
  avatarUrl: users.avatarUrl,
  bio: users.bio,
  isActive: users.isActive,
  isVerified: users.isVerified,
  isAdmin: users.isAdmin,
  createdAt: users.createdAt,
  walletAddress: wallets.address,
  balance: wallets.balance,
};

type UserViewRow = {
  id: number;
  username: string;
  email: string;
  fullName: string | null;
  avatarUrl: string | null;
  bio: string | null;
  isActive: boolean;
  isVerified: boolean;
  createdAt: Date;
  walletAddress: string | null;
  balance: string | null;
};

export function toUserView(row: UserViewRow): UserView {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    full_name: row.fullName,
    avatar_url: row.avatarUrl,
    bio: row.bio,
    is_active: row.isActive,
    is_verified: row.isVerified,
    wallet_address: row.walletAddress,
    balance: row.balance ?? "0.00000000",
    created_at: row.createdAt.toISOString(),
  };
}

/** The user with their primary wallet, or undefined. */
export async function findUserView(
  db: Database,
  userId: number,
): Promise<(UserView & { is_admin: boolean }) | undefined> {
  const byId = db.prepared("user-view-by-id", (http) =>
    http
      .select(userViewColumns)
      .from(users)
      .leftJoin(wallets, and(eq(wallets.userId, users.id), eq(wallets.isPrimary, true)))
      .where(eq(users.id, sql.placeholder("userId")))
      .limit(1)
      .prepare("user_view_by_id"),
  );
  const [row] = await byId.execute({ userId });
  return row ? { ...toUserView(row), is_admin: row.isAdmin } : undefined;
}

/** Login identifiers: an email if it has an `@` (usernames cannot), else a username; both case-insensitive. */
export function identifierCondition(identifier: string) {
  const value = identifier.trim().toLowerCase();
  return value.includes("@") ? sql`lower(${users.email}) = ${value}` : sql`lower(${users.username}) = ${value}`;
}

/**
 * Whether the user is an active administrator. Roles are never in the token, so this is read on
 * every admin request (one primary-key lookup): revoking admin rights takes effect at once.
 */
export async function isActiveAdmin(db: Database, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ isAdmin: users.isAdmin, isActive: users.isActive })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.isAdmin === true && row.isActive;
}
