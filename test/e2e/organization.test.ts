/**
 * The organization's Settings end to end, in headless Chromium against the real server with the demo
 * ecosystem: Contoso's partner-admin adds a location (by keyboard alone), adds a user whose referrals-user
 * role is limited to that location, and hands over the password shown once; the user signs in and sees only
 * that location's deals; the admin links and unlinks a tenant and disables the user, whose session stops at
 * once. A non-admin sees Settings without the organization's administration. axe-core on the admin's page.
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../server/services/auth.ts';
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

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  lastPage = page;
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signed in as a demo persona through the sign-in page's picker, in English. */
async function signInAsPersona(email: string): Promise<Page> {
  const page = await newPage();
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

const suffix = Date.now().toString(36);
const locationName = `Contoso Oslo ${suffix}`;
const userName = `Ola Nordmann ${suffix}`;
const userEmail = `ola.${suffix}@contoso.example`;
let password = '';
let userPage: Page | null = null;

/** A deal of Contoso at `locationId` with the new user on its team, created through the API as radmin. */
async function contosoDeal(name: string, locationId: string): Promise<string> {
  const db = server.ctx.db;
  const radmin = await db
    .selectFrom('users')
    .select(['id', 'organization_id'])
    .where('email', '=', 'radmin@contoso.example')
    .executeTakeFirstOrThrow();
  const { token } = await issueApiToken(server.ctx, radmin.id, radmin.organization_id, 'e2e');
  const company = await db
    .selectFrom('companies')
    .select('id')
    .where('country', '=', 'NO')
    .orderBy('name')
    .executeTakeFirst();
  const solution = await db
    .selectFrom('solutions')
    .select('id')
    .where('name', '=', 'Contoso Retail Analytics')
    .executeTakeFirstOrThrow();
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/deals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      customer: company
        ? { companyId: company.id }
        : { name: `Nordic Retail ${suffix}`, address: { city: 'Oslo', country: 'NO' } },
      name,
      locationId,
      value: { amount: '50000.00', currency: 'EUR' },
      closeDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10),
      team: [
        { name: 'Erik Johansson', phone: '+46 8 555 010 20', email: 'radmin@contoso.example' },
        { name: userName, phone: '+47 22 00 00 00', email: userEmail },
      ],
      solutionIds: [solution.id],
      confirmNotDuplicate: true,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('Settings: the organization in Chromium', () => {
  it('the partner-admin adds a location by keyboard alone', async () => {
    const page = await signInAsPersona('admin@contoso.example');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 2, name: 'Users and roles' }).waitFor();
    // Which tenant the admin is in is said plainly.
    await page
      .getByTestId('current-tenant')
      .getByText('You are signed in through the tenant Contoso (contoso.example).')
      .waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Add location' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).waitFor();
    // The dialog puts the focus on its first field.
    await expect
      .poll(() => page.evaluate('document.activeElement === document.querySelector("[role=dialog] input")'))
      .toBe(true);
    await page.keyboard.type(locationName);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Norw');
    await page.getByRole('option', { name: 'Norway' }).waitFor();
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('combobox').inputValue()).resolves.toBe('Norway');
    // Past the combobox's own open button to the city.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Oslo');
    await expect(dialog.getByLabel(/^City/).inputValue()).resolves.toBe('Oslo');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('locations').getByRole('row').filter({ hasText: locationName });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Norway');
  });

  it('adds a user with a referrals-user role for that location only; the password is shown once', async () => {
    const page = lastPage as Page;
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill(userName);
    await dialog.getByLabel(/^E-mail/).fill(userEmail);
    await dialog.getByRole('checkbox', { name: 'Referrals user' }).check();
    await dialog.getByRole('radio', { name: 'Selected locations' }).check();
    // Nothing chosen yet: it cannot be saved.
    await expect(dialog.getByRole('button', { name: 'Add user' }).isDisabled()).resolves.toBe(true);
    await dialog.getByRole('checkbox', { name: locationName }).check();
    await expect.poll(() => dialog.getByRole('button', { name: 'Add user' }).isEnabled()).toBe(true);
    // Colors are judged once the button's transition from disabled has ended.
    await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished))');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.waitFor({ state: 'detached' });
    password = ((await page.getByTestId('initial-password').textContent()) ?? '').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const row = page.getByTestId('users').getByRole('row').filter({ hasText: userEmail });
    await expect(row.textContent()).resolves.toContain(`Referrals user: ${locationName}`);
    await expect(row.textContent()).resolves.toContain('Active');
  });

  it('the new user signs in with it and sees only the deals of that location', async () => {
    expect(password).not.toBe('');
    const locationId = (
      await server.ctx.db
        .selectFrom('locations')
        .select('id')
        .where('name', '=', locationName)
        .executeTakeFirstOrThrow()
    ).id;
    const stockholm = (
      await server.ctx.db
        .selectFrom('locations')
        .select('id')
        .where('name', '=', 'Contoso Stockholm')
        .executeTakeFirstOrThrow()
    ).id;
    const inScope = `Oslo rollout ${suffix}`;
    await contosoDeal(inScope, locationId);
    const outOfScope = await contosoDeal(`Stockholm rollout ${suffix}`, stockholm);

    const page = await newPage();
    userPage = page;
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('E-mail address').fill(userEmail);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user-menu').waitFor();
    await page.goto(`${server.url}/?tab=outbound`);
    const grid = page.getByTestId('deal-grid');
    await grid.getByRole('link', { name: inScope }).waitFor();
    const locations = await grid.locator('[data-deal-id] td:nth-child(2) span').allTextContents();
    expect(locations.length).toBeGreaterThan(0);
    expect(locations.every((text) => text === locationName)).toBe(true);
    await page.goto(`${server.url}/deals/${outOfScope}`);
    await page.getByText('Deal not found').waitFor();

    // Settings shows them their scope, without the organization's administration.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByTestId('your-roles').textContent()).resolves.toBe(
      `Referrals user: ${locationName}`,
    );
    await expect(page.getByRole('heading', { name: 'Users and roles' }).count()).resolves.toBe(0);
    await page.getByLabel('Token name').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('the admin links and unlinks a tenant, then disables the user: their session stops at once', async () => {
    const admin = await signInAsPersona('admin@contoso.example');
    await admin.goto(`${server.url}/settings`);
    const domain = `contoso-nordics-${suffix}.example`;
    await admin.getByLabel('Tenant domain').fill(domain);
    await admin.getByLabel('Display name (optional)').fill('Contoso Nordics');
    await admin.getByRole('button', { name: 'Link tenant' }).click();
    const tenantRow = admin.getByTestId('tenants').getByRole('row').filter({ hasText: domain });
    await tenantRow.waitFor();
    // Linking it twice says why not, in words.
    await admin.getByLabel('Tenant domain').fill(domain);
    await admin.getByRole('button', { name: 'Link tenant' }).click();
    await admin.getByText('This tenant is linked to an organization already.').waitFor();
    // The tenant the admin is in has no unlink button.
    await expect(
      admin
        .getByTestId('tenants')
        .getByRole('row')
        .filter({ hasText: 'contoso.example' })
        .filter({ hasText: 'You are here' })
        .getByRole('button')
        .count(),
    ).resolves.toBe(0);
    await tenantRow.getByRole('button', { name: 'Unlink Contoso Nordics' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Unlink' }).click();
    await tenantRow.waitFor({ state: 'detached' });

    const user = userPage as Page;
    expect((await user.request.get(`${server.url}/api/v1/me`)).status()).toBe(200);
    await admin.getByRole('button', { name: `Disable ${userName}` }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await admin
      .getByTestId('users')
      .getByRole('row')
      .filter({ hasText: userEmail })
      .getByText('Disabled')
      .waitFor();
    expect((await user.request.get(`${server.url}/api/v1/me`)).status()).toBe(401);
    await user.reload();
    await user.waitForURL(/\/sign-in/);
  });

  it('the admin deletes the disabled user after confirming: the row goes, the address is free', async () => {
    const admin = await signInAsPersona('admin@contoso.example');
    await admin.goto(`${server.url}/settings`);
    const row = admin.getByTestId('users').getByRole('row').filter({ hasText: userEmail });
    await row.getByText('Disabled').waitFor();
    // Only a disabled user has a delete button: an active one does not.
    await expect(
      admin
        .getByTestId('users')
        .getByRole('row')
        .filter({ hasText: 'user.se@contoso.example' })
        .getByRole('button', { name: /^Delete / })
        .count(),
    ).resolves.toBe(0);
    await row.getByRole('button', { name: `Delete ${userName}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Delete ${userName}?` });
    await dialog.getByText('This cannot be undone.').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    await dialog.waitFor({ state: 'detached' });
    await admin.getByTestId('user-deleted').getByText(`${userName} was deleted.`).waitFor();
    const found = await admin.request.get(`${server.url}/api/v1/users?q=${encodeURIComponent(userEmail)}`);
    expect((await found.json()).items).toEqual([]);
    // Checked once the dialog's closing transition has ended (the page is aria-hidden until then).
    await expect
      .poll(() => admin.evaluate("document.getAnimations().every((a) => a.playState !== 'running')"))
      .toBe(true);
    // The page behind the dialog is shown to assistive technology again a moment after the dialog is gone.
    await expect.poll(() => admin.locator('#root').getAttribute('aria-hidden')).toBeNull();
    expect(await seriousViolations(admin)).toEqual([]);
  });
});
