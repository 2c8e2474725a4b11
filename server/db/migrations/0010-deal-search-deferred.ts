/**
 * 0010_deal_search_deferred (SQLite): the deal search index (migration 0006's trigram FTS5 tables) is written
 * once per COMMIT instead of once per record.
 *
 * FTS5 writes what it has buffered to disk at every savepoint, and every write through a trigger opens one (a
 * statement savepoint), as does every work of a group commit. Each participant record written then cost a new
 * index segment and its merges: about 0.5 ms of CPU per record at 50,000 records, against 0.03 ms for the
 * record and its eleven other indexes (measured on tier S of `npm run bench`). The triggers now only note which
 * search rows are stale (`*_search_pending`); the group commit brings the index up to date in one statement
 * before its COMMIT (repositories/deal-search.ts, syncSqliteDealSearch), in the same transaction, so what is
 * committed is indexed. A reader treats pending rows as candidates (they are few: those of writes outside a
 * group commit, until the next one), so the answer never misses a record.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { SQLITE_DEAL_SEARCH_TRIGGERS } from './0006-deal-search.ts';

export async function dealSearchDeferred(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  // Row numbers of participant_search_rows / note_search_rows whose index entry must be (re)written.
  await sql`create table participant_search_pending (rowid integer primary key)`.execute(db);
  await sql`create table note_search_pending (rowid integer primary key)`.execute(db);
  for (const name of SQLITE_DEAL_SEARCH_TRIGGERS) await sql`drop trigger ${sql.id(name)}`.execute(db);
  await createDeferredDealSearchTriggers(db);
}

/**
 * The triggers that keep the SQLite search tables in step with their tables since this migration (same names as
 * 0006's). A deletion still removes the index entry at once: rare, and a deleted record must not be found.
 * (Inside a trigger, last_insert_rowid() is the row number the trigger's own insert just took.)
 */
export async function createDeferredDealSearchTriggers<DB>(db: Kysely<DB>): Promise<void> {
  await sql`create trigger participants_search_insert after insert on participants begin
    insert into participant_search_rows (participant_id) values (new.id);
    insert into participant_search_pending (rowid) values (last_insert_rowid());
  end`.execute(db);
  await sql`create trigger participants_search_update after update of search_text on participants begin
    insert or ignore into participant_search_pending (rowid)
      select rowid from participant_search_rows where participant_id = new.id;
  end`.execute(db);
  await sql`create trigger participants_search_delete after delete on participants begin
    delete from participants_fts
      where rowid = (select rowid from participant_search_rows where participant_id = old.id);
    delete from participant_search_pending
      where rowid = (select rowid from participant_search_rows where participant_id = old.id);
    delete from participant_search_rows where participant_id = old.id;
  end`.execute(db);
  await sql`create trigger notes_search_insert after insert on notes begin
    insert into note_search_rows (note_id, engagement_id) values (new.id, new.engagement_id);
    insert into note_search_pending (rowid) values (last_insert_rowid());
  end`.execute(db);
  await sql`create trigger notes_search_update after update of body_search on notes begin
    insert or ignore into note_search_pending (rowid)
      select rowid from note_search_rows where note_id = new.id;
  end`.execute(db);
  await sql`create trigger notes_search_delete after delete on notes begin
    delete from notes_fts where rowid = (select rowid from note_search_rows where note_id = old.id);
    delete from note_search_pending where rowid = (select rowid from note_search_rows where note_id = old.id);
    delete from note_search_rows where note_id = old.id;
  end`.execute(db);
}
