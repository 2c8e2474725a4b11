/**
 * The shared notes thread and the caller's own heart. A note is appended through the deal's mutation
 * path (If-Match checked, lifecycle checked, event written) without changing the record's version;
 * a favorite is the user's bookmark, not a change to the deal.
 */
import type { Actor } from '../access/actor.ts';
import { clearFavorite, setFavorite } from '../db/repositories/deals.ts';
import { nowIso, type ServiceContext } from './context.ts';
import { findVisibleRecord } from './deal-view.ts';
import { mutateDeal } from './mutate-deal.ts';
import { addNoteInScope } from './transition-deal.ts';

export async function addNote(ctx: ServiceContext, actor: Actor, id: string, version: number, body: string) {
  let noteId = '';
  let createdAt = '';
  await mutateDeal(ctx, actor, id, version, 'addNote', async (scope) => {
    noteId = await addNoteInScope(scope, actor, body);
    createdAt = scope.now;
  });
  return {
    id: noteId,
    body,
    author: { name: actor.name, organization: { id: actor.organizationId, name: actor.organizationName } },
    createdAt,
  };
}

export async function markFavorite(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  favorite: boolean,
): Promise<void> {
  const record = await findVisibleRecord(ctx.db, actor, id);
  if (favorite) await setFavorite(ctx.db, actor.userId, record.id, nowIso(ctx));
  else await clearFavorite(ctx.db, actor.userId, record.id);
}
