/**
 * Duplicate check before create (SPEC §15): the caller's visible open deals that are likely the same
 * opportunity — the same customer D-U-N-S, the same customer website domain, or the same normalized
 * customer name + city + country. The check runs on its own (`POST /deals/duplicates`) and inside the
 * create transaction (409 `possible-duplicate` unless the body confirms).
 *
 * Two queries whatever the number of matches: the candidates (the engagements found through the indexed keys,
 * joined to the caller's visible records) and their participants. Only records `visibleDeals(actor)` admits are ever
 * read, so a deal the caller cannot see neither appears nor changes the answer. The check writes nothing:
 * a received record already past its deadline counts as expired.
 */
import { sql } from 'kysely';
import { companyNameKey, customerKey, websiteDomain } from '../../core/customer-keys.ts';
import type {
  CreateDealBody,
  DealSummaryOut,
  DuplicateCandidateOut,
  DuplicateCheckBody,
  DuplicateReason,
} from '../../core/schemas.ts';
import type { Actor } from '../access/actor.ts';
import { visibleDeals } from '../access/visibility.ts';
import type { Executor } from '../db/database.ts';
import { getCompany } from '../db/repositories/catalog.ts';
import { participantsOfEngagements } from '../db/repositories/deals.ts';
import { invalid } from '../errors.ts';
import type { ServiceContext } from './context.ts';
import { presentSummary } from './deal-view.ts';

/** At most this many candidates: the most likely ones. */
export const MAX_DUPLICATES = 20;

/** The customer a body names (a directory entity or one entered by hand) as the engagement stores it. */
export async function resolveCustomer(db: Executor, customer: CreateDealBody['customer']) {
  if ('companyId' in customer) {
    const company = await getCompany(db, customer.companyId);
    if (!company) throw invalid('customer.companyId', 'No such company in the directory.');
    return {
      customer_company_id: company.id,
      customer_name: company.name,
      customer_duns: company.duns,
      customer_website: company.website,
      customer_address_line1: company.address_line1,
      customer_city: company.city,
      customer_region: company.region,
      customer_postal_code: company.postal_code,
      customer_country: company.country,
      customer_verified: 1 as const,
      customer_domain: company.domain ?? websiteDomain(company.website),
      customer_key: customerKey(company.name, company.city, company.country),
    };
  }
  return {
    customer_company_id: null,
    customer_name: customer.name,
    customer_duns: customer.duns ?? null,
    customer_website: customer.website ?? null,
    customer_address_line1: customer.address.addressLine1 ?? null,
    customer_city: customer.address.city,
    customer_region: customer.address.region ?? null,
    customer_postal_code: customer.address.postalCode ?? null,
    customer_country: customer.address.country,
    // Entered by hand: not a verified directory entity (SPEC §3).
    customer_verified: 0 as const,
    customer_domain: websiteDomain(customer.website),
    customer_key: customerKey(customer.name, customer.address.city, customer.address.country),
  };
}

export type ResolvedCustomer = Awaited<ReturnType<typeof resolveCustomer>>;

/** `POST /deals/duplicates`: the candidates for the customer of a (partial) create body. */
export async function checkDuplicates(
  ctx: ServiceContext,
  actor: Actor,
  body: DuplicateCheckBody,
): Promise<{ items: DuplicateCandidateOut[] }> {
  const customer = await resolveCustomer(ctx.db, body.customer);
  return { items: await findDuplicates(ctx.db, actor, customer, ctx.clock.now().toISOString()) };
}

/**
 * The caller's visible open records (received or accepted) whose engagement shares a key with `customer`,
 * most reasons first, then most recently updated; at most MAX_DUPLICATES.
 */
export async function findDuplicates(
  db: Executor,
  actor: Actor,
  customer: Pick<ResolvedCustomer, 'customer_duns' | 'customer_domain' | 'customer_key' | 'customer_name'>,
  now: string,
): Promise<DuplicateCandidateOut[]> {
  const keys: {
    reason: DuplicateReason;
    column: 'customer_duns' | 'customer_domain' | 'customer_key';
    value: string;
  }[] = [];
  if (customer.customer_duns)
    keys.push({ reason: 'duns', column: 'customer_duns', value: customer.customer_duns });
  if (customer.customer_domain)
    keys.push({ reason: 'domain', column: 'customer_domain', value: customer.customer_domain });
  // A name that is nothing but legal forms or punctuation says nothing about the customer.
  if (companyNameKey(customer.customer_name) !== '')
    keys.push({ reason: 'name-city-country', column: 'customer_key', value: customer.customer_key });
  if (keys.length === 0) return [];

  const matches = sql.join(
    keys.map((k) => sql`case when ${sql.ref(`e.${k.column}`)} = ${k.value} then 1 else 0 end`),
    sql` + `,
  );
  const rows = await db
    .selectFrom('participants as p')
    .innerJoin('engagements as e', 'e.id', 'p.engagement_id')
    .innerJoin('locations as l', 'l.id', 'p.location_id')
    .select((eb) => [
      'p.id',
      'p.engagement_id',
      'p.direction',
      'p.status',
      'p.sales_stage',
      'p.name',
      'p.location_id',
      'p.value_minor',
      'p.currency',
      'p.close_date',
      'p.expires_at',
      'p.version',
      'p.created_at',
      'p.updated_at',
      'e.type',
      'e.customer_name',
      'e.customer_city',
      'e.customer_country',
      'e.customer_duns',
      'e.customer_domain',
      'e.customer_key',
      'l.name as location_name',
      'l.country as location_country',
      'l.city as location_city',
      eb
        .exists(
          eb
            .selectFrom('favorites as f')
            .select('f.user_id')
            .whereRef('f.participant_id', '=', 'p.id')
            .where('f.user_id', '=', actor.userId),
        )
        .as('favorite'),
    ])
    .where(visibleDeals(actor))
    .where((eb) =>
      eb.or([
        eb('p.status', '=', 'accepted'),
        eb.and([eb('p.status', '=', 'received'), eb('p.expires_at', '>', now)]),
      ]),
    )
    // The engagements sharing a key, one index lookup per key; each reaches the caller's record through the
    // (engagement, organization) unique index. (An OR over the joined columns lets SQLite start from all the
    // organization's records instead.)
    .where('p.engagement_id', 'in', (eb) => {
      const [first, ...rest] = keys.map((k) =>
        eb.selectFrom('engagements as m').select('m.id').where(`m.${k.column}`, '=', k.value),
      );
      return rest.reduce((union, q) => union.unionAll(q), first as NonNullable<typeof first>);
    })
    .orderBy(sql`${matches}`, 'desc')
    .orderBy('p.updated_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(MAX_DUPLICATES)
    .execute();

  const participants = await participantsOfEngagements(
    db,
    rows.map((r) => r.engagement_id),
  );
  const shownStatus = (status: string, expiresAt: string | null) =>
    (status === 'received' && expiresAt !== null && expiresAt <= now
      ? 'expired'
      : status) as DealSummaryOut['status'];

  return rows.map((row) => {
    const deal = presentSummary(row, participants, Boolean(row.favorite), shownStatus);
    const stored = {
      duns: row.customer_duns,
      domain: row.customer_domain,
      'name-city-country': row.customer_key,
    };
    return { deal, reasons: keys.filter((k) => stored[k.reason] === k.value).map((k) => k.reason) };
  });
}
