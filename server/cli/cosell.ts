/**
 * The `cosell` command: `npm run cosell -- <command>`.
 *   serve                      start the server (what `npm start` runs)
 *   migrate                    migrate the database named by DATABASE_URL
 *   seed-demo                  load the demo ecosystem into an empty database
 *   token --email <e-mail>     print a new API token for a user (demo or admin use)
 *   create-admin --email <e-mail> --name <name> [--country SE --city Stockholm]
 *                              create the vendor organization (if new) and a vendor-admin; the password
 *                              is read from COSELL_ADMIN_PASSWORD
 *   import-companies <file.csv> [--batch-size 5000] [--defer-indexes]
 *                              upsert the customer directory from a CSV file (docs/DIRECTORY.md)
 *   generate-companies --count <n> --out <file.csv|-> [--seed <n>]
 *                              write a synthetic customer directory as CSV
 *   backup <file> [--force]    online backup of the SQLite database (docs/OPERATIONS.md)
 *   restore <file>             put a backup in place of the SQLite database (server stopped)
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.ts';
import { readConfig } from '../config.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { findUserByEmail } from '../db/repositories/users.ts';
import { DomainError } from '../errors.ts';
import { serve } from '../main.ts';
import { issueApiToken } from '../services/auth.ts';
import { createVendorAdmin } from '../services/bootstrap.ts';
import type { ServiceContext } from '../services/context.ts';
import { isEmpty } from '../services/ecosystem.ts';
import { seedDemo } from '../services/seed-demo.ts';
import { backupCommand, restoreCommand } from './backup-commands.ts';
import { generateCompaniesCommand, importCompaniesCommand } from './directory-commands.ts';

const USAGE = `usage: npm run cosell -- <command>
  serve                    start the server (PORT, DATABASE_URL, … from the environment)
  migrate                  migrate the database named by DATABASE_URL
  seed-demo                load the demo ecosystem into an empty database
  token --email <e-mail>   print a new API token for that user
  create-admin --email <e-mail> --name <name> [--country US] [--city Seattle]
                           create the vendor organization (named by VENDOR_NAME) if it does not exist and a
                           vendor-admin user; the password comes from COSELL_ADMIN_PASSWORD (≥ 12 characters)
  import-companies <file.csv> [--batch-size 5000] [--defer-indexes]
                           upsert the customer directory (DATABASE_URL) from a CSV file by D-U-N-S; every bad
                           row is reported with its line; exit code 3 when there were bad rows. Into an empty
                           directory (SQLite) its indexes are built once at the end; --defer-indexes does that
                           for a non-empty one too (a big refresh in a quiet hour)
  generate-companies --count <n> --out <file.csv|-> [--seed <n>]
                           write a synthetic customer directory (the import's format) to a file or stdout
  backup <file> [--force]  copy the SQLite database (DATABASE_URL) to <file> while the server runs, checked
                           with integrity_check; --force replaces an existing <file>. PostgreSQL: use pg_dump
  restore <file>           replace the SQLite database (DATABASE_URL) with the backup <file> after checking it;
                           stop the server first; the replaced database is kept next to it as
                           <database file>.pre-restore-<time>. PostgreSQL: use pg_restore`;

async function withContext<T>(work: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const config = readConfig();
  const handle = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(handle);
    return await work({
      db: handle.db,
      dialect: handle.dialect,
      clock: systemClock(),
      config: { vendorName: config.vendorName, sessionTtlHours: config.sessionTtlHours },
    });
  } finally {
    await handle.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve();
      return -1; // keeps running
    case 'migrate':
      await withContext(async () => undefined);
      process.stdout.write('database is up to date\n');
      return 0;
    case 'seed-demo':
      return withContext(async (ctx) => {
        if (!(await isEmpty(ctx))) {
          process.stderr.write(
            'the database already holds organizations; seed-demo loads only into an empty one\n',
          );
          return 1;
        }
        const summary = await seedDemo(ctx);
        process.stdout.write(`demo ecosystem loaded: ${JSON.stringify(summary)}\n`);
        return 0;
      });
    case 'token': {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: 'string' }, name: { type: 'string' } },
      });
      if (!values.email) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const email = values.email;
      return withContext(async (ctx) => {
        const user = await findUserByEmail(ctx.db, email.trim().toLowerCase());
        if (!user) {
          process.stderr.write(`no user with the e-mail ${email}\n`);
          return 1;
        }
        const token = await issueApiToken(ctx, user.id, user.organization_id, values.name ?? 'cli');
        process.stdout.write(`${token.token}\n`);
        return 0;
      });
    }
    case 'create-admin': {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          country: { type: 'string', default: 'US' },
          city: { type: 'string', default: 'Seattle' },
        },
      });
      const password = process.env.COSELL_ADMIN_PASSWORD;
      if (!values.email || !values.name || !password) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const input = {
        email: values.email,
        name: values.name,
        password,
        country: values.country,
        city: values.city,
      };
      return withContext(async (ctx) => {
        try {
          const created = await createVendorAdmin(ctx, input);
          process.stdout.write(`vendor-admin ${input.email} created in ${created.organizationName}\n`);
          return 0;
        } catch (error) {
          if (error instanceof DomainError) {
            process.stderr.write(`${error.path ?? ''}: ${error.message}\n`);
            return 1;
          }
          throw error;
        }
      });
    }
    case 'import-companies':
      return importCompaniesCommand(rest, withContext, USAGE);
    case 'generate-companies':
      return generateCompaniesCommand(rest, USAGE);
    case 'backup':
      return backupCommand(rest, USAGE);
    case 'restore':
      return restoreCommand(rest, USAGE);
    default:
      process.stderr.write(`${USAGE}\n`);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
