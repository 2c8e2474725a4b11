/**
 * Ids for bulk inserts: UUIDv7 exactly like ids.ts `newId` (time-ordered, 74 random or random-seeded bits, the
 * layout of the uuid package's v7 with a per-millisecond sequence), but with the randomness drawn from the
 * CSPRNG 2048 ids at a time and the text written straight from the bytes: `newId` asks the CSPRNG once per
 * id, and allocates, which costs more than inserting the row.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (byte: number) => HEX[byte] as string;

export function bulkIdSource(): () => string {
  const perRefill = 2048;
  const pool = new Uint8Array(perRefill * 16);
  let used = perRefill;
  let msecs = -1;
  let seq = 0;
  let timeHex = '';
  return () => {
    if (used === perRefill) {
      crypto.getRandomValues(pool);
      used = 0;
    }
    const r = used * 16;
    used++;
    const now = Date.now();
    if (now > msecs) {
      // A random start for each millisecond (as uuid's own v7 does); the sequence counts up within it.
      msecs = now;
      seq =
        (((pool[r + 6] as number) << 23) |
          ((pool[r + 7] as number) << 15) |
          ((pool[r + 8] as number) << 7)) >>>
        0;
      // 48 bits of milliseconds, big-endian: xxxxxxxx-xxxx
      const high = Math.floor(msecs / 0x100000000);
      const low = msecs >>> 0;
      timeHex =
        hex((high >>> 8) & 0xff) +
        hex(high & 0xff) +
        hex(low >>> 24) +
        hex((low >>> 16) & 0xff) +
        '-' +
        hex((low >>> 8) & 0xff) +
        hex(low & 0xff);
    } else {
      seq = (seq + 1) >>> 0;
    }
    // Version 7 with 12 bits of the sequence, the variant with 14 more, its last 6 with 2 random bits, 40 more.
    return (
      timeHex +
      '-' +
      hex(0x70 | ((seq >>> 28) & 0x0f)) +
      hex((seq >>> 20) & 0xff) +
      '-' +
      hex(0x80 | ((seq >>> 14) & 0x3f)) +
      hex((seq >>> 6) & 0xff) +
      '-' +
      hex(((seq << 2) & 0xff) | ((pool[r + 10] as number) & 0x03)) +
      hex(pool[r + 11] as number) +
      hex(pool[r + 12] as number) +
      hex(pool[r + 13] as number) +
      hex(pool[r + 14] as number) +
      hex(pool[r + 15] as number)
    );
  };
}
