/**
 * Crash campaigns against the real server (test/crash-safety.test.ts runs a short one in `npm test`,
 * test/soak/crash.ts a long one in `npm run soak`).
 *
 * The server runs as a child process (`node --import tsx server/cli/cosell.ts serve`) on a SQLite file seeded
 * with a vendor and a partner. Workers create deals (POST /api/v1/deals with an Idempotency-Key) and update
 * them (PATCH with If-Match) over real HTTP while the server is killed with SIGKILL at random moments and
 * started again. After every kill the file is checked with a connection of our own, before the server recovers
 * it: `PRAGMA integrity_check` is ok, every write the client saw acknowledged (a 2xx received) is there with the
 * acknowledged state (an update: at least its version) and with its events (the events table is the audit
 * trail, the outbox and the activity timeline in one), and every transaction is all or nothing (each record's
 * version matches its deal.updated events, its team and CRM ID match its last update, each deal has its
 * creation events, each note its event, each idempotency key its deal; notifications exist only for events
 * the dispatcher finished). Creates whose answer was lost are retried with the same Idempotency-Key after the
 * restart: they must not create a second deal.
 *
 * SQLite only: the embedded database file is ours to keep consistent. On PostgreSQL durability is the database
 * server's job (its WAL and fsync); a killed app server leaves only open transactions, which PostgreSQL rolls
 * back. SIGKILL ends the process, not the machine: what was written to the kernel survives it, so this proves
 * that nothing is acknowledged before its commit and that every commit is whole. Surviving a power loss on top
 * of that is what `synchronous=FULL` (an fsync per commit) is for, which a test on one machine cannot cut.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../server/clock.ts';
import { migrateToLatest, openDatabase } from '../server/db/database.ts';
import type { ServiceContext } from '../server/services/context.ts';
import { makeCompany, makeOrg, makeSolution, makeUser } from './factories.ts';
import { foreignKeyProblems, integrityOf, openReadOnly } from './sqlite-inspect.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CampaignOptions {
  /** SQLite file to create (must not exist yet). */
  file: string;
  /** Kills while writes are going on. */
  kills: number;
  /** Extra kills during start-up (before or while the server opens and migrates the database). */
  startupKills: number;
  /** Concurrent HTTP clients. */
  workers: number;
  /** A kill comes this long after the server is ready: uniform in [min, max] ms. */
  killAfterMs: [number, number];
  /** Seed of every random choice (which operation, when to kill), printed so a failure can be replayed. */
  seed: number;
  /** Progress lines (the soak prints them). */
  log?: (line: string) => void;
}

export interface CampaignResult {
  seed: number;
  kills: number;
  startupKills: number;
  ackedCreates: number;
  ackedUpdates: number;
  /** Requests under way when the server was killed (their outcome unknown to the client). */
  inFlightAtKill: number;
  /** Lost-answer creates retried after a restart that the server answered from the stored key. */
  replayedCreates: number;
  /** Rows looked at by the checks, over all checks. */
  rowsChecked: number;
  /** Everything wrong, empty when the campaign passed. */
  problems: string[];
  durationMs: number;
}

interface Seeded {
  partnerOrgId: string;
  vendorOrgId: string;
  locationId: string;
  solutionId: string;
  companyId: string;
  token: string;
  member: { name: string; phone: string; email: string };
}

/** A vendor (with its admin, who receives notices) and a partner with a referrals-admin's API token. */
async function seed(file: string): Promise<Seeded> {
  const handle = openDatabase(`sqlite:${file}`);
  try {
    await migrateToLatest(handle);
    const ctx: ServiceContext = {
      db: handle.db,
      dialect: 'sqlite',
      clock: systemClock(),
      config: { vendorName: 'Northwind Cloud', sessionTtlHours: 12 },
    };
    const vendor = await makeOrg(ctx, { kind: 'vendor', name: 'Northwind Cloud' });
    const partner = await makeOrg(ctx, {
      name: 'Contoso',
      locations: [{ name: 'Contoso Stockholm', country: 'SE', city: 'Stockholm' }],
    });
    await makeUser(ctx, vendor, 'vadmin@northwind.example', [{ role: 'vendor-admin' }]);
    const radmin = await makeUser(ctx, partner, 'radmin@contoso.example', [{ role: 'referrals-admin' }]);
    const solutionId = await makeSolution(ctx, partner, { name: 'Contoso Analytics' });
    const companyId = await makeCompany(ctx, {
      name: 'Volvo Cars AB',
      city: 'Göteborg',
      country: 'SE',
      duns: '123456789',
    });
    return {
      partnerOrgId: partner.id,
      vendorOrgId: vendor.id,
      locationId: partner.locations[0]?.id ?? '',
      solutionId,
      companyId,
      token: radmin.token,
      member: radmin.member,
    };
  } finally {
    await handle.close();
  }
}

/** mulberry32: small, fast and good enough to drive a test reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface ServerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

/** Starts `cosell serve` on the file; `ready` resolves when it listens, rejects if it exits first. */
function startServer(
  file: string,
  port: number,
  errors: string[],
  options: { logLevel?: string; onLog?: (entry: Record<string, unknown>) => void } = {},
): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/cosell.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${file}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: options.logLevel ?? 'warn',
      // The dispatcher fans events out often, so its writes race with the requests' writes and the kills.
      DISPATCH_INTERVAL_MS: '100',
      EXPIRY_SWEEP_SECONDS: '1',
      // One API token sends everything here: no request rate limit (0 turns it off).
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let buffered = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('cosell is running')) resolve();
        // Error-level log lines (pino level 50+) mean trouble the client may not see.
        if (line.startsWith('{')) {
          try {
            const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
            options.onLog?.(entry);
            if ((entry.level ?? 0) >= 50)
              errors.push(`server logged: ${entry.msg ?? ''} ${entry.err?.message ?? ''}`.trim());
          } catch {
            // not a log line
          }
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${signal ?? code}) before it was ready: ${stderr}`)),
    );
  });
  ready.catch(() => {});
  return { child, ready, exited };
}

async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

// ------------------------------------------------------------------ the client's ledger

interface CreateAck {
  id: string;
  name: string;
  key: string;
  shared: boolean;
  note: boolean;
}

interface UpdateAck {
  id: string;
  version: number;
  crmId: string;
  teamEmails: string[];
}

interface Ledger {
  creates: CreateAck[];
  updates: UpdateAck[];
  /** Everything the client got that it should never get (5xx, unexpected 4xx, a second deal). */
  unexpected: string[];
  inFlight: number;
  replayedCreates: number;
}

interface PendingCreate {
  key: string;
  body: Record<string, unknown>;
  shared: boolean;
  note: boolean;
}

class NetworkError extends Error {}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A gate the workers wait at while the server is down. */
class Gate {
  private waiting: (() => void)[] = [];
  isOpen = false;
  open() {
    this.isOpen = true;
    for (const wake of this.waiting.splice(0)) wake();
  }
  close() {
    this.isOpen = false;
  }
  wait(): Promise<void> {
    return this.isOpen ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

export async function runCrashCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const random = prng(options.seed);
  const world = await seed(options.file);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api/v1`;
  const ledger: Ledger = { creates: [], updates: [], unexpected: [], inFlight: 0, replayedCreates: 0 };
  const serverErrors: string[] = [];
  const problems: string[] = [];
  const gate = new Gate();
  let rowsChecked = 0;
  let inFlightAtKill = 0;
  let phase: 'load' | 'drain' | 'stop' = 'load';
  /** Read through a function: the phase changes while a worker awaits. */
  const phaseNow = () => phase;
  const closeDate = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    ledger.inFlight += 1;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${world.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
      // The answer counts only once it is whole: a status line without its body is no acknowledgement.
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
    } catch (error) {
      if (error instanceof SyntaxError) throw error;
      throw new NetworkError(String(error));
    } finally {
      ledger.inFlight -= 1;
    }
  }

  const unexpected = (what: string, answer: Answer) => {
    // Rate limiting or an overloaded server is an answer the client may get; it acknowledges nothing.
    if (answer.status === 429 || answer.status === 503) return;
    ledger.unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  };

  async function worker(w: number, rnd: () => number) {
    const owned: { id: string; version: number | null }[] = [];
    const pending: PendingCreate[] = [];
    let n = 0;
    while (phaseNow() !== 'stop') {
      await gate.wait();
      if (phaseNow() === 'stop') return;
      if (phaseNow() === 'drain' && pending.length === 0) return;
      try {
        if (pending.length > 0) {
          const retry = pending[0] as PendingCreate;
          const answer = await call('POST', '/deals', retry.body, { 'idempotency-key': retry.key });
          if (answer.status === 201) {
            pending.shift();
            if (answer.headers.get('idempotent-replayed') === 'true') ledger.replayedCreates += 1;
            acknowledgeCreate(retry, answer);
          } else unexpected(`retried create ${retry.key}`, answer);
          continue;
        }
        const deal = owned.length > 0 ? owned[Math.floor(rnd() * owned.length)] : undefined;
        if (!deal || owned.length < 3 || rnd() < 0.35) {
          n += 1;
          const shared = rnd() < 0.4;
          const note = rnd() < 0.3;
          const name = `Crash w${w}-${n}`;
          const create: PendingCreate = {
            key: `crash-${options.seed}-${w}-${n}`,
            shared,
            note,
            body: {
              customer: { companyId: world.companyId },
              name,
              locationId: world.locationId,
              value: { amount: `${1000 + n}.00`, currency: 'USD' },
              closeDate,
              team: [world.member],
              solutionIds: [world.solutionId],
              confirmNotDuplicate: true,
              ...(shared
                ? {
                    shareWithVendor: true,
                    customerContact: {
                      name: 'Anna Berg',
                      phone: '+46 70 123 45 67',
                      email: 'anna@volvo.example',
                    },
                    consent: { shareContactWithVendor: true },
                  }
                : {}),
              ...(note ? { notes: `Note of ${name}` } : {}),
            },
          };
          // Until the answer is in, the outcome is unknown: after a crash the create is retried with its key.
          pending.push(create);
          const answer = await call('POST', '/deals', create.body, { 'idempotency-key': create.key });
          if (answer.status === 201) {
            pending.pop();
            acknowledgeCreate(create, answer);
          } else unexpected(`create ${create.key}`, answer);
        } else if (deal.version === null) {
          const answer = await call('GET', `/deals/${deal.id}`);
          if (answer.status === 200) deal.version = answer.body.version as number;
          else unexpected(`read ${deal.id}`, answer);
        } else {
          n += 1;
          const crmId = `c-w${w}-${n}`;
          const team = [
            world.member,
            { name: `Helper ${n}`, phone: '+46 8 1', email: `h${w}-${n}@contoso.example` },
          ];
          const version = deal.version;
          // Unknown until answered: a lost answer may still have committed.
          deal.version = null;
          const answer = await call(
            'PATCH',
            `/deals/${deal.id}`,
            { crmId, team },
            { 'if-match': `"${version}"` },
          );
          if (answer.status === 200) {
            deal.version = answer.body.version as number;
            ledger.updates.push({
              id: deal.id,
              version: deal.version,
              crmId,
              teamEmails: team.map((m) => m.email),
            });
          } else if (answer.status !== 412) unexpected(`update ${deal.id}`, answer);
        }
      } catch (error) {
        if (!(error instanceof NetworkError)) ledger.unexpected.push(`worker ${w}: ${String(error)}`);
        // The server is gone (or going): wait for the gate to open again.
        if (gate.isOpen) await sleep(20);
      }
    }

    function acknowledgeCreate(create: PendingCreate, answer: Answer) {
      const id = answer.body.id as string;
      ledger.creates.push({
        id,
        name: create.body.name as string,
        key: create.key,
        shared: create.shared,
        note: create.note,
      });
      if (!owned.some((d) => d.id === id)) owned.push({ id, version: answer.body.version as number });
    }
  }

  const workers = Array.from({ length: options.workers }, (_, w) => {
    const workerSeed = Math.floor(random() * 2 ** 31);
    return worker(w, prng(workerSeed));
  });

  /** Waits until no request is under way (after a kill they all fail quickly). */
  async function settle() {
    for (let i = 0; i < 1000 && ledger.inFlight > 0; i++) await sleep(10);
  }

  function check(label: string) {
    const found = verifyDatabase(options.file, world, ledger);
    rowsChecked += found.rowsChecked;
    for (const p of found.problems) problems.push(`${label}: ${p}`);
    for (const p of ledger.unexpected.splice(0)) problems.push(`${label}: ${p}`);
    for (const p of serverErrors.splice(0)) problems.push(`${label}: ${p}`);
  }

  const total = options.kills + options.startupKills;
  // Start-up kills spread over the run, never first or last.
  const startupAt = new Set<number>();
  while (startupAt.size < Math.min(options.startupKills, Math.max(0, total - 2))) {
    startupAt.add(1 + Math.floor(random() * (total - 2)));
  }
  let kills = 0;
  let startupKills = 0;
  try {
    for (let round = 0; round < total && problems.length === 0; round++) {
      const server = startServer(options.file, port, serverErrors);
      if (startupAt.has(round)) {
        // Somewhere in start-up: before the database is open, during migration, or just after listening.
        await Promise.race([sleep(Math.floor(random() * 1500)), server.exited]);
        await kill(server);
        startupKills += 1;
        check(`kill ${round + 1} (start-up)`);
        continue;
      }
      await server.ready;
      gate.open();
      const [min, max] = options.killAfterMs;
      await sleep(min + Math.floor(random() * (max - min)));
      gate.close();
      inFlightAtKill += ledger.inFlight;
      await kill(server);
      kills += 1;
      await settle();
      check(`kill ${round + 1}`);
      log(
        `kill ${round + 1}/${total}: ${ledger.creates.length} creates and ${ledger.updates.length} updates acknowledged so far, ${inFlightAtKill} in flight at kills, ${problems.length} problems`,
      );
    }
    if (problems.length === 0) {
      // The last start: lost-answer creates are retried (exactly once), then the API itself is read back.
      const server = startServer(options.file, port, serverErrors);
      await server.ready;
      phase = 'drain';
      gate.open();
      await Promise.race([Promise.all(workers), sleep(30_000)]);
      phase = 'stop';
      await readBack(call, ledger, problems);
      server.child.kill('SIGTERM');
      await server.exited;
      check('after a clean stop');
    }
  } finally {
    phase = 'stop';
    gate.open();
  }
  await Promise.race([Promise.all(workers), sleep(5_000)]);
  return {
    seed: options.seed,
    kills,
    startupKills,
    ackedCreates: ledger.creates.length,
    ackedUpdates: ledger.updates.length,
    inFlightAtKill,
    replayedCreates: ledger.replayedCreates,
    rowsChecked,
    problems,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Through the API: a sample of acknowledged deals reads back with their activity. */
async function readBack(
  call: (method: string, path: string) => Promise<Answer>,
  ledger: Ledger,
  problems: string[],
) {
  const updatesOf = new Map<string, UpdateAck[]>();
  for (const u of ledger.updates) updatesOf.set(u.id, [...(updatesOf.get(u.id) ?? []), u]);
  const sample = [...updatesOf.keys()].slice(0, 15).concat(ledger.creates.slice(-5).map((c) => c.id));
  for (const id of sample) {
    const deal = await call('GET', `/deals/${id}`);
    const acked = updatesOf.get(id) ?? [];
    const highest = Math.max(1, ...acked.map((u) => u.version));
    if (deal.status !== 200 || (deal.body.version as number) < highest) {
      problems.push(`read back ${id}: ${deal.status} version ${deal.body.version} < acknowledged ${highest}`);
      continue;
    }
    const activity = await call('GET', `/deals/${id}/activity`);
    const items = (activity.body.items ?? []) as { type: string; changes?: { crmId?: { to?: string } } }[];
    if (!items.some((e) => e.type === 'deal.created')) problems.push(`activity of ${id}: no deal.created`);
    const shown = new Set(items.filter((e) => e.type === 'deal.updated').map((e) => e.changes?.crmId?.to));
    for (const u of acked)
      if (!shown.has(u.crmId)) problems.push(`activity of ${id}: acknowledged update ${u.crmId} missing`);
  }
}

interface EventRow {
  seq: number;
  type: string;
  engagement_id: string | null;
  participant_id: string | null;
  data: string;
  dispatch_state: string;
}

/** The checks of one database state against the client's ledger; see the file comment. */
export function verifyDatabase(
  file: string,
  world: Pick<Seeded, 'partnerOrgId' | 'vendorOrgId'>,
  ledger: Pick<Ledger, 'creates' | 'updates'>,
): { problems: string[]; rowsChecked: number } {
  const problems: string[] = [];
  const db = openReadOnly(file);
  try {
    const integrity = integrityOf(db);
    if (integrity !== 'ok') return { problems: [`integrity_check: ${integrity}`], rowsChecked: 0 };
    problems.push(...foreignKeyProblems(db).map((p) => `foreign key: ${p}`));

    const participants = db
      .prepare(
        'select id, engagement_id, organization_id, direction, name, version, crm_id from participants',
      )
      .all() as {
      id: string;
      engagement_id: string;
      organization_id: string;
      direction: string;
      name: string;
      version: number;
      crm_id: string | null;
    }[];
    const engagements = db.prepare('select id from engagements').all() as { id: string }[];
    const events = db
      .prepare(
        'select seq, type, engagement_id, participant_id, data, dispatch_state from events order by seq',
      )
      .all() as EventRow[];
    const team = db
      .prepare('select participant_id, email from team_members order by participant_id, position')
      .all() as { participant_id: string; email: string }[];
    const notes = db.prepare('select id, engagement_id from notes').all() as {
      id: string;
      engagement_id: string;
    }[];
    const keys = db.prepare('select organization_id, key, resource_id from idempotency_keys').all() as {
      organization_id: string;
      key: string;
      resource_id: string | null;
    }[];
    const notifications = db.prepare('select event_id from notifications').all() as { event_id: string }[];
    const eventIds = db.prepare('select id, dispatch_state from events').all() as {
      id: string;
      dispatch_state: string;
    }[];
    const rowsChecked =
      participants.length +
      engagements.length +
      events.length +
      team.length +
      notes.length +
      keys.length +
      notifications.length;

    const participantById = new Map(participants.map((p) => [p.id, p]));
    const participantsOf = new Map<string, typeof participants>();
    for (const p of participants)
      participantsOf.set(p.engagement_id, [...(participantsOf.get(p.engagement_id) ?? []), p]);
    const eventsOf = new Map<string, EventRow[]>();
    for (const e of events)
      if (e.participant_id) eventsOf.set(e.participant_id, [...(eventsOf.get(e.participant_id) ?? []), e]);
    const teamOf = new Map<string, string[]>();
    for (const t of team) teamOf.set(t.participant_id, [...(teamOf.get(t.participant_id) ?? []), t.email]);
    const keyOf = new Map(keys.map((k) => [`${k.organization_id}|${k.key}`, k]));
    const data = (e: EventRow) => JSON.parse(e.data) as Record<string, unknown>;
    const changesOf = (e: EventRow) =>
      (data(e).changes ?? {}) as { crmId?: { to?: string }; team?: { to?: string[] } };

    // 1. Every acknowledged create, whole.
    for (const c of ledger.creates) {
      const p = participantById.get(c.id);
      if (!p) {
        problems.push(`acknowledged create ${c.name} (${c.id}) is missing`);
        continue;
      }
      if (p.name !== c.name)
        problems.push(`acknowledged create ${c.id} has the name ${p.name}, not ${c.name}`);
      const own = eventsOf.get(c.id) ?? [];
      if (!own.some((e) => e.type === 'deal.created'))
        problems.push(`create ${c.name}: no deal.created event`);
      const others = (participantsOf.get(p.engagement_id) ?? []).filter((o) => o.id !== p.id);
      if (c.shared) {
        const vendorRecord = others.find((o) => o.organization_id === world.vendorOrgId);
        if (!vendorRecord) problems.push(`create ${c.name}: the vendor's record is missing`);
        else if (!(eventsOf.get(vendorRecord.id) ?? []).some((e) => e.type === 'deal.received'))
          problems.push(`create ${c.name}: no deal.received event for the vendor`);
      }
      if (c.note) {
        if (!notes.some((n) => n.engagement_id === p.engagement_id))
          problems.push(`create ${c.name}: no note`);
        if (!own.some((e) => e.type === 'deal.note-added'))
          problems.push(`create ${c.name}: no deal.note-added event`);
      }
      const key = keyOf.get(`${world.partnerOrgId}|${c.key}`);
      if (key?.resource_id !== c.id)
        problems.push(`create ${c.name}: idempotency key ${c.key} is not stored`);
    }

    // 2. Every acknowledged update: at least its version, and its event.
    for (const u of ledger.updates) {
      const p = participantById.get(u.id);
      if (!p) {
        problems.push(`acknowledged update ${u.crmId}: deal ${u.id} is missing`);
        continue;
      }
      if (p.version < u.version)
        problems.push(`update ${u.crmId}: version ${p.version} < acknowledged ${u.version}`);
      if (p.version === u.version && p.crm_id !== u.crmId)
        problems.push(`update ${u.crmId}: version ${u.version} holds CRM ID ${p.crm_id}`);
      if (p.version === u.version && (teamOf.get(p.id) ?? []).join() !== u.teamEmails.join())
        problems.push(`update ${u.crmId}: version ${u.version} holds another team`);
      if (
        !(eventsOf.get(u.id) ?? []).some(
          (e) => e.type === 'deal.updated' && changesOf(e).crmId?.to === u.crmId,
        )
      )
        problems.push(`update ${u.crmId}: no deal.updated event`);
    }

    // 3. All or nothing, acknowledged or not.
    for (const e of engagements) {
      const records = participantsOf.get(e.id) ?? [];
      const creator = records.find((r) => r.direction === 'outbound');
      if (!creator) {
        problems.push(`engagement ${e.id} has no creator record`);
        continue;
      }
      if (!(eventsOf.get(creator.id) ?? []).some((ev) => ev.type === 'deal.created'))
        problems.push(`deal ${creator.name}: no deal.created event`);
      for (const r of records.filter((x) => x.direction === 'inbound'))
        if (!(eventsOf.get(r.id) ?? []).some((ev) => ev.type === 'deal.received'))
          problems.push(`deal ${creator.name}: inbound record without deal.received`);
    }
    const names = new Map<string, number>();
    for (const p of participants) {
      if (p.direction === 'outbound') names.set(p.name, (names.get(p.name) ?? 0) + 1);
      const updates = (eventsOf.get(p.id) ?? []).filter((e) => e.type === 'deal.updated');
      if (updates.length !== p.version - 1)
        problems.push(`deal ${p.name}: version ${p.version} but ${updates.length} deal.updated events`);
      const last = updates.at(-1);
      if (last) {
        const changes = changesOf(last);
        if (changes.crmId?.to !== p.crm_id)
          problems.push(`deal ${p.name}: CRM ID ${p.crm_id}, last update set ${changes.crmId?.to}`);
        const emails = teamOf.get(p.id) ?? [];
        if (JSON.stringify(emails) !== JSON.stringify(changes.team?.to))
          problems.push(`deal ${p.name}: team ${emails.join(',')} is not the last update's`);
      }
    }
    for (const [name, count] of names)
      if (count > 1) problems.push(`deal ${name} exists ${count} times (a retried create made a second one)`);
    for (const n of notes) {
      const creator = (participantsOf.get(n.engagement_id) ?? []).find((r) => r.direction === 'outbound');
      const own = creator ? (eventsOf.get(creator.id) ?? []) : [];
      if (!own.some((e) => e.type === 'deal.note-added' && data(e).noteId === n.id))
        problems.push(`note ${n.id} has no deal.note-added event`);
    }
    for (const k of keys)
      if (!k.resource_id || !participantById.has(k.resource_id))
        problems.push(`idempotency key ${k.key} points to a missing deal`);
    const stateOf = new Map(eventIds.map((e) => [e.id, e.dispatch_state]));
    for (const n of notifications)
      if (stateOf.get(n.event_id) !== 'done')
        problems.push(`a notification of event ${n.event_id} whose fan-out is not done`);
    return { problems, rowsChecked };
  } finally {
    db.close();
  }
}

export interface FirstStartResult {
  /** The kill came this long after the server said it was loading the demo. */
  killedAfterMs: number;
  /** Whether the first start had finished loading (and listened) before the kill. */
  finishedBeforeKill: boolean;
  /** Deals in the database right after the kill: 0, or all of the demo's. */
  dealsAfterKill: number;
  /** Deals after the next start. */
  dealsAfterRestart: number;
  /** Deals the demo loads (from the server's log). */
  demoDeals: number;
  problems: string[];
}

/**
 * The first start of a new embedded database loads the demo ecosystem (thousands of commits). A kill during the
 * load must leave the database empty, so the next start loads the demo again, whole; never half a demo.
 */
export async function killFirstStart(file: string, seed: number): Promise<FirstStartResult> {
  const random = prng(seed);
  const port = await freePort();
  const errors: string[] = [];
  const problems: string[] = [];
  let loadingAt = 0;
  let demoDeals = 0;
  let loaded = () => {};
  const loading = new Promise<void>((resolve) => {
    loaded = resolve;
  });
  const first = startServer(file, port, errors, {
    logLevel: 'info',
    onLog: (entry) => {
      if (!String(entry.msg).includes('loading the demo ecosystem')) return;
      loadingAt = performance.now();
      loaded();
    },
  });
  await Promise.race([loading, first.exited]);
  if (loadingAt === 0) problems.push('the first start never began loading the demo');
  // The organizations and the directory come in one transaction; the deals in many: kill among the deals,
  // once some are written, into the database itself or into the side file it is loaded in (db/backup.ts).
  const dealsIn = (path: string) => {
    try {
      const db = openReadOnly(path);
      try {
        return (db.prepare('select count(*) as n from engagements').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      return 0;
    }
  };
  while (first.child.exitCode === null && dealsIn(file) + dealsIn(`${file}.loading`) < 20) await sleep(50);
  await sleep(Math.floor(random() * 400));
  const finishedBeforeKill = await Promise.race([
    first.ready.then(
      () => true,
      () => false,
    ),
    sleep(0).then(() => false),
  ]);
  await kill(first);
  const killedAfterMs = Math.round(performance.now() - loadingAt);
  const count = (table: string) => {
    const db = openReadOnly(file);
    try {
      const integrity = integrityOf(db);
      if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
      return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const dealsAfterKill = count('engagements');
  const organizationsAfterKill = count('organizations');

  const second = startServer(file, port, errors, {
    logLevel: 'info',
    onLog: (entry) => {
      if (String(entry.msg).includes('demo ecosystem loaded')) demoDeals = Number(entry.deals ?? 0);
    },
  });
  await second.ready;
  second.child.kill('SIGTERM');
  await second.exited;
  const dealsAfterRestart = count('engagements');
  if (existsSync(`${file}.loading`)) problems.push(`the side file ${file}.loading was left behind`);
  if (!finishedBeforeKill && (dealsAfterKill !== 0 || organizationsAfterKill !== 0))
    problems.push(
      `a first start killed while loading the demo left ${organizationsAfterKill} organizations and ${dealsAfterKill} deals behind`,
    );
  if (demoDeals === 0 && !finishedBeforeKill) problems.push('the next start did not load the demo again');
  if (demoDeals > 0 && dealsAfterRestart !== demoDeals)
    problems.push(`after the restart ${dealsAfterRestart} deals, the demo has ${demoDeals}`);
  problems.push(...errors);
  return { killedAfterMs, finishedBeforeKill, dealsAfterKill, dealsAfterRestart, demoDeals, problems };
}
