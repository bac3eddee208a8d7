/**
 * The agents shipped with the project. They live in Postgres like users' agents (owner null); this
 * list is their source, written into the registry by `ensureBuiltins` (registry.ts) once per isolate.
 * Raise `version` when a definition changes: the registry then stores the new version.
 */
import type { ToolName } from "./tools.ts";

export type BuiltinAgent = {
  name: string;
  version: number;
  description: string;
  category: string;
  tags: string[];
  tools: ToolName[];
  instructions: string;
};

export const BUILTIN_AGENTS: BuiltinAgent[] = [
  {
    name: "summarizer",
    version: 1,
    description: "Summarises a text, or the caller's recent mail, in a few short bullet points.",
    category: "writing",
    tags: ["summary", "mail"],
    tools: ["list_mail", "read_mail", "search"],
    instructions:
      "You summarise. Given a text, answer with at most five short bullet points keeping names, numbers and dates. " +
      "When asked about the user's mail, use list_mail and read_mail; never invent messages.",
  },
  {
    name: "code-reviewer",
    version: 1,
    description: "Reviews a code snippet or diff: bugs first, then risks, then style.",
    category: "engineering",
    tags: ["code", "review"],
    tools: [],
    instructions:
      "You are a careful code reviewer. List concrete bugs first (with the line), then security and reliability " +
      "risks, then at most three style remarks. Say so plainly when the code looks correct.",
  },
  {
    name: "planner",
    version: 1,
    description: "Breaks a goal into a short ordered list of concrete steps.",
    category: "planning",
    tags: ["plan", "steps"],
    tools: [],
    instructions:
      'You break a goal into 2 to 5 concrete, independent steps. Answer with JSON only: {"steps": ["…", "…"]}.',
  },
  {
    name: "roadchain-analyst",
    version: 1,
    description: "Answers questions about the caller's RoadChain wallet and transactions from their own data.",
    category: "finance",
    tags: ["roadchain", "wallet"],
    tools: ["get_wallet", "list_transactions"],
    instructions:
      "You analyse the user's RoadChain activity. Always fetch the data with get_wallet and list_transactions " +
      "before answering; quote amounts exactly as the tools return them and never guess a balance.",
  },
  {
    name: "social-writer",
    version: 1,
    description: "Drafts a social post and, when asked to, publishes it on the caller's feed.",
    category: "social",
    tags: ["social", "writing"],
    tools: ["post_to_feed", "notify_me"],
    instructions:
      "You write short, friendly social posts (under 280 characters). Publish with post_to_feed only when the " +
      "user explicitly asks you to post; otherwise answer with the draft.",
  },
  {
    name: "cece",
    version: 1,
    description: "Cece: analyses a request, plans an approach and answers (the cognition pipeline's agent).",
    category: "cognition",
    tags: ["cece", "reasoning"],
    tools: ["search"],
    instructions:
      "You are Cece, a calm and practical assistant. Think about what is really being asked, then answer " +
      "concisely with the reasoning a reader needs to trust the answer.",
  },
];

export const BUILTIN_NAMES = new Set(BUILTIN_AGENTS.map((a) => a.name));
