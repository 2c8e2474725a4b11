/**
 * The records of an RFC 4180 CSV (docs/DIRECTORY.md), read the way the directory import has always read them
 * (csv-parse with `bom`, `relax_column_count`, `relax_quotes`, `max_record_size` and
 * `skip_records_with_error`, stopping at the first unreadable record), at a fraction of its cost: a line
 * without a quote, most lines of a directory, is found in the bytes, decoded and split at its commas; only
 * lines with quotes are read character by character. test/csv-records.test.ts holds the two to the same
 * records on hand-picked cases and on random text.
 *
 * - A byte order mark is skipped (UTF-8; a UTF-16LE one switches to UTF-16LE, as csv-parse did). Bytes that are
 *   not UTF-8 become U+FFFD.
 * - Records end at the first line break found outside quotes — CRLF, LF or CR — and only at that kind from then
 *   on (another kind is a character of the field).
 * - A field that starts with a quote is quoted: `""` inside is a quote, and it ends at a quote followed by a
 *   comma, the line break or the end. A quote followed by anything else ends it too, and the field is then read
 *   on as unquoted text with both quotes kept (`"a""b"c` is `"a"b"c`). A quote inside an unquoted field is a
 *   character.
 * - An empty line is a record of one empty field.
 * - A record longer than `maxRecordBytes` (in UTF-8), or a quote still open at the end, is unreadable: the
 *   reading stops there, and the error says after how many records.
 *
 * Lines are decoded one by one (not the whole input at once) so that a line of plain ASCII stays a one-byte
 * string in V8: the checks, the normalization and the database binding of its fields are cheaper so.
 */
import { TextDecoder } from 'node:util';

export interface CsvReadError {
  code: 'CSV_QUOTE_NOT_CLOSED' | 'CSV_MAX_RECORD_SIZE';
  /** Records read before the unreadable one. */
  after: number;
}

/**
 * What `csvRecords` yields: the records read from each piece of the input (a batch: one yield per record of an
 * async generator cost more than reading the record), and at most one error, last.
 */
export type CsvItem = string[][] | CsvReadError;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const UNKNOWN = -2;
const MORE = null;

export async function* csvRecords(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxRecordBytes: number,
): AsyncGenerator<CsvItem> {
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let records = 0;
  // The record delimiter, once found: '\r\n', '\n' or '\r'.
  let delimiter = '';
  let delimiterBytes = Buffer.alloc(0);
  // The position of the next quote in `buf` at or after `pos` (-1: none).
  let quoteAt = UNKNOWN;
  // Before the first bytes are looked at for a byte order mark; a UTF-16LE input is turned into UTF-8.
  let started = false;
  let utf16 = null as TextDecoder | null;

  const setDelimiter = (found: string) => {
    delimiter = found;
    delimiterBytes = Buffer.from(found, 'latin1');
  };

  /** The end (past the line break) of the first line break at or after `from`; -1: not in the bytes yet. */
  const nextBreak = (from: number, end: boolean): number => {
    if (delimiter !== '') {
      const i = buf.indexOf(delimiterBytes, from);
      return i === -1 ? -1 : i + delimiterBytes.length;
    }
    const lf = buf.indexOf(LF, from);
    const cr = buf.indexOf(CR, from);
    const i = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (i === -1) return -1;
    if (buf[i] === LF) return i + 1;
    if (i + 1 < buf.length) return buf[i + 1] === LF ? i + 2 : i + 1;
    return end ? i + 1 : -1;
  };

  /**
   * One record from the start of `s` (the text of whole lines from `pos`), read character by character;
   * `end`: `s` reaches the end of the input; `decided`: what follows `s` is known (a carriage return at its end
   * is not followed by a line feed). Returns its fields and how many characters of `s` it took, or MORE when `s`
   * ends before the record does (a quote still open), or an error.
   */
  const parseRecord = (
    s: string,
    end: boolean,
    decided: boolean,
  ): { fields: string[]; taken: number } | CsvReadError | typeof MORE => {
    const atLineBreak = (p: number): boolean => {
      const c = s.charCodeAt(p);
      if (delimiter === '') {
        if (c === CR) {
          if (p + 1 >= s.length && !decided) return false;
          setDelimiter(s.charCodeAt(p + 1) === LF ? '\r\n' : '\r');
          return true;
        }
        if (c === LF) {
          setDelimiter('\n');
          return true;
        }
        return false;
      }
      return s.startsWith(delimiter, p);
    };
    // The end of an unquoted run from `p`: the next comma or line break, or the end of `s`.
    const unquotedEnd = (p: number): number => {
      for (let i = p; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === COMMA) return i;
        if ((c === LF || c === CR) && atLineBreak(i)) return i;
      }
      return s.length;
    };
    const fields: string[] = [];
    let p = 0;
    for (;;) {
      if (s.charCodeAt(p) === QUOTE) {
        let value = '';
        let q = p + 1;
        let closed: number;
        for (;;) {
          const j = s.indexOf('"', q);
          if (j === -1 || (j + 1 >= s.length && !end)) {
            return end && j === -1 ? { code: 'CSV_QUOTE_NOT_CLOSED', after: records } : MORE;
          }
          if (s.charCodeAt(j + 1) === QUOTE) {
            value += `${s.slice(q, j)}"`;
            q = j + 2;
            continue;
          }
          value += s.slice(q, j);
          closed = j + 1;
          break;
        }
        if (closed >= s.length || s.charCodeAt(closed) === COMMA || atLineBreak(closed)) {
          fields.push(value);
          p = closed;
        } else {
          // A quote followed by other text: the field goes on unquoted, both its quotes kept.
          const rest = unquotedEnd(closed);
          fields.push(`"${value}"${s.slice(closed, rest)}`);
          p = rest;
        }
      } else {
        const e = unquotedEnd(p);
        fields.push(s.slice(p, e));
        p = e;
      }
      if (p >= s.length) return end ? { fields, taken: p } : MORE;
      if (s.charCodeAt(p) === COMMA) {
        p++;
        if (p >= s.length) {
          if (!end) return MORE;
          fields.push('');
          return { fields, taken: p };
        }
        continue;
      }
      return { fields, taken: p + delimiter.length };
    }
  };

  /** The record at `pos`, and `pos` moved past it; MORE when the bytes end before it does; or an error. */
  const readRecord = (end: boolean): string[] | CsvReadError | typeof MORE => {
    const tooLong: CsvReadError = { code: 'CSV_MAX_RECORD_SIZE', after: records };
    if (delimiter !== '') {
      // A line without a quote: decoded and split at its commas.
      const lineEnd = buf.indexOf(delimiterBytes, pos);
      if (lineEnd === -1 && !end) return buf.length - pos > maxRecordBytes ? tooLong : MORE;
      const stop = lineEnd === -1 ? buf.length : lineEnd;
      if (quoteAt === UNKNOWN || (quoteAt !== -1 && quoteAt < pos)) quoteAt = buf.indexOf(QUOTE, pos);
      if (quoteAt === -1 || quoteAt >= stop) {
        if (stop - pos > maxRecordBytes) return tooLong;
        const line = buf.toString('utf8', pos, stop);
        pos = lineEnd === -1 ? buf.length : lineEnd + delimiterBytes.length;
        return line.split(',');
      }
    }
    // Whole lines from `pos`, one more each time the record goes on past them (a quoted line break).
    let segmentEnd = nextBreak(pos, end);
    for (;;) {
      if (segmentEnd === -1) {
        if (!end) return buf.length - pos > maxRecordBytes ? tooLong : MORE;
        segmentEnd = buf.length;
      }
      const s = buf.toString('utf8', pos, segmentEnd);
      const atEnd = end && segmentEnd === buf.length;
      const record = parseRecord(s, atEnd, end || segmentEnd < buf.length);
      if (record === MORE) {
        if (segmentEnd - pos > maxRecordBytes) return tooLong;
        if (segmentEnd === buf.length) return end ? { code: 'CSV_QUOTE_NOT_CLOSED', after: records } : MORE;
        segmentEnd = nextBreak(segmentEnd, end);
        continue;
      }
      if (!('fields' in record)) return record;
      // A record ends at the first line break outside quotes, and `s` ends at the first one after a quote that
      // was still open: the record is all of `s` (whose characters could not be mapped back to bytes one by
      // one, since bytes that are not UTF-8 became U+FFFD).
      if (record.taken !== s.length) throw new Error('the CSV reader lost its place in the file');
      if (segmentEnd - pos > maxRecordBytes) return tooLong;
      pos = segmentEnd;
      return record.fields;
    }
  };

  const drain = function* (end: boolean): Generator<CsvItem, boolean> {
    const batch: string[][] = [];
    while (pos < buf.length) {
      const item = readRecord(end);
      if (item === MORE) break;
      if (!Array.isArray(item)) {
        if (batch.length > 0) yield batch;
        yield item;
        return false;
      }
      records++;
      batch.push(item);
    }
    if (batch.length > 0) yield batch;
    return true;
  };

  const take = (bytes: Buffer) => {
    buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), bytes]) : bytes;
    pos = 0;
    quoteAt = UNKNOWN;
  };

  /** Looks for a byte order mark once 3 bytes are there (or the input ended). */
  const start = (end: boolean): boolean => {
    if (started) return true;
    if (buf.length < 3 && !end) return false;
    started = true;
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    else if (buf[0] === 0xff && buf[1] === 0xfe) {
      utf16 = new TextDecoder('utf-16le');
      const rest = buf.subarray(2);
      buf = Buffer.alloc(0);
      pos = 0;
      take(Buffer.from(utf16.decode(rest, { stream: true }), 'utf8'));
    }
    return true;
  };

  for await (const piece of source) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (bytes.length === 0) continue;
    take(utf16 ? Buffer.from(utf16.decode(bytes, { stream: true }), 'utf8') : bytes);
    if (!start(false)) continue;
    if (!(yield* drain(false))) return;
  }
  if (utf16) take(Buffer.from(utf16.decode(), 'utf8'));
  start(true);
  yield* drain(true);
}
