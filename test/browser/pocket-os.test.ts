/**
 * Pocket OS and Prism in a real browser (Debian Chromium via playwright-core) against the real
 * system, started once the way `npm run dev` starts it (see system.ts). The flows are what a user
 * does, through the UI only: register and sign in, mail a second user and read it as them, post and
 * like, mine a block and watch it arrive live in the explorer (WebSocket), pay the second user and
 * see both balances, verify the chain, sign out, and Prism as an admin and as a non-admin.
 *
 * Every page is watched for console errors, uncaught exceptions, failed requests and HTTP error
 * answers (browser.ts; its ALLOWED list holds the only expected ones). Screenshots of the desktop
 * (1280×800), a phone (390×844) and Prism go to test-artifacts/ (git-ignored).
 *
 * The tests in this file run in order and build on each other (one story, one system). Everyone
 * connects from 127.0.0.1, so the run stays inside the API's per-IP auth limits (rate-limit.ts:
 * 5 registrations and 10 sign-ins a minute): 2 registrations and 7 sign-ins, one of them wrong.
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPage, screenshot, type Watched } from "./browser.ts";
import { systemAndBrowser } from "./system.ts";

const env = systemAndBrowser();

const run = Date.now().toString(36).slice(-5);
const PASSWORD = "correct-horse-battery";
const alice = { username: `alice_${run}`, email: `alice_${run}@example.com`, fullName: "Alice Road" };
const bob = { username: `bob_${run}`, email: `bob_${run}@example.com`, fullName: "" };

// ---- helpers: the way a user finds things on the desktop ----

const win = (page: Page, title: string | RegExp) => page.getByRole("dialog", { name: title });

/** Brings an open window to the front the way a user does: its taskbar button. */
async function front(page: Page, title: string): Promise<Locator> {
  const w = win(page, title);
  const active = async () => /\bis-active\b/.test((await w.getAttribute("class")) ?? "");
  if (!(await active())) await page.locator("#task-list .task", { hasText: title }).click();
  await expect.poll(active).toBe(true);
  return w;
}

async function openApp(page: Page, title: string): Promise<Locator> {
  await page.locator("#icons").getByRole("button", { name: title, exact: true }).click();
  return visible(win(page, title));
}

/** Waits until the locator is visible (Playwright's own auto-waiting, without @playwright/test). */
async function visible(l: Locator, timeout = 20_000): Promise<Locator> {
  await l.first().waitFor({ state: "visible", timeout });
  return l.first();
}

/** Waits until nothing in the window is loading any more (before a screenshot or a reload). */
async function settled(w: Locator): Promise<void> {
  await expect.poll(() => w.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
}

/** On a phone the panes cover the icons: apps open from the Start menu in the bottom bar. */
async function openFromStart(page: Page, title: string): Promise<Locator> {
  await page.locator("#start-btn").click();
  await page.getByRole("menu", { name: "Start" }).getByRole("menuitem", { name: title }).click();
  const w = win(page, title);
  await visible(w);
  return w;
}

async function textOf(l: Locator): Promise<string> {
  return (await visible(l)).innerText();
}

async function register(page: Page, u: { username: string; email: string; fullName: string }) {
  const account = win(page, /^(Sign in|Account)$/);
  await visible(account);
  await account.getByRole("tab", { name: "Create account" }).click();
  const form = account.locator("form#register");
  await form.getByLabel("Username").fill(u.username);
  await form.getByLabel("Email").fill(u.email);
  if (u.fullName) await form.getByLabel("Full name (optional)").fill(u.fullName);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Create account" }).click();
  await expectSignedInAs(page, u.username);
}

async function signIn(page: Page, username: string) {
  const account = win(page, "Sign in");
  await visible(account);
  const form = account.locator("form#signin");
  await form.getByLabel("Username or email").fill(username);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expectSignedInAs(page, username);
}

async function expectSignedInAs(page: Page, username: string) {
  await visible(page.locator("#user-btn", { hasText: username }));
}

async function signOut(page: Page) {
  await page.locator("#user-btn").click();
  const account = win(page, "Account");
  await account.getByRole("button", { name: "Sign out", exact: true }).click();
  await visible(page.locator("#user-btn", { hasText: "Sign in" }));
}

function expectNoProblems(w: Watched) {
  expect(w.problems()).toEqual([]);
}

describe("Pocket OS: a user's day on the desktop", () => {
  let desk: Watched;
  let page: Page;
  let bobAddress = "";

  beforeAll(async () => {
    desk = await openPage(env.browser, env.system.url);
    page = desk.page;
  });
  afterAll(async () => {
    await desk?.close();
  });

  it("boots to the sign-in window and registers a first user (bob)", async () => {
    await page.goto("/");
    await screenshot(await visible(win(page, "Sign in")), "app-sign-in");
    await register(page, bob);
    // The first sign-in lands on the dashboard.
    await visible(win(page, "Dashboard").getByRole("heading", { name: `Hello, ${bob.username}` }));
    // The account window knows bob's wallet address: alice will pay him there later.
    await page.locator("#user-btn").click();
    const account = win(page, "Account");
    bobAddress = (await textOf(account.locator("dd .mono"))).trim();
    expect(bobAddress).toMatch(/^RD[0-9a-f]{38}$/i);
    expectNoProblems(desk);
  });

  it("signs out and registers a second user (alice)", async () => {
    await signOut(page);
    await register(page, alice);
    const dash = await front(page, "Dashboard");
    await visible(dash.getByRole("heading", { name: `Hello, ${alice.fullName}` }));
    await settled(dash);
    await screenshot(dash, "app-dashboard");
    expectNoProblems(desk);
  });

  it("sends mail to bob", async () => {
    const mail = await openApp(page, "RoadMail");
    await visible(mail.getByRole("button", { name: /Inbox/ }));
    await mail.getByRole("button", { name: "Compose" }).click();
    const form = mail.locator("form#compose");
    await form.getByLabel("To").fill(bob.email);
    await form.getByLabel("Subject").fill(`Lunch on the road ${run}`);
    await form.getByLabel("Message").fill("Meet at the RoadChain café at noon?");
    await form.getByRole("button", { name: "Send" }).click();
    await visible(page.locator("#toast", { hasText: "Message sent" }));
    await mail.getByRole("button", { name: /^Sent/ }).click();
    await visible(mail.locator(".mail-item", { hasText: `Lunch on the road ${run}` }));
    await screenshot(mail, "app-roadmail-sent");
    expectNoProblems(desk);
  });

  it("posts and likes", async () => {
    const social = await openApp(page, "Social");
    const text = `First post from the road ${run}`;
    await social.getByLabel("What is happening on the road?").fill(text);
    await social.getByRole("button", { name: "Post", exact: true }).click();
    const post = social.locator("article.post", { hasText: text });
    await visible(post);
    await post.getByRole("button", { name: "0 likes", pressed: false }).click();
    await visible(post.getByRole("button", { name: "1 likes", pressed: true }));
    // The like is stored: the feed reloaded from the API still shows it.
    await social.getByRole("tab", { name: "Everyone" }).click();
    await visible(
      social.locator("article.post", { hasText: text }).getByRole("button", { name: "1 likes", pressed: true }),
    );
    await screenshot(social, "app-social");
    expectNoProblems(desk);
  });

  it("mines a block and watches it arrive live in the explorer", async () => {
    const explorer = await openApp(page, "RoadChain Explorer");
    await visible(explorer.getByRole("status").filter({ hasText: "● Live" }));
    await visible(explorer.locator("table, .empty"));
    const miner = await openApp(page, "Miner");
    await miner.getByRole("button", { name: "Mine one block now" }).click();
    const mined = await textOf(miner.locator(".msg.ok", { hasText: /^Mined block #\d+/ }));
    const height = /#(\d+)/.exec(mined)![1];
    // The row arrives over the WebSocket (rows added live are marked .fresh; a reload would not be).
    await visible(explorer.locator("tr.fresh", { hasText: `#${height}` }));
    await settled(miner);
    await screenshot(miner, "app-miner");
    expectNoProblems(desk);
  });

  it("sends coins to bob and sees the balance change", async () => {
    const wallet = await openApp(page, "Wallet");
    // 100 RC welcome balance + 50 RC for the block just mined
    await visible(wallet.locator(".big", { hasText: "150 RC" }));
    await wallet.getByLabel("To address").fill(bobAddress);
    await wallet.getByLabel("Amount (RC)").fill("12.5");
    await wallet.getByLabel("Message (optional)").fill("lunch");
    await wallet.getByRole("button", { name: "Review…" }).click();
    await wallet.getByRole("button", { name: "Send 12.5 RC" }).click();
    await visible(wallet.getByRole("status").filter({ hasText: /^Sent 12.5 RC/ }));
    await visible(wallet.locator(".big", { hasText: "137.5 RC" }));
    await visible(wallet.locator("tr", { hasText: "Sent" }).filter({ hasText: "Pending" }));
    // Pending until the next block: mine it, and it is confirmed.
    const miner = await front(page, "Miner");
    await miner.getByRole("button", { name: "Mine one block now" }).click();
    await visible(miner.locator(".msg.ok", { hasText: /1 transactions/ }));
    await (await front(page, "Wallet")).getByRole("button", { name: "Refresh" }).click();
    await visible(wallet.locator(".big", { hasText: "187.5 RC" }));
    await visible(wallet.locator("tr", { hasText: "Sent" }).filter({ hasText: /In block #\d+/ }));
    await screenshot(wallet, "app-wallet");
    expectNoProblems(desk);
  });

  it("verifies the chain", async () => {
    const explorer = await front(page, "RoadChain Explorer");
    await explorer.getByRole("button", { name: "Verify chain" }).click();
    await visible(explorer.getByRole("status").filter({ hasText: "Chain is valid" }));
    await screenshot(page, "desktop-1280x800");
    expectNoProblems(desk);
  });

  it("switches to bob: the mail is in his inbox and the coins in his wallet", async () => {
    await signOut(page);
    await page.locator("#user-btn").click();
    // A typo first: the API's answer in plain words, inside the window, and nothing typed is lost.
    const form = win(page, "Sign in").locator("form#signin");
    await form.getByLabel("Username or email").fill(bob.username);
    await form.getByLabel("Password").fill("not-the-password");
    await form.getByRole("button", { name: "Sign in" }).click();
    await visible(form.getByRole("alert").filter({ hasText: "Incorrect username or password" }));
    expect(await form.getByLabel("Username or email").inputValue()).toBe(bob.username);
    await signIn(page, bob.username);
    const mail = await front(page, "RoadMail");
    const item = mail.locator(".mail-item", { hasText: `Lunch on the road ${run}` });
    await visible(item);
    await item.click();
    await visible(mail.getByText("Meet at the RoadChain café at noon?"));
    await screenshot(mail, "app-roadmail-read");
    const wallet = await front(page, "Wallet");
    await visible(wallet.locator(".big", { hasText: "112.5 RC" }));
    await visible(wallet.locator("tr", { hasText: "Received" }));
    expectNoProblems(desk);
  });

  it("signs out: every app asks to sign in again", async () => {
    await signOut(page);
    await visible(win(page, "Wallet").getByText("Sign in to use Wallet."));
    await visible(win(page, "RoadMail").getByText("Sign in to use RoadMail."));
    await screenshot(page, "desktop-signed-out");
    expectNoProblems(desk);
  });
});

describe("Pocket OS on a phone (390×844)", () => {
  it("windows become full-screen panes above a bottom bar; the session survives a reload", async () => {
    const phone = await openPage(env.browser, env.system.url, { width: 390, height: 844 });
    try {
      const { page } = phone;
      await page.goto("/");
      await signIn(page, bob.username);
      const dash = win(page, "Dashboard");
      await visible(dash.getByRole("heading", { name: `Hello, ${bob.username}` }));
      await settled(dash);
      await screenshot(page, "phone-390x844-dashboard");
      // A reload keeps the session (refresh token in sessionStorage, a new access token).
      await page.reload();
      await expectSignedInAs(page, bob.username);
      const wallet = await openFromStart(page, "Wallet");
      await visible(wallet.locator(".big", { hasText: "112.5 RC" }));
      await settled(wallet);
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBe(390);
      const pane = (await wallet.boundingBox())!;
      const bar = (await page.locator("#taskbar").boundingBox())!;
      expect(pane.x).toBe(0);
      expect(pane.width).toBe(390);
      expect(pane.y).toBe(0);
      expect(bar.y + bar.height).toBe(844); // the bar is at the bottom…
      expect(pane.y + pane.height).toBeLessThanOrEqual(bar.y); // …and the pane ends above it
      await screenshot(page, "phone-390x844-wallet");
      // The Explorer's search row on a phone: a tap on Find lands on Find, never on "Verify chain".
      const explorer = await openFromStart(page, "RoadChain Explorer");
      const find = explorer.getByRole("button", { name: "Find", exact: true });
      const verify = explorer.getByRole("button", { name: "Verify chain" });
      const [f, v] = [(await (await visible(find)).boundingBox())!, (await (await visible(verify)).boundingBox())!];
      const overlap = f.x < v.x + v.width && v.x < f.x + f.width && f.y < v.y + v.height && v.y < f.y + f.height;
      expect(overlap, `Find ${JSON.stringify(f)} and Verify ${JSON.stringify(v)} overlap`).toBe(false);
      type Doc = { elementFromPoint(x: number, y: number): { textContent: string | null } | null };
      const hit = await page.evaluate(
        ([x, y]) => (globalThis as unknown as { document: Doc }).document.elementFromPoint(x!, y!)?.textContent?.trim(),
        [f.x + f.width / 2, f.y + f.height / 2],
      );
      expect(hit).toBe("Find");
      await screenshot(page, "phone-390x844-explorer");
      await page.locator("#start-btn").click();
      await visible(page.getByRole("menu", { name: "Start" }));
      await screenshot(page, "phone-390x844-start-menu");
      expectNoProblems(phone);
    } finally {
      await phone.close();
    }
  });
});

describe("Prism console", () => {
  it("shows an administrator the counts, the audit events and a verified chain", async () => {
    const out = await env.system.makeAdmin(alice.username);
    expect(out).toContain("is now an administrator");
    const prism = await openPage(env.browser, env.system.url);
    try {
      const { page } = prism;
      await page.goto("/prism");
      await expect.poll(() => new URL(page.url()).pathname).toBe("/prism/");
      const form = page.locator("form#signin");
      await form.getByLabel("Username or email").fill(alice.email);
      await form.getByLabel("Password").fill(PASSWORD);
      await form.getByRole("button", { name: "Sign in" }).click();
      await visible(page.getByText(`Signed in as ${alice.username}`));
      const counts = page.getByRole("region", { name: "Counts" });
      await visible(counts.locator(".count"));
      const count = async (label: RegExp) =>
        Number(await counts.locator(".count", { hasText: label }).first().locator("strong").innerText());
      expect(await count(/^\d+\s*Users/i)).toBe(2);
      expect(await count(/blocks/i)).toBeGreaterThanOrEqual(3);
      const events = page.getByRole("region", { name: "Audit events" });
      await visible(events.locator("tbody tr", { hasText: "admin.granted" }));
      await events.getByLabel("Type").fill("auth.login");
      await events.getByRole("button", { name: "Apply" }).click();
      await expect
        .poll(async () => {
          const types = await events.locator("tbody tr td:nth-child(2)").allInnerTexts();
          return types.length > 0 && types.every((t) => t.trim() === "auth.login");
        })
        .toBe(true);
      const chain = page.getByRole("region", { name: "Chain status" });
      await chain.getByRole("button", { name: "Verify chain" }).click();
      // The day's verification left a checkpoint: this one walks from it up to the head (height 2).
      await visible(
        chain
          .getByRole("status")
          .filter({ hasText: /^Valid\. \d+ blocks checked up to height 2 .*from the checkpoint/ }),
      );
      await visible(
        page.getByRole("region", { name: "System health" }).locator(".badge", { hasText: /^(Ok|Healthy)$/ }),
      );
      // Observability: charts of the last hour (uPlot canvases with text alternatives) and the busiest routes.
      const observability = page.getByRole("region", { name: "Observability" });
      await visible(
        observability.getByRole("img", {
          name: /^Requests and 5xx per minute over the last hour\. requests: highest \d+/,
        }),
      );
      await visible(observability.getByRole("img", { name: /^p95 latency \(ms\) over the last hour/ }));
      expect(await observability.locator("canvas").count()).toBeGreaterThanOrEqual(4);
      await visible(observability.locator("tbody tr", { hasText: "POST /api/auth/login" }));
      await settled(page.locator("main"));
      await page.evaluate("window.scrollTo(0, 0)");
      await screenshot(page, "prism-admin-1280x800", { fullPage: true });
      // One top-level heading names the page (axe-core's page-has-heading-one, a moderate rule).
      expect(await page.getByRole("heading", { level: 1 }).allInnerTexts()).toEqual([expect.stringMatching(/Prism/)]);
      await page.setViewportSize({ width: 390, height: 844 });
      // Nothing sticks out sideways on a phone: wide tables scroll inside their panel.
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBe(390);
      await screenshot(page, "prism-admin-390x844", { fullPage: true });
      expectNoProblems(prism);
    } finally {
      await prism.close();
    }
  });

  it("tells a signed-in non-admin that Prism is for administrators", async () => {
    const prism = await openPage(env.browser, env.system.url);
    try {
      const { page } = prism;
      await page.goto("/prism/");
      const form = page.locator("form#signin");
      await form.getByLabel("Username or email").fill(bob.username);
      await form.getByLabel("Password").fill(PASSWORD);
      await form.getByRole("button", { name: "Sign in" }).click();
      const denied = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Admin only" }) });
      await visible(denied);
      expect(await denied.innerText()).toContain(`signed in as ${bob.username}`);
      await screenshot(page, "prism-non-admin");
      expectNoProblems(prism);
    } finally {
      await prism.close();
    }
  });
});

describe("Static site", () => {
  /** Same-origin references in a page or asset: HTML src/href, CSS url()/@import, JS imports. */
  function references(body: string, contentType: string): string[] {
    const refs: string[] = [];
    const add = (re: RegExp) => {
      for (const m of body.matchAll(re)) refs.push(m[1]!);
    };
    if (contentType.includes("html")) add(/\s(?:src|href)\s*=\s*["']([^"']+)["']/gi);
    if (contentType.includes("css")) {
      add(/url\(\s*["']?([^"')]+)["']?\s*\)/gi);
      add(/@import\s+["']([^"']+)["']/gi);
    }
    if (contentType.includes("javascript")) {
      add(/\bimport\s*(?:[\w*${}\s,]+from\s*)?["']([^"']+)["']/g);
      add(/\bexport\s*[\w*${}\s,]+from\s*["']([^"']+)["']/g);
      add(/\bimport\(\s*["']([^"']+)["']\s*\)/g);
    }
    return refs.filter((r) => !/^(data:|#|mailto:|javascript:)/i.test(r));
  }

  it("every asset the pages reference exists, with the right content type", async () => {
    const origin = new URL(env.system.url).origin;
    const queue = ["/", "/prism/", "/api/docs", "/404.html"];
    const seen = new Map<string, string>(); // path → problem ("" when fine)
    const referrers = new Map<string, string>();
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      const res = await fetch(origin + path);
      const type = res.headers.get("content-type") ?? "";
      // Vendored bundles (Swagger UI) are classic scripts, not modules: nothing to follow inside.
      const body = path.startsWith("/vendor/") ? "" : await res.text();
      const ext = /\.(\w+)$/.exec(path)?.[1];
      const wanted =
        ext === "js"
          ? /javascript/
          : ext === "css"
            ? /text\/css/
            : ext === "svg"
              ? /image\/svg\+xml/
              : ext === "html" || !ext
                ? /text\/html/
                : /./;
      seen.set(path, res.status !== 200 ? `HTTP ${res.status}` : !wanted.test(type) ? `content-type ${type}` : "");
      if (res.status !== 200) continue;
      for (const ref of references(body, type)) {
        const u = new URL(ref, origin + path);
        if (u.origin !== origin) continue; // the pages load nothing from elsewhere (CSP: 'self')
        if (!seen.has(u.pathname)) {
          referrers.set(u.pathname, path);
          queue.push(u.pathname);
        }
      }
    }
    const broken = [...seen]
      .filter(([, p]) => p)
      .map(([path, p]) => `${path} (${p}, referenced by ${referrers.get(path)})`);
    expect(broken).toEqual([]);
    // It really crawled: the desktop's modules, every app, both style sheets, Swagger UI.
    const paths = [...seen.keys()];
    expect(paths).toEqual(
      expect.arrayContaining([
        "/js/desktop.js",
        "/js/apps/roadchain.js",
        "/js/apps/terminal.js",
        "/js/prism/console.js",
        "/css/desktop.css",
        "/css/prism.css",
        "/favicon.svg",
        "/vendor/swagger-ui/swagger-ui-bundle.js",
      ]),
    );
  });

  it("/, /prism and /prism/ open Pocket OS and Prism", async () => {
    const home = await fetch(`${env.system.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("<title>Pocket OS");
    for (const path of ["/prism", "/prism/"]) {
      const res = await fetch(env.system.url + path);
      expect(res.status).toBe(200);
      expect(new URL(res.url).pathname).toBe("/prism/");
      expect(await res.text()).toContain("<title>Prism console");
    }
    const health = await fetch(`${env.system.url}/prism/health`);
    expect(await health.json()).toMatchObject({ service: "prism-console", status: "healthy" });
  });

  it("an unknown page shows the 404 page, styled, with a way back", async () => {
    const w = await openPage(env.browser, env.system.url);
    try {
      const res = await w.page.goto("/no/such/page");
      expect(res?.status()).toBe(404);
      expect(res?.headers()["content-type"]).toContain("text/html");
      await visible(w.page.getByRole("heading", { name: "404" }));
      const back = w.page.getByRole("link", { name: "Open Pocket OS" });
      expect(await back.getAttribute("href")).toBe("/");
      // Styled: base.css applied (the page background is not the browser's white).
      expect(await w.page.evaluate("getComputedStyle(document.body).backgroundColor")).not.toBe("rgb(255, 255, 255)");
      await screenshot(w.page, "not-found");
      await back.click();
      await visible(win(w.page, "Sign in"));
      // The one expected error: the 404 of the page itself.
      expect(w.problems().filter((p) => !p.includes("/no/such/page"))).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("an unknown /api path answers a JSON problem, not the HTML 404 page", async () => {
    const res = await fetch(`${env.system.url}/api/x`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 404, title: "Not Found" });
  });
});
