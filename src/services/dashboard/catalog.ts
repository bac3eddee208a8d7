// The apps and integrations of BlackRoad OS, what each depends on, and their status from live
// dependency checks. Pure functions: the handlers pass in the checks and the configuration.
import type { CheckResult } from "../dependency-checks.ts";

export type Dependency = "postgres" | "redis" | "roadchain";
export type Checks = Record<Dependency, CheckResult>;
/** "configured": an integration with credentials, not probed (we do not call third parties to check). */
export type ServiceStatus = "online" | "degraded" | "offline" | "configured" | "not_configured";

type Entry = {
  id: string;
  name: string;
  icon: string;
  description: string;
  category: "apps" | "integrations";
  endpoint: string | null;
  /** What must be up for it to work (every signed-in request needs Redis for its session). */
  needs: Dependency[];
  /** A credential that turns it on; absent = built in, always configured. */
  requires?: "openai" | "github" | "stripe" | "sentry";
  /** Integrations are not called by a health check (it would cost a third-party request): healthy is null. */
  probed: boolean;
};

export const CATALOG: readonly Entry[] = [
  {
    id: "email",
    name: "RoadMail",
    icon: "mail",
    description: "Mail between users: folders, drafts, threads",
    category: "apps",
    endpoint: "/api/email",
    needs: ["postgres", "redis"],
    probed: true,
  },
  {
    id: "social",
    name: "Social",
    icon: "people",
    description: "Posts, likes, comments and follows",
    category: "apps",
    endpoint: "/api/social",
    needs: ["postgres", "redis"],
    probed: true,
  },
  {
    id: "video",
    name: "BlackStream",
    icon: "video",
    description: "Videos by URL, views, reactions and comments",
    category: "apps",
    endpoint: "/api/video",
    needs: ["postgres", "redis"],
    probed: true,
  },
  {
    id: "ai_chat",
    name: "AI chat",
    icon: "chat",
    description: "Conversations with an OpenAI-compatible model",
    category: "apps",
    endpoint: "/api/ai_chat",
    needs: ["postgres", "redis"],
    requires: "openai",
    probed: true,
  },
  {
    id: "wallet",
    name: "Wallet",
    icon: "wallet",
    description: "RoadChain wallet: balance, transfers, history",
    category: "apps",
    endpoint: "/api/blockchain",
    needs: ["postgres", "redis", "roadchain"],
    probed: true,
  },
  {
    id: "miner",
    name: "Miner",
    icon: "pickaxe",
    description: "Mines RoadChain blocks for your wallet",
    category: "apps",
    endpoint: "/api/miner",
    needs: ["postgres", "redis", "roadchain"],
    probed: true,
  },
  {
    id: "dashboard",
    name: "Dashboard",
    icon: "dashboard",
    description: "This overview",
    category: "apps",
    endpoint: "/api/dashboard",
    needs: ["postgres", "redis"],
    probed: true,
  },
  {
    id: "openai",
    name: "OpenAI-compatible provider",
    icon: "spark",
    description: "Model behind AI chat (OPENAI_API_KEY, OPENAI_BASE_URL)",
    category: "integrations",
    endpoint: null,
    needs: [],
    requires: "openai",
    probed: false,
  },
  {
    id: "github",
    name: "GitHub",
    icon: "github",
    description: "GitHub API access (GITHUB_TOKEN)",
    category: "integrations",
    endpoint: null,
    needs: [],
    requires: "github",
    probed: false,
  },
  {
    id: "stripe",
    name: "Stripe",
    icon: "card",
    description: "Payments (STRIPE_SECRET_KEY)",
    category: "integrations",
    endpoint: null,
    needs: [],
    requires: "stripe",
    probed: false,
  },
  {
    id: "sentry",
    name: "Sentry",
    icon: "bug",
    description: "Error reporting (SENTRY_DSN)",
    category: "integrations",
    endpoint: null,
    needs: [],
    requires: "sentry",
    probed: false,
  },
];

export type Configured = Record<NonNullable<Entry["requires"]>, boolean>;

export type ServiceView = {
  id: string;
  name: string;
  icon: string;
  description: string;
  category: "apps" | "integrations";
  endpoint: string | null;
  configured: boolean;
  /** null: not probed (third-party integrations). */
  healthy: boolean | null;
  status: ServiceStatus;
  depends_on: Dependency[];
};

export function serviceStatus(entry: Entry, configured: Configured, checks: Checks): ServiceView {
  const isConfigured = entry.requires ? configured[entry.requires] : true;
  const deps = entry.needs.map((d) => checks[d].status);
  const status: ServiceStatus = !isConfigured
    ? "not_configured"
    : deps.includes("down")
      ? "offline"
      : deps.includes("slow")
        ? "degraded"
        : "online";
  return {
    id: entry.id,
    name: entry.name,
    icon: entry.icon,
    description: entry.description,
    category: entry.category,
    endpoint: entry.endpoint,
    configured: isConfigured,
    healthy: entry.probed ? isConfigured && status !== "offline" : null,
    status: entry.probed || !isConfigured ? status : "configured",
    depends_on: entry.needs,
  };
}

export function allServices(configured: Configured, checks: Checks): ServiceView[] {
  return CATALOG.map((e) => serviceStatus(e, configured, checks));
}

/** healthy / degraded / unhealthy, as /api/health/summary reports it. */
export function overallStatus(checks: Checks): "healthy" | "degraded" | "unhealthy" {
  const all = Object.values(checks);
  return all.some((c) => c.status === "down")
    ? "unhealthy"
    : all.some((c) => c.status === "slow")
      ? "degraded"
      : "healthy";
}
