/**
 * Dispatcher throughput: events per second from the outbox to a local SMTP sink (smtp-server on loopback),
 * end to end — fan-out (recipients, in-app notification, rendered mail) and delivery with every attempt
 * recorded. Each event is a note on a deal whose team has one user, so one event is one notice and one mail.
 *
 * Options (environment): BENCH_NOTICES (default 2000 events), BENCH_PG_URL (also run on PostgreSQL, in a
 * database the bench makes) or BENCH_DATABASE_URL (an empty PostgreSQL database to use).
 */
import { join } from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { systemClock } from '../server/clock.ts';
import { migrateToLatest, openDatabase } from '../server/db/database.ts';
import { insertEngagement, insertParticipant, replaceTeam } from '../server/db/repositories/deals.ts';
import { insertEvents, type NewEvent } from '../server/db/repositories/events.ts';
import { insertLocation, insertOrganization } from '../server/db/repositories/organizations.ts';
import { insertRoles, insertUser } from '../server/db/repositories/users.ts';
import { newId } from '../server/ids.ts';
import { smtpMailer } from '../server/mail/transport.ts';
import type { ServiceContext } from '../server/services/context.ts';
import { Dispatcher } from '../server/services/dispatcher.ts';

const EVENTS = Number(process.env.BENCH_NOTICES ?? 2000);

export interface DispatcherRow {
  engine: string;
  events: number;
  mails: number;
  seconds: number;
  eventsPerSecond: number;
  /** Of which: recipients, notifications and rendered mails written for every event. */
  fanOutSeconds: number;
}

async function startSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    // A pooled transport keeps SMTP connections open between mails, as a production relay would.
    url: `smtp://127.0.0.1:${port}/?pool=true&maxConnections=4`,
    count: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function seed(ctx: ServiceContext, events: number): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const orgId = newId();
  const locationId = newId();
  const userId = newId();
  const engagementId = newId();
  const participantId = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertOrganization(trx, {
      id: orgId,
      kind: 'partner',
      name: 'Bench Partner',
      partner_id: `bench-${orgId.slice(-6)}`,
      co_sell_ready: 1,
      assessment_approved: 0,
      created_at: now,
    });
    await insertLocation(trx, {
      id: locationId,
      organization_id: orgId,
      name: 'Bench HQ',
      country: 'SE',
      city: 'Stockholm',
      created_at: now,
    });
    await insertUser(trx, {
      id: userId,
      organization_id: orgId,
      tenant_id: null,
      name: 'Bench User',
      email: `bench-${orgId.slice(-6)}@example.test`,
      password_hash: null,
      locale: 'sv',
      created_at: now,
      disabled_at: null,
    });
    await insertRoles(trx, [
      { id: newId(), user_id: userId, role: 'referrals-user', location_id: locationId },
    ]);
    await insertEngagement(trx, {
      id: engagementId,
      type: 'private',
      created_by_org_id: orgId,
      customer_company_id: null,
      customer_name: 'Bench Customer AB',
      customer_duns: null,
      customer_website: null,
      customer_address_line1: null,
      customer_city: 'Stockholm',
      customer_region: null,
      customer_postal_code: null,
      customer_country: 'SE',
      customer_verified: 0,
      contact_name: null,
      contact_phone: null,
      contact_email: null,
      consent_share_contact: 0,
      consent_given_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    await insertParticipant(trx, {
      id: participantId,
      engagement_id: engagementId,
      organization_id: orgId,
      location_id: locationId,
      direction: 'outbound',
      status: 'accepted',
      sales_stage: 'created',
      name: 'Bench deal',
      search_text: 'bench deal',
      value_minor: 100_000,
      currency: 'USD',
      close_date: '2030-01-01',
      crm_id: null,
      campaign_id: null,
      help: 'none',
      invited_by_org_id: null,
      invitation_notes: null,
      received_at: null,
      expires_at: null,
      reason: null,
      reason_notes: null,
      version: 1,
      created_at: now,
      updated_at: now,
      closed_at: null,
    });
    await replaceTeam(trx, participantId, [
      {
        id: newId(),
        organization_id: orgId,
        name: 'Bench User',
        phone: '+46 8 123 456',
        email: `bench-${orgId.slice(-6)}@example.test`,
        email_key: `bench-${orgId.slice(-6)}@example.test`,
      },
    ]);
    const batch: NewEvent[] = [];
    for (let i = 0; i < events; i++) {
      batch.push({
        id: newId(),
        type: 'deal.note-added',
        engagementId,
        participantId,
        organizationId: orgId,
        visibility: 'engagement',
        actor: { userId: null, name: 'Someone else', organizationId: orgId },
        data: { changes: {} },
        createdAt: now,
      });
      if (batch.length === 500) await insertEvents(trx, batch.splice(0));
    }
    await insertEvents(trx, batch);
  });
}

async function runEngine(engine: string, url: string): Promise<DispatcherRow> {
  const handle = openDatabase(url);
  await migrateToLatest(handle);
  const ctx: ServiceContext = {
    db: handle.db,
    dialect: handle.dialect,
    clock: systemClock(),
    config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12, publicUrl: 'http://localhost:3000' },
  };
  const sink = await startSink();
  const mailer = smtpMailer(sink.url, 'cosell bench <bench@example.test>');
  try {
    await seed(ctx, EVENTS);
    const dispatcher = new Dispatcher(ctx, { mailer });
    const started = process.hrtime.bigint();
    await dispatcher.fanOut();
    const fannedOut = Number(process.hrtime.bigint() - started) / 1e9;
    while (sink.count() < EVENTS) {
      const round = await dispatcher.runOnce();
      if (round.events + round.delivered + round.failed === 0 && sink.count() < EVENTS) {
        throw new Error(`dispatcher idle with ${sink.count()} of ${EVENTS} mails delivered`);
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const row = {
      engine,
      events: EVENTS,
      mails: sink.count(),
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: Math.round(EVENTS / seconds),
      fanOutSeconds: Math.round(fannedOut * 100) / 100,
    };
    process.stdout.write(`dispatcher ${engine}: ${JSON.stringify(row)}\n`);
    return row;
  } finally {
    mailer.close();
    await sink.close();
    await handle.close();
  }
}

/**
 * Runs on SQLite (in dataDir) and, with BENCH_PG_URL (as the other sections), on PostgreSQL in a database of its
 * own (`cosell_bench_dispatcher`, made afresh); BENCH_DATABASE_URL names an empty PostgreSQL database instead.
 */
export async function dispatcherBench(dataDir: string): Promise<DispatcherRow[]> {
  const rows = [await runEngine('sqlite', `sqlite:${join(dataDir, 'dispatcher.db')}`)];
  let pgUrl = process.env.BENCH_DATABASE_URL;
  if (!pgUrl && process.env.BENCH_PG_URL) {
    const name = 'cosell_bench_dispatcher';
    const admin = new pg.Client({ connectionString: process.env.BENCH_PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(process.env.BENCH_PG_URL);
    target.pathname = `/${name}`;
    pgUrl = target.toString();
  }
  if (pgUrl) rows.push(await runEngine('postgres', pgUrl));
  return rows;
}

export function dispatcherMarkdown(rows: readonly DispatcherRow[]): string {
  return `Events from the outbox to a local SMTP sink (smtp-server on loopback, a pool of 4 connections), end to end:
fan-out (recipients, in-app notification, mail rendered in the recipient's language) and delivery with each
attempt recorded; one mail per event. \`bench/dispatcher.ts\`, ${rows[0]?.events ?? EVENTS} events.

| engine | events | mails | seconds | of which fan-out s | events/s |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.engine} | ${r.events} | ${r.mails} | ${r.seconds} | ${r.fanOutSeconds} | ${r.eventsPerSecond} |`).join('\n')}
`;
}
