/**
 * Pocket OS's Files window, Editor, taskbar search and notification tray in a real browser (Debian
 * Chromium via playwright-core) against the real system (system.ts), as a user does them: upload
 * with the picker and by drag-and-drop (progress bar), edit and save a text file, share it and open
 * the link signed out, download it, find it with the search box; and a notification arriving live.
 *
 * Registrations: 2 through the UI, 1 through the API (the per-IP limit is 5 a minute).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "./axe.ts";
import { openPage, screenshot, type Watched } from "./browser.ts";
import { signUp, visible, win } from "./desktop.ts";
import { systemAndBrowser } from "./system.ts";

const env = systemAndBrowser();
const run = Date.now().toString(36).slice(-5);
const PASSWORD = "correct-horse-battery";

async function desktopAs(name: string): Promise<{ desk: Watched; page: Page; username: string }> {
  const desk = await openPage(env.browser, env.system.url);
  const { page } = desk;
  const username = `${name}_${run}`;
  await signUp(page, username, PASSWORD);
  return { desk, page, username };
}

async function post(path: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(env.system.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  expect(res.ok, `${path} answered ${res.status}: ${await res.clone().text()}`).toBe(true);
  return res.json();
}

describe("Files, Editor and search", () => {
  it("uploads (picker and drop, with progress), edits and saves, shares, downloads and finds a file", async () => {
    const { desk, page } = await desktopAs("files");
    try {
      const word = `kiln${run}`;
      const name = `notes-${word}.txt`;
      await page.locator("#icons").getByRole("button", { name: "Files", exact: true }).click();
      const files = await visible(win(page, "Files"));
      await visible(files.getByText("No files here yet."));

      // Upload with the picker: the progress bar fills and the file is listed.
      await files
        .locator('input[type="file"]')
        .setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from(`hello ${word}\n`) });
      await visible(files.getByText("Uploaded"));
      expect(await files.locator("progress").first().getAttribute("value")).toBe("100");
      await visible(files.locator(`tr[data-file="${name}"]`));

      // Drag and drop onto the drop zone.
      const dataTransfer = await page.evaluateHandle(
        "(() => { const dt = new DataTransfer(); dt.items.add(new File(['dropped text\\n'], 'dropped.txt', { type: 'text/plain' })); return dt; })()",
      );
      await files.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
      await visible(files.locator('tr[data-file="dropped.txt"]'));
      await screenshot(files, "app-files");

      // Edit in the Editor and save a new version.
      await files.locator(`tr[data-file="${name}"]`).getByRole("button", { name: "Edit" }).click();
      const editor = await visible(win(page, "Editor"));
      const text = editor.getByRole("textbox", { name: `Content of ${name}` });
      await expect.poll(() => text.inputValue()).toBe(`hello ${word}\n`);
      await text.fill(`hello ${word}, edited\n`);
      await visible(editor.getByText("unsaved changes", { exact: false }));
      await editor.getByRole("button", { name: "Save" }).click();
      await visible(editor.getByText("version 2 · saved", { exact: false }));
      await screenshot(editor, "app-editor");
      await editor.getByRole("button", { name: "Close", exact: true }).click();

      // Share: the link opens without signing in and serves the saved version.
      await files.locator(`tr[data-file="${name}"]`).getByRole("button", { name: "Share" }).click();
      const dialog = await visible(page.getByRole("dialog", { name: `Share ${name}` }));
      await dialog.getByRole("button", { name: "Create link" }).click();
      const link = await visible(dialog.getByRole("textbox", { name: "Share link" }));
      const url = await link.inputValue();
      expect(url).toContain("/api/files/shared/");
      const shared = await fetch(url.replace(/^https?:\/\/[^/]+/, env.system.url));
      expect(shared.status).toBe(200);
      expect(await shared.text()).toBe(`hello ${word}, edited\n`);
      await dialog.getByRole("button", { name: "Close" }).click();

      // Download.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        files.locator(`tr[data-file="${name}"]`).getByRole("button", { name: "Download" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(name);

      // The taskbar's search box finds it while the word is typed, with the match marked.
      await page
        .getByRole("searchbox", { name: "Search everything" })
        .pressSequentially(word.slice(0, -1), { delay: 20 });
      const results = await visible(page.getByRole("region", { name: "Search results" }));
      const hit = await visible(results.getByRole("button", { name: new RegExp(name) }));
      await visible(hit.locator("mark"));
      await screenshot(page, "search-results");
      // The hit opens its app: the Files window shows the file, highlighted.
      await hit.click();
      await visible(files.locator(`tr.highlight[data-file="${name}"]`));
      expect(desk.problems()).toEqual([]);
    } finally {
      await desk.close();
    }
  });

  it("shows a notification in the tray the moment it happens, without a reload", async () => {
    const { desk, page, username } = await desktopAs("bell");
    try {
      const bell = await visible(page.locator("#bell-btn"));
      await expect.poll(() => bell.getAttribute("aria-label"), { timeout: 20_000 }).toBe("Alerts 0 unread");
      // Someone else writes to me, through the API.
      const other = `sender_${run}`;
      await post("/api/auth/register", { username: other, email: `${other}@example.com`, password: PASSWORD });
      const { access_token } = await post("/api/auth/login", { username: other, password: PASSWORD });
      await post(
        "/api/email/send",
        { to: `${username}@example.com`, subject: `Hello ${run}`, body: "Live?" },
        access_token,
      );
      await expect.poll(() => bell.getAttribute("aria-label"), { timeout: 20_000 }).toBe("Alerts 1 unread");
      await bell.click();
      const panel = await visible(page.getByRole("dialog", { name: "Notifications" }));
      await visible(panel.getByText(`Hello ${run}`, { exact: false }));
      expect(await accessibilityProblems(panel)).toEqual([]);
      await panel.getByRole("button", { name: "Mark all read" }).click();
      await expect.poll(() => bell.getAttribute("aria-label")).toBe("Alerts 0 unread");
      expect(desk.problems()).toEqual([]);
    } finally {
      await desk.close();
    }
  });
});
