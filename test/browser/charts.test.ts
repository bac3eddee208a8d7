/**
 * Pocket OS's charts in a real browser against the real system (system.ts): a user mines with this
 * device's CPU and pays another user, and the Miner (hashrate, blocks found), the Wallet (balance over
 * time), the Explorer (block times, difficulty) and the Dashboard (activity per hour) draw uPlot charts
 * of it. Each chart's text alternative (figcaption summary and a visually hidden table, read by screen
 * readers) must hold the same real numbers, checked against the API's own answers; axe runs on every
 * window (screenshot()).
 */
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, screenshot } from "./browser.ts";
import { signUp, visible, win } from "./desktop.ts";
import { systemAndBrowser } from "./system.ts";

const env = systemAndBrowser();
const run = Date.now().toString(36).slice(-5);
const PASSWORD = "correct-horse-battery";

const chart = (w: Locator, name: string) => w.locator(`figure[data-chart="${name}"]`);

async function openApp(page: Page, title: string): Promise<Locator> {
  await page.locator("#icons").getByRole("button", { name: title, exact: true }).click();
  return visible(win(page, title));
}

// The few DOM shapes the page functions below use (this project's test types have no DOM lib).
type Cell = { textContent: string | null };
type Row = { querySelectorAll(selector: string): ArrayLike<Cell> };
type Canvas = {
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
};

/** The text alternative's table: one array of cell texts per row (the row header first). */
async function tableOf(figure: Locator): Promise<string[][]> {
  return figure
    .locator("table.sr-only tbody tr")
    .evaluateAll((rows) =>
      (rows as unknown as Row[]).map((r) =>
        Array.from(r.querySelectorAll("th, td"), (c) => (c.textContent ?? "").trim()),
      ),
    );
}

/** The chart is drawn: a canvas of real size, and its series hold as many points as the table has rows. */
async function expectDrawn(figure: Locator, rows: number) {
  const canvas = figure.locator("canvas");
  await expect.poll(() => canvas.count()).toBeGreaterThan(0);
  const size = await canvas.first().evaluate((c) => [(c as unknown as Canvas).width, (c as unknown as Canvas).height]);
  expect(size[0]).toBeGreaterThan(100);
  expect(size[1]).toBeGreaterThan(50);
  expect(rows).toBeGreaterThan(0);
  // The canvas is not left blank: something other than the background was painted.
  const painted = await canvas.first().evaluate((c) => {
    const el = c as unknown as Canvas;
    const { data } = el.getContext("2d").getImageData(0, 0, el.width, el.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
  expect(painted).toBeGreaterThan(100);
  // The canvas is hidden from screen readers; the figure's caption and table speak for it.
  expect(await figure.locator(".chart").getAttribute("aria-hidden")).toBe("true");
}

const rc = (n: number) => `${+n.toFixed(8)} RC`;

describe("Pocket OS charts", () => {
  it("draws the miner's hashrate and blocks, the wallet's balance, the explorer's block times and the dashboard's activity from real data", async () => {
    // Bob is paid later: registered through the API (his address comes back with him).
    const reg = await fetch(`${env.system.url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: `cbob_${run}`, email: `cbob_${run}@example.com`, password: PASSWORD }),
    });
    expect(reg.status).toBe(201);
    const bobAddress = ((await reg.json()) as { wallet_address: string }).wallet_address;
    expect(bobAddress).toMatch(/^RD[0-9a-f]{38}$/);

    const desk = await openPage(env.browser, env.system.url);
    const { page } = desk;
    try {
      const username = `carol_${run}`;
      await signUp(page, username, PASSWORD);
      // Signing in opens the Dashboard: its activity chart counts what happened so far.
      const dash = await visible(win(page, "Dashboard"));
      const activity = chart(dash, "activity");
      await expect.poll(async () => (await tableOf(activity)).length, { timeout: 30_000 }).toBe(24);
      const sum = async () => (await tableOf(activity)).reduce((a, r) => a + Number(r[1]), 0);
      const atStart = await sum();
      expect(atStart).toBeGreaterThan(0); // the registration

      // ---- Miner: mine with this device for a few seconds, then stop ----
      const miner = await openApp(page, "Miner");
      await visible(chart(miner, "hashrate").getByText("Start mining to measure this device."));
      await miner.getByRole("button", { name: "Start mining" }).click();
      const rate = chart(miner, "hashrate");
      await expect
        .poll(async () => (await tableOf(rate)).filter((r) => r[1] !== "0 H/s").length, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(3);
      await visible(miner.locator(".msg.ok", { hasText: /^Mined block #\d+/ }), 60_000);
      await miner.getByRole("button", { name: "Stop" }).click();
      await visible(miner.getByText("Miner stopped."));
      // Stopping draws the last sample (0) at once.
      await expect.poll(async () => (await tableOf(rate)).at(-1)?.[1]).toBe("0 H/s");
      const rates = await tableOf(rate);
      expect(rates.some((r) => /^\d+(\.\d+)? [kM]?H\/s$/.test(r[1]!) && r[1] !== "0 H/s")).toBe(true);
      expect(await rate.locator("figcaption").innerText()).toMatch(new RegExp(`Hashrate: ${rates.length} points`));
      await expectDrawn(rate, rates.length);

      // Blocks found: the ledger's count after each of my blocks, ending at "Blocks mined".
      const found = chart(miner, "blocks-found");
      const mined = async () =>
        Number(/Blocks mined\s*(\d+)/.exec(await miner.locator(".cards").first().innerText())?.[1] ?? -1);
      await expect
        .poll(async () => (await tableOf(found)).at(-1)?.[1], { timeout: 30_000 })
        .toBe(String(await mined()));
      const foundCount = Number((await tableOf(found)).at(-1)![1]);
      expect(foundCount).toBeGreaterThanOrEqual(1);
      expect((await tableOf(found)).map((r) => Number(r[1]))).toEqual(
        Array.from({ length: foundCount }, (_, i) => i + 1),
      );
      await expectDrawn(found, foundCount);
      await screenshot(miner, "chart-miner");

      // ---- Wallet: 100 RC to start, 50 RC per block, then a payment ----
      const wallet = await openApp(page, "Wallet");
      // A block the worker submitted just before Stop can land after the Miner's count was read (CI
      // saw one): the ledger's own word is the wallet's balance, whole blocks of 50 RC on top of 100.
      let blocks = foundCount;
      await expect
        .poll(async () => {
          const shown = /([\d.]+) RC/.exec((await wallet.locator(".big").first().innerText()).trim());
          const mined = shown ? (Number(shown[1]) - 100) / 50 : Number.NaN;
          if (Number.isInteger(mined) && mined >= foundCount) blocks = mined;
          return Number.isInteger(mined) && mined >= foundCount && mined <= foundCount + 1;
        })
        .toBe(true);
      const before = 100 + 50 * blocks;
      const balance = chart(wallet, "balance");
      await expect.poll(async () => (await tableOf(balance)).length).toBe(1 + blocks);
      expect((await tableOf(balance)).map((r) => r[1])).toEqual(
        Array.from({ length: blocks + 1 }, (_, i) => rc(100 + 50 * i)),
      );
      expect(await balance.locator("figcaption").innerText()).toContain(`from 100 RC to ${rc(before)}`);

      await wallet.getByLabel("To address").fill(bobAddress);
      await wallet.getByLabel("Amount (RC)").fill("2.5");
      await wallet.getByRole("button", { name: "Review…" }).click();
      await wallet.getByRole("button", { name: "Send 2.5 RC" }).click();
      await visible(wallet.getByRole("status").filter({ hasText: /^Sent 2.5 RC/ }));
      await expect.poll(async () => (await tableOf(balance)).at(-1)?.[1]).toBe(rc(before - 2.5));
      expect(await balance.locator("figcaption").innerText()).toContain(`lowest 100 RC, highest ${rc(before)}`);
      await expectDrawn(balance, blocks + 2);
      await screenshot(wallet, "chart-wallet");

      // ---- Explorer: block times and difficulty, as the API reports the blocks ----
      const explorer = await openApp(page, "RoadChain Explorer");
      const times = chart(explorer, "block-times");
      const api = (await (await fetch(`${env.system.url}/api/blockchain/blocks?limit=100`)).json()) as {
        height: number;
        timestamp: number;
        difficulty: number;
      }[];
      const asc = [...api].reverse().filter((b) => b.height > 0); // not genesis: its timestamp is fixed
      const expected = asc.map((b, i) => [
        `#${b.height}`,
        i ? `${+((b.timestamp - asc[i - 1]!.timestamp) / 1000).toFixed(1)} s` : "—",
        String(b.difficulty),
      ]);
      expect(expected.length).toBe(blocks);
      expect(expected.slice(1).every((r) => /^\d+(\.\d)? s$/.test(r[1]!))).toBe(true);
      await expect.poll(() => tableOf(times)).toEqual(expected);
      await expectDrawn(times, expected.length);
      await screenshot(explorer, "chart-explorer");

      // ---- Dashboard: my events per hour, summing to what the table lists ----
      await page.locator("#task-list .task", { hasText: "Dashboard" }).click();
      await dash.getByRole("button", { name: "Refresh" }).click();
      // The payment (and the blocks) are audited: the count has grown since signing in.
      await expect.poll(sum, { timeout: 20_000 }).toBeGreaterThan(atStart);
      const counts = (await tableOf(activity)).map((r) => Number(r[1]));
      const total = await sum();
      expect(counts.at(-1)).toBeGreaterThan(0); // this hour
      expect(await activity.locator("figcaption").innerText()).toContain(`${total} events in the last 24 hours`);
      await expectDrawn(activity, 24);
      await screenshot(dash, "chart-dashboard");

      expect(desk.problems()).toEqual([]);
    } finally {
      await desk.close();
    }
  });
});
