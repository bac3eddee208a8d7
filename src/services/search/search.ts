/**
 * One search over everything the caller may read: their mail (their own mailbox copies), public
 * posts and videos plus their own private ones, their files (names and text), their vault entries
 * and their capture items. Postgres full-text search on the generated `search_vector` columns (GIN-indexed, see
 * src/db/schema/search.ts), ranked by `ts_rank_cd`, snippets by `ts_headline` for the page only.
 *
 * A bounded candidate set, as search engines do: per kind, only the newest `SEARCH_CANDIDATES`
 * matches the caller may see are ranked (newest by the kind's creation order: its id, or
 * `(created_at, id)` for vault entries). So a word common enough to match thousands of rows costs
 * the same on a table ten times larger: Postgres walks the id index backwards and stops after N
 * matches (a rare word keeps the GIN bitmap: few matches). The results are the best-ranked among
 * those candidates, not among every match ever written.
 *
 * One statement: each kind's subquery takes its candidates (its own visibility rule first, so
 * others' private rows never take a slot), ranks them, applies the keyset cursor and a LIMIT; the
 * union keeps the best `limit + 1`, and only those get a headline. Order: rank descending, then kind
 * and key ascending (a total order, so keyset pages never repeat a row; a page walk skips nothing
 * unless the candidate window itself moves, i.e. newer matches are written meanwhile).
 */
import { type SQL, sql } from "drizzle-orm";
import { SEARCH_CONFIG } from "../../db/schema/search.ts";
import type { SearchKind } from "../../lib/constants.ts";
import type { Database } from "../../lib/db.ts";
import {
  type Cursor,
  encodeCursor,
  type HighlightPart,
  MATCH_START,
  MATCH_STOP,
  parseQuery,
  splitHighlights,
} from "./query.ts";

export type SearchInput = {
  userId: number;
  q: string;
  kinds: readonly SearchKind[];
  limit: number;
  cursor: Cursor | null;
};

export type SearchHit = {
  type: SearchKind;
  id: number | string;
  title: string;
  snippet: string;
  highlights: HighlightPart[];
  rank: number;
  created_at: string;
  /** Where Pocket OS opens it (`app:<id>#<ref>`, as notifications link). */
  link: string;
  /** The API resource of the hit. */
  api_path: string;
};

export type SearchPage = { results: SearchHit[]; next_cursor: string | null };

/** Matches per kind that are ranked: the newest this many (see the module comment). */
export const SEARCH_CANDIDATES = 500;

const HEADLINE_OPTIONS = `StartSel="${MATCH_START}", StopSel="${MATCH_STOP}", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;
const CONFIG = sql.raw(`'${SEARCH_CONFIG}'`);

/**
 * Per kind: its rows as `(int_id, uuid_id, key)` with their vector, restricted to what `userId` may
 * read, and `newest`, the order that picks the candidates (an index each: the primary key, or
 * `vault_entries_user_created_id_idx`).
 */
function hitsOf(
  kind: SearchKind,
  userId: number,
): { from: SQL; vector: SQL; visible: SQL; intId: SQL; uuidId: SQL; key: SQL; newest: SQL } {
  const int = (id: SQL) => ({
    intId: id,
    uuidId: sql`null::uuid`,
    key: sql`lpad(${id}::text, 10, '0')`,
    newest: sql`${id} desc`,
  });
  switch (kind) {
    case "mail": // my copies only: the API's email id is the mailbox row
      return {
        from: sql`email_mailbox m join emails e on e.id = m.email_id`,
        vector: sql`e.search_vector`,
        visible: sql`m.user_id = ${userId}`,
        ...int(sql`m.id`),
      };
    case "post":
      return {
        from: sql`posts p`,
        vector: sql`p.search_vector`,
        visible: sql`(p.is_public or p.user_id = ${userId})`,
        ...int(sql`p.id`),
      };
    case "video":
      return {
        from: sql`videos v`,
        vector: sql`v.search_vector`,
        visible: sql`(v.is_public or v.user_id = ${userId})`,
        ...int(sql`v.id`),
      };
    case "file":
      return {
        from: sql`files f`,
        vector: sql`f.search_vector`,
        visible: sql`f.user_id = ${userId}`,
        ...int(sql`f.id`),
      };
    case "capture":
      return {
        from: sql`capture_items ci`,
        vector: sql`ci.search_vector`,
        visible: sql`ci.user_id = ${userId}`,
        ...int(sql`ci.id`),
      };
    case "vault":
      return {
        from: sql`vault_entries ve`,
        vector: sql`ve.search_vector`,
        visible: sql`ve.user_id = ${userId}`,
        intId: sql`null::int`,
        uuidId: sql`ve.id`,
        key: sql`ve.id::text`,
        newest: sql`ve.created_at desc, ve.id desc`,
      };
  }
}

/** Rows after the cursor in (rank desc, kind asc, key asc) order, for a subquery whose kind is fixed. */
function afterCursor(kind: SearchKind, rank: SQL, key: SQL, c: Cursor | null): SQL {
  if (!c) return sql`true`;
  const r = sql`${c.rank}::real`;
  if (kind < c.kind) return sql`${rank} < ${r}`;
  if (kind > c.kind) return sql`${rank} <= ${r}`;
  return sql`(${rank} < ${r} or (${rank} = ${r} and ${key} collate "C" > ${c.key} collate "C"))`;
}

export async function search(db: Database, input: SearchInput): Promise<SearchPage> {
  const parsed = parseQuery(input.q);
  const web = sql`websearch_to_tsquery(${CONFIG}, ${parsed.web})`;
  const tsquery = parsed.prefix === null ? web : sql`(${web} && to_tsquery(${CONFIG}, ${parsed.prefix}))`;
  const take = input.limit + 1;

  const subqueries = input.kinds.map((kind) => {
    const h = hitsOf(kind, input.userId);
    const rank = sql`ts_rank_cd(c.vector, q.q, 32)`;
    // The query is written out (not the CTE's value) where it picks candidates, so the planner
    // sees the words and estimates how many rows match: a backward index walk for a common word,
    // the GIN bitmap for a rare one. Kind and key sort bytewise (collation "C"), the same on every
    // server, and as the cursor compares them.
    return sql`(select ${kind}::text collate "C" as kind, c.int_id, c.uuid_id, c.key, ${rank} as rank
      from (select ${h.intId} as int_id, ${h.uuidId} as uuid_id, ${h.key} collate "C" as key, ${h.vector} as vector
        from ${h.from}
        where ${h.vector} @@ ${tsquery} and ${h.visible}
        order by ${h.newest} limit ${SEARCH_CANDIDATES}) c cross join q
      where ${afterCursor(kind, rank, sql`c.key`, input.cursor)}
      order by rank desc, c.key limit ${take})`;
  });

  const result = await db.execute(sql`
    with q as (select ${tsquery} as q),
    hits as (select * from (${sql.join(subqueries, sql` union all `)}) u order by rank desc, kind, key limit ${take})
    select h.kind, coalesce(h.int_id::text, h.uuid_id::text) as id, h.key, h.rank, h.rank::text as rank_text,
      case h.kind
        when 'mail' then coalesce(nullif(e.subject, ''), '(no subject)')
        when 'post' then '@' || pu.username
        when 'video' then v.title
        when 'file' then f.name
        when 'capture' then left(split_part(ci.raw_content, E'\\n', 1), 120)
        else coalesce(nullif(ve.title, ''), left(split_part(ve.canonical_text, E'\\n', 1), 120))
      end as title,
      ts_headline(${CONFIG}, translate(left(case h.kind
        when 'mail' then e.body
        when 'post' then p.content
        when 'video' then coalesce(nullif(v.description, ''), v.title)
        when 'file' then coalesce(f.text_content, f.name)
        when 'capture' then ci.raw_content
        else ve.canonical_text
      end, 100000), ${MATCH_START + MATCH_STOP}, ''), q.q, ${HEADLINE_OPTIONS}) as headline,
      case h.kind
        when 'mail' then coalesce(e.sent_at, e.created_at)
        when 'post' then p.created_at
        when 'video' then v.published_at
        when 'file' then f.updated_at
        when 'capture' then ci.created_at
        else ve.created_at
      end as created_at
    from hits h cross join q
    left join email_mailbox m on h.kind = 'mail' and m.id = h.int_id
    left join emails e on e.id = m.email_id
    left join posts p on h.kind = 'post' and p.id = h.int_id
    left join users pu on pu.id = p.user_id
    left join videos v on h.kind = 'video' and v.id = h.int_id
    left join files f on h.kind = 'file' and f.id = h.int_id
    left join vault_entries ve on h.kind = 'vault' and ve.id = h.uuid_id
    left join capture_items ci on h.kind = 'capture' and ci.id = h.int_id
    order by h.rank desc, h.kind, h.key`);

  const rows = result.rows as Array<Record<string, unknown>>;
  const page = rows.slice(0, input.limit).map(hitView);
  const last = rows.length > input.limit ? rows[input.limit - 1] : undefined;
  return {
    results: page,
    next_cursor: last
      ? encodeCursor({ rank: String(last.rank_text), kind: last.kind as SearchKind, key: String(last.key) })
      : null,
  };
}

const LINKS: Record<SearchKind, (id: string) => { link: string; api_path: string }> = {
  mail: (id) => ({ link: `app:roadmail#${id}`, api_path: `/api/email/${id}` }),
  post: (id) => ({ link: `app:social#post-${id}`, api_path: `/api/social/posts/${id}` }),
  video: (id) => ({ link: `app:blackstream#video-${id}`, api_path: `/api/video/${id}` }),
  file: (id) => ({ link: `app:files#file-${id}`, api_path: `/api/files/${id}` }),
  vault: (id) => ({ link: `app:vault#leo-${id}`, api_path: `/api/vault/leos/${id}` }),
  capture: (id) => ({ link: `app:capture#item-${id}`, api_path: `/api/capture/items/${id}` }),
};

function hitView(r: Record<string, unknown>): SearchHit {
  const kind = r.kind as SearchKind;
  const id = String(r.id);
  return {
    type: kind,
    id: kind === "vault" ? id : Number(id),
    title: String(r.title ?? ""),
    ...splitHighlights(String(r.headline ?? "")),
    rank: Number(r.rank),
    created_at: new Date(r.created_at as string).toISOString(),
    ...LINKS[kind](id),
  };
}
