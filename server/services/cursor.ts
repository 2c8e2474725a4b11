/**
 * List cursors: base64url of a small JSON object, opaque to clients. A cursor comes back from the client, so it
 * is input like any other, and its text reaches SQL without passing the edge's check for text the databases
 * cannot store: a NUL in a decoded cursor made PostgreSQL fail the query (a 500). Such a cursor, like one
 * that does not decode to an object, is an invalid cursor; each list then checks the fields it needs.
 */
import { DomainError } from '../errors.ts';

// With the u flag a surrogate matches only when it is not half of a pair.
const unstorable = (text: string) => text.includes('\0') || /[\uD800-\uDFFF]/u.test(text);

export const invalidCursor = (path = 'cursor') => new DomainError('invalid-cursor', undefined, path);

export function encodeCursor(fields: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The cursor's fields; 400 invalid-cursor (at `path`) when it is not one of ours. */
export function readCursor(raw: string, path = 'cursor'): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(path);
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((v) => typeof v === 'string' && unstorable(v))
  ) {
    throw invalidCursor(path);
  }
  return parsed as Record<string, unknown>;
}
