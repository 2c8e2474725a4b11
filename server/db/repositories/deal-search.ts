/**
 * The deal lists' search box through the substring indexes of migration 0006 (trigram FTS5 on SQLite, written
 * once per COMMIT since migration 0010; trigram GIN on PostgreSQL).
 *
 * A list searched for `q` either walks the view in its sort order and tests each record (cheap when many
 * records match: a page fills quickly) or starts from the records whose text contains `q` (cheap when few do).
 * Neither engine can always tell which beforehand (PostgreSQL's statistics tell a common word), so the index is
 * asked, with a cap: when at most `cap` records and at most `cap` notes contain `q` anywhere, their records are
 * the candidates and the list reads only those; otherwise `q` is common and the walk is the right plan. The candidates are a superset of the matches of the
 * caller's view (every organization's records, before the visibility predicate): the list query still applies
 * visibility, the view, the filters and the exact substring test to them.
 */
import { type RawBuilder, sql } from 'kysely';
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
  const { records, notes } = dialect === 'postgres' ? postgresMatches(needle) : sqliteMatches(needle);
  let recordIds: string[];
  let noteEngagementIds: string[];
  if (dialect === 'postgres') {
    // A word PostgreSQL's statistics already show to be common is not looked up: reading `cap` matches read
    // thousands of rows (about 5 of the 8 ms PostgreSQL spent per page of a common word at tier M). Its estimate
    // of a substring match comes from the column's sample of values: a common word is estimated near its true
    // count, and a word no sampled value contains gets a small default, so such words are still looked up. A
    // wrong guess costs speed, not correctness: both ways give the same page.
    if ((await estimatedRows(db, records.probe)) > cap * COMMON_ESTIMATE_FACTOR) return null;
    // Each statement is a round trip: the matches of the records and of the notes, up to one over the cap each,
    // come in one (a word nobody has took four statements counting and reading).
    const matches = await sql<{ kind: 'record' | 'note'; id: string }>`
      select 'record' as kind, id from (${records.ids} limit ${cap + 1}) r
      union all select 'note' as kind, id from (${notes.ids} limit ${cap + 1}) n`.execute(db);
    recordIds = matches.rows.filter((m) => m.kind === 'record').map((m) => m.id);
    noteEngagementIds = matches.rows.filter((m) => m.kind === 'note').map((m) => m.id);
    if (recordIds.length > cap || noteEngagementIds.length > cap) return null;
  } else {
    // Counted first, so a common word costs one number from the database rather than `cap` ids.
    if ((await countUpTo(db, records.probe, cap + 1)) > cap) return null;
    if ((await countUpTo(db, notes.probe, cap + 1)) > cap) return null;
    recordIds = (await records.ids.execute(db)).rows.map((r) => r.id);
    noteEngagementIds = (await notes.ids.execute(db)).rows.map((r) => r.id);
  }
  const ids = new Set(recordIds);
  const engagements = [...new Set(noteEngagementIds)];
  if (engagements.length > 0) {
    const viaNotes = await db
      .selectFrom('participants')
      .select('id')
      .where('engagement_id', 'in', engagements)
      .where('organization_id', '=', organizationId)
      .execute();
    for (const row of viaNotes) ids.add(row.id);
  }
  return [...ids];
}

interface Matches {
  /** Any row per match: what is counted. */
  probe: RawBuilder<unknown>;
  /** The participant ids (records) or engagement ids (notes) of the matches, as `id`. */
  ids: RawBuilder<{ id: string }>;
}

/**
 * How far over the cap PostgreSQL's estimate must be for a word to be taken as common without counting. The
 * estimate of a word in a few percent of the records is off by about a third (a sample of 100 values), so a
 * word estimated at three times the cap has hardly ever fewer than the cap.
 */
const COMMON_ESTIMATE_FACTOR = 3;

/** PostgreSQL's estimate of the rows of `query` (planned, not run). */
async function estimatedRows(db: Executor, query: RawBuilder<unknown>): Promise<number> {
  const result = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) ${query}`.execute(db);
  const raw = result.rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: { 'Plan Rows': number } }];
  return plan[0].Plan['Plan Rows'];
}

async function countUpTo(db: Executor, probe: RawBuilder<unknown>, limit: number): Promise<number> {
  const result = await sql<{
    n: number | string;
  }>`select count(*) as n from (${probe} limit ${limit}) m`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** An FTS5 phrase: the trigram tokenizer matches it as a substring. Quotes are doubled inside. */
const ftsPhrase = (needle: string) => `"${needle.replaceAll('"', '""')}"`;

export function sqliteMatches(needle: string): { records: Matches; notes: Matches } {
  const phrase = ftsPhrase(needle);
  // Rows whose index entry is not written yet (migration 0010) are candidates whatever their text: the list
  // tests the text itself. CROSS JOIN keeps SQLite reading from the (small) pending table: with a plain join
  // it read every search row to probe the pending ones (1 s per page at a million records, `npm run bench`).
  // Duplicates (a pending row also in the index) are dropped by the caller.
  return {
    records: {
      probe: sql`select rowid from participants_fts where participants_fts match ${phrase}
        union all select rowid from participant_search_pending`,
      ids: sql`select r.participant_id as id from participants_fts f
          join participant_search_rows r on r.rowid = f.rowid where participants_fts match ${phrase}
        union all select r.participant_id from participant_search_pending q
          cross join participant_search_rows r on r.rowid = q.rowid`,
    },
    notes: {
      probe: sql`select rowid from notes_fts where notes_fts match ${phrase}
        union all select rowid from note_search_pending`,
      ids: sql`select r.engagement_id as id from notes_fts f
          join note_search_rows r on r.rowid = f.rowid where notes_fts match ${phrase}
        union all select r.engagement_id from note_search_pending q
          cross join note_search_rows r on r.rowid = q.rowid`,
    },
  };
}

/**
 * Writes the pending entries of the SQLite search index (migration 0010): in one statement per table, outside any
 * savepoint, so FTS5 writes one segment for all of them. The group commit calls it in its transaction, before
 * COMMIT.
 */
export async function syncSqliteDealSearch(db: Executor): Promise<void> {
  const pending = await sql<{ records: number; notes: number }>`select
    exists (select 1 from participant_search_pending) as records,
    exists (select 1 from note_search_pending) as notes`.execute(db);
  const { records, notes } = pending.rows[0] ?? { records: 0, notes: 0 };
  if (records) {
    // A renamed record's old entry goes first (deleting an entry that was never written is harmless).
    await sql`delete from participants_fts where rowid in (select rowid from participant_search_pending)`.execute(
      db,
    );
    await sql`insert into participants_fts (rowid, search_text)
      select q.rowid, p.search_text from participant_search_pending q
      join participant_search_rows r on r.rowid = q.rowid join participants p on p.id = r.participant_id
      order by q.rowid`.execute(db);
    await sql`delete from participant_search_pending`.execute(db);
  }
  if (notes) {
    await sql`delete from notes_fts where rowid in (select rowid from note_search_pending)`.execute(db);
    await sql`insert into notes_fts (rowid, body_search)
      select q.rowid, n.body_search from note_search_pending q
      join note_search_rows r on r.rowid = q.rowid join notes n on n.id = r.note_id
      order by q.rowid`.execute(db);
    await sql`delete from note_search_pending`.execute(db);
  }
}

function postgresMatches(needle: string): { records: Matches; notes: Matches } {
  const pattern = `%${escapeLike(needle)}%`;
  return {
    records: {
      probe: sql`select 1 from participants where ${likeEscaped(sql.ref('search_text'), pattern)}`,
      ids: sql`select id from participants where ${likeEscaped(sql.ref('search_text'), pattern)}`,
    },
    notes: {
      probe: sql`select 1 from notes where ${likeEscaped(sql.ref('body_search'), pattern)}`,
      ids: sql`select engagement_id as id from notes where ${likeEscaped(sql.ref('body_search'), pattern)}`,
    },
  };
}
