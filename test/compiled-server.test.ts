/**
 * What `npm start` runs: the server compiled into dist/server by scripts/build-server.mjs. The sources run under
 * tsx everywhere else in the tests, so this proves the compiled files find what they load from their own
 * location (the directory import's reader thread, the web workspace) and serve the API.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(REPO_ROOT, 'dist', 'server', 'cosell.js');

function run(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the compiled server (npm start)', () => {
  let dir = '';
  let databaseUrl = '';
  let server: ChildProcess | undefined;

  beforeAll(() => {
    const build = spawnSync(process.execPath, ['scripts/build-server.mjs'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'cosell-compiled-'));
    databaseUrl = `sqlite:${join(dir, 'cosell.db')}`;
  }, 60_000);
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, creates the first admin and imports a directory through its reader thread', () => {
    expect(run(['migrate'], { DATABASE_URL: databaseUrl }).status).toBe(0);
    const admin = run(['create-admin', '--email', 'admin@vendor.example', '--name', 'Ada Admin'], {
      DATABASE_URL: databaseUrl,
      COSELL_ADMIN_PASSWORD: 'correct horse battery',
    });
    expect(admin.status, admin.stderr).toBe(0);
    const csv = join(dir, 'companies.csv');
    writeFileSync(
      csv,
      'name,duns,addressLine1,city,region,postalCode,country,website,size,industry\n' +
        'Fabrikam AB,123456789,Storgatan 1,Lund,,22100,SE,https://fabrikam.example,11-50,Retail\n' +
        'Bad row,12,x,Lund,,,SE,,,\n',
    );
    const imported = run(['import-companies', csv], { DATABASE_URL: databaseUrl });
    // 3: some rows were bad, the others imported (docs/DIRECTORY.md).
    expect(imported.status, imported.stderr).toBe(3);
    expect(`${imported.stdout}${imported.stderr}`).toMatch(/1 inserted, 0 updated, 1 bad/);
    expect(`${imported.stdout}${imported.stderr}`).toMatch(/line 3: D-U-N-S must be exactly 9 digits/);
  });

  it('serves the API, its OpenAPI document and signs in', async () => {
    const port = await freePort();
    server = spawn(process.execPath, [ENTRY, 'serve'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    let me: Response | undefined;
    for (let attempt = 0; attempt < 300 && !me; attempt++) {
      me = await fetch(`${base}/api/v1/me`).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return undefined;
      });
    }
    expect(me?.status).toBe(401);
    const openapi = await fetch(`${base}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { paths: object }).paths).toHaveProperty(['/api/v1/deals']);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@vendor.example', password: 'correct horse battery' }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
  }, 60_000);
});
