/**
 * Backup and restore of the embedded SQLite database (`cosell backup` / `cosell restore`, docs/OPERATIONS.md),
 * with SQLite's online backup API through better-sqlite3. PostgreSQL has its own tools (pg_dump, pg_basebackup).
 *
 * A backup copies every page in one backup step: the step reads one snapshot, so the copy is consistent while
 * the server goes on writing (in WAL mode writers are not blocked by the reader). A copy in many small steps
 * would start over each time another process commits, and might never finish under a steady load.
 *
 * Backups and restores are written to a temporary file next to the target, checked with
 * `PRAGMA integrity_check`, flushed to disk and renamed into place, so the target is either the old file or
 * the complete new one, never half of it.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Db, migrateToLatest, openDatabase, sqliteHandleOf } from './database.ts';

/** A failure with a message for the operator (the command prints it, no stack). */
export class BackupError extends Error {}

/** The file of a `sqlite:` URL; null for PostgreSQL or an in-memory database. */
export function sqlitePathOf(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const path = url.slice('sqlite:'.length);
  return path === '' || path === ':memory:' ? null : path;
}

/** All pages in one step (see the file comment). */
const ALL_PAGES = 0x7fffffff;

export interface BackupSummary {
  file: string;
  bytes: number;
  pages: number;
  ms: number;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The 16 bytes every SQLite database file starts with. */
const SQLITE_HEADER = 'SQLite format 3\0';

function startsLikeSqlite(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const read = readSync(fd, head, 0, 16, 0);
    return read === 16 && head.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** Whether a process with this id runs on this machine (one of another user's counts: it may not be signalled). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the work files (`<file>.<kind>-<pid>` and their -wal/-shm/-journal) that a backup or restore killed
 * before its cleanup left behind: a partial copy of the database holds password and token hashes too, and
 * each one left is as large as the database. Files of a process that still runs are left alone.
 */
function removeLeftWorkFiles(file: string, kind: 'partial' | 'restoring'): void {
  const prefix = `${basename(file)}.${kind}-`;
  for (const name of readdirSync(dirname(file))) {
    const match = name.startsWith(prefix)
      ? /^(\d+)(?:-wal|-shm|-journal)?$/.exec(name.slice(prefix.length))
      : null;
    if (!match || Number(match[1]) === process.pid || processRuns(Number(match[1]))) continue;
    rmSync(join(dirname(file), name), { force: true });
  }
}

/** The path with its directory's symbolic links resolved (the directory must exist). */
function canonical(path: string): string {
  return join(realpathSync(dirname(path)), basename(path));
}

/** Whether two paths name the same file: the same canonical path, or (hard links) the same inode. */
function sameFile(a: string, b: string): boolean {
  if (canonical(a) === canonical(b)) return true;
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function checkWritableDirectory(file: string, what: string): void {
  const dir = dirname(file);
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {}
  if (!isDirectory)
    throw new BackupError(`cannot write the ${what} ${file}: the directory ${dir} does not exist`);
}

/**
 * Makes the copy at `temp` a single self-contained file (rollback journal instead of WAL; the server switches
 * back to WAL when it opens it), checks it and flushes it to disk.
 */
function finishCopy(temp: string, what: string): void {
  const db = new SqliteDatabase(temp, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .filter((line) => line !== 'ok');
    if (problems.length > 0)
      throw new BackupError(`the ${what} fails the integrity check: ${problems.slice(0, 5).join('; ')}`);
    const tables = new Set(
      (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    if (!tables.has('organizations') || !tables.has('kysely_migration'))
      throw new BackupError(`the ${what} is a SQLite database but not a cosell database`);
  } finally {
    db.close();
  }
  fsyncPath(temp);
}

/**
 * Copies the open database `source` into `target` online (see the file comment). An existing `target` is
 * refused unless `overwrite`.
 */
export async function backupSqlite(
  source: SqliteDatabase.Database,
  target: string,
  options: { overwrite?: boolean } = {},
): Promise<BackupSummary> {
  const started = performance.now();
  const file = resolve(target);
  const sourceFile = resolve(source.name);
  checkWritableDirectory(file, 'backup');
  // However the path is spelled (a symbolic link to the directory, a hard link): renaming the copy over the
  // live database, or over its -wal, would swap the file under the running server.
  if (['', '-wal', '-shm', '-journal'].some((suffix) => sameFile(file, `${sourceFile}${suffix}`)))
    throw new BackupError(`the backup cannot be written over the database itself (${file})`);
  if (existsSync(file) && !options.overwrite)
    throw new BackupError(`${file} already exists; choose another file name (or pass --force to replace it)`);
  const temp = `${file}.partial-${process.pid}`;
  removeDatabaseFiles(temp);
  removeLeftWorkFiles(file, 'partial');
  try {
    let pages = 0;
    try {
      // Readable by its owner only, from its first byte: a backup holds password and token hashes and the
      // webhook secrets, and is often kept where more people can look than at the live database. (SQLite would
      // create it as 0644; an empty file is an empty database to it, and its journal gets the same mode.)
      closeSync(openSync(temp, 'wx', 0o600));
      const progress = await source.backup(temp, { progress: () => ALL_PAGES });
      pages = progress.totalPages;
    } catch (error) {
      throw new BackupError(`cannot write the backup ${file}: ${errorText(error)}`);
    }
    finishCopy(temp, 'backup');
    renameSync(temp, file);
    fsyncPath(dirname(file));
    return { file, bytes: statSync(file).size, pages, ms: Math.round(performance.now() - started) };
  } finally {
    removeDatabaseFiles(temp);
  }
}

/** `backupSqlite` of the database behind a Kysely instance, inside its connection lock. */
export async function backupDatabase(db: Db, target: string, options: { overwrite?: boolean } = {}) {
  return db.connection().execute(async () => {
    const sqlite = sqliteHandleOf(db);
    if (!sqlite) throw new BackupError('only the embedded SQLite database can be backed up this way');
    return backupSqlite(sqlite, target, options);
  });
}

export interface RestoreSummary {
  file: string;
  /** Where the database that was replaced is kept; null when there was none. */
  previous: string | null;
  bytes: number;
  ms: number;
}

/**
 * Takes the database at `target` for ourselves: the only connection, holding an exclusive lock, with its WAL
 * folded into the main file. Fails with SQLITE_BUSY while another connection (a running server) has it open.
 * Returns null when the file is unreadable as a database (a broken file is what a restore is for).
 */
function takeOver(target: string): SqliteDatabase.Database | null {
  let db: SqliteDatabase.Database;
  try {
    db = new SqliteDatabase(target, { fileMustExist: true, timeout: 0 });
  } catch {
    return null;
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Leaving WAL mode needs every other connection closed; it checkpoints and removes the -wal file.
    const mode = db.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') throw Object.assign(new Error('still in WAL mode'), { code: 'SQLITE_BUSY' });
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new BackupError(
        `the database ${target} is in use; stop the server (and any other cosell command using it) before restoring`,
      );
    }
    return null;
  }
}

/**
 * Replaces the database file `target` with the backup `backupFile`: the backup is copied next to the target and
 * checked (integrity check, cosell tables), the target must not be in use, the old file is kept as
 * `<target>.pre-restore-<time>`, stale -wal/-shm files are removed, and the copy is renamed into place.
 */
export function restoreSqlite(backupFile: string, target: string): Promise<RestoreSummary> {
  return restoreInner(resolve(backupFile), resolve(target));
}

async function restoreInner(backup: string, file: string): Promise<RestoreSummary> {
  const started = performance.now();
  let isFile = false;
  try {
    isFile = statSync(backup).isFile();
  } catch {}
  if (!isFile) throw new BackupError(`no backup file at ${backup}`);
  if (!startsLikeSqlite(backup)) throw new BackupError(`${backup} is not a SQLite database`);
  checkWritableDirectory(file, 'database');
  if (sameFile(backup, file)) throw new BackupError('the backup and the database are the same file');

  const temp = `${file}.restoring-${process.pid}`;
  removeDatabaseFiles(temp);
  removeLeftWorkFiles(file, 'restoring');
  try {
    let source: SqliteDatabase.Database;
    try {
      source = new SqliteDatabase(backup, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new BackupError(`cannot open the backup ${backup}: ${errorText(error)}`);
    }
    try {
      await source.backup(temp, { progress: () => ALL_PAGES });
    } catch (error) {
      throw new BackupError(`cannot read the backup ${backup}: ${errorText(error)}`);
    } finally {
      source.close();
    }
    finishCopy(temp, 'backup');

    let previous: string | null = null;
    const current = existsSync(file) ? takeOver(file) : null;
    try {
      const kept = `${file}.pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      if (existsSync(file)) {
        previous = kept;
        linkSync(file, previous);
      }
      // An old WAL that could not be folded in stays with the old file (or, the file gone, is put aside under
      // its name): it must never meet the new one, which SQLite would replay it into.
      if (existsSync(`${file}-wal`)) renameSync(`${file}-wal`, `${kept}-wal`);
      rmSync(`${file}-shm`, { force: true });
      rmSync(`${file}-journal`, { force: true });
      renameSync(temp, file);
      fsyncPath(dirname(file));
    } finally {
      current?.close();
    }
    return { file, previous, bytes: statSync(file).size, ms: Math.round(performance.now() - started) };
  } finally {
    removeDatabaseFiles(temp);
  }
}

/**
 * Runs `load` against a new, migrated side database, then copies the result into `db` (SQLite) in one
 * transaction: the backup API writes the whole copy into the target's WAL and commits once, at the end. Why:
 * loading in place takes thousands of commits, and a start interrupted meanwhile (Ctrl-C, a crash) left a
 * half-filled database that no later start completed, since it was no longer empty.
 */
export async function loadWhole<T>(db: Db, load: (side: Db) => Promise<T>): Promise<T> {
  const sqlite = sqliteHandleOf(db);
  if (!sqlite) return load(db);
  const sidePath = `${resolve(sqlite.name)}.loading`;
  removeDatabaseFiles(sidePath);
  const side = openDatabase(`sqlite:${sidePath}`);
  try {
    await migrateToLatest(side);
    const result = await load(side.db);
    const sideSqlite = sqliteHandleOf(side.db);
    if (!sideSqlite) throw new Error('the side database is not SQLite');
    await sideSqlite.backup(sqlite.name, { progress: () => ALL_PAGES });
    return result;
  } finally {
    await side.close();
    removeDatabaseFiles(sidePath);
  }
}
