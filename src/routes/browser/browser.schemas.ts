import { z } from "@hono/zod-openapi";
import { BROWSER_SEARCH_ENGINES } from "../../lib/constants.ts";
import { IdParams } from "../../lib/params.ts";

export { IdParams };

const webUrl = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(2048)
  .openapi({ example: "https://example.com/" });
const title = z.string().trim().max(300);

export const FetchQuery = z.object({
  url: z.string().min(1).max(2048).openapi({
    example: "https://example.com/",
    description: "http or https; private, loopback and link-local addresses are refused",
  }),
});

export const PageSchema = z
  .object({
    requested_url: z.string(),
    url: z.string().openapi({ description: "Where the redirects (if any) ended" }),
    status: z.number().int(),
    content_type: z.string().nullable(),
    redirects: z.array(z.string()),
    bytes: z.number().int(),
    title: z.string().nullable(),
    text: z.string().openapi({ description: "Visible text (scripts and styles left out), at most 100,000 characters" }),
    content: z.string().nullable().openapi({ description: "The raw body for text types, else null" }),
  })
  .openapi("BrowserPage");

export const BookmarkBody = z
  .strictObject({
    url: webUrl,
    title: title.min(1).openapi({ example: "Example" }),
    folder: z.string().trim().max(100).default(""),
  })
  .openapi("CreateBrowserBookmark");
export const BookmarkSchema = z
  .object({ id: z.number().int(), url: z.string(), title: z.string(), folder: z.string(), created_at: z.string() })
  .openapi("BrowserBookmark");

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .openapi({ description: "The last id of the previous page (newest first)" }),
});
export const HistoryEntrySchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    title: z.string().nullable(),
    status: z.number().int(),
    visited_at: z.string(),
  })
  .openapi("BrowserHistoryEntry");
export const HistoryPageSchema = z
  .object({ entries: z.array(HistoryEntrySchema), next_before: z.number().int().nullable() })
  .openapi("BrowserHistoryPage");

export const TabBody = z.strictObject({ url: webUrl, title: title.default("") }).openapi("OpenBrowserTab");
export const TabPatch = z
  .strictObject({
    url: webUrl.optional(),
    title: title.optional(),
    position: z.number().int().min(1).max(10_000).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "give at least one of url, title, position")
  .openapi("UpdateBrowserTab");
export const TabSchema = z
  .object({ id: z.number().int(), url: z.string(), title: z.string(), position: z.number().int() })
  .openapi("BrowserTab");

export const SettingsSchema = z
  .object({ homepage: z.string(), search_engine: z.enum(BROWSER_SEARCH_ENGINES), show_images: z.boolean() })
  .openapi("BrowserSettings");
export const SettingsPatch = z
  .strictObject({
    homepage: webUrl.optional(),
    search_engine: z.enum(BROWSER_SEARCH_ENGINES).optional(),
    show_images: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "give at least one setting")
  .openapi("UpdateBrowserSettings");
