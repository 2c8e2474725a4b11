/**
 * Crash safety of the embedded database (SQLite only; see test/crash-campaign.ts for why and what is
 * checked): the real server as a child process, concurrent creates and updates over HTTP, SIGKILL at random
 * moments, restart, and after every kill each acknowledged write is there with its events and the file passes
 * `PRAGMA integrity_check`. The long variant (100 kills) is `npm run soak`.
 *
 * COSELL_CRASH_SEED=<n> replays a failed run's random choices.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killFirstStart, runCrashCampaign } from './crash-campaign.ts';

describe('crash safety of the embedded SQLite database', () => {
  const file = join(tmpdir(), `cosell-crash-${randomBytes(6).toString('hex')}.db`);
  afterAll(() => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  });

  it('keeps every acknowledged create and update, with its events, through 6 SIGKILLs under load and 1 in start-up', async () => {
    const seed = Number(process.env.COSELL_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const result = await runCrashCampaign({
      file,
      kills: 6,
      startupKills: 1,
      workers: 6,
      killAfterMs: [300, 1500],
      seed,
    });
    const summary = { ...result, problems: result.problems.slice(0, 20) };
    expect(result.problems, `seed ${seed}: ${JSON.stringify(summary, null, 2)}`).toEqual([]);
    expect(result.kills).toBe(6);
    expect(result.startupKills).toBe(1);
    // The checks are only worth something if the kills hit real work.
    expect(result.ackedCreates).toBeGreaterThan(30);
    expect(result.ackedUpdates).toBeGreaterThan(30);
    expect(result.inFlightAtKill).toBeGreaterThan(0);
    console.log(`crash safety: ${JSON.stringify({ ...result, problems: undefined })}`);
  }, 120_000);
});

describe('crash safety of the first start', () => {
  const file = join(tmpdir(), `cosell-first-${randomBytes(6).toString('hex')}.db`);
  afterAll(() => {
    for (const suffix of ['', '-wal', '-shm', '.loading', '.loading-wal', '.loading-shm'])
      rmSync(`${file}${suffix}`, { force: true });
  });

  it('a first start killed while it loads the demo leaves an empty database; the next start loads it whole', async () => {
    const seed = Number(process.env.COSELL_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const result = await killFirstStart(file, seed);
    expect(result.problems, `seed ${seed}: ${JSON.stringify(result)}`).toEqual([]);
    // The kill must have hit the load, or the case proved nothing.
    expect(result.finishedBeforeKill).toBe(false);
    expect(result.dealsAfterKill).toBe(0);
    expect(result.demoDeals).toBeGreaterThan(0);
    expect(result.dealsAfterRestart).toBe(result.demoDeals);
    console.log(`first start: ${JSON.stringify(result)}`);
  }, 120_000);
});
