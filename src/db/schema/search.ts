import { customType } from "drizzle-orm/pg-core";

/**
 * Full-text search (`/api/search`). Each searchable table has a generated, stored `search_vector`
 * column (GIN-indexed) built with the text search configuration `blackroad_search`: the `simple`
 * parser and dictionary behind `unaccent` (created in migration `search`), so matching ignores case
 * and accents in any language and a prefix query (`'caf':*`, as typed) matches whole words without
 * a stemmer in the way. Weights: A = title/name/subject, B = body, C = by-line and tags.
 * Only the first SEARCH_TEXT_CHARS characters of a long text are indexed: a tsvector is limited to
 * 1 MiB, and an insert must never fail because a text is long.
 */
export const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => "tsvector" });

export const SEARCH_CONFIG = "blackroad_search";
export const SEARCH_TEXT_CHARS = 100_000;
