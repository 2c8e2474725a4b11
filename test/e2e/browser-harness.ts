/**
 * End-to-end harness: the real server in-process (build() on a throwaway SQLite database with the demo
 * ecosystem, a small one) on a random port serving the built web app, and headless Chromium driven by
 * playwright-core. The web app is built first when web/dist is missing or older than its sources.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../server/db/database.ts';
import type { ServiceContext } from '../../server/services/context.ts';
import { seedDemo } from '../../server/services/seed-demo.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds web/dist unless it is up to date (the same check `npm start` makes). */
export function ensureWebBuild(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the web app failed');
}

export interface E2eServer {
  url: string;
  app: FastifyInstance;
  ctx: ServiceContext;
  close(): Promise<void>;
}

export async function startServer(): Promise<E2eServer> {
  const file = join(tmpdir(), `cosell-e2e-${randomBytes(6).toString('hex')}.db`);
  const handle: DatabaseHandle = openDatabase(`sqlite:${file}`);
  await migrateToLatest(handle);
  const ctx: ServiceContext = {
    db: handle.db,
    dialect: handle.dialect,
    clock: systemClock(),
    config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
  };
  await seedDemo(ctx, { deals: 80, companies: 400 });
  const app = await build(ctx, { webDist: join(ROOT, 'web', 'dist') });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    app,
    ctx,
    async close() {
      await app.close();
      await handle.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated by the browser's debugging protocol, not as an inline <script>, which the CSP would block.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    // Fluent's focus manager (tabster) puts hidden <i data-tabster-dummy> focus guards at the edges of
    // tab lists and toolbars; they are skipped by assistive technology by design.
    `window.axe.run({ exclude: [['[data-tabster-dummy]']] }, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })),
    }));
}
