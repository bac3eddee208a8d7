/** Every integration, in the order health reports them. Add a connector here and it gets its routes, docs and health entry. */
import { cloudflare } from "./connectors/cloudflare.ts";
import { digitalocean } from "./connectors/digitalocean.ts";
import { discord } from "./connectors/discord.ts";
import { github } from "./connectors/github.ts";
import { huggingface } from "./connectors/huggingface.ts";
import { railway } from "./connectors/railway.ts";
import { sentry } from "./connectors/sentry.ts";
import { slack } from "./connectors/slack.ts";
import { stripe } from "./connectors/stripe.ts";
import { twilio } from "./connectors/twilio.ts";
import { vercel } from "./connectors/vercel.ts";
import type { Connector } from "./types.ts";

export const CONNECTORS: readonly Connector[] = [
  railway,
  vercel,
  stripe,
  twilio,
  slack,
  discord,
  sentry,
  github,
  huggingface,
  digitalocean,
  cloudflare,
];

export function connectorByName(name: string): Connector | undefined {
  const lower = name.toLowerCase();
  return CONNECTORS.find((c) => c.name === lower);
}
