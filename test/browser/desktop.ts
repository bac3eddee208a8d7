/**
 * Pocket OS as the browser tests drive it: windows are dialogs named by their title, and a new
 * account is created the way a person does it (the Sign in window's Create account tab).
 */
import type { Locator, Page } from "playwright-core";

export const win = (page: Page, title: string | RegExp) => page.getByRole("dialog", { name: title });

/** The first match once it is visible (generous: the system under test shares a loaded machine). */
export async function visible(l: Locator, timeout = 30_000): Promise<Locator> {
  await l.first().waitFor({ state: "visible", timeout });
  return l.first();
}

/** Opens `/` and registers `username` through the Sign in window; returns once signed in. */
export async function signUp(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  const account = await visible(win(page, "Sign in"));
  await account.getByRole("tab", { name: "Create account" }).click();
  const form = account.locator("form#register");
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Email").fill(`${username}@example.com`);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Create account" }).click();
  await visible(page.locator("#user-btn", { hasText: username }));
  // Signing in opens the Dashboard: wait for it, so it cannot open later on top of the window the
  // test opens next (under load it covered the Files and the Devices windows' buttons).
  await visible(win(page, "Dashboard"));
}
