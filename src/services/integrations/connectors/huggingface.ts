import { z } from "zod";
import { notFound } from "../../../lib/errors.ts";
import { defineConnector } from "../types.ts";

/**
 * Hugging Face: the Hub API (https://huggingface.co/docs/hub/api) for models, datasets and
 * spaces — public data, for signed-in users (private repositories the token can see are hidden
 * from non-admins) — and Inference (text generation), which spends the organisation's compute:
 * admins only.
 */
const Segment = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/, "letters, digits, '-', '_' and '.'");
const RepoId = z.object({ owner: Segment, name: Segment });
const Search = z.object({
  search: z.string().max(200).optional(),
  author: Segment.optional(),
  sort: z.enum(["downloads", "likes", "lastModified", "createdAt"]).default("downloads"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const HubItem = z.object({
  id: z.string(),
  author: z.string().nullable().optional(),
  private: z.boolean(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  tags: z.array(z.string()).optional(),
  lastModified: z.string().nullable().optional(),
});
const Model = HubItem.extend({
  pipeline_tag: z.string().nullable().optional(),
  library_name: z.string().nullable().optional(),
});
const Space = HubItem.extend({ sdk: z.string().nullable().optional() });

const onlyPublic = (items: Array<{ private: boolean }>) => items.filter((i) => !i.private);
const publicOne = (item: { private: boolean }) => {
  if (item.private) throw notFound("Hugging Face: no such public repository");
  return item;
};
const searchQuery = (q: Record<string, any>) => ({
  search: q.search,
  author: q.author,
  sort: q.sort,
  direction: -1,
  limit: q.limit,
});
const repoPath = (kind: string, p: Record<string, any>) =>
  `/api/${kind}/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.name)}`;
const withPrivate = (list: any) =>
  Array.isArray(list) ? list.map((m: any) => ({ ...m, id: m?.id ?? m?.modelId, private: m?.private !== false })) : list;
const onePrivate = (m: any) =>
  m && typeof m === "object" ? { ...m, id: m.id ?? m.modelId, private: m.private !== false } : m;

export const huggingface = defineConnector({
  name: "huggingface",
  title: "Hugging Face",
  requires: ["HUGGINGFACE_TOKEN"],
  baseUrl: (c) => c.HUGGINGFACE_API_URL,
  auth: { kind: "bearer", token: "HUGGINGFACE_TOKEN" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.error === "string" ? b.error : undefined),
  probe: "whoami",
  operations: [
    {
      id: "whoami",
      method: "get",
      path: "/whoami",
      summary: "The account the token belongs to",
      access: "admin",
      output: z.object({
        name: z.string(),
        type: z.string().optional(),
        orgs: z.array(z.object({ name: z.string() })).optional(),
      }),
      request: () => ({ method: "GET", path: "/api/whoami-v2" }),
      cacheTtl: 60,
    },
    {
      id: "models",
      method: "get",
      path: "/models",
      summary: "Search models (non-admins: public ones only)",
      access: "user",
      query: Search,
      output: z.array(Model),
      request: ({ query }) => ({ method: "GET", path: "/api/models", query: searchQuery(query) }),
      map: withPrivate,
      cacheTtl: 120,
      publicOnly: onlyPublic,
    },
    {
      id: "model",
      method: "get",
      path: "/models/{owner}/{name}",
      summary: "One model (non-admins: public ones only)",
      access: "user",
      params: RepoId,
      output: Model,
      request: ({ params }) => ({ method: "GET", path: repoPath("models", params) }),
      map: onePrivate,
      cacheTtl: 120,
      publicOnly: publicOne,
    },
    {
      id: "datasets",
      method: "get",
      path: "/datasets",
      summary: "Search datasets (non-admins: public ones only)",
      access: "user",
      query: Search,
      output: z.array(HubItem),
      request: ({ query }) => ({ method: "GET", path: "/api/datasets", query: searchQuery(query) }),
      map: withPrivate,
      cacheTtl: 120,
      publicOnly: onlyPublic,
    },
    {
      id: "dataset",
      method: "get",
      path: "/datasets/{owner}/{name}",
      summary: "One dataset (non-admins: public ones only)",
      access: "user",
      params: RepoId,
      output: HubItem,
      request: ({ params }) => ({ method: "GET", path: repoPath("datasets", params) }),
      map: onePrivate,
      cacheTtl: 120,
      publicOnly: publicOne,
    },
    {
      id: "spaces",
      method: "get",
      path: "/spaces",
      summary: "Search spaces (non-admins: public ones only)",
      access: "user",
      query: Search,
      output: z.array(Space),
      request: ({ query }) => ({ method: "GET", path: "/api/spaces", query: searchQuery(query) }),
      map: withPrivate,
      cacheTtl: 120,
      publicOnly: onlyPublic,
    },
    {
      id: "textGeneration",
      method: "post",
      path: "/inference/text-generation",
      summary: "Generate text with a hosted model (spends the organisation's inference credits)",
      access: "admin",
      baseUrl: (c) => c.HUGGINGFACE_INFERENCE_URL,
      body: z.strictObject({
        model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/, "owner/name"),
        inputs: z.string().min(1).max(8000),
        max_new_tokens: z.number().int().min(1).max(1024).default(128),
        temperature: z.number().min(0).max(2).optional(),
      }),
      output: z.object({ model: z.string(), generated_text: z.string() }),
      request: ({ body }) => ({
        method: "POST",
        path: `/models/${body.model.split("/").map(encodeURIComponent).join("/")}`,
        json: {
          inputs: body.inputs,
          parameters: { max_new_tokens: body.max_new_tokens, temperature: body.temperature, return_full_text: false },
        },
      }),
      map: (b: any, { body }) => ({
        model: body.model,
        generated_text: Array.isArray(b) ? b[0]?.generated_text : b?.generated_text,
      }),
    },
  ],
});
