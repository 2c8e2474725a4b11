/**
 * The Content-Security-Policy (server/http/security-headers.ts) fits what the server serves: the web workspace
 * (Fluent UI puts its styles in <style> elements) and the API docs (Swagger UI) run in headless Chromium
 * without a single violation, and the policy is the one on the page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  type E2eServer,
  ensureWebBuild,
  launchBrowser,
  startServer,
} from './browser-harness.ts';

interface Violation {
  directive: string;
  blocked: string;
  source: string;
}

describe.skipIf(!chromiumAvailable())('the Content-Security-Policy in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page that records every CSP violation and every console message about one. */
  async function watchedPage(): Promise<{ page: Page; violations: () => Promise<Violation[]> }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const console: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) console.push(message.text());
    });
    // Init scripts are injected by the browser itself, so the policy does not block this one.
    // (Strings, not functions: the server's TypeScript has no DOM types.)
    await page.addInitScript(`
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__csp.push({
          directive: event.violatedDirective,
          blocked: event.blockedURI,
          source: event.sourceFile + ':' + event.lineNumber,
        });
      });
    `);
    return {
      page,
      violations: async () => [
        ...((await page.evaluate('window.__csp')) as Violation[]),
        ...console.map((text) => ({ directive: 'console', blocked: text, source: '' })),
      ],
    };
  }

  it('the web workspace signs in, lists deals, opens a deal and the wizard without a violation', async () => {
    const { page, violations } = await watchedPage();
    const response = await page.goto(`${server.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.waitForURL(/\/sign-in/);
    await page.locator('[data-email="radmin@contoso.example"]').click();
    await page.getByTestId('user-menu').waitFor();
    // Fluent's styles are in place: Griffel's <style> elements hold rules (a blocked sheet would be empty).
    const rules = (await page.evaluate(
      '[...document.styleSheets].reduce((sum, sheet) => sum + sheet.cssRules.length, 0)',
    )) as number;
    expect(rules).toBeGreaterThan(100);
    await page.goto(`${server.url}/?tab=inbound`);
    const firstDeal = page.getByTestId('deal-grid').getByRole('link').first();
    await firstDeal.click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForURL(/\/deals\/[^/]+$/);
    await page.goto(`${server.url}/deals/new`);
    await page.getByTestId('company-search').waitFor();
    await page.goto(`${server.url}/settings`);
    await page.getByTestId('user-menu').waitFor();
    expect(await violations()).toEqual([]);
  });

  it('the API docs (Swagger UI) render the operations without a violation', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${server.url}/api/docs/`);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    expect(await violations()).toEqual([]);
  });
});
