/**
 * The deal lists' search box through the substring indexes of migration 0006 (trigram FTS5 on SQLite, trigram
 * GIN on PostgreSQL).
 *
 * A list searched for `q` either walks the view in its sort order and tests each record (cheap when many
 * records match: a page fills quickly) or starts from the records whose text contains `q` (cheap when few do).
 * Neither engine can tell which beforehand, so the index is asked first, with a cap: when at most `cap` records
 * and at most `cap` notes contain `q` anywhere, their records are the candidates and the list reads only those;
 * otherwise `q` is common and the walk is the right plan. The candidates are a superset of the matches of the
 * caller's view (every organization's records, before the visibility predicate): the list query still applies
 * visibility, the view, the filters and the exact substring test to them.
 */
import { sql } from 'kysely';
import { escapeLike } from '../../../core/text.ts';
import type { Executor } from '../database.ts';
import type { Dialect } from '../dialect.ts';
import { likeEscaped } from '../like.ts';

/** Trigram indexes find substrings of at least three characters; a shorter `q` walks the view. */
export const MIN_INDEXED_SEARCH_LENGTH = 3;

/**
 * Participant ids whose record text contains `needle` (normalized, see core/text.ts), with the organization's
 * records of engagements whose notes contain it; or null when the index cannot help: `needle` is too short, or more than `cap` records or notes contain it.
 */
export async function searchCandidates(
  db: Executor,
  dialect: Dialect,
  needle: string,
  options: { cap: number; organizationId: string },
): Promise<string[] | null> {
  const { cap, organizationId } = options;
  if ([...needle].length < MIN_INDEXED_SEARCH_LENGTH) return null;
  const records = await recordsContaining(db, dialect, needle, cap + 1);
  if (records.length > cap) return null;
  const engagements = await engagementsWithNotesContaining(db, dialect, needle, cap + 1);
  if (engagements.length > cap) return null;
  const ids = new Set(records);
  if (engagements.length > 0) {
    const viaNotes = await db
      .selectFrom('participants')
      .select('id')
      .where('engagement_id', 'in', [...new Set(engagements)])
      .where('organization_id', '=', organizationId)
      .execute();
    for (const row of viaNotes) ids.add(row.id);
  }
  return [...ids];
}

/** An FTS5 phrase: the trigram tokenizer matches it as a substring. Quotes are doubled inside. */
const ftsPhrase = (needle: string) => `"${needle.replaceAll('"', '""')}"`;

const likePattern = (needle: string) => `%${escapeLike(needle)}%`;

async function recordsContaining(db: Executor, dialect: Dialect, needle: string, limit: number) {
  if (dialect === 'postgres') {
    const rows = await db
      .selectFrom('participants')
      .select('id')
      .where(likeEscaped(sql.ref('search_text'), likePattern(needle)))
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
  const rows = await sql<{ participant_id: string }>`
    select r.participant_id from participants_fts f
    join participant_search_rows r on r.rowid = f.rowid
    where participants_fts match ${ftsPhrase(needle)} limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.participant_id);
}

async function engagementsWithNotesContaining(db: Executor, dialect: Dialect, needle: string, limit: number) {
  if (dialect === 'postgres') {
    const rows = await db
      .selectFrom('notes')
      .select('engagement_id')
      .where(likeEscaped(sql.ref('body_search'), likePattern(needle)))
      .limit(limit)
      .execute();
    return rows.map((r) => r.engagement_id);
  }
  const rows = await sql<{ engagement_id: string }>`
    select r.engagement_id from notes_fts f
    join note_search_rows r on r.rowid = f.rowid
    where notes_fts match ${ftsPhrase(needle)} limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.engagement_id);
}
