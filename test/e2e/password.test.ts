/**
 * Changing one's own password in headless Chromium against the real server: the user menu opens the
 * "Change password" dialog, a wrong current password lands on its field and changes nothing, the right one
 * changes it; the browser it was changed in stays signed in, another browser of the same user is signed out,
 * and the new password signs in. axe-core on the open dialog.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2eServer,
  ensureWebBuild,
  launchBrowser,
  seriousViolations,
  startServer,
} from './browser-harness.ts';

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let lastPage: Page | null = null;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 180_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && lastPage) {
    const file = join(tmpdir(), `cosell-e2e-${context.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await lastPage.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`screenshot of the failing page: ${file}`);
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

const EMAIL = 'user.se@contoso.example';
const DEMO_PASSWORD = 'cosell-demo';
const NEW_PASSWORD = 'midsummer herring 2026';

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  lastPage = page;
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signed in with e-mail and password through the sign-in form, the UI in English. */
async function signIn(email: string, password: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-menu').waitFor();
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  }
  return page;
}

describe('changing your own password in Chromium', () => {
  it('from the user menu: a wrong current password is refused at its field, the right one changes it; other browsers are signed out, this one stays', async () => {
    const page = await signIn(EMAIL, DEMO_PASSWORD);
    const elsewhere = await signIn(EMAIL, DEMO_PASSWORD);

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.waitFor();
    // The dialog takes the focus, starting at the first field.
    await expect
      .poll(() => page.evaluate("document.activeElement?.getAttribute('autocomplete')"))
      .toBe('current-password');
    expect(await seriousViolations(page)).toEqual([]);

    // What the browser checks before asking: the new password's length and its repetition.
    await dialog.getByLabel('Current password').fill(DEMO_PASSWORD);
    await dialog.getByLabel(/^New password/).fill('too short');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('At least 12 characters.').first().waitFor();
    await expect(
      dialog.getByRole('textbox', { name: /^New password/ }).getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    await dialog.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await dialog.getByLabel('Repeat the new password').fill(`${NEW_PASSWORD}!`);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('The two new passwords differ.').waitFor();

    // A wrong current password: the server refuses it, the message is on that field.
    await dialog.getByLabel('Current password').fill('not my password');
    await dialog.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('The current password is wrong.').waitFor();
    await expect(
      page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).status),
    ).resolves.toBe(200);

    await dialog.getByLabel('Current password').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByTestId('password-changed').waitFor();
    await expect(dialog.getByTestId('password-changed').textContent()).resolves.toContain(
      'You stay signed in here',
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The focus goes back to the user menu's button, where the dialog came from.
    await expect
      .poll(() => page.getByTestId('user-menu').evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);

    // This browser goes on; the other one is back at the sign-in page on its next load.
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    await elsewhere.reload();
    await elsewhere.waitForURL(/\/sign-in/);

    // The old password no longer signs in; the new one does.
    const old = await newPage();
    await old.goto(`${server.url}/sign-in`);
    await old.getByLabel('E-mail address').fill(EMAIL);
    await old.getByLabel('Password').fill(DEMO_PASSWORD);
    await old.getByRole('button', { name: 'Sign in' }).click();
    await old.getByRole('alert').getByText('The e-mail address or password is wrong.').waitFor();
    const fresh = await signIn(EMAIL, NEW_PASSWORD);
    await fresh.getByTestId('user-menu').waitFor();
  });
});
