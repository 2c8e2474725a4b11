/**
 * Where the keyboard focus goes when an action takes away the control that had it, in headless Chromium against the
 * real server: accepting, declining, winning or closing a deal as an error removes the button (and its dialog)
 * the user pressed, so the focus lands on the deal's heading instead of falling back to the page's body; setting a
 * stage and toggling the heart keep the focus on the pressed control. Also: the co-sell home's tabs by keyboard
 * (one tab stop, arrow keys, Enter) and as links.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2eServer, ensureWebBuild, launchBrowser, startServer } from './browser-harness.ts';

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

/** A fresh browser profile signed in as `email` through the demo persona picker, the UI in English. */
async function signIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  lastPage = page;
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/sign-in`);
  await page.locator(`[data-email="${email}"]`).click();
  await page.getByTestId('user-menu').waitFor();
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  }
  return page;
}

interface Listed {
  id: string;
  name: string;
}
interface Abilities {
  accept?: boolean;
  decline?: boolean;
  closeAsError?: boolean;
  win?: boolean;
}

/** Deals of a tab (as the signed-in user) whose abilities include every one named. */
async function dealsThatCan(page: Page, view: string, status: string, ...can: (keyof Abilities)[]) {
  const listed = await page.request.get(`${server.url}/api/v1/deals?view=${view}&status=${status}&limit=100`);
  const found: Listed[] = [];
  for (const deal of ((await listed.json()) as { items: Listed[] }).items) {
    const full = (await (await page.request.get(`${server.url}/api/v1/deals/${deal.id}`)).json()) as {
      abilities: Abilities;
    };
    if (can.every((ability) => full.abilities[ability])) found.push(deal);
  }
  return found;
}

/** What has the keyboard focus: the body, or the focused element's id, stage, test id, tab value or text. */
const focused = (page: Page) =>
  page.evaluate(`(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    return element.id || element.getAttribute('data-stage') || element.getAttribute('data-testid') ||
      element.getAttribute('data-value') ||
      (element.textContent ?? '').trim();
  })()`) as Promise<string>;

/** Presses a control by keyboard: the focus goes to it first, as Tab would bring it there. */
async function press(page: Page, control: ReturnType<Page['getByRole']>, key = 'Enter') {
  await control.focus();
  await page.keyboard.press(key);
}

async function openDeal(page: Page, deal: Listed) {
  await page.goto(`${server.url}/deals/${deal.id}`);
  await page.getByRole('heading', { level: 1, name: deal.name }).waitFor();
}

describe('keyboard focus on the deal page in Chromium', () => {
  it('lands on the deal’s heading when Accept or Mark as won goes away; setting a stage keeps it on the stage', async () => {
    const page = await signIn('radmin@contoso.example');
    const [deal] = await dealsThatCan(page, 'inbound', 'received', 'accept');
    expect(deal).toBeDefined();
    await openDeal(page, deal!);

    await press(page, page.getByRole('button', { name: 'Accept', exact: true }));
    const dialog = page.getByRole('dialog');
    await press(page, dialog.getByRole('button', { name: 'Accept', exact: true }));
    await page.locator('[data-status="accepted"]').first().waitFor();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('deal-title');

    // A stage pressed by keyboard becomes the current one and keeps the focus.
    const lifecycle = page.getByTestId('lifecycle');
    await press(page, lifecycle.locator('[data-stage="qualified"]'));
    await lifecycle.locator('[data-stage="qualified"][aria-current="step"]').waitFor();
    await expect.poll(() => focused(page)).toBe('qualified');
    // The next stage is one Tab away.
    await page.keyboard.press('Tab');
    await expect.poll(() => focused(page)).toBe('developed');

    const actions = page.getByRole('toolbar', { name: 'Actions' });
    await press(page, actions.getByRole('button', { name: 'Mark as won' }));
    const win = page.getByRole('dialog', { name: 'Mark as won' });
    await press(page, win.getByRole('button', { name: 'Mark as won' }));
    await page.locator('[data-status="won"]').first().waitFor();
    await win.waitFor({ state: 'detached' });
    await expect(actions.getByRole('button', { name: 'Mark as won' }).count()).resolves.toBe(0);
    await expect.poll(() => focused(page)).toBe('deal-title');
    // From the heading, Tab goes on through the page.
    await page.keyboard.press('Tab');
    await expect.poll(() => focused(page)).not.toBe('body');
  });

  it('lands on the deal’s heading after Decline with a reason', async () => {
    const page = await signIn('radmin@contoso.example');
    const deal = (await dealsThatCan(page, 'inbound', 'received', 'decline')).at(-1);
    expect(deal).toBeDefined();
    await openDeal(page, deal!);

    await press(page, page.getByRole('button', { name: 'Decline', exact: true }));
    const dialog = page.getByRole('dialog', { name: 'Decline this deal' });
    await dialog.waitFor();
    await press(page, dialog.getByTestId('reason'));
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    await press(page, dialog.getByRole('button', { name: 'Decline', exact: true }));
    await page.locator('[data-status="declined"]').first().waitFor();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('deal-title');
  });

  it('lands on the deal’s heading after Close as error; the heart keeps the focus while it toggles', async () => {
    const page = await signIn('radmin@contoso.example');
    const [deal] = await dealsThatCan(page, 'outbound', 'accepted', 'closeAsError');
    expect(deal).toBeDefined();
    await openDeal(page, deal!);

    const heart = page.getByRole('heading', { level: 1 }).locator('xpath=..').getByTestId('favorite');
    const before = await heart.getAttribute('aria-pressed');
    await press(page, heart, 'Space');
    await expect.poll(() => heart.getAttribute('aria-pressed')).not.toBe(before);
    await page.waitForLoadState('networkidle');
    await expect.poll(() => focused(page)).toBe('favorite');
    await press(page, heart, 'Space');
    await expect.poll(() => heart.getAttribute('aria-pressed')).toBe(before);
    await page.waitForLoadState('networkidle');
    await expect.poll(() => focused(page)).toBe('favorite');

    await press(page, page.getByRole('button', { name: 'Close as error' }));
    const dialog = page.getByRole('dialog', { name: 'Close as error' });
    await dialog.waitFor();
    await press(page, dialog.getByTestId('reason'));
    await page.getByRole('option').first().waitFor();
    await page.keyboard.press('Enter');
    await press(page, dialog.getByRole('button', { name: 'Close as error' }));
    await page.locator('[data-status="error"]').first().waitFor();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('deal-title');
  });
});

describe('the co-sell home’s tabs in Chromium', () => {
  it('are one tab stop, move with the arrow keys, open with Enter, and are links to their view', async () => {
    const page = await signIn('radmin@contoso.example');
    await page.goto(`${server.url}/?tab=inbound&type=co-sell`);
    const tabs = page.getByRole('tablist', { name: 'Deal views' });
    const inbound = tabs.getByRole('tab', { name: 'Inbound' });
    await expect(inbound.getAttribute('aria-selected')).resolves.toBe('true');
    // A link to the view that keeps the filters (open in a new tab works).
    await expect(tabs.getByRole('tab', { name: 'Closed' }).getAttribute('href')).resolves.toBe(
      '/?type=co-sell&tab=closed',
    );
    await expect(tabs.locator('[tabindex="0"]').count()).resolves.toBe(1);

    await inbound.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focused(page)).toBe('outbound');
    await expect(inbound.getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL(/tab=outbound/);
    expect(new URL(page.url()).searchParams.get('type')).toBe('co-sell');
    await expect
      .poll(() => tabs.getByRole('tab', { name: 'Outbound' }).getAttribute('aria-selected'))
      .toBe('true');
    await expect.poll(() => focused(page)).toBe('outbound');
    await page.keyboard.press('End');
    await expect.poll(() => focused(page)).toBe('closed');
    await page.keyboard.press(' ');
    await page.waitForURL(/tab=closed/);
    await page.keyboard.press('Home');
    await expect.poll(() => focused(page)).toBe('inbound');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focused(page)).toBe('closed');
    // Back returns to the view before.
    await page.goBack();
    await page.waitForURL(/tab=outbound/);
    await expect
      .poll(() => tabs.getByRole('tab', { name: 'Outbound' }).getAttribute('aria-selected'))
      .toBe('true');
  });
});
