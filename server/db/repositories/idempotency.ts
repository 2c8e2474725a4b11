import type { Insertable } from 'kysely';
import type { Executor } from '../database.ts';
import type { IdempotencyKeysTable } from '../schema.ts';

export async function findIdempotentResponse(db: Executor, organizationId: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response_body', 'resource_id'])
    .where('organization_id', '=', organizationId)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function saveIdempotentResponse(
  db: Executor,
  row: Insertable<IdempotencyKeysTable>,
): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}

/** Keys are kept at least 24 hours (API.md); older ones may be removed. */
export async function deleteIdempotencyKeysBefore(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
