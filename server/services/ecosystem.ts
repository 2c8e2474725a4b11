import type { ServiceContext } from './context.ts';

/** A database with no organization yet: the demo ecosystem may be loaded into it. */
export async function isEmpty(ctx: ServiceContext): Promise<boolean> {
  const row = await ctx.db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}
