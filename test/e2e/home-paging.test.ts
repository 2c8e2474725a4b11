/**
 * Cursor paging on the co-sell home in headless Chromium against the real server: "Load more" appends the
 * next page of the same query to the grid and keeps the rows already shown, until the list ends. The rows the
 * grid holds are compared, in order, with the pages the API gives for the same query. The grid may draw only
 * the rows near the viewport (virtualized): the rows are collected while the page scrolls from top to bottom.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../server/services/auth.ts';
import { type E2eServer, ensureWebBuild, launchBrowser, startServer } from './browser-harness.ts';

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let lastPage: Page | null = null;

const EMAIL = 'radmin@contoso.example';
/** The grid's page size (PAGE in web/routes/Home.tsx). */
const PAGE = 25;
/** Deals added to Contoso's Outbound, so that it spans three pages. */
const ADDED = 55;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // More outbound deals for Contoso than the demo data has, created through the API as a user would.
  const db = server.ctx.db;
  const user = await db
    .selectFrom('users')
    .select(['id', 'name', 'organization_id'])
    .where('email', '=', EMAIL)
    .executeTakeFirstOrThrow();
  const { token } = await issueApiToken(server.ctx, user.id, user.organization_id, 'paging test');
  const auth = { authorization: `Bearer ${token}` };
  const location = await db
    .selectFrom('locations')
    .select('id')
    .where('organization_id', '=', user.organization_id)
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  const solutions = (
    await server.app.inject({ method: 'GET', url: '/api/v1/solutions?kind=mine', headers: auth })
  ).json().items as { id: string }[];
  const companies = await db
    .selectFrom('companies')
    .select('id')
    .where('country', '=', 'SE')
    .orderBy('id')
    .limit(ADDED)
    .execute();
  expect(solutions.length).toBeGreaterThan(0);
  expect(companies.length).toBe(ADDED);
  for (const [i, company] of companies.entries()) {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/deals',
      headers: auth,
      payload: {
        customer: { companyId: company.id },
        name: `Paging deal ${String(i + 1).padStart(2, '0')}`,
        locationId: location.id,
        value: { amount: `${10_000 + i * 100}.00`, currency: 'EUR' },
        closeDate: new Date(Date.now() + (60 + i) * 86_400_000).toISOString().slice(0, 10),
        team: [{ name: user.name, phone: '+46 8 555 010 20', email: EMAIL }],
        solutionIds: [solutions[0]?.id],
        confirmNotDuplicate: true,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}, 240_000);

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
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  }
  return page;
}

/** The pages the API gives the signed-in browser for the grid's query. */
async function apiPages(page: Page, query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/deals?${query}&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = (await page.evaluate(
      `fetch(${JSON.stringify(url)}, { credentials: 'same-origin' }).then((r) => r.json())`,
    )) as { items: { id: string }[]; nextCursor: string | null };
    pages.push(body.items.map((d) => d.id));
    cursor = body.nextCursor;
  } while (cursor);
  return pages;
}

/**
 * The deal ids of the grid's rows in order, scrolling the page from top to bottom so that a grid drawing only
 * the rows near the viewport shows each of them once. A row's place is its aria-rowindex when it has one
 * (virtualized), else its place among the rows drawn (all of them).
 */
async function gridIds(page: Page): Promise<string[]> {
  const places = new Map<string, number>();
  await page.evaluate('window.scrollTo(0, 0)');
  for (let step = 0; step < 200; step++) {
    const seen =
      (await page.evaluate(`[...document.querySelectorAll('[data-testid="deal-grid"] tbody tr[data-deal-id]')]
      .map((row, i) => [row.getAttribute('data-deal-id'), Number(row.getAttribute('aria-rowindex') ?? i + 2)])`)) as [
        string,
        number,
      ][];
    for (const [id, place] of seen) {
      const before = places.get(id);
      expect(before === undefined || before === place, `deal ${id} at one place`).toBe(true);
      places.set(id, place);
    }
    const atEnd = (await page.evaluate(
      'window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2',
    )) as boolean;
    if (atEnd) break;
    await page.evaluate('window.scrollBy(0, Math.round(window.innerHeight * 0.6))');
    await page.waitForTimeout(50);
  }
  const ordered = [...places].sort((a, b) => a[1] - b[1]);
  // The places are consecutive: no row missing in between, none twice.
  expect(ordered.map(([, place]) => place)).toEqual(ordered.map((_, i) => i + 2));
  return ordered.map(([id]) => id);
}

describe('the co-sell home grid pages with "Load more"', () => {
  it('appends the next page of the same query and keeps the rows shown, until the list ends', async () => {
    const page = await signIn(EMAIL);
    await page.goto(`${server.url}/?tab=outbound`);
    const grid = page.getByTestId('deal-grid');
    await grid.locator('tbody tr[data-deal-id]').first().waitFor();

    const pages = await apiPages(page, 'view=outbound&sort=updatedAt&order=desc');
    expect(pages.length).toBe(3);
    expect(pages.slice(0, 2).map((p) => p.length)).toEqual([PAGE, PAGE]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);

    const shown = page.getByText(/^\d+ deals shown$/);
    const loadMore = page.getByRole('button', { name: 'Load more' });
    await expect.poll(() => shown.textContent()).toBe(`${PAGE} deals shown`);
    expect(await gridIds(page)).toEqual(pages[0]);

    // The second page comes after the first, which stays as it was.
    await loadMore.click();
    await expect.poll(() => shown.textContent()).toBe(`${2 * PAGE} deals shown`);
    expect(await gridIds(page)).toEqual([...(pages[0] ?? []), ...(pages[1] ?? [])]);
    // Still on the same address: paging is not a filter, a reload starts at the first page again.
    expect(new URL(page.url()).searchParams.get('tab')).toBe('outbound');

    // The last page: every deal once, in the API's order, and no more "Load more".
    await loadMore.click();
    await expect.poll(() => shown.textContent()).toBe(`${all.length} deals shown`);
    await loadMore.waitFor({ state: 'detached' });
    expect(await gridIds(page)).toEqual(all);

    // The rows of the first page are still real rows: the first deal opens from the grid.
    await page.evaluate('window.scrollTo(0, 0)');
    const first = grid.locator(`tr[data-deal-id="${pages[0]?.[0]}"]`).getByRole('link');
    const name = (await first.textContent()) ?? '';
    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  });
});
