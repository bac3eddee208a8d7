import { z } from "zod";
import { defineConnector, type UpstreamVerdict } from "../types.ts";

/**
 * Cloudflare API v4 (https://developers.cloudflare.com/api/), CLOUDFLARE_API_TOKEN as a bearer
 * token; Workers scripts within CLOUDFLARE_ACCOUNT_ID. The real API, not the original's canned
 * answers. DNS and Workers are infrastructure: admins only. Deploying a Worker script (a multipart
 * upload of code) is not offered: that is the deploy workflow's job.
 */
const Hex32 = z.string().regex(/^[0-9a-f]{32}$/, "a Cloudflare id (32 hex digits)");
const RecordType = z.enum(["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA"]);
const DnsRecord = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  content: z.string(),
  proxied: z.boolean().optional(),
  ttl: z.number(),
  comment: z.string().nullable().optional(),
});
const result = (b: any) => b?.result;

function inspect(body: any): UpstreamVerdict | undefined {
  if (!body || typeof body !== "object" || body.success !== false) return undefined;
  return { status: 422, message: body.errors?.[0]?.message };
}

export const cloudflare = defineConnector({
  name: "cloudflare",
  title: "Cloudflare",
  requires: ["CLOUDFLARE_API_TOKEN"],
  optional: ["CLOUDFLARE_ACCOUNT_ID"],
  baseUrl: (c) => c.CLOUDFLARE_API_URL,
  auth: { kind: "bearer", token: "CLOUDFLARE_API_TOKEN" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.errors?.[0]?.message === "string" ? b.errors[0].message : undefined),
  inspect,
  probe: "verifyToken",
  operations: [
    {
      id: "verifyToken",
      method: "get",
      path: "/token",
      summary: "Is the API token valid and active?",
      access: "admin",
      output: z.object({ id: z.string(), status: z.string(), expires_on: z.string().nullable().optional() }),
      request: () => ({ method: "GET", path: "/user/tokens/verify" }),
      map: result,
      cacheTtl: 60,
    },
    {
      id: "zones",
      method: "get",
      path: "/zones",
      summary: "Zones (optionally by exact name)",
      access: "admin",
      query: z.object({
        name: z
          .string()
          .regex(/^[a-z0-9.-]{1,253}$/i)
          .optional(),
        page: z.coerce.number().int().min(1).max(1000).default(1),
        per_page: z.coerce.number().int().min(5).max(50).default(20),
      }),
      output: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          status: z.string(),
          paused: z.boolean(),
          plan: z.string().nullable(),
        }),
      ),
      request: ({ query }) => ({ method: "GET", path: "/zones", query }),
      map: (b: any) =>
        Array.isArray(b?.result) ? b.result.map((z: any) => ({ ...z, plan: z?.plan?.name ?? null })) : b?.result,
      cacheTtl: 60,
    },
    {
      id: "dnsRecords",
      method: "get",
      path: "/zones/{zone_id}/dns",
      summary: "DNS records of a zone",
      access: "admin",
      params: z.object({ zone_id: Hex32 }),
      query: z.object({
        type: RecordType.optional(),
        name: z.string().max(253).optional(),
        per_page: z.coerce.number().int().min(5).max(500).default(100),
      }),
      output: z.array(DnsRecord),
      request: ({ params, query }) => ({ method: "GET", path: `/zones/${params.zone_id}/dns_records`, query }),
      map: result,
    },
    {
      id: "createDnsRecord",
      method: "post",
      path: "/zones/{zone_id}/dns",
      summary: "Create a DNS record",
      access: "admin",
      status: 201,
      params: z.object({ zone_id: Hex32 }),
      body: z.strictObject({
        type: RecordType,
        name: z.string().min(1).max(253),
        content: z.string().min(1).max(4096),
        ttl: z.number().int().min(1).max(86_400).default(1),
        proxied: z.boolean().optional(),
        comment: z.string().max(100).optional(),
      }),
      output: DnsRecord,
      request: ({ params, body }) => ({ method: "POST", path: `/zones/${params.zone_id}/dns_records`, json: body }),
      map: result,
    },
    {
      id: "deleteDnsRecord",
      method: "delete",
      path: "/zones/{zone_id}/dns/{record_id}",
      summary: "Delete a DNS record",
      access: "admin",
      status: 204,
      params: z.object({ zone_id: Hex32, record_id: Hex32 }),
      output: z.null(),
      request: ({ params }) => ({ method: "DELETE", path: `/zones/${params.zone_id}/dns_records/${params.record_id}` }),
    },
    {
      id: "workers",
      method: "get",
      path: "/workers",
      summary: "Workers scripts of the account",
      access: "admin",
      requires: ["CLOUDFLARE_ACCOUNT_ID"],
      output: z.array(z.object({ id: z.string(), created_on: z.string(), modified_on: z.string() })),
      request: (_, c) => ({
        method: "GET",
        path: `/accounts/${encodeURIComponent(c.CLOUDFLARE_ACCOUNT_ID ?? "")}/workers/scripts`,
      }),
      map: result,
      cacheTtl: 60,
    },
  ],
});
