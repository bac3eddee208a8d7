/**
 * Fakes of the external services at the network edge, for the integration tests.
 *
 * As in fake-openai.ts: the tests run inside workerd, in the same isolate as the Worker, and the
 * executor calls the global `fetch` at call time. `installFakeUpstreams()` replaces it with one
 * that answers requests to `https://<service>.fake.test/…` (every connector's *_API_URL and
 * webhook URL is pointed there by `configured()`) and passes everything else (Neon's HTTP
 * endpoint, Upstash on loopback) to the real fetch. The Worker builds the real URL, headers and
 * body and reads a real Response; only the far end is the test's.
 */
import { vi } from "vitest";

export type UpstreamCall = {
  url: URL;
  method: string;
  headers: Headers;
  /** The body as sent (form or JSON text). */
  body: string;
  signal: AbortSignal;
};
export type Behaviour = (call: UpstreamCall) => Response | Promise<Response>;

export type FakeUpstreams = {
  calls: UpstreamCall[];
  /** Non-loopback, non-fake URLs the Worker tried (answered by `elsewhere` or refused). */
  refused: string[];
  /** Answers for requests whose `METHOD host/path` starts with `prefix` (first match wins; later `on` calls take precedence). */
  on(prefix: string, behaviour: Behaviour): void;
  reset(): void;
  uninstall(): void;
};

export const FAKE = (service: string) => `https://${service}.fake.test`;

/** Secrets as the tests set them: every one is searched for in our responses and logs. */
export const SECRETS = {
  GITHUB_TOKEN: "ghp_testtoken0123456789abcdefABCDEF",
  GITHUB_WEBHOOK_SECRET: "gh-webhook-secret-0123456789",
  HUGGINGFACE_TOKEN: "hf_testtoken0123456789abcdef",
  DIGITALOCEAN_TOKEN: "dop_v1_testtoken0123456789abcdef",
  RAILWAY_TOKEN: "railway-testtoken-0123456789abcdef",
  VERCEL_TOKEN: "vercel-testtoken-0123456789",
  STRIPE_SECRET_KEY: "sk_test_0123456789abcdefghijklmn",
  STRIPE_WEBHOOK_SECRET: "whsec_test0123456789abcdefghij",
  TWILIO_AUTH_TOKEN: "twilio-auth-token-0123456789ab",
  SLACK_BOT_TOKEN: "xoxb-test-0123456789-abcdefghij",
  SLACK_WEBHOOK_URL: `${FAKE("hooks.slack")}/services/T000/B000/secretpart0123456789`,
  DISCORD_BOT_TOKEN: "discord-bot-token-0123456789abcdef",
  DISCORD_WEBHOOK_URL: `${FAKE("discord-hooks")}/api/webhooks/123/secretpart0123456789`,
  SENTRY_AUTH_TOKEN: "sntrys_test0123456789abcdef",
  CLOUDFLARE_API_TOKEN: "cf-api-token-0123456789abcdef",
} as const;

/** Every integration configured and pointed at its fake. */
export const CONFIGURED: Record<string, string> = {
  ...SECRETS,
  GITHUB_API_URL: FAKE("github"),
  HUGGINGFACE_API_URL: FAKE("huggingface"),
  HUGGINGFACE_INFERENCE_URL: FAKE("hf-inference"),
  DIGITALOCEAN_API_URL: FAKE("digitalocean"),
  RAILWAY_API_URL: `${FAKE("railway")}/graphql/v2`,
  VERCEL_API_URL: FAKE("vercel"),
  VERCEL_TEAM_ID: "team_test123",
  STRIPE_API_URL: FAKE("stripe"),
  STRIPE_PUBLISHABLE_KEY: "pk_test_0123456789",
  TWILIO_API_URL: FAKE("twilio"),
  TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
  TWILIO_PHONE_NUMBER: "+15005550006",
  SLACK_API_URL: FAKE("slack"),
  DISCORD_API_URL: `${FAKE("discord")}/api/v10`,
  SENTRY_API_URL: `${FAKE("sentry")}/api/0`,
  SENTRY_ORG: "blackroad",
  CLOUDFLARE_API_URL: `${FAKE("cloudflare")}/client/v4`,
  CLOUDFLARE_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
  INTEGRATIONS_TIMEOUT_MS: "1000",
};

/** Loopback: the only addresses a test may send packets to (the local cloud lives there). */
export const isLoopback = (hostname: string) =>
  /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === "[::1]" || hostname === "localhost";

/**
 * `elsewhere` answers requests to any other non-loopback host; without it they fail like an
 * unreachable network and are listed in `refused` — no test packet ever leaves loopback.
 */
export function installFakeUpstreams(opts: { elsewhere?: Behaviour } = {}): FakeUpstreams {
  const realFetch = globalThis.fetch;
  const calls: UpstreamCall[] = [];
  const refused: string[] = [];
  let routes: Array<[string, Behaviour]> = [];

  const fake = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (isLoopback(url.hostname)) return realFetch(input, init);
    if (!url.hostname.endsWith(".fake.test")) {
      refused.push(url.href);
      if (opts.elsewhere) {
        const call = { url, method: request.method, headers: request.headers, body: "", signal: request.signal };
        return opts.elsewhere(call);
      }
      throw new TypeError(`test network edge: ${url.host} is neither loopback nor a fake`);
    }
    const call: UpstreamCall = {
      url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
      signal: request.signal,
    };
    calls.push(call);
    const key = `${request.method} ${url.hostname.replace(/\.fake\.test$/, "")}${url.pathname}`;
    const match = routes.find(([prefix]) => key.startsWith(prefix));
    if (!match) return Response.json({ message: `fake: nothing registered for ${key}` }, { status: 404 });
    return match[1](call);
  };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(fake as typeof fetch);
  return {
    calls,
    refused,
    on(prefix, behaviour) {
      routes = [[prefix, behaviour], ...routes];
    },
    reset() {
      calls.length = 0;
      refused.length = 0;
      routes = [];
    },
    uninstall() {
      spy.mockRestore();
    },
  };
}

/** A service that never answers: settles only when the request is aborted (our deadline). */
export function stall(call: UpstreamCall): Promise<Response> {
  return new Promise((_, reject) => {
    if (call.signal.aborted) reject(call.signal.reason);
    call.signal.addEventListener(
      "abort",
      () => reject(call.signal.reason ?? new DOMException("aborted", "AbortError")),
      { once: true },
    );
  });
}

/** A network failure (connection refused). */
export const unreachable: Behaviour = () => Promise.reject(new TypeError("Network connection lost."));
