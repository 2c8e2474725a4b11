/**
 * Look-ups for the deal form: customer directory suggestions, attachable solutions, partners to invite.
 * (Simple prefix search; the scalable, typo-tolerant directory search is its own piece of work.)
 */
import { escapeLike, normalizeForSearch } from '../../core/text.ts';
import type { Actor } from '../access/actor.ts';
import { type SolutionGroup, searchCompanies, searchSolutions } from '../db/repositories/catalog.ts';
import { getOrganization, getVendor, searchPartners } from '../db/repositories/organizations.ts';
import type { ServiceContext } from './context.ts';

const isCjk = (text: string) =>
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(text);

export async function suggestCompanies(
  ctx: ServiceContext,
  query: { q: string; country?: string | undefined; city?: string | undefined; limit: number },
) {
  const normalized = normalizeForSearch(query.q);
  // Fewer than 2 characters (1 for CJK) says too little to suggest anything.
  if (normalized.length < (isCjk(normalized) ? 1 : 2)) return { items: [] };
  const rows = await searchCompanies(ctx.db, {
    escapedPrefix: escapeLike(normalized),
    ...(query.country ? { country: query.country } : {}),
    ...(query.city ? { citySearch: normalizeForSearch(query.city) } : {}),
    limit: query.limit,
  });
  return {
    items: rows.map((c) => ({
      id: c.id,
      name: c.name,
      duns: c.duns,
      address: {
        addressLine1: c.address_line1,
        city: c.city,
        region: c.region,
        postalCode: c.postal_code,
        country: c.country,
      },
      website: c.website,
      size: c.size,
      industry: c.industry,
    })),
  };
}

export async function listSolutions(
  ctx: ServiceContext,
  actor: Actor,
  query: { kind: SolutionGroup; q?: string | undefined; limit: number },
) {
  const vendor = await getVendor(ctx.db);
  const organization = await getOrganization(ctx.db, actor.organizationId);
  // Assessment types are offered only to assessment-approved partners (SPEC §4, §8).
  if (query.kind === 'assessments' && organization?.assessment_approved !== 1) return { items: [] };
  const rows = await searchSolutions(ctx.db, {
    group: query.kind,
    organizationId: actor.organizationId,
    vendorId: vendor?.id ?? '',
    escapedPattern: query.q ? `%${escapeLike(normalizeForSearch(query.q))}%` : null,
    limit: query.limit,
  });
  return {
    items: rows.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      offerType: s.offer_type,
      coSellReady: s.co_sell_ready === 1,
      incentiveEligible: s.incentive_eligible === 1,
      publisher: { id: s.organization_id, name: s.publisher_name },
    })),
  };
}

export async function listPartners(
  ctx: ServiceContext,
  actor: Actor,
  query: { q?: string | undefined; limit: number },
) {
  const rows = await searchPartners(ctx.db, {
    excludeId: actor.organizationId,
    escapedPattern: query.q ? `%${escapeLike(query.q.toLowerCase())}%` : null,
    limit: query.limit,
  });
  return { items: rows.map((p) => ({ id: p.id, name: p.name, partnerId: p.partner_id })) };
}
