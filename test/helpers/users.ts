import { unique } from "./api.ts";
import { client } from "./client.ts";

/** A registered, logged-in user for tests: call the API as them with `headers`. */
export type TestUser = {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
  /** `Authorization: Bearer <token>`; spread it into request headers. */
  headers: Record<string, string>;
};

export const TEST_PASSWORD = "correct-horse-battery-42";

/**
 * Registers a fresh user through `POST /api/auth/register` and logs in through `POST /api/auth/login`.
 * Every field may be overridden (`username`, `email`, `password`, `full_name`); defaults are unique.
 */
export async function createUser(
  overrides: { username?: string; email?: string; password?: string; full_name?: string } = {},
): Promise<TestUser> {
  const username = overrides.username ?? unique("user");
  const password = overrides.password ?? TEST_PASSWORD;
  const email = overrides.email ?? `${username}@example.com`;
  const body = {
    username,
    email,
    password,
    ...(overrides.full_name !== undefined && { full_name: overrides.full_name }),
  };

  const reg = await client.api.auth.register.$post({ json: body });
  if (reg.status !== 201) throw new Error(`createUser: register answered ${reg.status}: ${await reg.text()}`);
  const user = await reg.json();

  const res = await client.api.auth.login.$post({ json: { username, password } });
  if (res.status !== 200) throw new Error(`createUser: login answered ${res.status}: ${await res.text()}`);
  const token = (await res.json()).access_token;
  return { id: user.id, username, email: user.email, password, token, headers: { Authorization: `Bearer ${token}` } };
}

/** Several users at once (registered in parallel). */
export function createUsers(n: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: n }, () => createUser()));
}
