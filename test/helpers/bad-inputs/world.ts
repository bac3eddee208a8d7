import type { TestUser } from "../users.ts";
import type { Spec } from "./schema-values.ts";

/**
 * The bad-input matrix's fixture, filled by the test's setup before any case is built: the
 * document, the users (`caller`; `other` owns rows the caller must not see; `doomed` is logged out
 * by the logout cases) and the ids of real rows, so valid-looking path values reach the handlers.
 */
export type MatrixWorld = {
  spec: Spec;
  caller: TestUser;
  other: TestUser;
  doomed: TestUser;
  real: Record<string, number>;
};

export const world = { real: {} } as MatrixWorld;
