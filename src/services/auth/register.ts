import { sql } from "drizzle-orm";
import { users, wallets } from "../../db/schema/index.ts";
import { generateWallet } from "../../lib/crypto/wallet-keys.ts";
import { isUniqueViolation } from "../../lib/db.ts";
import { conflict } from "../../lib/errors.ts";
import { hashPassword } from "../../lib/password.ts";
import { recordEventLater } from "../audit.ts";
import type { AuthDeps } from "./types.ts";
import { toUserView, type UserView } from "./users.ts";

/** Every new account starts with this many coins in its primary wallet (the original's bonus). */
export const STARTING_BALANCE = "100.00000000";

export type RegisterInput = {
  username: string;
  email: string;
  /** Already checked against the password policy by the route schema. */
  password: string;
  full_name?: string | null;
};

const taken = () => conflict("Username or email already registered", "account-exists");

/**
 * Creates the user and their primary RoadChain wallet in one atomic batch: both rows or neither.
 * A taken username or email is a 409 that does not say which.
 */
export async function registerUser(deps: AuthDeps, input: RegisterInput): Promise<UserView> {
  const { db, config } = deps;
  const username = input.username;
  const email = input.email;

  // A taken username or email must cost what a new account costs (issue 14 §4): answering the
  // 409 before hashing told an enumerator "taken" in ~10 ms against ~350 ms. So the bcrypt hash and
  // the wallet are always made, alongside the duplicate check; the unique indexes remain the real
  // guarantee (two concurrent sign-ups with one name still get one 409).
  const [existing, hashedPassword, wallet] = await Promise.all([
    db
      .select({ id: users.id })
      .from(users)
      .where(
        sql`lower(${users.username}) = ${username.toLowerCase()} or lower(${users.email}) = ${email.toLowerCase()}`,
      )
      .limit(1),
    hashPassword(input.password, config.BCRYPT_ROUNDS),
    generateWallet(config.WALLET_MASTER_KEY),
  ]);
  if (existing.length) throw taken();

  let created;
  try {
    const [userRows, walletRows] = await db.batch([
      db
        .insert(users)
        .values({ username, email, hashedPassword, fullName: input.full_name ?? null })
        .returning(),
      db
        .insert(wallets)
        .values({
          // The user row inserted by the previous statement of this same transaction.
          userId: sql`(select ${users.id} from ${users} where lower(${users.username}) = ${username.toLowerCase()})`,
          address: wallet.address,
          publicKey: wallet.publicKey,
          encryptedPrivateKey: wallet.encryptedPrivateKey,
          balance: STARTING_BALANCE,
          label: "Primary Wallet",
          isPrimary: true,
        })
        .returning({ address: wallets.address, balance: wallets.balance }),
    ]);
    const user = userRows[0]!;
    const primary = walletRows[0]!;
    created = toUserView({ ...user, walletAddress: primary.address, balance: primary.balance });
  } catch (err) {
    if (isUniqueViolation(err, "users_username_lower_key") || isUniqueViolation(err, "users_email_lower_key"))
      throw taken();
    throw err;
  }

  recordEventLater(db, { type: "auth.register", userId: created.id, ...deps.client }, deps.waitUntil);
  return created;
}
