/**
 * Pocket OS's Miner mines in the browser (issue 14 §2): Web Workers search the nonce for the
 * server's template (GET /api/blockchain/mining/template) and submit it (POST …/mining/submit);
 * the server checks it with one hash. Against the real system (system.ts) in Debian's Chromium:
 * one block mined on the device raises the wallet's balance by the reward, the device shows its
 * hashrate and the blocks found, and the server is never asked to mine (no POST /api/blockchain/mine,
 * no /api/miner/control).
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, screenshot } from "./browser.ts";
import { signUp, visible, win } from "./desktop.ts";
import { systemAndBrowser } from "./system.ts";

const env = systemAndBrowser();
const run = Date.now().toString(36).slice(-5);

async function openApp(page: Page, title: string): Promise<Locator> {
  await page.locator("#icons").getByRole("button", { name: title, exact: true }).click();
  return visible(win(page, title));
}

/** Brings an open window to the front the way a user does: its taskbar button. */
async function front(page: Page, title: string): Promise<Locator> {
  const w = win(page, title);
  const active = async () => /\bis-active\b/.test((await w.getAttribute("class")) ?? "");
  if (!(await active())) await page.locator("#task-list .task", { hasText: title }).click();
  await expect.poll(active).toBe(true);
  return w;
}

/** The value shown for `label` in a key/value card (<dt>Blocks found</dt><dd>2</dd> → "2"). */
async function valueOf(card: Locator, label: string): Promise<string> {
  const dd = card.locator("dt", { hasText: new RegExp(`^${label}$`, "i") }).locator("xpath=following-sibling::dd[1]");
  return (await dd.count()) ? (await dd.first().innerText()).trim() : "";
}

describe("Miner app", () => {
  it("mines a block in the browser and the balance rises by the reward; the server never mines", async () => {
    const desk = await openPage(env.browser, env.system.url);
    const { page } = desk;
    const asked: string[] = [];
    page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/api/blockchain/min") || path.startsWith("/api/miner/control"))
        asked.push(`${r.method()} ${path}`);
    });
    const workers: string[] = [];
    page.on("worker", (w) => workers.push(new URL(w.url()).pathname));

    const username = `bminer_${run}`;
    await signUp(page, username, "correct-horse-battery");

    const wallet = await openApp(page, "Wallet");
    await visible(wallet.locator(".big", { hasText: "100 RC" }));

    const miner = await openApp(page, "Miner");
    await miner.getByRole("button", { name: "Mine one block now" }).click();
    const mined = await visible(miner.locator(".msg.ok", { hasText: /^Mined block #\d+: reward 50 RC/ }));
    expect(await mined.innerText()).toMatch(/^Mined block #\d+/);
    const device = miner.locator("section.card", { hasText: "This device" });
    await expect.poll(() => valueOf(device, "blocks found")).toBe("1");
    expect(Number(await valueOf(device, "workers"))).toBeGreaterThanOrEqual(1);
    expect(workers.some((p) => p.endsWith("/js/apps/miner-worker.js"))).toBe(true);

    await (await front(page, "Wallet")).getByRole("button", { name: "Refresh" }).click();
    await visible(wallet.locator(".big", { hasText: "150 RC" }));
    await front(page, "Miner");

    // Running: blocks keep coming and the hashrate is the device's own, measured.
    await miner.getByRole("button", { name: "Start mining" }).click();
    await expect.poll(() => valueOf(device, "blocks found"), { timeout: 30_000 }).toMatch(/^([3-9]|\d\d+)$/);
    await expect
      .poll(async () => parseFloat(await valueOf(device, "hashrate")), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await miner.getByRole("button", { name: "Stop" }).click();
    await visible(miner.locator(".msg.ok", { hasText: "Miner stopped." }));
    await screenshot(miner, "app-browser-miner");

    expect(
      asked.filter(
        (a) => !/^(GET \/api\/blockchain\/mining\/template|POST \/api\/blockchain\/mining\/submit)$/.test(a),
      ),
    ).toEqual([]);
    expect(asked).toContain("POST /api/blockchain/mining/submit");
    expect(desk.problems()).toEqual([]);
    await desk.close();
  }, 120_000);
});
