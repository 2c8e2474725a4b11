/**
 * The web workspace end to end, in headless Chromium against the real server: creating a deal through
 * the wizard, the invited partner accepting it and taking it to won, declining, favorites, location
 * scope, the five languages with locale-formatted money, and axe-core on the main pages.
 *
 * COSELL_SCREENSHOTS=1 also writes the main screens in every language to docs/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

let server: E2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  if (SCREENSHOTS) mkdirSync(SHOTS_DIR, { recursive: true });
}, 180_000);

// A failing step leaves a picture of the page behind, for the person reading the failure.
let lastPage: Page | null = null;
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

/** A fresh browser profile signed in as `email` through the sign-in page's demo persona picker. */
async function signIn(email: string, locale = 'en'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale });
  contexts.push(context);
  const page = await context.newPage();
  lastPage = page;
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/sign-in/);
  await page.locator(`[data-email="${email}"]`).click();
  await page.getByTestId('user-menu').waitFor();
  // Demo personas keep the language of their home country; these steps read the English UI.
  if ((await page.locator('html').getAttribute('lang')) !== 'en') {
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitemradio', { name: 'English' }).click();
    await page.getByTestId('user-menu').waitFor();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  }
  return page;
}

const futureDate = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function pickOption(page: Page, name: string | RegExp) {
  await page.getByRole('option', { name }).first().click();
}

async function openDealFromGrid(page: Page, dealName: string) {
  await page.getByRole('searchbox', { name: 'Search deals' }).fill(dealName);
  await page.waitForURL(/[?&]q=/);
  const link = page.getByTestId('deal-grid').getByRole('link', { name: dealName });
  await link.waitFor();
  await link.click();
  await page.getByRole('heading', { level: 1, name: dealName }).waitFor();
}

async function shot(page: Page, name: string) {
  if (SCREENSHOTS) await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`) });
}

const dealName = `Data platform rollout ${Date.now().toString(36)}`;
let dealPath = '';

describe('web workspace in Chromium', () => {
  it('loads at most 300 KB of JavaScript (gzip) before the first screen; the wizard, deal page and settings load later', () => {
    const dist = join(ROOT, 'web', 'dist');
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(initial.length).toBeGreaterThan(0);
    const bytes = initial.reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length,
      0,
    );
    expect(bytes).toBeLessThanOrEqual(300 * 1024);
    expect(initial.some((file) => /(NewDeal|DealPage|Settings)-/.test(file))).toBe(false);
  });

  it('creates a partner-to-partner deal with vendor help through the wizard as radmin@contoso.example', async () => {
    const page = await signIn('radmin@contoso.example');
    // A Swedish customer from the directory, found the way a user would: by the start of its name.
    const company = await server.ctx.db
      .selectFrom('companies')
      .select(['name'])
      .where('country', '=', 'SE')
      .orderBy('name')
      .executeTakeFirstOrThrow();

    await page.getByRole('link', { name: 'New deal' }).first().click();
    await page.waitForURL(/\/deals\/new/);
    expect(await seriousViolations(page)).toEqual([]);

    const customer = page.getByTestId('company-search');
    await customer.pressSequentially(company.name.slice(0, 4), { delay: 30 });
    await pickOption(page, new RegExp(company.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // The vendor is asked for help below, so the customer contact goes along, with consent.
    await page.getByRole('switch', { name: 'Add a customer contact' }).check();
    await page.getByLabel('Contact name').fill('Lars Åberg');
    await page.getByLabel('Contact phone').fill('+46 8 849 43 24');
    await page.getByLabel('Contact e-mail').fill('lars.aberg@customer.example');
    await page.getByRole('checkbox', { name: /agreed that we share this contact/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('Deal name').fill(dealName);
    await page.getByLabel('Estimated value').first().fill('125000.00');
    await page.getByLabel('Estimated close date').fill(futureDate(90));
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('Phone').first().fill('+46 8 555 010 20');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('checkbox', { name: 'Contoso Retail Analytics' }).check();
    await page.getByRole('button', { name: 'Next' }).click();

    // Back and next keep what was entered.
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByRole('checkbox', { name: 'Contoso Retail Analytics' }).isChecked()).resolves.toBe(
      true,
    );
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('radio', { name: /help \(co-sell\)/ }).check();
    await page.getByRole('switch', { name: 'Invite partners' }).check();
    await page.getByTestId('partner-search').pressSequentially('Fabri', { delay: 30 });
    await pickOption(page, /^Fabrikam/);
    await page.getByLabel('Estimated value of this partner’s part').fill('40000');
    await page.getByTestId('invite-solutions').getByRole('checkbox').first().check();
    await shot(page, 'en-wizard');
    await page.getByRole('button', { name: 'Create deal' }).click();

    // A possible duplicate is confirmed, as a user would after looking at the candidates.
    const anyway = page.getByRole('button', { name: 'Create anyway' });
    await Promise.race([
      page.waitForURL(/\/deals\/[0-9a-f-]{36}$/),
      anyway.waitFor().then(() => anyway.click()),
    ]);
    await page.waitForURL(/\/deals\/[0-9a-f-]{36}$/);
    dealPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: dealName }).waitFor();
    const cards = page.getByTestId('participant');
    await expect(cards.filter({ hasText: 'Northwind Cloud' }).textContent()).resolves.toContain('Requested');
    await expect(cards.filter({ hasText: 'Fabrikam' }).textContent()).resolves.toContain('Received');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('the invited partner finds it in Inbound, accepts it, sets stages and marks it won', async () => {
    expect(dealPath).not.toBe('');
    const page = await signIn('radmin@fabrikam.example');
    expect(await seriousViolations(page)).toEqual([]);
    await openDealFromGrid(page, dealName);
    await expect(page.getByTestId('time-left').textContent()).resolves.toMatch(/in 1[34] days/);

    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Deal name').inputValue()).resolves.toBe(dealName);
    await dialog.getByRole('button', { name: 'Accept', exact: true }).click();
    await page.locator('[data-status="accepted"]').first().waitFor();

    // Edit: the CRM ID and one more person on the team.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('CRM ID').fill('FAB-42');
    await edit.getByRole('button', { name: 'Add member' }).click();
    await edit.getByLabel('Name').last().fill('Greta Hoffmann');
    await edit.getByLabel('Phone').last().fill('+49 89 555 0199');
    await edit.getByLabel('E-mail').last().fill('greta.hoffmann@fabrikam.example');
    await edit.getByRole('button', { name: 'Save' }).click();
    // Exact matches on the details and team cards: the activity list repeats both values.
    await page.locator('dd').getByText('FAB-42', { exact: true }).waitFor();
    await page.getByText('Greta Hoffmann', { exact: true }).waitFor();

    // Someone else moves the deal meanwhile (here: the same user in another tab, through the API).
    const api = `${server.url}/api/v1${new URL(page.url()).pathname}`;
    const current = await page.request.get(api);
    const csrf = (await page.evaluate('localStorage.getItem("cosell.csrf")')) as string;
    const moved = await page.request.post(`${api}/stage`, {
      headers: { 'if-match': current.headers().etag ?? '', 'x-csrf-token': csrf },
      data: { stage: 'developed' },
    });
    expect(moved.status()).toBe(200);
    const lifecycle = page.getByTestId('lifecycle');
    await lifecycle.locator('[data-stage="qualified"]').click();
    await page.getByTestId('stale').getByText('Someone else changed this deal').waitFor();
    await page.getByTestId('stale').getByRole('button', { name: 'Reload' }).click();
    await lifecycle.locator('[data-stage="developed"][aria-current="step"]').waitFor();

    await lifecycle.locator('[data-stage="qualified"]').click();
    await lifecycle.locator('[data-stage="qualified"][aria-current="step"]').waitFor();
    await lifecycle.locator('[data-stage="proposed"]').click();
    await lifecycle.locator('[data-stage="proposed"][aria-current="step"]').waitFor();
    await shot(page, 'en-deal');

    await page.getByRole('button', { name: 'Mark as won' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Mark as won' }).click();
    await page.locator('[data-status="won"]').first().waitFor();
    await expect(page.getByRole('button', { name: 'Mark as lost' }).count()).resolves.toBe(0);

    // The sender sees the partner's decision on its participant card.
    const activity = await page.getByRole('region', { name: 'Activity' }).textContent();
    expect(activity).toContain('Status changed');
  });

  it('the vendor admin finds the help request in Inbound with its time left and accepts it', async () => {
    expect(dealPath).not.toBe('');
    const page = await signIn('vadmin@northwind.example');
    await openDealFromGrid(page, dealName);
    await expect(page.getByTestId('time-left').textContent()).resolves.toMatch(/in 1[34] days/);
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Accept', exact: true }).click();
    await page.locator('[data-status="accepted"]').first().waitFor();
    // The partner's own record is not changed by the vendor's decision.
    await expect(
      page.getByTestId('participant').filter({ hasText: 'Contoso' }).locator('[data-status]').textContent(),
    ).resolves.toBe('Accepted');
  });

  it('the creator changes the deal’s solutions from the deal page', async () => {
    expect(dealPath).not.toBe('');
    const page = await signIn('radmin@contoso.example');
    await page.goto(`${server.url}${dealPath}`);
    await page.getByRole('heading', { level: 1, name: dealName }).waitFor();
    const card = page.getByTestId('solutions');
    await page.getByRole('button', { name: 'Change solutions' }).click();
    const dialog = page.getByRole('dialog');
    const vendorGroup = dialog.getByRole('group', { name: 'Vendor solutions' });
    await vendorGroup.getByRole('checkbox').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing changed yet: nothing to save.
    await expect(dialog.getByRole('button', { name: 'Save' }).isDisabled()).resolves.toBe(true);
    const added = vendorGroup.getByRole('checkbox', { checked: false }).first();
    const addedName = ((await added.locator('xpath=ancestor::*[1]').textContent()) ?? '').trim();
    expect(addedName).not.toBe('');
    await added.check();
    // Without any solution the deal cannot be saved.
    await dialog.getByRole('checkbox', { name: 'Contoso Retail Analytics' }).uncheck();
    await dialog.getByRole('checkbox', { name: addedName }).uncheck();
    await expect(dialog.getByRole('button', { name: 'Save' }).isDisabled()).resolves.toBe(true);
    await dialog.getByText('A deal needs at least one solution.').waitFor();
    await dialog.getByRole('checkbox', { name: 'Contoso Retail Analytics' }).check();
    await dialog.getByRole('checkbox', { name: addedName }).check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByText(addedName, { exact: true }).waitFor();
    await expect(card.getByText('Contoso Retail Analytics', { exact: true }).count()).resolves.toBe(1);
    // Kept on the server.
    const saved = await page.request.get(`${server.url}/api/v1${dealPath}`);
    expect(((await saved.json()) as { solutions: { name: string }[] }).solutions.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Contoso Retail Analytics', addedName]),
    );
  });

  it('a vendor seller sends a deal to a partner with the same wizard', async () => {
    const page = await signIn('seller@northwind.example');
    const company = await server.ctx.db
      .selectFrom('companies')
      .select(['name'])
      .where('country', '=', 'US')
      .orderBy('name')
      .executeTakeFirstOrThrow();
    await page.goto(`${server.url}/deals/new`);
    await page.getByTestId('company-search').pressSequentially(company.name.slice(0, 4), { delay: 30 });
    await page
      .getByRole('option', { name: new RegExp(company.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })
      .first()
      .click();
    await page.getByRole('button', { name: 'Next' }).click();
    const name = `Sent to Litware ${Date.now().toString(36)}`;
    await page.getByLabel('Deal name').fill(name);
    await page.getByLabel('Estimated value').first().fill('80000');
    await page.getByLabel('Estimated close date').fill(futureDate(60));
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Phone').first().fill('+1 206 555 0100');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Next' }).click();
    // No private, share or help choice for the vendor: it sends the deal to partners.
    await expect(page.getByRole('radio').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Create deal' }).isDisabled()).resolves.toBe(true);
    await page.getByTestId('partner-search').pressSequentially('Litw', { delay: 30 });
    await page
      .getByRole('option', { name: /^Litware/ })
      .first()
      .click();
    await page.getByLabel('Estimated close date for this partner').fill(futureDate(60));
    await page.getByLabel('Estimated value of this partner’s part').fill('80000');
    await page.getByTestId('invite-solutions').getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Create deal' }).click();
    const anyway = page.getByRole('button', { name: 'Create anyway' });
    await Promise.race([
      page.waitForURL(/\/deals\/[0-9a-f-]{36}$/),
      anyway.waitFor().then(() => anyway.click()),
    ]);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await expect(
      page.getByTestId('participant').filter({ hasText: 'Litware' }).locator('[data-status]').textContent(),
    ).resolves.toBe('Received');
  });

  it('declines another deal with a reason and finds it in Closed', async () => {
    const page = await signIn('radmin@contoso.example');
    await page.goto(`${server.url}/?tab=inbound&status=received`);
    const first = page.getByTestId('deal-grid').getByRole('link').first();
    await first.waitFor();
    const name = (await first.textContent()) ?? '';
    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByRole('button', { name: 'Decline', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('reason').click();
    await pickOption(page, 'Timeline too short');
    await dialog.getByLabel('Notes').fill('The customer wants it live next week.');
    await dialog.getByRole('button', { name: 'Decline', exact: true }).click();
    await page.locator('[data-status="declined"]').first().waitFor();
    await expect(page.getByText('Timeline too short').first().isVisible()).resolves.toBe(true);

    await page.goto(`${server.url}/?tab=closed`);
    await page.getByRole('tab', { name: 'Closed', selected: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Search deals' }).fill(name);
    const row = page.getByTestId('deal-grid').getByRole('row').filter({ hasText: name });
    await row.first().waitFor();
    await expect(row.first().locator('[data-status="declined"]').count()).resolves.toBe(1);

    // The CSV export holds the current view (the Closed tab, this search).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    const lines = csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain('Deal name,Customer');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const csvRow = lines.find((line) => line.includes(name.includes(',') ? `"${name}"` : name));
    expect(csvRow).toContain(',Declined,');
  });

  it('hearts a deal in place and finds it in Favorites', async () => {
    const page = await signIn('radmin@litware.example');
    await page.goto(`${server.url}/?tab=outbound`);
    const row = page.getByTestId('deal-grid').locator('[data-deal-id]').first();
    await row.waitFor();
    const id = await row.getAttribute('data-deal-id');
    const heart = row.getByTestId('favorite');
    const wasPressed = (await heart.getAttribute('aria-pressed')) === 'true';
    if (wasPressed) await heart.click(); // start from a deal that is not a favorite yet
    await expect.poll(() => heart.getAttribute('aria-pressed')).toBe('false');
    await heart.click();
    await expect.poll(() => heart.getAttribute('aria-pressed')).toBe('true');

    await page.getByRole('tab', { name: 'Favorites' }).click();
    await page.waitForURL(/tab=favorites/);
    await page.locator(`[data-testid="deal-grid"] [data-deal-id="${id}"]`).waitFor();
  });

  it('filters and sorts the grid exactly as the API lists them, kept in the address across a reload', async () => {
    const page = await signIn('vadmin@northwind.example');
    // The grid draws only the rows near the viewport: its rows are collected by their aria-rowindex while the
    // page scrolls from the top to the end.
    const shown = async () => {
      const places = new Map<number, string>();
      await page.evaluate('window.scrollTo(0, 0)');
      for (let step = 0; step < 50; step++) {
        const seen = (await page.evaluate(
          `[...document.querySelectorAll('[data-testid="deal-grid"] [data-deal-id]')].map((r) => [Number(r.getAttribute('aria-rowindex')), r.getAttribute('data-deal-id')])`,
        )) as [number, string][];
        for (const [place, id] of seen) places.set(place, id);
        if (
          await page.evaluate(
            'window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2',
          )
        )
          break;
        await page.evaluate('window.scrollBy(0, Math.round(window.innerHeight * 0.6))');
        await page.waitForTimeout(50);
      }
      await page.evaluate('window.scrollTo(0, 0)');
      return [...places].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
    };
    const listed = async (query: string, view = 'inbound') =>
      (
        (await (
          await page.request.get(`${server.url}/api/v1/deals?view=${view}&limit=25&${query}`)
        ).json()) as { items: { id: string }[] }
      ).items.map((d) => d.id);
    const matches = async (query: string, view = 'inbound') => {
      const expected = await listed(query, view);
      await expect.poll(shown).toEqual(expected);
      return expected;
    };

    await page.goto(`${server.url}/?tab=inbound`);
    const all = await matches('sort=updatedAt&order=desc');
    expect(all.length).toBeGreaterThan(0);

    await page.getByTestId('filter-type').selectOption('co-sell');
    await page.waitForURL(/type=co-sell/);
    expect(await matches('type=co-sell&sort=updatedAt&order=desc')).not.toEqual([]);

    await page.getByRole('columnheader', { name: 'Value' }).click();
    await page.waitForURL(/sort=value&order=desc/);
    const byValue = await matches('type=co-sell&sort=value&order=desc');
    await page.getByRole('columnheader', { name: 'Value' }).click();
    await page.waitForURL(/order=asc/);
    await matches('type=co-sell&sort=value&order=asc');
    await page.getByRole('columnheader', { name: 'Value' }).click();
    await page.waitForURL(/order=desc/);
    await page.reload();
    await expect.poll(shown).toEqual(byValue);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => !url.search.includes('type='));
    await page.getByRole('button', { name: 'Expiring soon' }).click();
    await page.waitForURL(/expiring=1/);
    await matches('sort=value&order=desc&expiringWithinDays=7');
    await page.getByRole('button', { name: 'Expiring soon' }).click();
    await page.waitForURL((url) => !url.search.includes('expiring='));
  });

  it('a location-scoped user sees only deals of their location', async () => {
    const page = await signIn('user.tw@contoso.example');
    let seen = 0;
    for (const tab of ['inbound', 'outbound', 'closed']) {
      await page.goto(`${server.url}/?tab=${tab}`);
      await page.getByRole('tab', { selected: true }).waitFor();
      await page
        .getByTestId('deal-grid')
        .locator('[data-deal-id]')
        .first()
        .or(page.getByTestId('empty'))
        .waitFor();
      const locations = await page
        .getByTestId('deal-grid')
        .locator('[data-deal-id] td:nth-child(2) span')
        .allTextContents();
      seen += locations.length;
      expect(locations.every((text) => text === 'Contoso Taipei')).toBe(true);
    }
    expect(seen).toBeGreaterThan(0);
    // The Stockholm deal made above is not there, not even by its address.
    await page.goto(`${server.url}${dealPath}`);
    await page.getByText('Deal not found').waitFor();
  });

  it('works by keyboard alone: sign in with e-mail and password, open a deal from the grid', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    lastPage = page;
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('E-mail address').focus();
    await page.keyboard.type('radmin@litware.example');
    await page.keyboard.press('Tab');
    await page.keyboard.type('cosell-demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('user-menu').waitFor();
    const link = page.getByTestId('deal-grid').getByRole('link').first();
    await link.waitFor();
    const name = (await link.textContent()) ?? '';
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name }).waitFor();
    // A wrong password says so, without signing in.
    const stranger = await context.browser()!.newContext();
    contexts.push(stranger);
    const other = await stranger.newPage();
    await other.goto(`${server.url}/sign-in`);
    await other.getByLabel('E-mail address').fill('radmin@litware.example');
    await other.getByLabel('Password').fill('not-the-password');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('alert').getByText('The e-mail address or password is wrong.').waitFor();
  });

  it('an admin creates an API token, sees it once, and revokes it', async () => {
    const page = await signIn('radmin@fabrikam.example');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Token name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
    expect(token.length).toBeGreaterThan(20);
    const me = await page.request.get(`${server.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status()).toBe(200);
    const row = page.getByRole('row').filter({ hasText: 'CRM sync' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked').waitFor();
    const after = await page.request.get(`${server.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status()).toBe(401);
  });

  it('switches the UI to zh-TW, ru and sv with translated labels and locale-formatted money', async () => {
    const page = await signIn('radmin@contoso.example');
    const expected: Record<string, { inbound: string; newDeal: string }> = {
      en: { inbound: 'Inbound', newDeal: 'New deal' },
      'zh-TW': { inbound: '輸入', newDeal: '新增交易' },
      'zh-CN': { inbound: '入站', newDeal: '新建交易' },
      ru: { inbound: 'Входящие', newDeal: 'Новая сделка' },
      sv: { inbound: 'Inkommande', newDeal: 'Ny affär' },
    };
    const names: Record<string, string> = {
      en: 'English',
      'zh-TW': '繁體中文',
      'zh-CN': '简体中文',
      ru: 'Русский',
      sv: 'Svenska',
    };
    const listed = await page.request.get(`${server.url}/api/v1/deals?view=inbound&limit=1`);
    const firstDeal = (await listed.json()).items[0] as {
      id: string;
      value: { amount: string; currency: string };
    };
    for (const language of SCREENSHOTS ? ['en', 'zh-TW', 'zh-CN', 'ru', 'sv'] : ['zh-TW', 'ru', 'sv']) {
      await page.goto(`${server.url}/?tab=inbound`);
      await page.getByTestId('language-menu').click();
      await page.getByRole('menuitemradio', { name: names[language] }).click();
      await page.getByRole('tab', { name: expected[language]?.inbound }).waitFor();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(language);
      await page.getByRole('link', { name: expected[language]?.newDeal }).first().waitFor();
      const money = new Intl.NumberFormat(language, {
        style: 'currency',
        currency: firstDeal.value.currency,
      }).format(Number(firstDeal.value.amount));
      const cell = page.locator(`[data-deal-id="${firstDeal.id}"] [data-testid="value"]`);
      await expect.poll(() => cell.textContent()).toBe(money);
      await shot(page, `${language}-home`);
      if (SCREENSHOTS) {
        await page.goto(`${server.url}/deals/${firstDeal.id}`);
        await page.getByTestId('lifecycle').waitFor();
        await shot(page, `${language}-deal`);
        await page.goto(`${server.url}/deals/new`);
        await page.getByTestId('company-search').waitFor();
        await shot(page, `${language}-wizard`);
      }
    }
    // The choice is the user's, kept on the server: it survives a reload and follows them to a new browser.
    await page.goto(`${server.url}/?tab=inbound`);
    await page.reload();
    await page.getByRole('tab', { name: 'Inkommande' }).waitFor();
    await expect((await page.request.get(`${server.url}/api/v1/me`)).json()).resolves.toMatchObject({
      user: { locale: 'sv' },
    });
    const elsewhere = await browser.newContext({ locale: 'en-US' });
    contexts.push(elsewhere);
    const other = await elsewhere.newPage();
    await other.goto(`${server.url}/sign-in`);
    await other.locator('[data-email="radmin@contoso.example"]').click();
    await other.getByRole('tab', { name: 'Inkommande' }).waitFor();
  });
});
