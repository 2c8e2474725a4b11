/** The server serves the built web app: files, index.html for app paths, JSON 404s for the API. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../server/app.ts';
import { createTestEnv, type TestEnv } from '../harness.ts';

describe('serving the web app', () => {
  let env: TestEnv;
  let dist: string;
  let app: Awaited<ReturnType<typeof build>>;
  let bare: Awaited<ReturnType<typeof build>>;

  beforeAll(async () => {
    env = await createTestEnv('sqlite');
    dist = mkdtempSync(join(tmpdir(), 'cosell-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>cosell app</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'main-abc123.js'), 'console.log(1)');
    app = await build(env.ctx, { webDist: dist });
    bare = await build(env.ctx, { webDist: join(dist, 'missing') });
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    await env.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for every app path, never cached', async () => {
    for (const url of ['/', '/deals/0190-abc', '/deals/new?step=2', '/settings', '/sign-in?next=%2F']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('cosell app');
    }
  });

  it('serves hashed assets with a long cache; a missing file is a 404, not the app', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await app.inject({ method: 'GET', url: '/assets/gone-000.js' });
    expect(missing.statusCode).toBe(404);
  });

  it('keeps unknown API paths and non-GET requests JSON 404s', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api'],
      ['POST', '/deals/new'],
    ] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not-found');
    }
  });

  it('without a build, / is the landing page that points to the API', async () => {
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/api/docs');
    expect((await bare.inject({ method: 'GET', url: '/deals/1' })).statusCode).toBe(404);
  });

  it('the demo personas are listed only when the demo ecosystem is there', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/demo/personas' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ demo: false, personas: [] });
  });
});
