import { v7 } from 'uuid';

/**
 * Ids for bulk inserts: UUIDv7 exactly like ids.ts `newId` (time-ordered, 74 random or random-seeded bits),
 * but with the randomness drawn from the CSPRNG 2048 ids at a time; `newId` asks it once per id, which
 * costs more than inserting the row.
 */
export function bulkIdSource(): () => string {
  const perRefill = 2048;
  const pool = new Uint8Array(perRefill * 16);
  let used = perRefill;
  let msecs = -1;
  let seq = 0;
  return () => {
    if (used === perRefill) {
      crypto.getRandomValues(pool);
      used = 0;
    }
    const random = pool.subarray(used * 16, (used + 1) * 16);
    used++;
    const now = Date.now();
    if (now > msecs) {
      // A random start for each millisecond (as uuid's own v7 does); the sequence counts up within it.
      msecs = now;
      seq =
        (((random[6] as number) << 23) | ((random[7] as number) << 15) | ((random[8] as number) << 7)) >>> 0;
    } else {
      seq = (seq + 1) >>> 0;
    }
    return v7({ random, msecs, seq });
  };
}
