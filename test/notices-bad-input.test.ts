/**
 * Bad input on the notice and integration endpoints (SPEC §14): every malformed request gets a 4xx with a
 * stable code, never a 5xx, and changes nothing; the OpenAPI document describes the new endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

const JUNK: unknown[] = [
  null,
  [],
  'text',
  42,
  { unknown: true },
  { url: 5, events: 'deal.created' },
  { stages: [{ name: '', stage: 'qualified' }] },
  { stages: [{ name: 'x'.repeat(101), stage: 'qualified' }] },
  { country: 'Sweden', locationId: 'x' },
  { locale: ['en'] },
  { emailEnabled: 'yes' },
  { email: { 'deal-received': 'no' } },
  { enabled: 'true' },
  { locationId: 'x'.repeat(65) },
];

describe.each(DIALECTS)('notices bad input on %s', (dialect) => {
  let env: TestEnv;
  let world: World;

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    env.ctx.config.webhookAllowedHosts = ['127.0.0.1'];
  });
  afterAll(async () => env?.close());

  it('every junk body on every write endpoint is a 4xx and changes nothing', async () => {
    const auth = world.users.radmin.auth;
    const hook = await env.call('POST', '/api/v1/webhooks', auth, {
      url: 'http://127.0.0.1:9/hooks',
      events: ['deal.created'],
    });
    expect(hook.statusCode).toBe(201);
    const rule = await env.call('POST', '/api/v1/routing-rules', auth, {
      country: 'SE',
      locationId: world.stockholm.id,
    });
    expect(rule.statusCode).toBe(201);
    const snapshot = async () =>
      JSON.stringify([
        (await env.call('GET', '/api/v1/webhooks', auth)).json(),
        (await env.call('GET', '/api/v1/routing-rules', auth)).json(),
        (await env.call('GET', '/api/v1/stage-names', auth)).json(),
        (await env.call('GET', '/api/v1/notifications/preferences', auth)).json(),
        (await env.call('GET', '/api/v1/me', auth)).json(),
      ]);
    const before = await snapshot();
    const targets: [string, string][] = [
      ['PATCH', '/api/v1/me'],
      ['PUT', '/api/v1/notifications/preferences'],
      ['POST', '/api/v1/webhooks'],
      ['PATCH', `/api/v1/webhooks/${hook.json().id}`],
      ['POST', '/api/v1/routing-rules'],
      ['PATCH', `/api/v1/routing-rules/${rule.json().id}`],
      ['PUT', '/api/v1/stage-names'],
    ];
    for (const [method, url] of targets) {
      for (const body of JUNK) {
        const res = await env.call(method, url, auth, body as object);
        expect(
          res.statusCode,
          `${method} ${url} ${JSON.stringify(body)} → ${res.body}`,
        ).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(typeof res.json().error.code).toBe('string');
      }
    }
    for (const url of [
      '/api/v1/notifications?limit=abc',
      '/api/v1/notifications?unread=maybe',
      `/api/v1/notifications?cursor=${'x'.repeat(600)}`,
      '/api/v1/events?after=%7B%22s%22%3A1.5%7D',
      '/api/v1/events?limit=-1',
      '/api/v1/dead-letters?cursor=abc',
      `/api/v1/webhooks/${hook.json().id}/deliveries?cursor=abc`,
      `/api/v1/webhooks/${'x'.repeat(65)}`,
    ]) {
      const res = await env.call('GET', url, auth);
      expect(res.statusCode, `${url} → ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    for (const url of [
      '/api/v1/notifications/nonexistent/read',
      '/api/v1/dead-letters/nonexistent/retry',
      `/api/v1/webhooks/${hook.json().id}/deliveries/nonexistent/redeliver`,
    ]) {
      expect((await env.call('POST', url, auth)).statusCode, url).toBe(404);
    }
    expect(await snapshot()).toBe(before);
  });

  it('the OpenAPI document describes the notice, webhook, event, routing and stage-name endpoints', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    for (const path of [
      '/api/v1/notifications',
      '/api/v1/notifications/preferences',
      '/api/v1/webhooks',
      '/api/v1/webhooks/{id}/deliveries',
      '/api/v1/dead-letters',
      '/api/v1/events',
      '/api/v1/routing-rules',
      '/api/v1/stage-names',
      '/api/v1/me',
    ]) {
      expect(doc.paths[path], path).toBeTruthy();
    }
    expect(JSON.stringify(doc.paths['/api/v1/webhooks'].post)).toContain('Cosell-Signature');
    expect(doc.components.schemas.Webhook).toBeTruthy();
    expect(doc.components.schemas.Deal.properties.organizationStage).toBeTruthy();
  });
});
