/**
 * `cosell backup <file>` and `cosell restore <file>` for the embedded SQLite database named by DATABASE_URL
 * (server/db/backup.ts, docs/OPERATIONS.md). On PostgreSQL they point to pg_dump / pg_restore and exit with 2.
 * Exit codes: 0 done, 1 failed (the message says why), 2 usage or not applicable.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConfig } from '../config.ts';
import { BackupError, backupDatabase, restoreSqlite, sqlitePathOf } from '../db/backup.ts';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

const POSTGRES_HINT = {
  backup:
    'DATABASE_URL names a PostgreSQL database; cosell backup copies only the embedded SQLite database.\n' +
    'Back PostgreSQL up with its own tools, e.g. pg_dump -Fc "$DATABASE_URL" > cosell.dump, or pg_basebackup\n' +
    'with WAL archiving for point-in-time recovery (docs/OPERATIONS.md, "Backup").',
  restore:
    'DATABASE_URL names a PostgreSQL database; cosell restore restores only the embedded SQLite database.\n' +
    'Restore PostgreSQL with its own tools, e.g. pg_restore --clean --if-exists -d "$DATABASE_URL" cosell.dump\n' +
    '(docs/OPERATIONS.md, "Backup").',
};

/** The one file argument (and --force for backup), or null after printing the usage. */
function fileArgument(args: string[], usage: string, allowForce: boolean) {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: allowForce ? { force: { type: 'boolean' } } : {},
    });
    const file = positionals[0];
    if (file && positionals.length === 1 && file.trim() !== '') return { file, force: values.force === true };
  } catch (error) {
    complain(errorText(error));
  }
  complain(usage);
  return null;
}

/** The SQLite file of DATABASE_URL, or the exit code after saying why there is none. */
function sqliteFile(command: 'backup' | 'restore'): string | number {
  const url = readConfig().databaseUrl;
  const path = sqlitePathOf(url);
  if (path !== null) return path;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) complain(POSTGRES_HINT[command]);
  else complain(`${command}: DATABASE_URL must name a SQLite file (sqlite:<file>) or PostgreSQL`);
  return 2;
}

export async function backupCommand(args: string[], usage: string): Promise<number> {
  const parsed = fileArgument(args, usage, true);
  if (!parsed) return 2;
  const path = sqliteFile('backup');
  if (typeof path === 'number') return path;
  if (!existsSync(path)) {
    complain(`backup failed: there is no database at ${path} (DATABASE_URL)`);
    return 1;
  }
  let handle: DatabaseHandle;
  try {
    handle = openDatabase(`sqlite:${path}`);
  } catch (error) {
    complain(`backup failed: cannot open the database ${path}: ${errorText(error)}`);
    return 1;
  }
  try {
    const done = await backupDatabase(handle.db, parsed.file, { overwrite: parsed.force });
    say(
      `backup of ${path} written to ${done.file}: ${mb(done.bytes)} MB, ${done.pages} pages, ` +
        `${done.ms} ms; integrity check ok`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    complain(`backup failed: ${error.message}`);
    return 1;
  } finally {
    await handle.close();
  }
}

export async function restoreCommand(args: string[], usage: string): Promise<number> {
  const parsed = fileArgument(args, usage, false);
  if (!parsed) return 2;
  const path = sqliteFile('restore');
  if (typeof path === 'number') return path;
  try {
    const done = await restoreSqlite(parsed.file, path);
    say(
      `restored ${done.file} from ${parsed.file} (${mb(done.bytes)} MB, ${done.ms} ms; integrity check ok)`,
    );
    if (done.previous) say(`the database it replaced is kept as ${done.previous}`);
    say('start the server: pending migrations run at start');
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    complain(`restore failed: ${error.message}`);
    return 1;
  }
}
