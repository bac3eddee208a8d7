import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    username: varchar("username", { length: 50 }).notNull(),
    email: varchar("email", { length: 255 }).notNull(),
    hashedPassword: varchar("hashed_password", { length: 255 }).notNull(),
    fullName: varchar("full_name", { length: 255 }),
    avatarUrl: varchar("avatar_url", { length: 500 }),
    bio: varchar("bio", { length: 500 }),
    isActive: boolean("is_active").notNull().default(true),
    isVerified: boolean("is_verified").notNull().default(false),
    isAdmin: boolean("is_admin").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastLogin: timestamp("last_login", { withTimezone: true }),
  },
  (t) => [
    // Usernames and emails are unique regardless of case: "Alice" and "alice" are one account.
    uniqueIndex("users_username_lower_key").on(sql`lower(${t.username})`),
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    index("users_created_at_idx").on(t.createdAt),
  ],
);

export const wallets = pgTable(
  "wallets",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    address: varchar("address", { length: 40 }).notNull(),
    publicKey: text("public_key").notNull(),
    // AES-256-GCM ciphertext under a key derived from WALLET_MASTER_KEY; never leaves the server.
    encryptedPrivateKey: text("encrypted_private_key").notNull(),
    // Exact decimal: 1 coin = 10^8 base units; never a float.
    balance: numeric("balance", { precision: 20, scale: 8 }).notNull().default("0"),
    label: varchar("label", { length: 100 }),
    isPrimary: boolean("is_primary").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("wallets_address_key").on(t.address),
    index("wallets_user_id_idx").on(t.userId),
    // One primary wallet per user.
    uniqueIndex("wallets_primary_per_user_key").on(t.userId).where(sql`${t.isPrimary}`),
    check("wallets_balance_non_negative", sql`${t.balance} >= 0`),
  ],
);
