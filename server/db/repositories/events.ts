import type { Executor } from '../database.ts';

export interface NewEvent {
  id: string;
  type: string;
  engagementId: string | null;
  participantId: string | null;
  organizationId: string | null;
  visibility: 'engagement' | 'organization';
  actor: { userId: string | null; name: string | null; organizationId: string | null };
  data: unknown;
  createdAt: string;
}

/** Writes audit + outbox rows. Call it with the transaction that makes the change (DESIGN rule 5). */
export async function insertEvents(db: Executor, events: readonly NewEvent[]): Promise<void> {
  // In statements of at most 1,000 rows: SQLite takes at most 32,766 parameters per statement.
  for (let start = 0; start < events.length; start += 1000) {
    await insertEventRows(db, events.slice(start, start + 1000));
  }
}

async function insertEventRows(db: Executor, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('events')
    .values(
      events.map((e) => ({
        id: e.id,
        type: e.type,
        engagement_id: e.engagementId,
        participant_id: e.participantId,
        organization_id: e.organizationId,
        visibility: e.visibility,
        actor_user_id: e.actor.userId,
        actor_name: e.actor.name,
        actor_org_id: e.actor.organizationId,
        data: JSON.stringify(e.data),
        created_at: e.createdAt,
        dispatch_state: 'pending' as const,
        attempts: 0,
      })),
    )
    .execute();
}

/**
 * Timeline entries of an engagement that one organization may see: shared ones and its own. Reminders are
 * notices, not changes: they stay out of the timeline.
 */
export async function activityOf(db: Executor, engagementId: string, organizationId: string) {
  return db
    .selectFrom('events as ev')
    .leftJoin('organizations as actor_org', 'actor_org.id', 'ev.actor_org_id')
    .leftJoin('organizations as subject_org', 'subject_org.id', 'ev.organization_id')
    .select([
      'ev.id',
      'ev.seq',
      'ev.type',
      'ev.data',
      'ev.created_at',
      'ev.actor_name',
      'ev.actor_org_id',
      'actor_org.name as actor_org_name',
      'ev.organization_id',
      'subject_org.name as subject_org_name',
    ])
    .where('ev.engagement_id', '=', engagementId)
    .where('ev.type', '!=', 'deal.reminder')
    .where((eb) =>
      eb.or([eb('ev.visibility', '=', 'engagement'), eb('ev.organization_id', '=', organizationId)]),
    )
    .orderBy('ev.seq')
    .execute();
}
