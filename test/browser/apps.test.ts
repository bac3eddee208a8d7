/**
 * The Pocket OS apps the story in pocket-os.test.ts does not reach, in a real browser (Debian
 * Chromium via playwright-core) against the real system, started once the way `npm run dev` starts
 * it (system.ts): BlackStream, AI chat, Terminal, Account, System, window focus and GraphiQL. Each test registers its own user
 * (through the UI, or the API for a payee) and depends on no other test. Every page is watched for
 * console errors, uncaught exceptions, failed requests and HTTP error answers (browser.ts).
 *
 * Registrations stay inside the API's per-IP limit (rate-limit.ts: 5 a minute): 5 in this file.
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, screenshot, type Watched } from "./browser.ts";
import { signUp, visible, win } from "./desktop.ts";
import { systemAndBrowser } from "./system.ts";

const env = systemAndBrowser();

const run = Date.now().toString(36).slice(-5);
const PASSWORD = "correct-horse-battery";

// ---- helpers: the way a user finds things on the desktop (as in pocket-os.test.ts) ----

async function openApp(page: Page, title: string): Promise<Locator> {
  await page.locator("#icons").getByRole("button", { name: title, exact: true }).click();
  return visible(win(page, title));
}

/** A fresh page at the desktop with a new user registered through the Sign in window. */
async function desktopAs(name: string): Promise<{ desk: Watched; page: Page; username: string }> {
  const desk = await openPage(env.browser, env.system.url);
  const { page } = desk;
  const username = `${name}_${run}`;
  await signUp(page, username, PASSWORD);
  return { desk, page, username };
}

/** GET an API path as nobody in particular: what the UI should be showing. */
async function apiJson(path: string, init?: RequestInit): Promise<any> {
  const res = await fetch(env.system.url + path, init);
  expect(res.ok, `${path} answered ${res.status}`).toBe(true);
  return res.json();
}

/** Opens AI Chat and sends `question` the way a user does (Enter). */
async function ask(page: Page, question: string): Promise<{ chat: Locator; box: Locator }> {
  const chat = await openApp(page, "AI Chat");
  const box = chat.getByRole("textbox", { name: "Message" });
  await box.fill(question);
  await box.press("Enter");
  return { chat, box };
}

/** Holds requests matching `glob` until the returned function is called (a slow network). */
async function holdBack(page: Page, glob: string): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route(glob, async (r) => {
    await held;
    await r.continue();
  });
  return release;
}

function expectNoProblems(w: Watched) {
  expect(w.problems()).toEqual([]);
}

describe("BlackStream", () => {
  it("adds a video by URL, plays it, reacts to it and finds it by category", async () => {
    const { desk, page } = await desktopAs("vid");
    try {
      // The video file itself: answered by the test (no network), with bytes no browser can decode.
      const videoUrl = `https://cdn.example.test/v/clip-${run}.mp4`;
      await desk.context.route("https://cdn.example.test/**", (r) =>
        r.fulfill({ status: 200, contentType: "video/mp4", body: "not really a video" }),
      );
      // A slow list: the user opens the form before it arrives, and the late list must not replace it.
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      await page.route("**/api/video?*", async (r) => {
        await held;
        await r.continue();
      });
      const title = `Sunset over the road ${run}`;
      const stream = await openApp(page, "BlackStream");
      await visible(stream.getByText("Loading videos…"));
      await stream.getByRole("button", { name: "Add video" }).click();
      const form = stream.locator("form#video");
      await form.getByLabel("Title").fill(title);
      await form.getByLabel("Video URL").fill(videoUrl);
      const listed = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/video");
      release();
      await (await listed).finished();
      await form.getByLabel("Category").selectOption("education");
      await form.getByLabel("Description (optional)").fill("Filmed from the RoadChain café.");
      expect(await form.getByLabel("Title").inputValue()).toBe(title);
      await form.getByRole("button", { name: "Publish" }).click();

      // The player view of the new video.
      await visible(stream.getByRole("heading", { name: title }));
      await visible(stream.getByText("Filmed from the RoadChain café."));
      expect(await stream.locator("video").getAttribute("src")).toBe(videoUrl);
      await visible(stream.getByText("This video can't be played here", { exact: false }));
      const like = stream.getByRole("button", { name: /Like \d+$/ });
      const dislike = stream.getByRole("button", { name: /Dislike \d+$/ });
      expect(await like.innerText()).toBe("▲ Like 0");
      await like.click();
      await expect.poll(() => like.innerText()).toBe("▲ Like 1");
      expect(await like.getAttribute("aria-pressed")).toBe("true");
      await dislike.click(); // switches the reaction
      await expect.poll(() => dislike.innerText()).toBe("▼ Dislike 1");
      expect(await like.innerText()).toBe("▲ Like 0");
      expect(await dislike.getAttribute("aria-pressed")).toBe("true");
      expect(await like.getAttribute("aria-pressed")).toBe("false");
      await screenshot(stream, "app-blackstream-player");

      // Back in the list: the card, with the category filter in both directions.
      await stream.getByRole("button", { name: "← All videos" }).click();
      const card = stream.locator(".video-card", { hasText: title });
      await visible(card);
      await stream.getByLabel("Category").selectOption("education");
      await visible(card);
      await stream.getByLabel("Category").selectOption("music");
      await visible(stream.getByText("No videos here yet."));
      await stream.getByLabel("Category").selectOption("");
      await card.click();
      // Opened again: the stored reaction is shown.
      await visible(stream.getByRole("heading", { name: title }));
      await expect.poll(() => dislike.innerText()).toBe("▼ Dislike 1");
      expect(await dislike.getAttribute("aria-pressed")).toBe("true");
      await dislike.click(); // the same reaction again takes it back
      await expect.poll(() => dislike.innerText()).toBe("▼ Dislike 0");
      expect(await dislike.getAttribute("aria-pressed")).toBe("false");
      expectNoProblems(desk);
    } finally {
      await desk.close();
    }
  });
});

describe("AI chat", () => {
  it("tells the user the assistant is not configured, and keeps what they typed", async () => {
    const { desk, page } = await desktopAs("chat");
    try {
      const chat = await openApp(page, "AI Chat");
      const notice = chat.getByRole("status").filter({ hasText: "Not configured." });
      await visible(notice);
      expect(await notice.innerText()).toContain("AI chat is not configured on this server");
      const message = chat.getByRole("textbox", { name: "Message" });
      await message.fill(`What is the RoadChain block reward? ${run}`);
      await message.press("Enter");
      // Nothing is sent (no answer could come): the text stays in the box, the send button off.
      expect(await message.inputValue()).toBe(`What is the RoadChain block reward? ${run}`);
      expect(await chat.getByRole("log", { name: "Messages" }).innerText()).not.toContain("block reward");
      expect(await chat.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
      await visible(chat.getByText("Start a new conversation below."));
      await screenshot(chat, "app-ai-chat-not-configured");
      expectNoProblems(desk);

      // A slow network: the message goes out before the server's settings arrive, and the API's
      // own answer (503, not configured) is what the user reads. Nothing is left behind.
      await chat.getByRole("button", { name: "Close" }).click();
      const release = await holdBack(page, "**/api/system/config/public");
      const question = `Is the café open on Sundays? ${run}`;
      const { chat: again, box } = await ask(page, question);
      const refused = again.getByRole("status").filter({ hasText: "Not configured." });
      await visible(refused);
      expect(await refused.innerText()).toContain("nothing was stored");
      expect(await box.inputValue()).toBe(question);
      expect(await again.getByRole("log", { name: "Messages" }).innerText()).not.toContain(question);
      const settings = page.waitForResponse((r) => r.url().endsWith("/api/system/config/public"));
      release();
      await settings;
      // Opened afresh, the list of conversations comes from the API: still none.
      await again.getByRole("button", { name: "Close" }).click();
      const list = (await openApp(page, "AI Chat")).getByRole("navigation", { name: "Conversations" });
      await visible(list.locator(".conv, p"));
      expect(await list.innerText()).toBe("No conversations yet.");

      // Any other 503 (here the database, answered by the test at the network edge) is not "not
      // configured": the user reads an error worth a retry and gets the text back.
      await page.unroute("**/api/system/config/public");
      await page.reload(); // fresh windows; the session survives a reload
      const releaseAgain = await holdBack(page, "**/api/system/config/public");
      await page.route("**/api/ai_chat/conversations/*/messages", (r) =>
        r.fulfill({
          status: 503,
          contentType: "application/problem+json",
          body: JSON.stringify({
            type: "https://blackroad.systems/problems/database-unavailable",
            title: "Service Unavailable",
            status: 503,
            detail: "The database is unavailable; retry shortly.",
            request_id: "browser-test",
          }),
        }),
      );
      const { chat: third, box: retry } = await ask(page, question);
      const failed = third.getByRole("alert").filter({ hasText: "Not answered" });
      await visible(failed);
      expect(await failed.innerText()).toContain("retry shortly");
      expect(await third.getByRole("status").filter({ hasText: "Not configured." }).count()).toBe(0);
      expect(await retry.inputValue()).toBe(question);
      releaseAgain();
      // The one expected error answer: the API's 503 to the message (and the test's own, above).
      expect(desk.problems().filter((p) => !/\b503\b.*\/api\/ai_chat\/conversations\/\d+\/messages\b/.test(p))).toEqual(
        [],
      );
      expect(desk.problems().some((p) => p.startsWith("HTTP 503 POST"))).toBe(true);
    } finally {
      await desk.close();
    }
  });
});

describe("Terminal", () => {
  it("shows the user's own wallet, mines, pays someone and verifies the chain", async () => {
    const payee = `payee_${run}`;
    const reg = await apiJson("/api/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: payee, email: `${payee}@example.com`, password: PASSWORD }),
    });
    const { desk, page, username } = await desktopAs("term");
    try {
      const term = await openApp(page, "Terminal");
      const out = term.getByRole("log", { name: "Terminal output" });
      const lines = () => out.locator(".term-l").allInnerTexts();
      /** Types a command and waits for the prompt to come back; the lines it printed. */
      const type = async (command: string): Promise<string[]> => {
        const before = (await lines()).length;
        const input = term.getByLabel("Command");
        await input.fill(command);
        await input.press("Enter");
        // Read-only while a command runs (mine: proof of work on this device, a few seconds under load).
        await expect.poll(() => input.isEditable(), { timeout: 30_000 }).toBe(true);
        return (await lines()).slice(before + 1);
      };
      await visible(term.getByText(`${username}@pocket:~$`));

      expect((await type("help")).join("\n")).toMatch(/^send <address> <amount>/m);
      const whoami = (await type("whoami")).join("\n");
      expect(whoami).toMatch(new RegExp(`^${username} <${username}@example.com>  wallet RD[0-9a-f]{38}$`, "i"));
      const address = /wallet (RD\w+)/.exec(whoami)![1]!;
      const wallet = (await type("wallet")).join("\n");
      expect(wallet).toContain(address);
      const balance = async () => Number(/^([\d.]+) RC$/.exec((await type("balance")).join(""))![1]);
      const start = await balance();
      expect(start).toBeGreaterThan(0);

      const mined = (await type("mine")).join("\n");
      const [, height, reward] = /Mined block #(\d+) .* reward ([\d.]+) RC/.exec(mined)!;
      expect(await balance()).toBe(start + Number(reward));
      expect((await type("blocks 1")).join("\n")).toMatch(new RegExp(`^#${height}\\s`));

      // Paying asks first; "no" sends nothing.
      expect(await type(`send ${reg.wallet_address} 2.5`)).toEqual([
        `Send 2.5 RC to ${reg.wallet_address}? Type "yes" to confirm:`,
      ]);
      await type("no");
      expect((await lines()).at(-1)).toBe("Cancelled.");
      expect(await balance()).toBe(start + Number(reward));
      await type(`send ${reg.wallet_address} 2.5 for the toll`);
      expect(await type("yes")).toEqual([
        expect.stringMatching(/^Sent\. Transaction \w+ is pending until the next block\.$/),
      ]);
      expect(await balance()).toBe(start + Number(reward) - 2.5);
      const payment = async () => (await type("history")).find((l) => / 2\.5 RC {2}/.test(l));
      expect(await payment()).toMatch(/ pending$/);
      // The next block confirms it.
      const [, next] = /Mined block #(\d+) /.exec((await type("mine")).join("\n"))!;
      expect(await payment()).toMatch(new RegExp(` block #${next}$`));
      const end = start + 2 * Number(reward) - 2.5;
      expect(await balance()).toBe(end);

      expect((await type("verify")).at(-1)).toMatch(new RegExp(`^VALID: \\d+ blocks checked, head #${next} `));
      expect(await type("frobnicate")).toEqual(['frobnicate: command not found. Type "help".']);
      await screenshot(term, "app-terminal");

      // The rest of the desktop agrees: `open wallet` shows the same balance, Account the same address.
      await type("open wallet");
      await visible(win(page, "Wallet").locator(".big", { hasText: `${end} RC` }));
      await page.locator("#user-btn").click();
      expect((await (await visible(win(page, "Account").locator("dd .mono"))).innerText()).trim()).toBe(address);
      expectNoProblems(desk);
    } finally {
      await desk.close();
    }
  });
});

describe("Windows", () => {
  it("a window that finishes loading behind the one the user opened next stays behind it", async () => {
    const desk = await openPage(env.browser, env.system.url);
    const { page } = desk;
    try {
      await page.goto("/");
      await visible(win(page, "Sign in"));
      const release = await holdBack(page, "**/js/apps/wallet.js");
      await page.locator("#icons").getByRole("button", { name: "Wallet", exact: true }).click();
      const wallet = await visible(win(page, "Wallet"));
      await visible(wallet.getByText("Starting Wallet…"));
      await page.locator("#user-btn").click(); // the user moves on while Wallet loads
      const signIn = win(page, "Sign in");
      const active = async (w: Locator) => /\bis-active\b/.test((await w.getAttribute("class")) ?? "");
      await expect.poll(() => active(signIn)).toBe(true);
      release();
      await wallet.getByText("Starting Wallet…").waitFor({ state: "detached", timeout: 30_000 });
      expect(await active(signIn)).toBe(true);
      expect(await active(wallet)).toBe(false);
      // Nor did it take the keyboard focus.
      expect(await wallet.evaluate((w) => w.contains(w.ownerDocument.activeElement))).toBe(false);
      expectNoProblems(desk);
    } finally {
      await desk.close();
    }
  });
});

describe("Account", () => {
  it("lists the signed-in devices and signs another one out", async () => {
    const { desk, page, username } = await desktopAs("dev");
    try {
      // A second device signs in (the API, as a phone app would).
      const res = await fetch(`${env.system.url}/api/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "phone-app/2" },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      const phone = (await res.json()) as { access_token: string };
      await page.locator("#user-btn").click();
      const devices = (await visible(win(page, "Account"))).getByRole("region", { name: "Signed-in devices" });
      await visible(devices.locator("[data-session=other]"));
      expect(await devices.locator("[data-session]").count()).toBe(2);
      expect(await devices.locator("[data-session=current]").innerText()).toContain("(this device)");
      await devices.getByRole("button", { name: "Sign out phone-app/2" }).click();
      await devices.locator("[data-session=other]").waitFor({ state: "detached" });
      expect(await devices.locator("[data-session]").count()).toBe(1);
      const phoneMe = await fetch(`${env.system.url}/api/auth/me`, {
        headers: { Authorization: `Bearer ${phone.access_token}` },
      });
      expect(phoneMe.status).toBe(401);
      expectNoProblems(desk);
    } finally {
      await desk.close();
    }
  });
});

describe("System", () => {
  it("shows the live health summary and the version the API reports", async () => {
    const desk = await openPage(env.browser, env.system.url);
    try {
      const { page } = desk;
      await page.goto("/");
      await visible(win(page, "Sign in"));
      const sys = await openApp(page, "System");
      const version = await apiJson("/api/system/version");
      const health = await apiJson("/api/health/summary");
      /** The block under one of the window's headings (Version, Public configuration). */
      const section = (name: string) =>
        sys.locator("h3", { hasText: new RegExp(`^${name}$`) }).locator("xpath=following-sibling::div[1]");

      // Health: the overall status and one row per dependency the API checked, with its latency.
      await visible(sys.locator(".badge", { hasText: new RegExp(`^${health.status}$`, "i") }));
      const checks = Object.entries(health.checks as Record<string, { status: string }>);
      expect(checks.length).toBeGreaterThan(0);
      await expect.poll(() => sys.locator("tbody tr").count()).toBe(checks.length);
      for (const [name, check] of checks) {
        const row = sys.locator("tbody tr", { hasText: new RegExp(name, "i") });
        expect(await row.innerText()).toMatch(new RegExp(`\\t${check.status}\\t\\d+(\\.\\d)? ms`, "i"));
      }
      // No AI provider in this system: the integrations say so.
      expect(health.integrations.openai.configured).toBe(false);
      await visible(sys.getByText("OpenAI: not configured"));

      // Version: what /api/system/version says (this system's GIT_SHA is "browser-test").
      const versionView = section("Version");
      for (const [label, value] of [
        ["Version", version.version],
        ["Environment", version.environment],
        ["Git sha", version.git_sha],
      ]) {
        expect(
          await versionView
            .locator("dt", { hasText: new RegExp(`^${label}$`) })
            .locator("xpath=following-sibling::dd[1]")
            .innerText(),
        ).toBe(value);
      }
      expect(version.git_sha).toBe("browser-test");
      const config = section("Public configuration");
      await visible(config.locator("dd", { hasText: "BlackRoad OS API" }));
      expect(
        await config
          .locator("dt", { hasText: /^AI chat$/ })
          .locator("xpath=following-sibling::dd[1]")
          .innerText(),
      ).toBe("No");
      await screenshot(sys, "app-system");
      expectNoProblems(desk);
    } finally {
      await desk.close();
    }
  });
});

describe("GraphiQL (development)", () => {
  it("opens from our own assets and runs a query against /api/graphql", async () => {
    const desk = await openPage(env.browser, env.system.url);
    const { page } = desk;
    try {
      const fromElsewhere: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(env.system.url)) fromElsewhere.push(r.url());
      });
      await page.goto("/api/graphiql");
      const run = await visible(page.getByRole("button", { name: /Execute query/ }));
      await run.click();
      // The default query's answer is what the API answers the same query (proof it went to /api/graphql).
      const { data } = await apiJson("/api/graphql", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: "{ blocks(first: 5) { nodes { height hash transactionCount } } }" }),
      });
      const shown = async () => (await page.locator(".result-window").innerText()).replace(/\s+/g, "");
      await expect.poll(shown, { timeout: 30_000 }).toContain(`{"data":${JSON.stringify(data)}`);
      expect(await shown()).toContain('"cost":'); // our limits' extension
      // No screenshot(): it also runs axe-core, and GraphiQL's own markup (a vendored development tool,
      // not ours to change) has findings.
      expect(fromElsewhere).toEqual([]); // nothing from a CDN
      expectNoProblems(desk);
    } finally {
      await desk.close();
    }
  });
});
