import { z } from "@hono/zod-openapi";
import { SEARCH_KINDS } from "../../lib/constants.ts";
import { decodeCursor } from "../../services/search/query.ts";

export const SearchQuery = z.object({
  // Not trimmed: a trailing space says the last word is finished (no prefix match for it).
  q: z
    .string()
    .max(200, "q is too long (200 characters at most)")
    .refine((s) => s.trim() !== "", "q must not be empty")
    .openapi({
      description:
        'Web-search syntax: words, "a phrase", or, -excluded. The last word matches as a prefix while typed (no trailing space).',
      example: "solar kil",
    }),
  type: z.enum(SEARCH_KINDS).optional().openapi({ description: "Only this kind of result" }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z
    .string()
    .max(300)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return null;
      const c = decodeCursor(s);
      if (!c) ctx.addIssue({ code: "custom", message: "cursor is not one this API handed out" });
      return c;
    })
    .openapi({ type: "string", description: "next_cursor of the previous page" }),
});

const HighlightSchema = z.object({ text: z.string(), match: z.boolean() });

export const SearchHitSchema = z
  .object({
    type: z.enum(SEARCH_KINDS),
    id: z
      .union([z.number().int(), z.string()])
      .openapi({ description: "The resource's own id (a number; a UUID for vault entries)" }),
    title: z.string(),
    snippet: z.string().openapi({ description: "Plain text around the matches" }),
    highlights: z.array(HighlightSchema).openapi({ description: "The snippet in parts, the matched words marked" }),
    rank: z.number(),
    created_at: z.string(),
    link: z.string().openapi({ description: "Where Pocket OS opens it: app:<id>#<ref>" }),
    api_path: z.string().openapi({ example: "/api/social/posts/42" }),
  })
  .openapi("SearchHit");

export const SearchPageSchema = z
  .object({ results: z.array(SearchHitSchema), next_cursor: z.string().nullable() })
  .openapi("SearchPage");
