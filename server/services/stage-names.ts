/**
 * An organization's own stage names (SPEC §6, §12 CRM fields): each maps onto a standard sales stage. The
 * stage-change API accepts either name; every deal shows the standard stage and the organization's name for
 * it. Only an entire-company referrals admin (vendor: a vendor-admin) edits the mapping.
 */
import { STANDARD_STAGES } from '../../core/lifecycle.ts';
import type { Actor } from '../access/actor.ts';
import type { Executor } from '../db/database.ts';
import { preparedQuery } from '../db/prepared.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceContext } from './context.ts';
import { mayAdministerNotices } from './notifications.ts';

export interface StageNameOut {
  name: string;
  stage: string;
}

const STANDARD_IDS: readonly string[] = STANDARD_STAGES.map((s) => s.id);
const key = (name: string) => name.trim().toLowerCase();

const stageNamesOfOrganization = preparedQuery((db, p: { organizationId: string }) =>
  db
    .selectFrom('stage_names')
    .select(['name', 'stage'])
    .where('organization_id', '=', p.organizationId)
    .orderBy('position'),
);
export async function stageNamesOf(db: Executor, organizationId: string): Promise<StageNameOut[]> {
  return stageNamesOfOrganization.all(db, { organizationId });
}

export async function getStageNames(ctx: ServiceContext, actor: Actor): Promise<{ stages: StageNameOut[] }> {
  return { stages: await stageNamesOf(ctx.db, actor.organizationId) };
}

/** Replaces the organization's mapping as a whole. */
export async function putStageNames(
  ctx: ServiceContext,
  actor: Actor,
  stages: readonly StageNameOut[],
): Promise<{ stages: StageNameOut[] }> {
  if (!mayAdministerNotices(actor)) throw new DomainError('forbidden');
  const seen = new Set<string>();
  for (const [index, entry] of stages.entries()) {
    const k = key(entry.name);
    if (seen.has(k) || STANDARD_IDS.includes(k) || k === 'won') {
      throw new DomainError(
        'stage-name-conflict',
        seen.has(k)
          ? 'This stage name is listed twice.'
          : 'A stage name must differ from the standard stage names.',
        `stages.${index}.name`,
      );
    }
    seen.add(k);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('stage_names').where('organization_id', '=', actor.organizationId).execute();
    if (stages.length > 0) {
      await trx
        .insertInto('stage_names')
        .values(
          stages.map((entry, position) => ({
            id: newId(),
            organization_id: actor.organizationId,
            name: entry.name.trim(),
            name_key: key(entry.name),
            stage: entry.stage,
            position,
          })),
        )
        .execute();
    }
  });
  return getStageNames(ctx, actor);
}

/** Resolves a stage given by its standard id or by one of the organization's names. */
export async function resolveStage(
  db: Executor,
  organizationId: string,
  given: string,
): Promise<{ stage: string; orgStage: string | null }> {
  if (STANDARD_IDS.includes(given) || given !== given.trim()) return { stage: given, orgStage: null };
  const row = await db
    .selectFrom('stage_names')
    .select(['name', 'stage'])
    .where('organization_id', '=', organizationId)
    .where('name_key', '=', key(given))
    .executeTakeFirst();
  return row ? { stage: row.stage, orgStage: row.name } : { stage: given, orgStage: null };
}

/** The organization's name for a record's stage: the name it set, while it still maps there, else the first. */
export function organizationStageName(
  names: readonly StageNameOut[],
  stage: string,
  setName: string | null,
): string | null {
  if (setName && names.some((n) => n.name === setName && n.stage === stage)) return setName;
  return names.find((n) => n.stage === stage)?.name ?? null;
}
