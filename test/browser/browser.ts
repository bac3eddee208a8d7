/**
 * Debian's Chromium driven by playwright-core, and a watch on every page for what a user would call
 * broken: console errors, uncaught exceptions, requests that failed, and HTTP error answers.
 *
 * Expected by design, and nothing else:
 *   - the error answers in ALLOWED (each with its reason);
 *   - fetches the page itself aborted with its AbortController (see MARK_CANCELLED).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { accessibilityProblems } from "./axe.ts";

export const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** An error answer that is part of the design, not a failure. */
type Allowed = { method: string; path: string; status: number; why: string };

export const ALLOWED: readonly Allowed[] = [
  {
    method: "POST",
    path: "/api/auth/login",
    status: 401,
    why: "the sign-in test types a wrong password on purpose to see the API's message in the form",
  },
  {
    method: "GET",
    path: "/api/prism/stats",
    status: 403,
    why: "Prism's admin check: the console asks for the stats and shows 'Admin only' when the API refuses a non-admin",
  },
  {
    method: "GET",
    path: "/api/stripe/balance",
    status: 503,
    why: "Prism's Integrations page opens a read view of a service the test system has not configured, to show the API's 'not configured: set …'",
  },
];

/**
 * Pocket OS cancels its own requests on purpose: closing a window, or another user signing in,
 * aborts what that window still had in flight (so one user's data never lands in the other's
 * window). Chromium reports those as failed requests (net::ERR_ABORTED) like any other, so the page
 * gets a thin wrapper around fetch that says which requests were aborted by the caller's signal.
 * Only those are forgiven; a timeout (AbortSignal.timeout → TimeoutError) still counts as a failure.
 * (Injected by the browser through DevTools; the page's CSP does not apply to it.)
 */
const CANCELLED = "[browser-test] cancelled by the page:";
const MARK_CANCELLED = `(() => {
  const original = window.fetch;
  window.fetch = function (input, init) {
    const promise = original.apply(this, arguments);
    const signal = (init && init.signal) || (input instanceof Request ? input.signal : undefined);
    promise.catch(() => {
      if (signal && signal.aborted && !(signal.reason && signal.reason.name === "TimeoutError")) {
        console.debug(${JSON.stringify(CANCELLED)}, new URL(input instanceof Request ? input.url : String(input), location.href).href);
      }
    });
    return promise;
  };
})();`;

export type Watched = {
  context: BrowserContext;
  page: Page;
  /** What went wrong so far, minus ALLOWED: empty when the page behaved. */
  problems(): string[];
  close(): Promise<void>;
};

function isAllowed(method: string, url: string, status: number): boolean {
  const path = new URL(url).pathname;
  return ALLOWED.some((a) => a.method === method && a.path === path && a.status === status);
}

/**
 * A fresh browser profile (own sessionStorage: one person at one device) with one page, watched.
 * Chromium reports every error answer twice, as a response and as a console error "Failed to load
 * resource: ... status of N" located at that URL; the console line of an allowed answer is allowed.
 */
export async function openPage(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 800 },
): Promise<Watched> {
  const context = await browser.newContext({ baseURL, viewport });
  await context.addInitScript(MARK_CANCELLED);
  const page = await context.newPage();
  const found: string[] = [];
  const cancelled: string[] = [];
  const aborted: string[] = [];
  const allowedAnswers: { url: string; status: number }[] = [];
  const failedLoads: { url: string; status: number; text: string }[] = [];
  let closing = false;

  page.on("response", (res) => {
    if (res.status() < 400) return;
    const method = res.request().method();
    if (isAllowed(method, res.url(), res.status())) allowedAnswers.push({ url: res.url(), status: res.status() });
    else found.push(`HTTP ${res.status()} ${method} ${res.url()}`);
  });
  page.on("requestfailed", (req) => {
    if (closing) return;
    const error = req.failure()?.errorText;
    if (error === "net::ERR_ABORTED" && req.resourceType() === "fetch") aborted.push(req.url());
    else found.push(`request failed: ${req.method()} ${req.url()} (${error})`);
  });
  page.on("pageerror", (err) => found.push(`uncaught: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "debug" && msg.text().startsWith(CANCELLED))
      cancelled.push(msg.text().slice(CANCELLED.length).trim());
    if (msg.type() !== "error") return;
    const at = msg.location().url;
    const load = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
    if (load) failedLoads.push({ url: at, status: Number(load[1]), text: msg.text() });
    else found.push(`console error: ${msg.text()}${at ? ` (${at})` : ""}`);
  });
  return {
    context,
    page,
    problems: () => {
      const forgiven = [...cancelled];
      const unexplained = aborted.filter((url) => {
        const i = forgiven.indexOf(url);
        if (i >= 0) forgiven.splice(i, 1);
        return i < 0;
      });
      return [
        ...found,
        ...unexplained.map((url) => `request failed: ${url} (net::ERR_ABORTED, not cancelled by the page)`),
        ...failedLoads
          .filter((f) => !allowedAnswers.some((a) => a.url === f.url && a.status === f.status))
          .map((f) => `console error: ${f.text} (${f.url})`),
      ];
    },
    async close() {
      closing = true;
      await context.close();
    },
  };
}

/**
 * test-artifacts/<name>.png of the page, the whole scrolled page, or one element (an app window),
 * and that view checked with axe-core: serious or critical accessibility violations fail the test.
 * (Every window the browser tests visit is screenshotted, so every window is checked.)
 */
export async function screenshot(
  target: Page | Locator,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await ("goto" in target ? target.screenshot({ path, fullPage: opts.fullPage }) : target.screenshot({ path }));
  expect(await accessibilityProblems(target), `axe-core on ${name}`).toEqual([]);
  return path;
}
