import { z } from "zod";
import { defineConnector } from "../types.ts";

/** DigitalOcean API v2 (https://docs.digitalocean.com/reference/api/), DIGITALOCEAN_TOKEN as a bearer token. Infrastructure: admins only. */
const DropletId = z.object({ id: z.string().regex(/^[1-9][0-9]{0,15}$/, "a droplet id (decimal digits)") });
const Page = z.object({
  page: z.coerce.number().int().min(1).max(1000).default(1),
  per_page: z.coerce.number().int().min(1).max(200).default(20),
});
const Slug = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, "a DigitalOcean slug");

const Droplet = z.object({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  memory: z.number(),
  vcpus: z.number(),
  disk: z.number(),
  region: z.string().nullable(),
  size_slug: z.string(),
  image: z.string().nullable(),
  public_ipv4: z.string().nullable(),
  tags: z.array(z.string()),
  created_at: z.string(),
});
const dropletJson = (d: any) =>
  d && typeof d === "object"
    ? {
        ...d,
        region: d.region?.slug ?? null,
        image: d.image?.slug ?? d.image?.name ?? null,
        public_ipv4: Array.isArray(d.networks?.v4)
          ? (d.networks.v4.find((n: any) => n?.type === "public")?.ip_address ?? null)
          : null,
        tags: Array.isArray(d.tags) ? d.tags : [],
      }
    : d;
const Action = z.object({
  id: z.number(),
  status: z.string(),
  type: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable().optional(),
});

export const digitalocean = defineConnector({
  name: "digitalocean",
  title: "DigitalOcean",
  requires: ["DIGITALOCEAN_TOKEN"],
  baseUrl: (c) => c.DIGITALOCEAN_API_URL,
  auth: { kind: "bearer", token: "DIGITALOCEAN_TOKEN" },
  encoding: "json",
  errorMessage: (b) => (typeof b?.message === "string" ? b.message : undefined),
  probe: "account",
  operations: [
    {
      id: "account",
      method: "get",
      path: "/account",
      summary: "The account: status and limits",
      access: "admin",
      output: z.object({ uuid: z.string(), email: z.string(), status: z.string(), droplet_limit: z.number() }),
      request: () => ({ method: "GET", path: "/v2/account" }),
      map: (b: any) => b?.account,
      cacheTtl: 60,
    },
    {
      id: "droplets",
      method: "get",
      path: "/droplets",
      summary: "Droplets",
      access: "admin",
      query: Page,
      output: z.object({ droplets: z.array(Droplet), total: z.number() }),
      request: ({ query }) => ({ method: "GET", path: "/v2/droplets", query }),
      map: (b: any) => ({
        droplets: Array.isArray(b?.droplets) ? b.droplets.map(dropletJson) : b?.droplets,
        total: b?.meta?.total,
      }),
    },
    {
      id: "droplet",
      method: "get",
      path: "/droplets/{id}",
      summary: "One droplet",
      access: "admin",
      params: DropletId,
      output: Droplet,
      request: ({ params }) => ({ method: "GET", path: `/v2/droplets/${params.id}` }),
      map: (b: any) => dropletJson(b?.droplet),
    },
    {
      id: "createDroplet",
      method: "post",
      path: "/droplets",
      summary: "Create a droplet (billed from creation)",
      access: "admin",
      status: 202,
      body: z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, "a host name"),
        region: Slug,
        size: Slug,
        image: Slug,
        ssh_keys: z
          .array(z.union([z.number().int().min(1), z.string().regex(/^[0-9a-f:]{47}$/)]))
          .max(20)
          .optional(),
        tags: z
          .array(z.string().regex(/^[\w:-]{1,255}$/))
          .max(20)
          .optional(),
      }),
      output: Droplet,
      request: ({ body }) => ({ method: "POST", path: "/v2/droplets", json: body }),
      map: (b: any) => dropletJson(b?.droplet),
    },
    {
      id: "deleteDroplet",
      method: "delete",
      path: "/droplets/{id}",
      summary: "Destroy a droplet",
      access: "admin",
      status: 204,
      params: DropletId,
      output: z.null(),
      request: ({ params }) => ({ method: "DELETE", path: `/v2/droplets/${params.id}` }),
    },
    {
      id: "dropletAction",
      method: "post",
      path: "/droplets/{id}/actions/{action}",
      summary: "Power on/off, shut down, reboot or power-cycle a droplet",
      access: "admin",
      status: 202,
      params: DropletId.extend({ action: z.enum(["power_on", "power_off", "shutdown", "reboot", "power_cycle"]) }),
      output: Action,
      request: ({ params }) => ({
        method: "POST",
        path: `/v2/droplets/${params.id}/actions`,
        json: { type: params.action },
      }),
      map: (b: any) => b?.action,
    },
    {
      id: "regions",
      method: "get",
      path: "/regions",
      summary: "Regions",
      access: "admin",
      output: z.array(z.object({ slug: z.string(), name: z.string(), available: z.boolean() })),
      request: () => ({ method: "GET", path: "/v2/regions", query: { per_page: 200 } }),
      map: (b: any) => b?.regions,
      cacheTtl: 300,
    },
    {
      id: "sizes",
      method: "get",
      path: "/sizes",
      summary: "Droplet sizes and prices",
      access: "admin",
      output: z.array(
        z.object({
          slug: z.string(),
          memory: z.number(),
          vcpus: z.number(),
          disk: z.number(),
          price_monthly: z.number(),
          available: z.boolean(),
        }),
      ),
      request: () => ({ method: "GET", path: "/v2/sizes", query: { per_page: 200 } }),
      map: (b: any) => b?.sizes,
      cacheTtl: 300,
    },
    {
      id: "images",
      method: "get",
      path: "/images",
      summary: "Images (distributions by default)",
      access: "admin",
      query: Page.extend({ type: z.enum(["distribution", "application"]).default("distribution") }),
      output: z.array(
        z.object({
          id: z.number(),
          slug: z.string().nullable(),
          name: z.string(),
          distribution: z.string().nullable().optional(),
        }),
      ),
      request: ({ query }) => ({ method: "GET", path: "/v2/images", query }),
      map: (b: any) => b?.images,
      cacheTtl: 300,
    },
  ],
});
