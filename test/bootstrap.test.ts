import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVendorAdmin } from '../server/services/bootstrap.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

describe.each(DIALECTS)('create-admin bootstrap on %s', (dialect) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
  });
  afterAll(async () => env.close());

  it('creates the vendor organization once and a vendor-admin who can sign in', async () => {
    const input = {
      email: 'Ops@Vendor.example',
      name: 'Ops',
      password: 'correct horse battery',
      country: 'SE',
      city: 'Stockholm',
    };
    const first = await createVendorAdmin(env.ctx, input);
    const second = await createVendorAdmin(env.ctx, { ...input, email: 'ops2@vendor.example' });
    expect(second.organizationId).toBe(first.organizationId);
    expect(first.organizationName).toBe('Northwind Cloud');
    const orgs = await env.ctx.db.selectFrom('organizations').select('id').execute();
    expect(orgs).toHaveLength(1);

    const login = await env.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ops@vendor.example', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.json()).toMatchObject({
      organization: { kind: 'vendor' },
      roles: [{ role: 'vendor-admin', scope: 'company' }],
    });
  });

  it('refuses a short password, a bad country and an e-mail that exists, creating nothing', async () => {
    const before = await env.ctx.db.selectFrom('users').select('id').execute();
    const base = {
      email: 'new@vendor.example',
      name: 'New',
      password: 'long enough password',
      country: 'SE',
      city: 'X',
    };
    await expect(createVendorAdmin(env.ctx, { ...base, password: 'short' })).rejects.toMatchObject({
      path: 'password',
    });
    await expect(createVendorAdmin(env.ctx, { ...base, country: 'Sweden' })).rejects.toMatchObject({
      path: 'country',
    });
    await expect(createVendorAdmin(env.ctx, { ...base, email: 'OPS@vendor.example' })).rejects.toMatchObject({
      path: 'email',
    });
    const after = await env.ctx.db.selectFrom('users').select('id').execute();
    expect(after).toHaveLength(before.length);
  });
});
