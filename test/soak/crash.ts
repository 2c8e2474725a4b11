/**
 * The long crash campaign: `npm run soak` (100 SIGKILLs under load plus 15 during start-up; see
 * test/crash-campaign.ts). `SOAK_KILLS=<n>` changes the number of kills, `COSELL_CRASH_SEED=<n>` replays a run.
 * Exit code 0 when every check passed, 1 otherwise.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashCampaign } from '../crash-campaign.ts';

const kills = Number(process.env.SOAK_KILLS ?? 100);
const seed = Number(process.env.COSELL_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const file = join(tmpdir(), `cosell-soak-${randomBytes(6).toString('hex')}.db`);
process.stdout.write(`crash soak: ${kills} kills, seed ${seed}, database ${file}\n`);
try {
  const result = await runCrashCampaign({
    file,
    kills,
    startupKills: Math.round(kills * 0.15),
    workers: 8,
    killAfterMs: [100, 2500],
    seed,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const { problems, ...numbers } = result;
  process.stdout.write(`${JSON.stringify(numbers, null, 2)}\n`);
  if (problems.length > 0) {
    process.stdout.write(
      `FAILED (seed ${seed}), ${problems.length} problems:\n${problems.slice(0, 50).join('\n')}\n`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write('every acknowledged write survived every kill; integrity_check ok\n');
  }
} finally {
  if (!process.exitCode)
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
