/**
 * Prism's Integrations panel in a real browser against the real system (system.ts): each
 * service's configuration and status, a signed GitHub delivery listed among the recent webhook
 * deliveries, and an admin read view answering with the API's own "not configured: set …".
 */
import { createHmac } from "node:crypto";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, screenshot } from "./browser.ts";
import { systemAndBrowser } from "./system.ts";

const BROWSER_WEBHOOK_SECRET = "browser-test-webhook-secret-0123456789";
const env = systemAndBrowser({ GITHUB_WEBHOOK_SECRET: BROWSER_WEBHOOK_SECRET });
const PASSWORD = "correct-horse-battery";

async function visible(l: Locator, timeout = 20_000): Promise<Locator> {
  await l.first().waitFor({ state: "visible", timeout });
  return l.first();
}

describe("Prism: Integrations", () => {
  it("shows an administrator every service's status, the webhook deliveries and a read view", async () => {
    const username = `integ_${Date.now().toString(36).slice(-5)}`;
    const reg = await fetch(`${env.system.url}/api/auth/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }),
    });
    expect(reg.status).toBe(201);
    expect(await env.system.makeAdmin(username)).toContain("is now an administrator");

    // A signed delivery, as GitHub sends it.
    const body = JSON.stringify({
      action: "opened",
      pull_request: { number: 3 },
      repository: { full_name: "octo/browser-demo" },
      sender: { login: "octo" },
    });
    const hook = await fetch(`${env.system.url}/api/webhooks/github`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": crypto.randomUUID(),
        "X-Hub-Signature-256": `sha256=${createHmac("sha256", BROWSER_WEBHOOK_SECRET).update(body).digest("hex")}`,
      },
      body,
    });
    expect(hook.status, await hook.clone().text()).toBe(202);

    const prism = await openPage(env.browser, env.system.url);
    try {
      const { page } = prism;
      await page.goto("/prism/");
      const form = page.locator("form#signin");
      await form.getByLabel("Username or email").fill(username);
      await form.getByLabel("Password").fill(PASSWORD);
      await form.getByRole("button", { name: "Sign in" }).click();

      const panel = await visible(page.getByRole("region", { name: "Integrations" }));
      const rows = panel.locator("[data-testid=integrations-status] tbody tr");
      await expect.poll(() => rows.count()).toBe(11);
      const github = panel.locator("tr[data-service=github]");
      await visible(github.locator(".badge", { hasText: "Not configured" }));
      expect(await github.innerText()).toContain("Set GITHUB_TOKEN");

      const deliveries = panel.locator("[data-testid=webhook-deliveries] tbody tr", { hasText: "octo/browser-demo" });
      await visible(deliveries);
      expect(await deliveries.first().innerText()).toMatch(/github\s+pull_request · opened/);

      await panel.getByLabel("View").selectOption({ label: "Stripe balance" });
      await panel.getByRole("button", { name: "Open" }).click();
      await visible(panel.getByText("Stripe is not configured: set STRIPE_SECRET_KEY"));
      await screenshot(panel, "prism-integrations");
      expect(prism.problems()).toEqual([]);
    } finally {
      await prism.close();
    }
  });
});
