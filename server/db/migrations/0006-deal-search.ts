/**
 * 0006_deal_search: substring indexes for the deal lists' search box (`q`), and the list index for a status
 * filter.
 *
 * `q` matches a substring of a record's name and customer (`participants.search_text`) or of a note on its
 * engagement (`notes.body_search`). Without an index the list walks the organization's whole view and tests
 * every record: a word no record has read all of a large partner's records (seconds per request at a million
 * records, `npm run bench -- http`). With these indexes a rare word finds its few records directly
 * (server/db/repositories/deal-search.ts says when the list uses them).
 *
 * - PostgreSQL: trigram GIN indexes (`pg_trgm`, a trusted extension: the database owner may create it).
 * - SQLite: FTS5 tables with the trigram tokenizer, kept by triggers, so no write path can forget them. They
 *   are contentless (the text stays in its table) and keyed by a row number of their own (`*_search_rows`,
 *   an INTEGER PRIMARY KEY): an FTS5 index keyed by the rowid of a table whose key is text would silently point
 *   at the wrong rows after a VACUUM, which may renumber such rowids.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function dealSearch(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // A status filter (e.g. the deals waiting for an answer) on a large view: one ordered range, instead of every
  // record of that status sorted. Status comes before the view: led by (organization, view) this index was
  // mistaken for the view's own and used, with a sort of the whole view, for lists without a status filter.
  await db.schema
    .createIndex('participants_status_view_updated_at')
    .on('participants')
    .columns(['organization_id', 'status', 'list_view', 'updated_at', 'id'])
    .execute();
  if (dialect === 'sqlite') {
    // Where the database has statistics (ANALYZE ran), a new index without them looks more selective than it is:
    // SQLite then read an unfiltered list through it and sorted the whole view. Give it its statistics.
    const analyzed = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db);
    if (analyzed.rows.length > 0) await sql`analyze participants_status_view_updated_at`.execute(db);
  }

  if (dialect === 'postgres') {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index participants_search_trgm on participants using gin (search_text gin_trgm_ops)`.execute(
      db,
    );
    await sql`create index notes_search_trgm on notes using gin (body_search gin_trgm_ops)`.execute(db);
    return;
  }
  await sql`create table participant_search_rows (
    rowid integer primary key,
    participant_id text not null unique references participants (id)
  )`.execute(db);
  await sql`create virtual table participants_fts using fts5(
    search_text, content = '', contentless_delete = 1, tokenize = 'trigram'
  )`.execute(db);
  await sql`create table note_search_rows (
    rowid integer primary key,
    note_id text not null unique references notes (id),
    engagement_id text not null
  )`.execute(db);
  await sql`create virtual table notes_fts using fts5(
    body_search, content = '', contentless_delete = 1, tokenize = 'trigram'
  )`.execute(db);
  await fillSqliteDealSearch(db);
  await createSqliteDealSearchTriggers(db);
}

/** Indexes every participant record and note not indexed yet (SQLite). */
export async function fillSqliteDealSearch<DB>(db: Kysely<DB>): Promise<void> {
  await sql`insert into participant_search_rows (participant_id)
    select id from participants where id not in (select participant_id from participant_search_rows)`.execute(
    db,
  );
  await sql`insert into participants_fts (rowid, search_text)
    select r.rowid, p.search_text from participant_search_rows r join participants p on p.id = r.participant_id
    where r.rowid > coalesce((select max(rowid) from participants_fts), 0)`.execute(db);
  await sql`insert into note_search_rows (note_id, engagement_id)
    select id, engagement_id from notes where id not in (select note_id from note_search_rows)`.execute(db);
  await sql`insert into notes_fts (rowid, body_search)
    select r.rowid, n.body_search from note_search_rows r join notes n on n.id = r.note_id
    where r.rowid > coalesce((select max(rowid) from notes_fts), 0)`.execute(db);
}

export const SQLITE_DEAL_SEARCH_TRIGGERS = [
  'participants_search_insert',
  'participants_search_update',
  'participants_search_delete',
  'notes_search_insert',
  'notes_search_update',
  'notes_search_delete',
] as const;

/**
 * The triggers that keep the SQLite search tables in step with their tables. (Inside a trigger,
 * last_insert_rowid() is the row number the trigger's own insert just took.)
 */
export async function createSqliteDealSearchTriggers<DB>(db: Kysely<DB>): Promise<void> {
  await sql`create trigger participants_search_insert after insert on participants begin
    insert into participant_search_rows (participant_id) values (new.id);
    insert into participants_fts (rowid, search_text) values (last_insert_rowid(), new.search_text);
  end`.execute(db);
  await sql`create trigger participants_search_update after update of search_text on participants begin
    delete from participants_fts
      where rowid = (select rowid from participant_search_rows where participant_id = old.id);
    insert into participants_fts (rowid, search_text)
      select rowid, new.search_text from participant_search_rows where participant_id = new.id;
  end`.execute(db);
  await sql`create trigger participants_search_delete after delete on participants begin
    delete from participants_fts
      where rowid = (select rowid from participant_search_rows where participant_id = old.id);
    delete from participant_search_rows where participant_id = old.id;
  end`.execute(db);
  await sql`create trigger notes_search_insert after insert on notes begin
    insert into note_search_rows (note_id, engagement_id) values (new.id, new.engagement_id);
    insert into notes_fts (rowid, body_search) values (last_insert_rowid(), new.body_search);
  end`.execute(db);
  await sql`create trigger notes_search_update after update of body_search on notes begin
    delete from notes_fts where rowid = (select rowid from note_search_rows where note_id = old.id);
    insert into notes_fts (rowid, body_search)
      select rowid, new.body_search from note_search_rows where note_id = new.id;
  end`.execute(db);
  await sql`create trigger notes_search_delete after delete on notes begin
    delete from notes_fts where rowid = (select rowid from note_search_rows where note_id = old.id);
    delete from note_search_rows where note_id = old.id;
  end`.execute(db);
}
