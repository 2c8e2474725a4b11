/**
 * Deal storage: engagements, participant records, their teams and solutions, notes, favorites.
 * Plain functions, executor first, no business rules (who may do what lives in access/ and core/).
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../database.ts';
import { preparedQuery } from '../prepared.ts';
import type { EngagementsTable, NotesTable, ParticipantsTable, TeamMembersTable } from '../schema.ts';

export type ParticipantRow = ParticipantsTable;
export type EngagementRow = Selectable<EngagementsTable>;

export async function insertEngagement(db: Executor, row: Insertable<EngagementsTable>): Promise<void> {
  await db.insertInto('engagements').values(row).execute();
}

export async function insertParticipant(db: Executor, row: Insertable<ParticipantsTable>): Promise<void> {
  await db.insertInto('participants').values(row).execute();
}

const deleteTeam = preparedQuery((db, p: { participantId: string }) =>
  db.deleteFrom('team_members').where('participant_id', '=', p.participantId),
);
export async function replaceTeam(
  db: Executor,
  participantId: string,
  members: Omit<Insertable<TeamMembersTable>, 'participant_id' | 'position'>[],
): Promise<void> {
  await deleteTeam.all(db, { participantId });
  if (members.length === 0) return;
  await db
    .insertInto('team_members')
    .values(members.map((m, position) => ({ ...m, participant_id: participantId, position })))
    .execute();
}

/**
 * Replaces one organization's members on a record's team and keeps the others (on an invited record the
 * inviter's people stay when the invitee edits its own people).
 */
export async function replaceOrganizationMembers(
  db: Executor,
  participantId: string,
  organizationId: string,
  members: Omit<Insertable<TeamMembersTable>, 'participant_id' | 'position'>[],
): Promise<void> {
  await db
    .deleteFrom('team_members')
    .where('participant_id', '=', participantId)
    .where('organization_id', '=', organizationId)
    .execute();
  if (members.length === 0) return;
  await db
    .insertInto('team_members')
    .values(members.map((m, position) => ({ ...m, participant_id: participantId, position })))
    .execute();
}

const deleteSolutions = preparedQuery((db, p: { participantId: string }) =>
  db.deleteFrom('deal_solutions').where('participant_id', '=', p.participantId),
);
export async function replaceSolutions(
  db: Executor,
  participantId: string,
  solutionIds: string[],
): Promise<void> {
  await deleteSolutions.all(db, { participantId });
  if (solutionIds.length === 0) return;
  await db
    .insertInto('deal_solutions')
    .values(
      solutionIds.map((solution_id, position) => ({ participant_id: participantId, solution_id, position })),
    )
    .execute();
}

/**
 * Compare-and-set write (DESIGN rule 4): changes the record only if it is still at `version`,
 * and bumps the version. Returns false when someone else changed it first.
 */
export async function updateParticipantIfVersion(
  db: Executor,
  id: string,
  version: number,
  changes: Updateable<ParticipantsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('participants')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateEngagementIfVersion(
  db: Executor,
  id: string,
  version: number,
  changes: Updateable<EngagementsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('engagements')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const participantById = preparedQuery((db, p: { id: string }) =>
  db.selectFrom('participants').selectAll().where('id', '=', p.id),
);
export async function getParticipant(db: Executor, id: string): Promise<ParticipantRow | undefined> {
  return participantById.first(db, { id });
}

const engagementById = preparedQuery((db, p: { id: string }) =>
  db.selectFrom('engagements').selectAll().where('id', '=', p.id),
);
export async function getEngagement(db: Executor, id: string): Promise<EngagementRow | undefined> {
  return engagementById.first(db, { id });
}

const participantsOf = preparedQuery((db, p: { engagementIds: readonly string[] }) =>
  db
    .selectFrom('participants as p')
    .innerJoin('organizations as o', 'o.id', 'p.organization_id')
    .select([
      'p.id',
      'p.engagement_id',
      'p.organization_id',
      'p.direction',
      'p.status',
      'p.expires_at',
      'p.help',
      'p.created_at',
      'o.name as organization_name',
      'o.kind as organization_kind',
    ])
    .where('p.engagement_id', 'in', p.engagementIds)
    .orderBy('p.created_at')
    .orderBy('p.id'),
);

/** Every participant record of the given engagements, with its organization. */
export async function participantsOfEngagements(db: Executor, engagementIds: readonly string[]) {
  if (engagementIds.length === 0) return [];
  return participantsOf.all(db, { engagementIds });
}

const teamsOfRecords = preparedQuery((db, p: { participantIds: readonly string[] }) =>
  db
    .selectFrom('team_members as t')
    .innerJoin('organizations as o', 'o.id', 't.organization_id')
    .select([
      't.participant_id',
      't.organization_id',
      't.name',
      't.phone',
      't.email',
      't.email_key',
      'o.name as organization_name',
    ])
    .where('t.participant_id', 'in', p.participantIds)
    .orderBy('t.participant_id')
    .orderBy('t.position'),
);
export async function teamsOf(db: Executor, participantIds: readonly string[]) {
  if (participantIds.length === 0) return [];
  return teamsOfRecords.all(db, { participantIds });
}

const solutionsOfRecord = preparedQuery((db, p: { participantId: string }) =>
  db
    .selectFrom('deal_solutions as ds')
    .innerJoin('solutions as s', 's.id', 'ds.solution_id')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .select(['s.id', 's.name', 's.kind', 's.offer_type', 's.organization_id', 'o.name as publisher_name'])
    .where('ds.participant_id', '=', p.participantId)
    .orderBy('ds.position'),
);
export async function solutionsOf(db: Executor, participantId: string) {
  return solutionsOfRecord.all(db, { participantId });
}

const favoritesAmong = preparedQuery((db, p: { userId: string; participantIds: readonly string[] }) =>
  db
    .selectFrom('favorites')
    .select('participant_id')
    .where('user_id', '=', p.userId)
    .where('participant_id', 'in', p.participantIds),
);
export async function favoriteIds(
  db: Executor,
  userId: string,
  participantIds: readonly string[],
): Promise<Set<string>> {
  if (participantIds.length === 0) return new Set();
  const rows = await favoritesAmong.all(db, { userId, participantIds });
  return new Set(rows.map((r) => r.participant_id));
}

export async function setFavorite(
  db: Executor,
  userId: string,
  participantId: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('favorites')
    .values({ user_id: userId, participant_id: participantId, created_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'participant_id']).doNothing())
    .execute();
}

export async function clearFavorite(db: Executor, userId: string, participantId: string): Promise<void> {
  await db
    .deleteFrom('favorites')
    .where('user_id', '=', userId)
    .where('participant_id', '=', participantId)
    .execute();
}

export async function insertNote(db: Executor, row: Insertable<NotesTable>): Promise<void> {
  await db.insertInto('notes').values(row).execute();
}

export async function notesOf(db: Executor, engagementId: string) {
  return db
    .selectFrom('notes as n')
    .innerJoin('organizations as o', 'o.id', 'n.organization_id')
    .select([
      'n.id',
      'n.body',
      'n.author_name',
      'n.organization_id',
      'o.name as organization_name',
      'n.created_at',
    ])
    .where('n.engagement_id', '=', engagementId)
    .orderBy('n.created_at')
    .orderBy('n.id')
    .execute();
}

export interface ExpiryFilter {
  organizationId?: string;
  participantId?: string;
  /** Every record of the engagements of these records (non-empty): what a deal page or list row shows. */
  sameEngagementAs?: readonly string[];
}

const engagementsOf = (db: Executor, participantIds: readonly string[]) =>
  db.selectFrom('participants as own').select('own.engagement_id').where('own.id', 'in', participantIds);

/**
 * Expires received records whose response window has passed, in one statement, and returns them.
 * The status condition makes it a compare-and-set: a record accepted or expired meanwhile is skipped.
 *
 * The batch is updated in organization order: an expiry rewrites the record's entry in every list
 * index, and those lead with the organization, so neighbouring records share index pages. In id order (the
 * order of `id in (…)`) each record touched pages of its own. Tier M (30,000 due of a million records, on a
 * loaded machine): the sweep's system CPU time halved (10.2 → 5.6 s) and it ran 1.3 times faster.
 */
export async function expireDueRecords(db: Executor, now: string, filter: ExpiryFilter & { limit: number }) {
  let due = db
    .selectFrom('participants')
    .select(['id as due_id', 'organization_id'])
    .where('status', '=', 'received')
    .where('expires_at', '<=', now);
  if (filter.organizationId) due = due.where('organization_id', '=', filter.organizationId);
  if (filter.participantId) due = due.where('id', '=', filter.participantId);
  if (filter.sameEngagementAs)
    due = due.where('engagement_id', 'in', engagementsOf(db, filter.sameEngagementAs));
  return (
    db
      .updateTable('participants')
      // The batch is picked by the (status, expiry) range, then put in organization order. Ordering the pick itself
      // lets the database read an organization-led index across all records instead (PostgreSQL's sweep at tier
      // M fell from 2,941 to 1,939 records/s with it).
      .from(
        db
          .selectFrom(due.limit(filter.limit).as('picked'))
          .select('picked.due_id')
          .orderBy('picked.organization_id')
          .as('due'),
      )
      .set((eb) => ({
        status: 'expired',
        version: eb('participants.version', '+', 1),
        updated_at: now,
        closed_at: now,
      }))
      .whereRef('participants.id', '=', 'due.due_id')
      .where('participants.status', '=', 'received')
      .returning([
        'participants.id',
        'participants.engagement_id',
        'participants.organization_id',
        'participants.version',
      ])
      .execute()
  );
}

// Every list asks this of the caller's organization first.
const dueInOrganization = preparedQuery((db, p: { now: string; organizationId: string }) =>
  db
    .selectFrom('participants')
    .select('id')
    .where('status', '=', 'received')
    .where('expires_at', '<=', p.now)
    .where('organization_id', '=', p.organizationId)
    .limit(1),
);

/** Is there a received record of this scope that is already past its deadline? (cheap, indexed) */
export async function hasDueRecords(db: Executor, now: string, filter: ExpiryFilter): Promise<boolean> {
  const { organizationId, participantId, sameEngagementAs } = filter;
  if (organizationId && !participantId && !sameEngagementAs) {
    return (await dueInOrganization.first(db, { now, organizationId })) !== undefined;
  }
  let query = db
    .selectFrom('participants')
    .select('id')
    .where('status', '=', 'received')
    .where('expires_at', '<=', now);
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  if (filter.participantId) query = query.where('id', '=', filter.participantId);
  if (filter.sameEngagementAs)
    query = query.where('engagement_id', 'in', engagementsOf(db, filter.sameEngagementAs));
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}
