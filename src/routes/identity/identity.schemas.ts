import { z } from "@hono/zod-openapi";
import { LINK_PROVIDERS } from "../../lib/constants.ts";

const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "no control characters")
    .nullish();

export const UpdateProfileBody = z
  .strictObject({
    display_name: line(100).openapi({ example: "Alexa" }),
    bio: z.string().trim().max(1000).nullish(),
    avatar_file_id: z
      .number()
      .int()
      .min(1)
      .max(2_147_483_647)
      .nullish()
      .openapi({ description: "An image of my Files" }),
    links: z
      .array(
        z.strictObject({
          label: z.string().trim().min(1).max(40),
          url: z.url({ protocol: /^https$/, message: "an https:// URL" }).max(500),
        }),
      )
      .max(10)
      .optional()
      .openapi({ example: [{ label: "Site", url: "https://example.com" }] }),
    location: line(100),
    pronouns: line(40),
    timezone: z
      .string()
      .regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/, "an IANA time zone such as Europe/Berlin")
      .max(64)
      .nullish()
      .openapi({ example: "Europe/Berlin" }),
  })
  .openapi("UpdateIdentityProfile");

export const ProfileSchema = z
  .object({
    display_name: z.string().nullable(),
    bio: z.string().nullable(),
    avatar_file_id: z.number().int().nullable(),
    avatar_url: z.string().nullable(),
    links: z.array(z.object({ label: z.string(), url: z.string() })),
    location: z.string().nullable(),
    pronouns: z.string().nullable(),
    timezone: z.string().nullable(),
    completeness: z
      .number()
      .int()
      .openapi({ description: "0–100: share of the eight profile items filled (a verified linked account is one)" }),
    updated_at: z.string().nullable(),
  })
  .openapi("IdentityProfile");

const UNVERIFIED = LINK_PROVIDERS.filter((p) => p !== "github") as [string, ...string[]];
export const LinkBody = z
  .strictObject({
    provider: z.enum(UNVERIFIED).openapi({ description: "GitHub is linked through POST /api/identity/linked/github" }),
    external_id: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "no control characters")
      .openapi({ example: "https://example.com" }),
  })
  .openapi("IdentityLinkAccount");
export const GithubLinkBody = z
  .strictObject({
    token: z
      .string()
      .min(1)
      .max(255)
      .openapi({ description: "A GitHub token of the account (used once, never stored)" }),
  })
  .openapi("IdentityLinkGithub");
export const ProviderParams = z.object({
  provider: z.enum(LINK_PROVIDERS).openapi({ param: { name: "provider", in: "path" }, example: "website" }),
});

export const LinkedSchema = z
  .object({
    github: z.boolean(),
    wallet: z.boolean(),
    discord: z.boolean(),
    railway: z.boolean(),
    accounts: z.array(
      z.object({
        provider: z.string(),
        external_id: z.string(),
        verified: z.boolean(),
        verified_at: z.string().nullable(),
        linked_at: z.string(),
      }),
    ),
  })
  .openapi("IdentityLinkedAccounts");
