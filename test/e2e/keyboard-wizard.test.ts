/**
 * The new-deal wizard by keyboard alone, in headless Chromium against the real server: sign in, open the
 * wizard, and create a co-sell deal that invites a partner through all five steps with Tab, Shift+Tab, Enter,
 * Space and the arrow keys only — the customer picked from the directory's suggestions, a customer contact
 * with consent, a recent contact added to the team, a solution, the vendor's help type from its list, a partner
 * found by name — and through the "This deal may already exist" dialog the wizard opens (focus inside it and
 * kept there, Escape closes it and gives the focus back). Every control is reached by Tab (no click, no
 * focus() call) and each step change puts the focus at the top of the new step. On the new deal's page, a dialog
 * opened from an action gives the focus back to that action when Escape closes it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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

const EMAIL = 'radmin@contoso.example';
/** A customer Contoso already has an open deal with: creating another one asks first. */
let customer = '';

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const db = server.ctx.db;
  const user = await db
    .selectFrom('users')
    .select(['id', 'name', 'organization_id'])
    .where('email', '=', EMAIL)
    .executeTakeFirstOrThrow();
  const { token } = await issueApiToken(server.ctx, user.id, user.organization_id, 'keyboard test');
  const auth = { authorization: `Bearer ${token}` };
  const location = await db
    .selectFrom('locations')
    .select('id')
    .where('organization_id', '=', user.organization_id)
    .where('country', '=', 'SE')
    .executeTakeFirstOrThrow();
  const company = await db
    .selectFrom('companies')
    .select(['id', 'name'])
    .where('country', '=', 'SE')
    .orderBy('name', 'desc')
    .executeTakeFirstOrThrow();
  customer = company.name;
  const solutions = (
    await server.app.inject({ method: 'GET', url: '/api/v1/solutions?kind=mine', headers: auth })
  ).json().items as { id: string }[];
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/deals',
    headers: auth,
    payload: {
      customer: { companyId: company.id },
      name: 'Earlier deal with the same customer',
      locationId: location.id,
      value: { amount: '9000.00', currency: 'SEK' },
      closeDate: new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10),
      team: [{ name: user.name, phone: '+46 8 555 010 20', email: EMAIL }],
      solutionIds: [solutions[0]?.id],
      confirmNotDuplicate: true,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
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

/** What has the focus, for failure messages: role or tag, and its accessible text. */
const DESCRIBE_FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '(body)';
  const byIds = (ids) => (ids || '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
  const text = el.getAttribute('aria-label') || byIds(el.getAttribute('aria-labelledby')) ||
    (el.labels && el.labels[0] ? el.labels[0].textContent : '') || el.textContent || el.getAttribute('placeholder') || '';
  return (el.getAttribute('role') || el.tagName.toLowerCase()) + ' "' + text.trim().slice(0, 60) + '"';
})()`;

const isFocused = (target: Locator) =>
  target.evaluate((el) => el === el.ownerDocument.activeElement).catch(() => false);

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus; fails with the path the focus took when it does
 * not get there within `max` presses (a control the keyboard cannot reach).
 */
async function tabTo(page: Page, target: Locator, options: { back?: boolean; max?: number } = {}) {
  const path: string[] = [];
  for (let i = 0; i < (options.max ?? 40); i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    path.push((await page.evaluate(DESCRIBE_FOCUS)) as string);
  }
  if (await isFocused(target)) return;
  throw new Error(`Tab did not reach ${target}; the focus went through:\n  ${path.join('\n  ')}`);
}

/**
 * With a combobox's list open: ArrowDown (and ArrowUp once the end of the list is reached) until the active
 * option matches, then Enter.
 */
async function chooseOption(page: Page, combobox: Locator, option: RegExp) {
  await page.getByRole('option', { name: option }).first().waitFor();
  let key: 'ArrowDown' | 'ArrowUp' = 'ArrowDown';
  let previous: string | null = null;
  for (let i = 0; i < 60; i++) {
    const active = await combobox.getAttribute('aria-activedescendant');
    if (active) {
      const text = (await page.locator(`[id="${active}"]`).textContent()) ?? '';
      if (option.test(text)) {
        await page.keyboard.press('Enter');
        return;
      }
      if (active === previous) key = 'ArrowUp';
    }
    previous = active;
    await page.keyboard.press(key);
  }
  throw new Error(`no option matching ${option} became active`);
}

/** The focus is on the new step's heading, so that Tab goes on into its fields. */
async function expectStep(page: Page, title: string) {
  const heading = page.getByRole('heading', { level: 2, name: title });
  await heading.waitFor();
  await expect.poll(() => isFocused(heading), { timeout: 5_000 }).toBe(true);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const futureDate = (days: number) => new Date(Date.now() + days * 86_400_000);

describe('the new-deal wizard by keyboard alone', () => {
  it('creates a co-sell deal with a partner invited through all five steps and the duplicate dialog', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    lastPage = page;
    page.setDefaultTimeout(15_000);
    const dealName = `Keyboard only rollout ${Date.now().toString(36)}`;

    // Sign in: the e-mail field has the focus first.
    await page.goto(`${server.url}/sign-in`);
    await tabTo(page, page.getByLabel('E-mail address'));
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type('cosell-demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('user-menu').waitFor();
    if ((await page.locator('html').getAttribute('lang')) !== 'en') {
      await tabTo(page, page.getByTestId('language-menu'));
      await page.keyboard.press('Enter');
      await tabTo(page, page.getByRole('menuitemradio', { name: 'English' }), { max: 8 });
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    }

    // The header's "New deal" link opens the wizard.
    await tabTo(
      page,
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New deal' }),
      {
        back: true,
      },
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/deals\/new/);
    expect(await seriousViolations(page)).toEqual([]);

    // 1. Customer: the name from the directory's suggestions, then a contact with the customer's consent.
    const search = page.getByTestId('company-search');
    await tabTo(page, search);
    await page.keyboard.type(customer.slice(0, 5), { delay: 30 });
    await chooseOption(page, search, new RegExp(`^${escapeRegExp(customer)}`));
    await page.getByText(new RegExp(`${escapeRegExp(customer)} · `)).waitFor();
    const contactSwitch = page.getByRole('switch', { name: 'Add a customer contact' });
    await tabTo(page, contactSwitch);
    await page.keyboard.press('Space');
    await tabTo(page, page.getByLabel('Contact name'));
    await page.keyboard.type('Lars Åberg');
    await page.keyboard.press('Tab');
    await page.keyboard.type('+46 8 849 43 24');
    await page.keyboard.press('Tab');
    await page.keyboard.type('lars.aberg@customer.example');
    await tabTo(page, page.getByRole('checkbox', { name: /agreed that we share this contact/ }));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Next' }));
    await page.keyboard.press('Enter');

    // 2. Deal details; Enter in a field goes on to the next step.
    await expectStep(page, 'Deal details');
    await tabTo(page, page.getByLabel('Deal name'));
    await page.keyboard.type(dealName);
    await tabTo(page, page.getByLabel('Estimated value'));
    await page.keyboard.type('125000.00');
    await tabTo(page, page.getByRole('combobox', { name: /Currency/ }));
    await page.keyboard.press('Alt+ArrowDown');
    await chooseOption(page, page.getByRole('combobox', { name: /Currency/ }), /^EUR$/);
    await tabTo(page, page.getByLabel('Estimated close date'));
    const close = futureDate(120);
    await page.keyboard.type(
      `${String(close.getMonth() + 1).padStart(2, '0')}${String(close.getDate()).padStart(2, '0')}${close.getFullYear()}`,
    );
    await tabTo(page, page.getByLabel('CRM ID'));
    await page.keyboard.type('KB-1');
    await page.keyboard.press('Enter');

    // 3. Team: my phone, and a person from my earlier deals added with one key.
    await expectStep(page, 'Team');
    await tabTo(page, page.getByLabel('Phone').first());
    await page.keyboard.type('+46 8 555 010 20');
    const recent = page
      .getByRole('heading', { name: 'Recent contacts' })
      .locator('xpath=..')
      .getByRole('button', { disabled: false });
    await recent.first().waitFor();
    const added = ((await recent.first().textContent()) ?? '').trim();
    await tabTo(page, recent.first());
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Name').count()).toBe(2);
    await expect(page.getByLabel('Name').last().inputValue()).resolves.toBe(added);
    // "Add member" puts the focus in the new row; its remove button takes it away again.
    await tabTo(page, page.getByRole('button', { name: 'Add member' }));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Name').count()).toBe(3);
    await expect.poll(() => isFocused(page.getByLabel('Name').last())).toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Remove member' }));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Name').count()).toBe(2);
    await tabTo(page, page.getByRole('button', { name: 'Next' }));
    await page.keyboard.press('Enter');

    // 4. Solutions: Space ticks a checkbox.
    await expectStep(page, 'Solutions');
    const solution = page.getByRole('checkbox', { name: 'Contoso Retail Analytics' });
    await tabTo(page, solution);
    await page.keyboard.press('Space');
    await expect(solution.isChecked()).resolves.toBe(true);
    // Back with Shift+Tab and Enter, and forward again: what was entered stays.
    await tabTo(page, page.getByRole('button', { name: 'Back' }), { back: true });
    await page.keyboard.press('Enter');
    await expectStep(page, 'Team');
    await expect(page.getByLabel('Phone').first().inputValue()).resolves.toBe('+46 8 555 010 20');
    await tabTo(page, page.getByRole('button', { name: 'Next' }));
    await page.keyboard.press('Enter');
    await expectStep(page, 'Solutions');
    await expect(solution.isChecked()).resolves.toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Next' }));
    await page.keyboard.press('Enter');

    // 5. Selling type: the arrow keys choose the radio, the help type comes from its list.
    await expectStep(page, 'Selling type');
    await tabTo(page, page.getByRole('radio', { name: /Keep it private/ }));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: /help \(co-sell\)/ }).isChecked()).resolves.toBe(true);
    const help = page.getByRole('combobox', { name: /Help needed/ });
    await tabTo(page, help);
    await page.keyboard.press('Enter');
    await chooseOption(page, help, /Proof of concept/i);
    await expect(help.textContent()).resolves.toMatch(/Proof of concept/i);
    await tabTo(page, page.getByRole('switch', { name: 'Invite partners' }));
    await page.keyboard.press('Space');
    const partner = page.getByTestId('partner-search');
    await tabTo(page, partner);
    await page.keyboard.type('Fabri', { delay: 30 });
    await chooseOption(page, partner, /^Fabrikam/);
    await tabTo(page, page.getByLabel('Estimated value of this partner’s part'));
    await page.keyboard.type('40000');
    const offered = page.getByTestId('invite-solutions').getByRole('checkbox').first();
    await offered.waitFor();
    await tabTo(page, offered);
    await page.keyboard.press('Space');
    await expect(offered.isChecked()).resolves.toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Create deal' }));
    await page.keyboard.press('Enter');

    // The customer has an open deal already: the dialog asks, with the focus inside it.
    const dialog = page.getByRole('dialog', { name: 'This deal may already exist' });
    await dialog.waitFor();
    await expect.poll(() => dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await dialog.getByRole('link', { name: 'Earlier deal with the same customer' }).waitFor();
    // Checked once the dialog has faded in (half-transparent text would count as low contrast).
    await expect
      .poll(() => page.evaluate("document.getAnimations().every((a) => a.playState !== 'running')"))
      .toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    // Tab stays inside the dialog, round and round.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    }
    // Escape closes it and gives the focus back to "Create deal"; Enter asks again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    const create = page.getByRole('button', { name: 'Create deal' });
    await expect.poll(() => isFocused(create)).toBe(true);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await tabTo(page, dialog.getByRole('button', { name: 'Create anyway' }), { max: 6 });
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/deals\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: dealName }).waitFor();
    const cards = page.getByTestId('participant');
    await expect(cards.filter({ hasText: 'Northwind Cloud' }).textContent()).resolves.toContain('Requested');
    await expect(cards.filter({ hasText: 'Fabrikam' }).textContent()).resolves.toContain('Received');
    const deal = (await page.evaluate(
      `fetch('/api/v1/deals/' + location.pathname.split('/').pop()).then((r) => r.json())`,
    )) as {
      type: string;
      value: { amount: string; currency: string };
      crmId: string;
      team: { name: string }[];
      customer: { name: string };
    };
    expect(deal).toMatchObject({
      type: 'co-sell',
      value: { amount: '125000.00', currency: 'EUR' },
      crmId: 'KB-1',
      customer: { name: customer },
    });
    expect(deal.team.map((m) => m.name)).toContain(added);

    // On the deal page, a dialog opened from an action by keyboard gives the focus back to it when it closes.
    const action = page.getByRole('toolbar', { name: 'Actions' }).getByRole('button').first();
    await action.waitFor();
    await tabTo(page, action, { max: 60 });
    await page.keyboard.press('Enter');
    const opened = page.getByRole('dialog');
    await opened.waitFor();
    await expect.poll(() => opened.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await opened.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(action)).toBe(true);
  });
});
