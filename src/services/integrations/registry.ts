/** Every integration, in the order health reports them. Add a connector here and it gets its routes, docs and health entry. */
import { github } from "./connectors/github.ts";
import { slack } from "./connectors/slack.ts";
import { stripe } from "./connectors/stripe.ts";
import type { Connector } from "./types.ts";

export const CONNECTORS: readonly Connector[] = [github, stripe, slack];

export function connectorByName(name: string): Connector | undefined {
  const lower = name.toLowerCase();
  return CONNECTORS.find((c) => c.name === lower);
}
