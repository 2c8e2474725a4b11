/**
 * The two-dialect harness: every integration suite runs once on SQLite and, when TEST_DATABASE_URL is set
 * (CI sets it), once more on PostgreSQL, through the same code path. Each suite gets its own fresh database.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { build } from '../server/app.ts';
import { movableClock } from '../server/clock.ts';
import { type DatabaseHandle, type Dialect, migrateToLatest, openDatabase } from '../server/db/database.ts';
import type { ServiceContext } from '../server/services/context.ts';

export const DIALECTS: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fixed start so dates in tests are predictable; the clock moves only when a test moves it. */
export const TEST_START = new Date('2026-06-01T09:00:00.000Z');

export interface TestEnv {
  dialect: Dialect;
  ctx: ServiceContext;
  app: FastifyInstance;
  handle: DatabaseHandle;
  /** One request through app.inject, as the user whose Authorization header is given. */
  call(
    method: string,
    url: string,
    auth: { authorization: string },
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A clock frozen at `start` that moves only by advance(). */
function frozenClock(start: Date) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    movable: true,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export async function createTestEnv(
  dialect: Dialect,
  options: { demoClock?: boolean } = {},
): Promise<TestEnv> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    const name = `cosell_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    cleanup = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  } else {
    const file = join(tmpdir(), `cosell-test-${randomBytes(6).toString('hex')}.db`);
    url = `sqlite:${file}`;
    cleanup = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    };
  }
  const handle = openDatabase(url);
  await migrateToLatest(handle);
  const clock = options.demoClock === false ? movableClock(TEST_START) : frozenClock(TEST_START);
  const ctx: ServiceContext = {
    db: handle.db,
    dialect,
    clock: options.demoClock === false ? { ...clock, movable: false } : clock,
    config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
  };
  const app = await build(ctx);
  await app.ready();
  return {
    dialect,
    ctx,
    app,
    handle,
    call: (method, url, auth, payload, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { ...auth, ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
    async close() {
      await app.close();
      await handle.close();
      await cleanup();
    },
  };
}
