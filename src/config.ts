import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

// zod/mini, not zod: this module is evaluated at start-up by every isolate (Durable Objects and the
// cron handler too), and zod's classic API costs ~8 ms more there (the bench's start-up probe) that
// only the route modules, loaded later, need. The English messages are the ones the full build gives.
z.config(en());

/**
 * Runtime configuration, parsed from the Worker's bindings once per isolate.
 * Route code reads `c.var.config`, never raw `c.env` strings.
 */
const MIN_SECRET_BYTES = 32;

const secret = (name: string) =>
  z.string({ error: `${name} is not set` }).check(
    z.refine((v: string) => new TextEncoder().encode(v).length >= MIN_SECRET_BYTES, {
      message: `${name} must be at least ${MIN_SECRET_BYTES} bytes`,
    }),
    z.refine((v: string) => !/^replace-with/.test(v), { message: `${name} still holds the example placeholder` }),
  );

const trimmed = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);
/** An optional string, trimmed; blank is unset. */
const optional = z.pipe(z.optional(z.string()), z.transform(trimmed));
/** The same, with a value when unset. */
const optionalOr = (fallback: string) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((v: string | undefined) => trimmed(v) ?? fallback),
  );

const flag = z.pipe(
  z.optional(z.string()),
  z.transform((v: string | undefined) => ["1", "true", "yes", "on"].includes((v ?? "").toLowerCase())),
);

const int = (fallback: number, min: number, max: number) =>
  z._default(z.optional(z.pipe(z.coerce.number(), z.int().check(z.gte(min), z.lte(max)))), fallback);

export const configSchema = z.object({
  // Unset means production: the relaxed behaviours of development/test (no rate limit without
  // CF-Connecting-IP, the X-Test-Chain header) must be asked for, never fallen into (for example by
  // a wrangler [env.*] section, which does not inherit [vars]).
  ENVIRONMENT: z._default(z.enum(["development", "test", "production"]), "production"),
  DEBUG: flag,
  // GraphiQL at /api/graphiql: on under ENVIRONMENT=development, elsewhere only when this is true.
  GRAPHIQL_ENABLED: flag,
  ALLOWED_ORIGINS: z.pipe(
    z.optional(z.string()),
    z.transform((v: string | undefined) =>
      (v ?? "https://blackroad.systems")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ),
  API_BASE_URL: optional,
  GIT_SHA: optional,
  BUILD_TIME: optional,
  DATABASE_URL: z.string({ error: "DATABASE_URL is not set" }).check(z.minLength(1, "DATABASE_URL is not set")),
  NEON_PROXY_URL: optional,
  UPSTASH_REDIS_REST_URL: z.url({ error: "UPSTASH_REDIS_REST_URL must be a URL" }),
  UPSTASH_REDIS_REST_TOKEN: z.string({ error: "UPSTASH_REDIS_REST_TOKEN is not set" }).check(z.minLength(1)),
  SECRET_KEY: secret("SECRET_KEY"),
  WALLET_MASTER_KEY: secret("WALLET_MASTER_KEY"),
  ACCESS_TOKEN_EXPIRE_MINUTES: int(30, 1, 24 * 60),
  REFRESH_TOKEN_EXPIRE_DAYS: int(7, 1, 365),
  BCRYPT_ROUNDS: int(12, 4, 15),
  BLOCKCHAIN_DIFFICULTY: int(4, 0, 8),
  // Issuance (README "RoadChain rules"): difficulty retargets between BLOCKCHAIN_DIFFICULTY and this
  // every BLOCKCHAIN_RETARGET_BLOCKS blocks toward one block per BLOCKCHAIN_BLOCK_INTERVAL_SECONDS;
  // the reward halves every MINING_HALVING_BLOCKS blocks.
  BLOCKCHAIN_MAX_DIFFICULTY: int(6, 0, 8),
  BLOCKCHAIN_RETARGET_BLOCKS: int(10, 2, 100_000),
  BLOCKCHAIN_BLOCK_INTERVAL_SECONDS: int(60, 1, 86_400),
  MINING_HALVING_BLOCKS: int(100_000, 1, 1_000_000_000),
  MINING_REWARD: z
    ._default(z.optional(z.string()), "50")
    .check(
      z.refine((v: string) => /^\d{1,10}(\.\d{1,8})?$/.test(v), { message: "MINING_REWARD must be a decimal amount" }),
    ),
  // The live block feed (GET /api/blockchain/ws, durable-objects/block-feed.ts): per-address socket
  // cap, largest client message, client messages per minute per socket (then close 1008), idle
  // timeout (no client message for this long: closed), and broadcaster shards per chain.
  BLOCKCHAIN_WS_MAX_CONNECTIONS_PER_ADDRESS: int(10, 1, 10_000),
  BLOCKCHAIN_WS_MAX_FRAME_BYTES: int(1024, 16, 1024 * 1024),
  BLOCKCHAIN_WS_MAX_MESSAGES_PER_MINUTE: int(30, 1, 6_000),
  BLOCKCHAIN_WS_IDLE_SECONDS: int(90, 1, 86_400),
  BLOCKCHAIN_WS_SHARDS: int(4, 1, 64),
  FILES_MAX_FILE_BYTES: int(25 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  FILES_QUOTA_BYTES: int(1024 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: optionalOr("https://api.openai.com/v1"),
  OPENAI_MODEL: optionalOr("gpt-4o-mini"),
  GITHUB_TOKEN: optional,
  GITHUB_WEBHOOK_SECRET: optional,
  STRIPE_SECRET_KEY: optional,
  SENTRY_DSN: optional,
  // External services (src/services/integrations/): each is "not configured" (503) until its
  // credentials are set; every *_API_URL may point at a self-hosted or test instance.
  INTEGRATIONS_TIMEOUT_MS: int(10_000, 100, 30_000),
  GITHUB_API_URL: optionalOr("https://api.github.com"),
  HUGGINGFACE_TOKEN: optional,
  HUGGINGFACE_API_URL: optionalOr("https://huggingface.co"),
  HUGGINGFACE_INFERENCE_URL: optionalOr("https://router.huggingface.co/hf-inference"),
  DIGITALOCEAN_TOKEN: optional,
  DIGITALOCEAN_API_URL: optionalOr("https://api.digitalocean.com"),
  RAILWAY_TOKEN: optional,
  RAILWAY_API_URL: optionalOr("https://backboard.railway.com/graphql/v2"),
  VERCEL_TOKEN: optional,
  VERCEL_TEAM_ID: optional,
  VERCEL_API_URL: optionalOr("https://api.vercel.com"),
  STRIPE_PUBLISHABLE_KEY: optional,
  STRIPE_WEBHOOK_SECRET: optional,
  STRIPE_API_URL: optionalOr("https://api.stripe.com"),
  TWILIO_ACCOUNT_SID: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_PHONE_NUMBER: optional,
  TWILIO_WHATSAPP_NUMBER: optional,
  TWILIO_API_URL: optionalOr("https://api.twilio.com"),
  SLACK_BOT_TOKEN: optional,
  SLACK_WEBHOOK_URL: optional,
  SLACK_API_URL: optionalOr("https://slack.com/api"),
  DISCORD_BOT_TOKEN: optional,
  DISCORD_WEBHOOK_URL: optional,
  DISCORD_API_URL: optionalOr("https://discord.com/api/v10"),
  SENTRY_AUTH_TOKEN: optional,
  SENTRY_ORG: optional,
  SENTRY_API_URL: optionalOr("https://sentry.io/api/0"),
  CLOUDFLARE_API_TOKEN: optional,
  CLOUDFLARE_ACCOUNT_ID: optional,
  CLOUDFLARE_API_URL: optionalOr("https://api.cloudflare.com/client/v4"),
  // Bearer token a Prometheus scraper sends to GET /metrics; metrics are collected only when it is set.
  METRICS_TOKEN: optional,
});

export type AppConfig = z.infer<typeof configSchema>;

/** Every binding name the config reads (the deploy's secret list is checked against it). */
export const CONFIG_KEYS = Object.keys(configSchema.shape);

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

// Bindings do not change within an isolate, so each env object is parsed once.
const cache = new WeakMap<object, ConfigResult>();

export function loadConfig(env: object): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(env);
  const result: ConfigResult = parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`) };
  cache.set(env, result);
  return result;
}

/** Which optional integrations have credentials: reported by health and public config, never the values. */
export function integrations(config: AppConfig) {
  return {
    openai: Boolean(config.OPENAI_API_KEY),
    github: Boolean(config.GITHUB_TOKEN),
    stripe: Boolean(config.STRIPE_SECRET_KEY),
    sentry: Boolean(config.SENTRY_DSN),
  };
}
