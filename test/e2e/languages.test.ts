/**
 * The main screens in each of the five languages, in headless Chromium against the real server: no text is cut
 * off (an element or one of its ancestors that hides overflow narrower than the text), on the co-sell home, a
 * deal page, the new-deal wizard, the user menu's password dialog (with its field messages) and the admin's
 * Settings; axe-core on Settings and on the password dialog in every language.
 *
 * COSELL_SCREENSHOTS=1 also writes the Settings screen in every language to docs/screenshots/ (the other
 * screens are written by workspace.test.ts).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2eServer,
  ensureWebBuild,
  launchBrowser,
  ROOT,
  seriousViolations,
  startServer,
} from './browser-harness.ts';

const SCREENSHOTS = process.env.COSELL_SCREENSHOTS === '1';
const SHOTS_DIR = join(ROOT, 'docs', 'screenshots');
const LANGUAGES = [
  ['en', 'English'],
  ['zh-TW', '繁體中文'],
  ['zh-CN', '简体中文'],
  ['ru', 'Русский'],
  ['sv', 'Svenska'],
] as const;

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let lastPage: Page | null = null;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  if (SCREENSHOTS) mkdirSync(SHOTS_DIR, { recursive: true });
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

async function signIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  lastPage = page;
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/sign-in`);
  await page.locator(`[data-email="${email}"]`).click();
  await page.getByTestId('user-menu').waitFor();
  return page;
}

async function switchLanguage(page: Page, code: string, name: string) {
  lastPage = page;
  if ((await page.locator('html').getAttribute('lang')) === code) return;
  await page.getByTestId('language-menu').click();
  await page.getByRole('menuitemradio', { name }).click();
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(code);
}

/**
 * Visible text cut off on the page as it is now: a text node that reaches past an ancestor (or its own
 * element) that hides its overflow. Scrolling containers (overflow auto/scroll) do not count, nor visually
 * hidden text for screen readers (1 px boxes, or placed off screen), nor truncation with a title that shows
 * the whole text. Evaluated as a string: the server's TypeScript has no DOM types.
 */
const CLIPPED = `(() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || element.closest('[aria-hidden="true"], [hidden], script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0 || box.bottom <= 0) continue;
    for (let at = element; at && at !== document.body; at = at.parentElement) {
      const style = getComputedStyle(at);
      const rect = at.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) break; // visually hidden
      const hidesX = style.overflowX === 'hidden' || style.overflowX === 'clip';
      const hidesY = style.overflowY === 'hidden' || style.overflowY === 'clip';
      const cutX = hidesX && (box.right > rect.right + 1 || box.left < rect.left - 1);
      const cutY = hidesY && (box.bottom > rect.bottom + 1 || box.top < rect.top - 1);
      if (cutX || cutY) {
        if (!at.closest('[title]')) {
          found.push({ text: text.slice(0, 60), tag: at.tagName.toLowerCase(), className: String(at.className).slice(0, 60),
            overflow: Math.round(Math.max(box.right - rect.right, rect.left - box.left, box.bottom - rect.bottom, rect.top - box.top)) });
        }
        break;
      }
    }
  }
  return found;
})()`;

async function clipped(page: Page, screen: string) {
  const found = (await page.evaluate(CLIPPED)) as { text: string }[];
  return found.map((f) => ({ screen, ...f }));
}

describe('the five languages in Chromium', () => {
  it('no text is cut off on the home, a deal page, the wizard, the password dialog and Settings in any language; Settings and the dialog pass axe', async () => {
    const partner = await signIn('radmin@contoso.example');
    const admin = await signIn('admin@contoso.example');
    const listed = await partner.request.get(`${server.url}/api/v1/deals?view=inbound&limit=1`);
    const deal = ((await listed.json()) as { items: { id: string }[] }).items[0];
    expect(deal).toBeDefined();
    const problems: unknown[] = [];
    for (const [code, name] of LANGUAGES) {
      await switchLanguage(partner, code, name);
      await partner.goto(`${server.url}/?tab=inbound`);
      await partner.getByTestId('deal-grid').locator('[data-deal-id]').first().waitFor();
      problems.push(...(await clipped(partner, `${code} home`)));
      await partner.goto(`${server.url}/deals/${deal?.id}`);
      await partner.getByTestId('lifecycle').waitFor();
      problems.push(...(await clipped(partner, `${code} deal`)));
      await partner.goto(`${server.url}/deals/new`);
      await partner.getByTestId('company-search').waitFor();
      problems.push(...(await clipped(partner, `${code} wizard`)));
      // The password dialog of the user menu, with its field messages showing.
      await partner.getByTestId('user-menu').click();
      await partner.getByTestId('change-password').click();
      const passwordDialog = partner.getByRole('dialog');
      await passwordDialog.locator('input[autocomplete="current-password"]').waitFor();
      await passwordDialog.locator('button[type="submit"]').click();
      await passwordDialog.locator('[role="alert"], .fui-Field__validationMessage').first().waitFor();
      await expect
        .poll(() => partner.evaluate("document.getAnimations().every((a) => a.playState !== 'running')"))
        .toBe(true);
      problems.push(...(await clipped(partner, `${code} password dialog`)));
      expect(await seriousViolations(partner), `${code} password dialog`).toEqual([]);
      await partner.keyboard.press('Escape');
      await passwordDialog.waitFor({ state: 'detached' });

      await switchLanguage(admin, code, name);
      await admin.goto(`${server.url}/settings`);
      await admin.getByTestId('users').locator('tbody tr').first().waitFor();
      problems.push(...(await clipped(admin, `${code} settings`)));
      expect(await seriousViolations(admin), code).toEqual([]);
      if (SCREENSHOTS) await admin.screenshot({ path: join(SHOTS_DIR, `${code}-settings.png`) });
    }
    expect(problems).toEqual([]);
  });
});
