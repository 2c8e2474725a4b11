/**
 * The embedded database's WAL checkpoints from a worker thread (server/jobs/checkpointer.ts): they keep the -wal
 * file bounded while the server's connection no longer checkpoints in its commits, and lose nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, sqliteHandleOf } from '../server/db/database.ts';
import { type CheckpointResult, startCheckpointer } from '../server/jobs/checkpointer.ts';

describe('WAL checkpoints in a worker thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('copy committed pages into the database file while the server’s connection commits, losing nothing', async () => {
    const { path, handle, sqlite } = open();
    const results: CheckpointResult[] = [];
    const errors: object[] = [];
    const job = startCheckpointer(sqlite, {
      intervalMs: 10,
      log: { error: (obj) => errors.push(obj) },
      onCheckpoint: (result) => results.push(result),
    });
    // The server's connection no longer checkpoints at SQLite's default of 1000 pages.
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(4000);
    const written = await writeRows(sqlite, 150);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // In WAL mode the database file only grows by checkpoints: here, the worker's (the WAL stayed under 4000 pages).
    expect(statSync(`${path}-wal`).size).toBeLessThan(4000 * 4096);
    expect(statSync(path).size).toBeGreaterThan(written / 2);
    await job.stop();
    expect(errors).toEqual([]);
    expect(results.some((r) => r.busy === 0 && r.log > 0 && r.checkpointed === r.log)).toBe(true);
    await handle.close();
    expectAllRows(path, 150);
  });

  it('the -wal file stays bounded under steady writes: the server’s connection checkpoints past the fallback', async () => {
    const { path, handle, sqlite } = open();
    const job = startCheckpointer(sqlite, {
      intervalMs: 10,
      fallbackPages: 300,
      log: { error: () => {} },
    });
    let largestWal = 0;
    const written = await writeRows(sqlite, 150, () => {
      largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
    });
    // 300 pages and one commit's worth beyond (1.6 MB), where the 9 MB written would all be in the WAL otherwise.
    expect(written).toBe(9_000_000);
    expect(largestWal).toBeLessThan(400 * 4096);
    await job.stop();
    await handle.close();
    expectAllRows(path, 150);
  });

  function open() {
    const dir = mkdtempSync(join(tmpdir(), 'cosell-checkpointer-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const handle = openDatabase(`sqlite:${path}`);
    const sqlite = sqliteHandleOf(handle.db);
    if (!sqlite) throw new Error('not SQLite');
    sqlite.exec('create table t (id integer primary key, body blob not null)');
    return { path, handle, sqlite };
  }

  /** Commits of 20 rows of 3000 bytes, with the event loop's idle time between them as in the server. */
  async function writeRows(sqlite: SqliteDatabase.Database, commits: number, afterCommit?: () => void) {
    const insert = sqlite.prepare('insert into t (body) values (randomblob(3000))');
    for (let i = 0; i < commits; i++) {
      sqlite.transaction(() => {
        for (let r = 0; r < 20; r++) insert.run();
      })();
      afterCommit?.();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return commits * 20 * 3000;
  }

  function expectAllRows(path: string, commits: number) {
    const reopened = new SqliteDatabase(path, { readonly: true });
    try {
      expect(reopened.prepare('select count(*) as n from t').get()).toEqual({ n: commits * 20 });
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reopened.close();
    }
  }
});
