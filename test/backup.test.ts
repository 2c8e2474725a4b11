/**
 * `cosell backup` and `cosell restore` (server/db/backup.ts, docs/OPERATIONS.md), run as the real command in a
 * child process against a SQLite database that this process keeps writing to through the API:
 *
 * - with the writes paused, the backup and a restore of it into a new path hold exactly the source's rows
 *   (row counts and a checksum per table, over every row in primary-key order);
 * - with the writes going on, the backup passes `PRAGMA integrity_check` and is one consistent snapshot:
 *   every deal in it has its records, events, notes and keys, and its event log is exactly the source's up to
 *   its last event;
 * - bad input (no file, a path that cannot be written, a file that is not a cosell backup, a damaged backup, a
 *   database in use, PostgreSQL) gets a clear message and exit code, never a stack trace.
 *
 * Backup and restore are for the embedded database only; on PostgreSQL the commands point to pg_dump and
 * pg_restore, so this suite runs on SQLite whatever TEST_DATABASE_URL says.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreSqlite } from '../server/db/backup.ts';
import { sqliteHandleOf } from '../server/db/database.ts';
import { verifyDatabase } from './crash-campaign.ts';
import { dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, type TestEnv } from './harness.ts';
import { integrityOf, openReadOnly, type TableChecksum, tableChecksums } from './sqlite-inspect.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run cosell -- <args>` without npm: the command's own process, with DATABASE_URL. */
function cosell(args: string[], databaseUrl: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/cosell.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const checksumsOf = (file: string): Record<string, TableChecksum> => {
  const db = openReadOnly(file);
  try {
    return tableChecksums(db);
  } finally {
    db.close();
  }
};

const count = (file: string, table: string): number => {
  const db = openReadOnly(file);
  try {
    return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** No stack trace: no "    at fn (file:line)" lines. */
const noStack = (run: Run) => expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+/);

describe('cosell backup and restore of the embedded SQLite database', () => {
  let env: TestEnv;
  let world: World;
  let source: string;
  let dir: string;

  beforeAll(async () => {
    env = await createTestEnv('sqlite');
    world = await standardWorld(env);
    source = sqliteHandleOf(env.handle.db)?.name ?? '';
    dir = mkdtempSync(join(tmpdir(), 'cosell-backup-'));
  });
  afterAll(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Numbers the deals of all writers, so names and idempotency keys are never reused. */
  let round = 0;

  /**
   * Writers through the API, each in a loop: create a deal (every third with a note, every third inviting
   * Litware, all with an Idempotency-Key), then change its CRM ID and team.
   */
  function startWriters(writers: number) {
    let stopping = false;
    let failure: unknown = null;
    let created = 0;
    const auth = world.users.radmin.auth;
    const write = async (w: number) => {
      while (!stopping) {
        round += 1;
        const i = round;
        const res = await env.call(
          'POST',
          '/api/v1/deals',
          auth,
          dealBody(world, {
            name: `Backup deal ${w}-${i}`,
            ...(i % 3 === 1 ? { notes: `Note ${i}` } : {}),
            ...(i % 3 === 2 ? { invitations: [invitation(world)] as never } : {}),
          }),
          { 'idempotency-key': `backup-${w}-${i}` },
        );
        if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
        created += 1;
        const deal = res.json() as { id: string; version: number };
        const patch = await env.call(
          'PATCH',
          `/api/v1/deals/${deal.id}`,
          auth,
          {
            crmId: `CRM-${i}`,
            team: [
              world.users.radmin.member,
              { name: `Helper ${i}`, phone: '+46 8 1', email: `helper${i}@contoso.example` },
            ],
          },
          { 'if-match': `"${deal.version}"` },
        );
        if (patch.statusCode !== 200) throw new Error(`update: ${patch.statusCode} ${patch.body}`);
      }
    };
    const runs = Array.from({ length: writers }, (_, w) =>
      write(w).catch((error: unknown) => {
        failure = error;
      }),
    );
    return {
      /** Deals created so far; throws when a writer failed. */
      created() {
        if (failure) throw failure;
        return created;
      },
      async stop() {
        stopping = true;
        await Promise.all(runs);
        if (failure) throw failure;
      },
    };
  }

  it('with writes paused: the backup and its restore into a new path hold exactly the source rows', async () => {
    const writers = startWriters(4);
    while (writers.created() < 40) await new Promise((resolve) => setTimeout(resolve, 20));
    await writers.stop();
    const before = checksumsOf(source);
    expect(before.engagements?.rows).toBeGreaterThanOrEqual(40);
    expect(before.events?.rows).toBeGreaterThan(100);

    const backup = join(dir, 'paused.db');
    const run = await cosell(['backup', backup], `sqlite:${source}`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('integrity check ok');
    // Owner only: it holds password and token hashes and webhook secrets.
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(checksumsOf(backup)).toEqual(before);
    // The source is untouched by its backup.
    expect(checksumsOf(source)).toEqual(before);

    const restored = join(dir, 'fresh', 'restored.db');
    const missingDir = await cosell(['restore', backup], `sqlite:${restored}`);
    expect(missingDir.code).toBe(1);
    expect(missingDir.stderr).toContain('does not exist');
    noStack(missingDir);

    const target = join(dir, 'restored.db');
    const restore = await cosell(['restore', backup], `sqlite:${target}`);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(checksumsOf(target)).toEqual(before);
    const tables = Object.keys(before);
    console.log(
      `backup (paused): ${tables.length} tables, ${tables.reduce((n, t) => n + (before[t]?.rows ?? 0), 0)} rows compared three times`,
    );
  });

  it('with writes going on: the backup is one consistent snapshot that passes integrity_check', async () => {
    const writers = startWriters(4);
    while (writers.created() < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    const dealsAtStart = count(source, 'engagements');
    const backup = join(dir, 'online.db');
    const run = await cosell(['backup', backup], `sqlite:${source}`);
    const dealsAtEnd = count(source, 'engagements');
    await writers.stop();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    // Writes went on while the backup ran, and the snapshot lies between its start and its end.
    const dealsInBackup = count(backup, 'engagements');
    expect(dealsAtEnd).toBeGreaterThan(dealsAtStart);
    expect(dealsInBackup).toBeGreaterThan(dealsAtStart);
    expect(dealsInBackup).toBeLessThanOrEqual(dealsAtEnd);

    const db = openReadOnly(backup);
    const src = openReadOnly(source);
    try {
      expect(integrityOf(db)).toBe('ok');
      // The event log (audit trail and outbox) is the source's, exactly, up to the backup's last event.
      const last = (db.prepare('select max(seq) as seq from events').get() as { seq: number }).seq;
      const eventsUpTo = (from: typeof db) =>
        from.prepare('select * from events where seq <= ? order by seq').raw().all(last);
      expect(eventsUpTo(db)).toEqual(eventsUpTo(src));
      expect(last).toBeGreaterThan(0);
    } finally {
      db.close();
      src.close();
    }
    // Every deal in the snapshot is whole: its records, events, notes, team and idempotency key.
    const whole = verifyDatabase(
      backup,
      { partnerOrgId: world.contoso.id, vendorOrgId: world.vendor.id },
      { creates: [], updates: [] },
    );
    expect(whole.problems).toEqual([]);
    expect(whole.rowsChecked).toBeGreaterThan(500);

    // Restored over an existing database (not in use): the new one is the backup, the old one is kept.
    const target = join(dir, 'online-restored.db');
    const first = await cosell(['restore', backup], `sqlite:${target}`);
    expect(first.code).toBe(0);
    const edit = new SqliteDatabase(target);
    edit.exec('delete from notes');
    edit.close();
    const replaced = checksumsOf(target);
    expect(replaced.notes?.rows).toBe(0);
    const restore = await cosell(['restore', backup], `sqlite:${target}`);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(checksumsOf(target)).toEqual(checksumsOf(backup));
    const kept = /kept as (.+)\n/.exec(restore.stdout)?.[1] ?? '';
    expect(kept).toContain('online-restored.db.pre-restore-');
    expect(checksumsOf(kept)).toEqual(replaced);
    console.log(
      `backup (online): ${dealsAtStart} deals when it started, ${dealsInBackup} in the backup, ${dealsAtEnd} when it ended; ${whole.rowsChecked} rows checked`,
    );
  });

  it('a restore into a path whose database file is gone but whose old -wal file is left never replays that WAL', async () => {
    const backup = join(dir, 'wal-source.db');
    await backupDatabase(env.handle.db, backup);
    const expected = checksumsOf(backup);
    expect(expected.organizations?.rows).toBeGreaterThan(0);
    // An old database at the target path, in WAL mode with changes still in its WAL: then its main file is
    // deleted (say, to start over) and the -wal file stays behind.
    const target = join(dir, 'wal-target.db');
    copyFileSync(backup, target);
    const old = new SqliteDatabase(target);
    old.pragma('journal_mode = WAL');
    old.pragma('wal_autocheckpoint = 0');
    old.exec("update organizations set name = 'from the stale WAL'");
    copyFileSync(`${target}-wal`, join(dir, 'stale-wal'));
    old.close();
    rmSync(target, { force: true });
    copyFileSync(join(dir, 'stale-wal'), `${target}-wal`);

    const done = await restoreSqlite(backup, target);
    expect(done.previous).toBeNull();
    expect(checksumsOf(target)).toEqual(expected);
    const db = new SqliteDatabase(target);
    try {
      expect(integrityOf(db)).toBe('ok');
      const stale = db.prepare("select count(*) as n from organizations where name = 'from the stale WAL'");
      expect((stale.get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('the work files of a backup or restore that was killed are removed by the next one; a running one keeps its own', async () => {
    // A process that has ended: its id stands for a backup killed before its cleanup.
    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => ended.on('exit', done));
    const deadPid = ended.pid as number;
    const livePid = process.ppid;
    await backupDatabase(env.handle.db, join(dir, 'left-source.db'));
    for (const [kind, run] of [
      ['partial', (target: string) => backupDatabase(env.handle.db, target)],
      ['restoring', (target: string) => restoreSqlite(join(dir, 'left-source.db'), target)],
    ] as const) {
      const target = join(dir, `left-${kind}.db`);
      const left = [`.${kind}-${deadPid}`, `.${kind}-${deadPid}-journal`].map((s) => `${target}${s}`);
      const running = `${target}.${kind}-${livePid}`;
      const unrelated = `${target}.${kind}-notes.txt`;
      for (const file of [...left, running, unrelated]) writeFileSync(file, 'half a copy');
      await run(target);
      expect(left.filter((file) => existsSync(file))).toEqual([]);
      expect(existsSync(running)).toBe(true);
      expect(existsSync(unrelated)).toBe(true);
      expect(checksumsOf(target)).toEqual(checksumsOf(join(dir, 'left-source.db')));
      for (const file of [running, unrelated]) rmSync(file);
    }
  });

  it('a backup is never written over the live database, however its path is spelled (a symbolic link)', async () => {
    const linked = join(dir, 'linked-data');
    symlinkSync(dirname(source), linked);
    const before = checksumsOf(source);
    for (const path of [join(linked, basename(source)), `${join(linked, basename(source))}-wal`]) {
      await expect(backupDatabase(env.handle.db, path, { overwrite: true }), path).rejects.toThrow(
        /over the database itself/,
      );
    }
    expect(checksumsOf(source)).toEqual(before);
    const res = await env.call('GET', '/api/v1/me', world.users.radmin.auth);
    expect(res.statusCode).toBe(200);
  });

  it('the checksums see every table: the search index (FTS5) by its rowids and shadow tables, and sqlite_sequence', async () => {
    const created = await env.call(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { name: 'Searchable backup deal', notes: 'A note to find' }),
      { 'idempotency-key': 'backup-fts' },
    );
    expect(created.statusCode).toBe(201);
    const backup = join(dir, 'fts.db');
    await backupDatabase(env.handle.db, backup);
    const original = checksumsOf(backup);
    for (const table of ['participants_fts', 'participants_fts_data', 'notes_fts', 'sqlite_sequence'])
      expect(Object.keys(original), table).toContain(table);
    // The copy's search index is whole and finds what the source's finds.
    const copy = new SqliteDatabase(backup);
    const src = openReadOnly(source);
    try {
      copy.exec("insert into participants_fts (participants_fts) values ('integrity-check')");
      copy.exec("insert into notes_fts (notes_fts) values ('integrity-check')");
      const search = (db: SqliteDatabase.Database) =>
        db
          .prepare("select rowid from participants_fts where search_text match 'earchable' order by rowid")
          .all();
      expect(search(copy)).toEqual(search(src));
      expect(search(copy).length).toBeGreaterThan(0);

      // A record indexed under another row number: as many rows as before, but not the same index.
      const { rowid } = copy.prepare('select min(rowid) as rowid from participants_fts').get() as {
        rowid: number;
      };
      copy.exec(`delete from participants_fts where rowid = ${rowid}`);
      copy.exec(`insert into participants_fts (rowid, search_text) values (${rowid + 1_000_000}, 'moved')`);
      // And the event counter moved on (as after events that were later removed).
      copy.exec("update sqlite_sequence set seq = seq + 1000 where name = 'events'");
    } finally {
      copy.close();
      src.close();
    }
    const changed = checksumsOf(backup);
    expect(changed.participants_fts?.rows).toBe(original.participants_fts?.rows);
    expect(changed.participants_fts).not.toEqual(original.participants_fts);
    expect(changed.sqlite_sequence).not.toEqual(original.sqlite_sequence);
  });

  it('bad input gets a clear message and an exit code, never a stack trace', async () => {
    const url = `sqlite:${source}`;
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database\n');
    // A good backup, and a damaged copy of it: the root page of the events table overwritten with zeros.
    const existing = join(dir, 'good.db');
    await backupDatabase(env.handle.db, existing);
    const damaged = join(dir, 'damaged.db');
    copyFileSync(existing, damaged);
    const probe = openReadOnly(damaged);
    const { rootpage } = probe
      .prepare("select rootpage from sqlite_master where type = 'table' and name = 'events'")
      .get() as { rootpage: number };
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    probe.close();
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(pageSize), 0, pageSize, (rootpage - 1) * pageSize);
    closeSync(fd);
    const before = checksumsOf(source);

    // The command, in its own process: exit code and message.
    const cases: [string[], string, number, RegExp][] = [
      [['backup'], url, 2, /usage: npm run cosell/],
      [['backup', '/proc/cosell-backup.db'], url, 1, /cannot write the backup/],
      [['backup', join(dir, 'x.db')], `sqlite:${join(dir, 'nothing-here.db')}`, 1, /no database at/],
      [['backup', join(dir, 'y.db')], 'postgres://cosell@127.0.0.1:1/cosell', 2, /pg_dump/],
      [['restore', text], `sqlite:${join(dir, 'r2.db')}`, 1, /is not a SQLite database/],
      [['restore', damaged], `sqlite:${join(dir, 'r3.db')}`, 1, /integrity check|malformed/],
      [['restore', existing], url, 1, /in use; stop the server/],
      [['restore', existing], 'postgres://cosell@127.0.0.1:1/cosell', 2, /pg_restore/],
    ];
    const runs: Run[] = [];
    // A few at a time: each is a Node process.
    for (let i = 0; i < cases.length; i += 4)
      runs.push(...(await Promise.all(cases.slice(i, i + 4).map(([args, db]) => cosell(args, db)))));
    for (const [index, [args, , code, message]] of cases.entries()) {
      const run = runs[index] as Run;
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.stderr).toMatch(message);
      noStack(run);
    }
    // The rest of the refusals, through the functions the commands call.
    await expect(backupDatabase(env.handle.db, existing)).rejects.toThrow(/already exists/);
    await expect(backupDatabase(env.handle.db, source)).rejects.toThrow(/over the database itself/);
    await expect(backupDatabase(env.handle.db, join(dir, 'no-such-dir', 'b.db'))).rejects.toThrow(
      /directory .* does not exist/,
    );
    await expect(restoreSqlite(join(dir, 'missing.db'), join(dir, 'r1.db'))).rejects.toThrow(
      /no backup file/,
    );
    await expect(restoreSqlite(existing, join(dir, 'no-such-dir', 'r.db'))).rejects.toThrow(
      /directory .* does not exist/,
    );
    // Nothing was written where it was refused: the live database is as it was, nothing replaced r1–r3.
    expect(checksumsOf(source)).toEqual(before);
    for (const name of ['r1.db', 'r2.db', 'r3.db', 'x.db', 'y.db'])
      expect(() => openReadOnly(join(dir, name))).toThrow();
  });
});
