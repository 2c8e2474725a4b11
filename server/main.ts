/**
 * Starts the server: reads config, opens and migrates the database, loads the demo ecosystem on the
 * first start of the embedded database, starts the background jobs, listen().
 */
import { type BuildOptions, build } from './app.ts';
import { movableClock, systemClock } from './clock.ts';
import { type Config, readConfig } from './config.ts';
import { loadWhole } from './db/backup.ts';
import { migrateToLatest, openDatabase, sqliteHandleOf } from './db/database.ts';
import { findUserByEmail } from './db/repositories/users.ts';
import { startCheckpointer } from './jobs/checkpointer.ts';
import { startDispatcher } from './jobs/dispatcher.ts';
import { startExpirySweeper } from './jobs/expiry-sweeper.ts';
import type { ServiceContext } from './services/context.ts';
import { isEmpty } from './services/ecosystem.ts';
import { seedDemo } from './services/seed-demo.ts';

/** The app's options from the configuration: the limits are on unless the environment turns them off. */
export function buildOptions(config: Config): BuildOptions {
  return {
    logLevel: config.logLevel,
    rateLimits: {
      perActor: config.rateLimitPerMinute,
      anonymous: config.rateLimitAnonymousPerMinute,
      perOrganization: config.rateLimitOrganizationPerMinute,
      burstMs: config.rateLimitBurstSeconds * 1000,
      refusalDelayMs: config.rateLimitRefusalDelayMs,
    },
    loginThrottle: {
      maxFailures: config.loginMaxFailures,
      maxFailuresPerAddress: config.loginMaxFailuresPerAddress,
      lockMs: config.loginLockSeconds * 1000,
      maxLockMs: config.loginLockMaxSeconds * 1000,
    },
    corsOrigins: config.corsOrigins,
  };
}

export async function serve(config: Config = readConfig()): Promise<void> {
  const handle = openDatabase(config.databaseUrl);
  await migrateToLatest(handle);
  const ctx: ServiceContext = {
    db: handle.db,
    dialect: handle.dialect,
    clock: config.demoClock ? movableClock() : systemClock(),
    config: {
      vendorName: config.vendorName,
      sessionTtlHours: config.sessionTtlHours,
      publicUrl: config.publicUrl,
      webhookAllowedHosts: config.webhookAllowedHosts,
      deliveryGiveUpMs: config.dispatchGiveUpHours * 3_600_000,
    },
  };
  const app = await build(ctx, buildOptions(config));
  let seeded = false;
  // Demo data only ever goes into the embedded database, and only when it is new.
  if (handle.dialect === 'sqlite' && (await isEmpty(ctx))) {
    app.log.info('new embedded database: loading the demo ecosystem');
    // Loaded whole or not at all: an interrupted first start must not leave half a demo behind (db/backup.ts).
    const summary = await loadWhole(ctx.db, (db) => seedDemo({ ...ctx, db }));
    app.log.info(summary, 'demo ecosystem loaded');
    seeded = true;
  }
  await app.listen({ port: config.port, host: config.host });
  // The jobs start once the server answers: after downtime the first sweep may expire thousands of records, and
  // reads do not wait for it (each read expires what it shows first).
  const sweeper = startExpirySweeper(ctx, config.expirySweepSeconds * 1000, app.log);
  const sqlite = sqliteHandleOf(ctx.db);
  const checkpointer =
    sqlite && !sqlite.memory && config.sqliteCheckpointMs > 0
      ? startCheckpointer(sqlite, { intervalMs: config.sqliteCheckpointMs, log: app.log })
      : null;
  const dispatcher = startDispatcher(ctx, {
    intervalMs: config.dispatchIntervalMs,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    settings: {
      batch: config.dispatchBatch,
      retryBaseMs: config.dispatchRetryBaseSeconds * 1000,
      retryMaxMs: config.dispatchRetryMaxSeconds * 1000,
      giveUpAfterMs: config.dispatchGiveUpHours * 3_600_000,
    },
    log: app.log,
  });
  const demo = seeded || (await findUserByEmail(ctx.db, 'radmin@contoso.example')) !== undefined;
  const hint = demo
    ? `\n  Demo personas (password cosell-demo): radmin@contoso.example, user.se@contoso.example, ` +
      `vadmin@northwind.example, seller@northwind.example — see README.md.\n` +
      `  API token: npm run cosell -- token --email radmin@contoso.example\n`
    : '';
  process.stdout.write(
    `\ncosell is running at ${config.publicUrl}  (API docs: ${config.publicUrl}/api/docs)${hint}\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await sweeper.stop();
    await dispatcher.stop();
    await checkpointer?.stop();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
