/**
 * The search box's first step (server/db/repositories/deal-search.ts): whether the substring index is asked for
 * candidates or the word is common and the view is walked. On PostgreSQL a word its statistics show to be common
 * is not counted at all; a word they do not know is counted on both engines.
 */
import { type KyselyPlugin, RawNode, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCandidates, syncSqliteDealSearch } from '../server/db/repositories/deal-search.ts';
import { insertEngagement, insertParticipant } from '../server/db/repositories/deals.ts';
import { newId } from '../server/ids.ts';
import { makeOrg } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

const RECORDS = 300;
const CAP = 20;

describe.each(DIALECTS)('search candidates on %s', (dialect) => {
  let env: TestEnv;
  let organizationId: string;
  let rareId: string;
  beforeAll(async () => {
    env = await createTestEnv(dialect);
    const org = await makeOrg(env.ctx, { name: 'Search Partner' });
    organizationId = org.id;
    const now = env.ctx.clock.now().toISOString();
    for (let i = 0; i < RECORDS; i++) {
      const engagementId = newId();
      await insertEngagement(env.ctx.db, {
        id: engagementId,
        type: 'private',
        created_by_org_id: org.id,
        customer_company_id: null,
        customer_name: 'Fabrikam',
        customer_duns: null,
        customer_website: null,
        customer_address_line1: null,
        customer_city: 'Lund',
        customer_region: null,
        customer_postal_code: null,
        customer_country: 'SE',
        customer_verified: 0,
        contact_name: null,
        contact_phone: null,
        contact_email: null,
        consent_share_contact: 0,
        consent_given_at: null,
        version: 1,
        created_at: now,
        updated_at: now,
      });
      const id = newId();
      // Most records hold the common word; one holds a word nothing else has;
      // and one in twelve a word that is over the cap but that the statistics cannot tell from a rare one.
      const name =
        i === 7 ? `Rarity ${i}` : i % 12 === 1 ? `Medium ${i}` : i % 5 === 0 ? `Other ${i}` : `Common ${i}`;
      if (i === 7) rareId = id;
      await insertParticipant(env.ctx.db, {
        id,
        engagement_id: engagementId,
        organization_id: org.id,
        location_id: org.locations[0]?.id as string,
        direction: 'outbound',
        status: 'accepted',
        sales_stage: 'qualified',
        name,
        search_text: `${name.toLowerCase()} fabrikam ${i}`,
        value_minor: 100_000,
        currency: 'USD',
        close_date: '2026-12-31',
        crm_id: null,
        campaign_id: null,
        help: 'none',
        invited_by_org_id: null,
        invitation_notes: null,
        received_at: null,
        expires_at: null,
        reason: null,
        reason_notes: null,
        version: 1,
        created_at: now,
        updated_at: now,
        closed_at: null,
      });
    }
    if (dialect === 'sqlite') await syncSqliteDealSearch(env.ctx.db);
    else await sql`analyze participants`.execute(env.ctx.db);
  });
  afterAll(async () => env?.close());

  /** searchCandidates with the first words of each statement it ran. */
  async function candidatesOf(needle: string) {
    const statements: string[] = [];
    const recorder: KyselyPlugin = {
      transformQuery: (args) => {
        if (RawNode.is(args.node))
          statements.push((args.node.sqlFragments[0] ?? '').trim().split(/\s+/).slice(0, 3).join(' '));
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const ids = await searchCandidates(env.ctx.db.withPlugin(recorder), dialect, needle, {
      cap: CAP,
      organizationId,
    });
    return { ids, statements };
  }

  it('a common word: no candidates (the view is walked); PostgreSQL knows it from its statistics', async () => {
    const { ids, statements } = await candidatesOf('common');
    expect(ids).toBeNull();
    if (dialect === 'postgres') expect(statements).toEqual(['explain (format json)']);
    else expect(statements).toEqual(['select count(*) as']);
  });

  it('a rare word is looked up on both engines; on PostgreSQL in one statement after the estimate', async () => {
    const { ids, statements } = await candidatesOf('rarity');
    expect(ids).toEqual([rareId]);
    if (dialect === 'postgres') expect(statements).toEqual(['explain (format json)', "select 'record' as"]);
    else expect(statements.filter((s) => s.startsWith('select count(*)'))).toHaveLength(2);
  });

  it('a word over the cap that the statistics do not show: no candidates, found by looking it up', async () => {
    const { ids, statements } = await candidatesOf('medium');
    expect(ids).toBeNull();
    if (dialect === 'postgres') expect(statements).toEqual(['explain (format json)', "select 'record' as"]);
    else expect(statements).toEqual(['select count(*) as']);
  });
});
