/**
 * The Worker's secrets, as the deploy pushes them (`wrangler secret bulk`): every binding the config
 * (src/config.ts) reads that is not a [vars] entry of wrangler.toml. Required ones must be set; the
 * optional ones are pushed only when set (an unset optional integration stays off, and says so).
 * test/node/deploy-config.test.ts keeps these lists in step with the config.
 *
 * `node scripts/deploy/secrets.ts <file.json>` writes the JSON for `wrangler secret bulk` from the
 * environment (GitHub secrets in the workflow), naming every missing required secret.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REQUIRED_SECRETS = [
  "DATABASE_URL",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "SECRET_KEY",
  "WALLET_MASTER_KEY",
] as const;

export const OPTIONAL_SECRETS = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_MODEL",
  "GITHUB_TOKEN",
  "GITHUB_WEBHOOK_SECRET",
  "STRIPE_SECRET_KEY",
  "SENTRY_DSN",
  "METRICS_TOKEN",
  // Integrations (docs/integrations.md): each one stays "not configured" until its secrets are set.
  "HUGGINGFACE_TOKEN",
  "DIGITALOCEAN_TOKEN",
  "RAILWAY_TOKEN",
  "VERCEL_TOKEN",
  "STRIPE_PUBLISHABLE_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_WEBHOOK_URL",
  "DISCORD_BOT_TOKEN",
  "DISCORD_WEBHOOK_URL",
  "SENTRY_AUTH_TOKEN",
  "CLOUDFLARE_API_TOKEN",
] as const;

/**
 * Worker secrets read from another variable of the deploy's environment, because their own name means
 * something else there: CLOUDFLARE_API_TOKEN is the deploy's token, never to be pushed into the Worker.
 */
export const SOURCE_VARIABLE: Partial<Record<string, string>> = {
  CLOUDFLARE_API_TOKEN: "INTEGRATION_CLOUDFLARE_API_TOKEN",
};

/** Config keys that are neither [vars] nor secrets, and why. */
export const NOT_SECRETS: Record<string, string> = {
  GIT_SHA: "set per deploy with wrangler deploy --var",
  BUILD_TIME: "set per deploy with wrangler deploy --var",
  NEON_PROXY_URL: "the local cloud's proxy; empty in production",
};

export function secretsFrom(env: Record<string, string | undefined>): {
  secrets: Record<string, string>;
  missing: string[];
} {
  const secrets: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of REQUIRED_SECRETS) {
    const value = env[name]?.trim();
    if (value) secrets[name] = value;
    else missing.push(name);
  }
  for (const name of OPTIONAL_SECRETS) {
    const value = env[SOURCE_VARIABLE[name] ?? name]?.trim();
    if (value) secrets[name] = value;
  }
  return { secrets, missing };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: node scripts/deploy/secrets.ts <file.json>");
    process.exit(2);
  }
  const { secrets, missing } = secretsFrom(process.env);
  if (missing.length) {
    console.error(
      `Required secrets are not set: ${missing.join(", ")} (GitHub: Settings → Environments → <env> → secrets)`,
    );
    process.exit(1);
  }
  writeFileSync(out, JSON.stringify(secrets), { mode: 0o600 });
  console.log(`Secrets to push: ${Object.keys(secrets).join(", ")}`);
}
