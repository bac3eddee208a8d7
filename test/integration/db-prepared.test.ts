// db.prepared: one prepared query per isolate and database, filled with each call's values.
import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { users } from "../../src/db/schema/index.ts";
import { createDatabase } from "../../src/lib/db.ts";
import { createUser } from "../helpers/users.ts";

it("builds a prepared query once per isolate and database and runs it with each call's values", async () => {
  const [alice, bob] = await Promise.all([createUser(), createUser()]);
  const ctx = { waitUntil: () => {} };
  // Two requests' views of the same database.
  const [first, second] = [createDatabase(env, ctx), createDatabase(env, ctx)];
  let builds = 0;
  const query = (db: typeof first) =>
    db.prepared("test-username-by-id", (http) => {
      builds++;
      return http
        .select({ username: users.username })
        .from(users)
        .where(eq(users.id, sql.placeholder("id")))
        .prepare("test_username_by_id");
    });
  expect(query(first)).toBe(query(second));
  expect(builds).toBe(1);
  expect(await query(first).execute({ id: alice.id })).toEqual([{ username: alice.username }]);
  expect(await query(second).execute({ id: bob.id })).toEqual([{ username: bob.username }]);
  // Another database (URL) gets its own.
  const other = createDatabase({ ...env, DATABASE_URL: `${env.DATABASE_URL}?application_name=other` }, ctx);
  query(other);
  expect(builds).toBe(2);
});
