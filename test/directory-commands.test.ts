/**
 * The `import-companies` command's summary (docs/DIRECTORY.md): the counts, the time and rate, the peak RSS and,
 * for an initial load, how the time split between writing the rows and building the deferred indexes; and the
 * command's database whole after its WAL was checkpointed from a thread of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPANY_CSV_COLUMNS } from '../core/company-csv.ts';
import { importSummary } from '../server/cli/directory-commands.ts';

const result = {
  read: 2_000_000,
  inserted: 1_999_990,
  updated: 0,
  badCount: 10,
  seconds: 64.6,
  stopped: false,
};

describe('import-companies summary', () => {
  it('gives the counts, time, rate and peak RSS', () => {
    expect(importSummary(result, 555)).toBe(
      'read 2,000,000 rows: 1,999,990 inserted, 0 updated, 10 bad, in 64.6 s (30,960 rows/s), peak RSS 555 MB',
    );
  });

  it('splits an initial load into writing the rows and building the indexes', () => {
    expect(importSummary(result, 555, { loadSeconds: 39.55, indexSeconds: 25.05 })).toBe(
      'read 2,000,000 rows: 1,999,990 inserted, 0 updated, 10 bad, in 64.6 s ' +
        '(39.5 s loading, 25.1 s building indexes) (30,960 rows/s), peak RSS 555 MB',
    );
  });

  it('says when it was stopped', () => {
    expect(importSummary({ ...result, stopped: true }, 555)).toMatch(/^stopped after 2,000,000 rows: /);
  });

  describe('the command on a fresh SQLite file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosell-import-command-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports both phases of the initial load', () => {
      const file = join(dir, 'companies.csv');
      writeFileSync(
        file,
        `${COMPANY_CSV_COLUMNS.join(',')}\n` +
          'Fabrikam AB,123456789,Storgatan 1,Lund,,22100,SE,https://fabrikam.example,50-249,Retail\n' +
          'Contoso Nordic AB,,Kungsgatan 2,Göteborg,,41119,SE,,1-49,Software\n',
      );
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'server/cli/cosell.ts', 'import-companies', file],
        {
          env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'directory.db')}` },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(run.status, run.stderr).toBe(0);
      // Written with its WAL checkpointed from a thread of its own: whole, and every row there.
      const db = new Database(join(dir, 'directory.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.prepare('select count(*) from companies').pluck().get()).toBe(2);
        expect(db.prepare('select count(*) from company_search_keys').pluck().get()).toBeGreaterThanOrEqual(
          2,
        );
      } finally {
        db.close();
      }
      expect(run.stdout).toMatch(
        /^read 2 rows: 2 inserted, 0 updated, 0 bad, in \d+\.\d s \(\d+\.\d s loading, \d+\.\d s building indexes\) \([\d,]+ rows\/s\), peak RSS \d+ MB$/m,
      );
    });
  });
});
