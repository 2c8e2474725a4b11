/**
 * Random worlds for the property-based visibility test: a generator (fast-check), a materializer that
 * gives every world fresh organizations and ids, a fast loader that writes straight through the
 * repositories, and an ORACLE of who may see which participant record, written from SPEC §2 and API.md
 * ("on a deal's team") on its own: it does not call server/access.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { insertSolutions } from '../server/db/repositories/catalog.ts';
import {
  insertEngagement,
  insertParticipant,
  replaceSolutions,
  replaceTeam,
  setFavorite,
} from '../server/db/repositories/deals.ts';
import { insertEvents, type NewEvent } from '../server/db/repositories/events.ts';
import { insertLocation, insertOrganization } from '../server/db/repositories/organizations.ts';
import { insertRoles, insertUser } from '../server/db/repositories/users.ts';
import { newId } from '../server/ids.ts';
import { issueApiToken } from '../server/services/auth.ts';
import type { ServiceContext } from '../server/services/context.ts';
import { TEST_START } from './harness.ts';

// ------------------------------------------------------------------ the spec's vocabulary, restated

export const ALL_STATUSES = ['received', 'accepted', 'won', 'lost', 'declined', 'expired', 'error'] as const;
export type Status = (typeof ALL_STATUSES)[number];
/** SPEC §6: terminal statuses (the closed view). */
export const TERMINAL: ReadonlySet<string> = new Set(['won', 'lost', 'declined', 'expired', 'error']);
const PARTNER_ROLE_NAMES = ['partner-admin', 'referrals-admin', 'referrals-user', 'solutions-admin'] as const;
const VENDOR_ROLE_NAMES = ['vendor-admin', 'vendor-seller'] as const;
export type RoleName = (typeof PARTNER_ROLE_NAMES)[number] | (typeof VENDOR_ROLE_NAMES)[number];

/** How a deal came about (SPEC §5 types; "vendor-sent" is a co-sell deal the vendor created). */
const DEAL_KINDS = [
  'private',
  'partner-led',
  'co-sell',
  'p2p',
  'p2p-with-vendor',
  'vendor-sent',
  'assessment',
] as const;
type DealKind = (typeof DEAL_KINDS)[number];
const TYPE_OF: Record<DealKind, string> = {
  private: 'private',
  'partner-led': 'partner-led',
  'co-sell': 'co-sell',
  p2p: 'partner-to-partner',
  'p2p-with-vendor': 'partner-to-partner',
  'vendor-sent': 'co-sell',
  assessment: 'solution-assessment',
};

// ------------------------------------------------------------------ generated shape (indices only)

interface GrantSpec {
  role: RoleName;
  scope: 'company' | number[];
}
interface MemberSpec {
  /** Which organization the team entry is labelled with: the record's own, or (on invited records) the inviter's. */
  side: 'own' | 'inviter';
  who:
    | { kind: 'user'; orgSel: 'label' | 'record' | 'any'; org: number; user: number }
    | { kind: 'stranger'; n: number };
  casing: 'lower' | 'upper' | 'mixed';
}
interface RecordSpec {
  loc: number;
  status: Status;
  deadline: 'future' | 'past' | 'now';
  team: MemberSpec[];
  updated: number;
  value: number;
  close: number;
  favBy: number[];
}
interface DealSpec {
  kind: DealKind;
  creator: number;
  invitees: number[];
  records: RecordSpec[];
  events: { vis: 'engagement' | 'organization'; rec: number }[];
}
export interface WorldSpec {
  vendorLocs: number;
  partnerLocs: number[];
  vendorUsers: GrantSpec[][];
  partnerUsers: GrantSpec[][][];
  deals: DealSpec[];
  seed: number;
}

const scopeArb: fc.Arbitrary<'company' | number[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('company' as const) },
  { weight: 3, arbitrary: fc.array(fc.nat(5), { minLength: 1, maxLength: 2 }) },
);
const partnerGrantArb: fc.Arbitrary<GrantSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ role: fc.constant<RoleName>('referrals-user'), scope: scopeArb }) },
  { weight: 2, arbitrary: fc.record({ role: fc.constant<RoleName>('referrals-admin'), scope: scopeArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      role: fc.constantFrom<RoleName>('partner-admin', 'solutions-admin'),
      scope: fc.constant('company' as const),
    }),
  },
  // A vendor role held in a partner organization (bad data): reaches nothing of the partner's.
  {
    weight: 1,
    arbitrary: fc.record({
      role: fc.constantFrom<RoleName>(...VENDOR_ROLE_NAMES),
      scope: fc.constant('company' as const),
    }),
  },
);
const vendorGrantArb: fc.Arbitrary<GrantSpec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      role: fc.constant<RoleName>('vendor-seller'),
      scope: fc.constant('company' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      role: fc.constant<RoleName>('vendor-admin'),
      scope: fc.constant('company' as const),
    }),
  },
  // A partner role held in the vendor organization (bad data): SPEC §2 gives vendor users vendor roles only.
  {
    weight: 1,
    arbitrary: fc.record({ role: fc.constantFrom<RoleName>(...PARTNER_ROLE_NAMES), scope: scopeArb }),
  },
);
const memberArb: fc.Arbitrary<MemberSpec> = fc.record({
  side: fc.constantFrom<MemberSpec['side']>('own', 'own', 'inviter'),
  who: fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('user' as const),
        orgSel: fc.constantFrom('label' as const, 'label' as const, 'record' as const, 'any' as const),
        org: fc.nat(),
        user: fc.nat(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('stranger' as const), n: fc.nat(3) }) },
  ),
  casing: fc.constantFrom<MemberSpec['casing']>('lower', 'upper', 'mixed'),
});
const statusArb: fc.Arbitrary<Status> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Status>('received') },
  { weight: 3, arbitrary: fc.constant<Status>('accepted') },
  { weight: 3, arbitrary: fc.constantFrom<Status>('won', 'lost', 'declined', 'expired', 'error') },
);
const recordArb: fc.Arbitrary<RecordSpec> = fc.record({
  loc: fc.nat(),
  status: statusArb,
  deadline: fc.oneof(
    { weight: 6, arbitrary: fc.constant('future' as const) },
    { weight: 1, arbitrary: fc.constantFrom('past' as const, 'now' as const) },
  ),
  team: fc.array(memberArb, { maxLength: 3 }),
  updated: fc.nat(3),
  value: fc.nat(3),
  close: fc.nat(2),
  favBy: fc.array(fc.nat(), { maxLength: 2 }),
});
const dealArb: fc.Arbitrary<DealSpec> = fc.record({
  kind: fc.constantFrom(...DEAL_KINDS),
  creator: fc.nat(),
  invitees: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
  records: fc.array(recordArb, { minLength: 4, maxLength: 4 }),
  events: fc.array(
    fc.record({ vis: fc.constantFrom('engagement' as const, 'organization' as const), rec: fc.nat() }),
    { maxLength: 3 },
  ),
});

export const worldArb: fc.Arbitrary<WorldSpec> = fc.record({
  vendorLocs: fc.integer({ min: 1, max: 3 }),
  partnerLocs: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }),
  vendorUsers: fc.array(fc.array(vendorGrantArb, { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  partnerUsers: fc.array(
    fc.array(fc.array(partnerGrantArb, { maxLength: 3 }), { minLength: 1, maxLength: 4 }),
    {
      minLength: 4,
      maxLength: 4,
    },
  ),
  deals: fc.array(dealArb, { minLength: 1, maxLength: 12 }),
  seed: fc.integer(),
});

// ------------------------------------------------------------------ a materialized world

export interface Org {
  index: number;
  id: string;
  kind: 'vendor' | 'partner';
  name: string;
  locations: { id: string; name: string }[];
  solutionId: string;
}
export interface User {
  id: string;
  org: Org;
  email: string;
  /** One entry per role row: locationIds null = entire company. */
  grants: { role: RoleName; locationIds: string[] | null }[];
  token?: string;
}
export interface TeamEntry {
  orgId: string;
  email: string;
}
export interface Rec {
  id: string;
  engagementId: string;
  deal: number;
  type: string;
  org: Org;
  direction: 'outbound' | 'inbound';
  invitedBy: Org | null;
  locationId: string;
  /** Status as stored. */
  stored: Status;
  expiresAt: string | null;
  crm: string;
  campaign: string;
  team: TeamEntry[];
  updatedAt: string;
  valueMinor: number;
  closeDate: string;
}
export interface Ev {
  id: string;
  engagementId: string;
  vis: 'engagement' | 'organization';
  orgId: string;
}
export interface World {
  tag: string;
  orgs: Org[];
  users: User[];
  records: Rec[];
  events: Ev[];
  /** `${userId} ${recordId}` */
  favorites: Set<string>;
  /** Every CRM / campaign ID of the world → the organization whose internal field it is. */
  secrets: Map<string, string>;
  seed: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(TEST_START.getTime() + ms).toISOString();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const VALUES = [100_000, 250_000, 250_000, 999_900];
const CLOSE_DATES = ['2026-07-01', '2026-09-30', '2026-12-31'];

function cased(email: string, casing: MemberSpec['casing']): string {
  if (casing === 'upper') return email.toUpperCase();
  if (casing === 'lower') return email;
  return [...email].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join('');
}

export function materialize(spec: WorldSpec): World {
  const tag = hex(5);
  const orgs: Org[] = [];
  const mkOrg = (index: number, kind: 'vendor' | 'partner', locs: number): Org => {
    const name = kind === 'vendor' ? `Vendor-${tag}` : `P${index}-${tag}`;
    return {
      index,
      id: newId(),
      kind,
      name,
      locations: Array.from({ length: locs }, (_, k) => ({ id: newId(), name: `${name}/L${k}` })),
      solutionId: newId(),
    };
  };
  orgs.push(mkOrg(0, 'vendor', spec.vendorLocs));
  for (const [i, locs] of spec.partnerLocs.entries()) orgs.push(mkOrg(i + 1, 'partner', locs));
  const vendor = orgs[0]!;
  const partners = orgs.slice(1);

  const users: User[] = [];
  const usersByOrg = new Map<string, User[]>();
  const grantSpecsByOrg: GrantSpec[][][] = [spec.vendorUsers, ...spec.partnerUsers.slice(0, partners.length)];
  grantSpecsByOrg.forEach((specs, orgIndex) => {
    const org = orgs[orgIndex]!;
    const list: User[] = specs.map((grantSpecs, k) => ({
      id: newId(),
      org,
      email: `u${k}-${tag}@o${orgIndex}.example`,
      grants: grantSpecs.map((g) => ({
        role: g.role,
        locationIds:
          g.scope === 'company'
            ? null
            : [...new Set(g.scope.map((n) => org.locations[n % org.locations.length]!.id))],
      })),
    }));
    usersByOrg.set(org.id, list);
    users.push(...list);
  });

  const records: Rec[] = [];
  const events: Ev[] = [];
  const favorites = new Set<string>();
  const secrets = new Map<string, string>();

  spec.deals.forEach((d, dealIndex) => {
    const engagementId = newId();
    const type = TYPE_OF[d.kind];
    const creator = d.kind === 'vendor-sent' ? vendor : partners[d.creator % partners.length]!;
    const participants: { org: Org; direction: 'outbound' | 'inbound' }[] = [
      { org: creator, direction: 'outbound' },
    ];
    if (d.kind === 'partner-led' || d.kind === 'co-sell' || d.kind === 'p2p-with-vendor') {
      participants.push({ org: vendor, direction: 'inbound' });
    }
    if (d.kind === 'p2p' || d.kind === 'p2p-with-vendor' || d.kind === 'vendor-sent') {
      // Distinct partners other than the creator.
      const others = partners.filter((p) => p !== creator);
      const invited = new Set(d.invitees.map((n) => others[n % others.length]!));
      for (const org of invited) participants.push({ org, direction: 'inbound' });
    }
    const dealRecords: Rec[] = participants.map(({ org, direction }, i) => {
      const r = d.records[i % d.records.length]!;
      const invitedBy = direction === 'inbound' ? creator : null;
      const id = newId();
      const team: TeamEntry[] = r.team.map((m) => {
        const label = m.side === 'inviter' && invitedBy ? invitedBy : org;
        let email: string;
        if (m.who.kind === 'stranger') {
          email = `stranger${m.who.n}-${tag}@elsewhere.example`;
        } else {
          const whose =
            m.who.orgSel === 'label'
              ? label
              : m.who.orgSel === 'record'
                ? org
                : orgs[m.who.org % orgs.length]!;
          const candidates = usersByOrg.get(whose.id)!;
          email = candidates[m.who.user % candidates.length]!.email;
        }
        return { orgId: label.id, email: cased(email, m.casing) };
      });
      // Unique per record, so any occurrence in a response can be traced to its organization.
      const crm = `crm-${hex(8)}`;
      const campaign = `camp-${hex(8)}`;
      secrets.set(crm, org.id);
      secrets.set(campaign, org.id);
      for (const n of r.favBy) favorites.add(`${users[n % users.length]!.id} ${id}`);
      return {
        id,
        engagementId,
        deal: dealIndex,
        type,
        org,
        direction,
        invitedBy,
        locationId: org.locations[r.loc % org.locations.length]!.id,
        stored: r.status,
        expiresAt:
          r.status !== 'received'
            ? null
            : r.deadline === 'future'
              ? at((1 + (r.updated % 13)) * DAY)
              : r.deadline === 'now'
                ? at(0)
                : at(-(1 + r.updated) * HOUR),
        crm,
        campaign,
        team,
        updatedAt: at(-(r.updated + 1) * HOUR),
        valueMinor: VALUES[r.value % VALUES.length]!,
        closeDate: CLOSE_DATES[r.close % CLOSE_DATES.length]!,
      };
    });
    records.push(...dealRecords);
    for (const e of d.events) {
      const rec = dealRecords[e.rec % dealRecords.length]!;
      events.push({ id: newId(), engagementId, vis: e.vis, orgId: rec.org.id });
    }
  });
  return { tag, orgs, users, records, events, favorites, secrets, seed: spec.seed };
}

// ------------------------------------------------------------------ loading (straight through the repositories)

/** Writes the world in one transaction; issues API tokens for `tokenUsers`. */
export async function loadWorld(
  ctx: ServiceContext,
  world: World,
  tokenUsers: readonly User[],
): Promise<void> {
  const created = at(-10 * DAY);
  await ctx.db.transaction().execute(async (trx) => {
    for (const org of world.orgs) {
      await insertOrganization(trx, {
        id: org.id,
        kind: org.kind,
        name: org.name,
        partner_id: org.kind === 'vendor' ? null : `${world.tag}-${org.index}`,
        co_sell_ready: 1,
        assessment_approved: 1,
        created_at: created,
      });
      for (const [k, loc] of org.locations.entries()) {
        await insertLocation(trx, {
          id: loc.id,
          organization_id: org.id,
          name: loc.name,
          country: ['SE', 'TW', 'DE'][k] ?? 'US',
          city: ['Stockholm', 'Taipei', 'Berlin'][k] ?? 'Seattle',
          created_at: `${created.slice(0, 19)}.${String(k).padStart(3, '0')}Z`,
        });
      }
    }
    await insertSolutions(
      trx,
      world.orgs.map((org) => ({
        id: org.solutionId,
        organization_id: org.id,
        location_id: null,
        name: `${org.name} Platform`,
        name_search: `${org.name} platform`.toLowerCase(),
        kind: 'product' as const,
        offer_type: 'ip',
        co_sell_ready: 1 as const,
        incentive_eligible: 0 as const,
        created_at: created,
      })),
    );
    for (const user of world.users) {
      await insertUser(trx, {
        id: user.id,
        organization_id: user.org.id,
        tenant_id: null,
        name: user.email.split('@')[0]!,
        email: user.email,
        password_hash: null,
        locale: 'en',
        created_at: created,
        disabled_at: null,
      });
      await insertRoles(
        trx,
        user.grants.flatMap((g) =>
          (g.locationIds ?? [null]).map((location_id) => ({
            id: newId(),
            user_id: user.id,
            role: g.role,
            location_id,
          })),
        ),
      );
    }
    const engagements = new Map<string, Rec>();
    for (const rec of world.records)
      if (!engagements.has(rec.engagementId)) engagements.set(rec.engagementId, rec);
    for (const [engagementId, first] of engagements) {
      await insertEngagement(trx, {
        id: engagementId,
        type: first.type,
        created_by_org_id: first.org.id,
        customer_company_id: null,
        customer_name: `Customer ${first.deal} ${world.tag}`,
        customer_duns: null,
        customer_website: null,
        customer_address_line1: null,
        customer_city: 'Göteborg',
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
        created_at: created,
        updated_at: created,
      });
    }
    for (const rec of world.records) {
      const name = `Deal ${rec.deal} of ${rec.org.name}`;
      await insertParticipant(trx, {
        id: rec.id,
        engagement_id: rec.engagementId,
        organization_id: rec.org.id,
        location_id: rec.locationId,
        direction: rec.direction,
        status: rec.stored,
        sales_stage: rec.direction === 'outbound' ? 'created' : 'accepted',
        name,
        search_text: name.toLowerCase(),
        value_minor: rec.valueMinor,
        currency: 'USD',
        close_date: rec.closeDate,
        crm_id: rec.crm,
        campaign_id: rec.campaign,
        help: rec.org.kind === 'vendor' && rec.direction === 'inbound' ? 'proof-of-concept-or-demo' : 'none',
        invited_by_org_id: rec.invitedBy?.id ?? null,
        invitation_notes: rec.invitedBy ? 'please join' : null,
        received_at: rec.direction === 'inbound' ? created : null,
        expires_at: rec.expiresAt,
        reason: TERMINAL.has(rec.stored) && rec.stored !== 'won' ? 'other' : null,
        reason_notes: null,
        version: 1,
        created_at: created,
        updated_at: rec.updatedAt,
        closed_at: TERMINAL.has(rec.stored) ? rec.updatedAt : null,
      });
      if (rec.team.length > 0) {
        await replaceTeam(
          trx,
          rec.id,
          rec.team.map((m, k) => ({
            id: newId(),
            organization_id: m.orgId,
            name: `Member ${k}`,
            phone: '+46 8 123 456',
            email: m.email,
            email_key: m.email.trim().toLowerCase(),
          })),
        );
      }
      // Solutions do not bear on visibility: one deal in three carries one, to keep loading cheap.
      if (rec.deal % 3 === 0) await replaceSolutions(trx, rec.id, [rec.org.solutionId]);
    }
    for (const key of world.favorites) {
      const [userId, recordId] = key.split(' ') as [string, string];
      await setFavorite(trx, userId, recordId, created);
    }
    const events: NewEvent[] = world.events.map((e, k) => {
      const own = world.records.find((r) => r.engagementId === e.engagementId && r.org.id === e.orgId)!;
      return {
        id: e.id,
        // Shared entries are notes: they reach people (mail, in-app) and webhooks, so every channel is exercised.
        type: e.vis === 'organization' ? 'deal.updated' : 'deal.note-added',
        engagementId: e.engagementId,
        participantId: own.id,
        organizationId: e.orgId,
        visibility: e.vis,
        actor: { userId: null, name: 'Someone', organizationId: e.orgId },
        // Organization-internal entries carry the org's internal fields, as a real CRM-ID edit would.
        data:
          e.vis === 'organization'
            ? {
                changes: { crmId: { from: null, to: own.crm }, campaignId: { from: null, to: own.campaign } },
              }
            : { changes: { salesStage: { from: 'created', to: 'qualified' } } },
        createdAt: at(-DAY + k),
      };
    });
    await insertEvents(trx, events);
    for (const user of tokenUsers) {
      user.token = (await issueApiToken({ ...ctx, db: trx }, user.id, user.org.id, 'property-test')).token;
    }
  });
}

// ------------------------------------------------------------------ the oracle (SPEC §2, API.md)

/** SPEC §6: a received record past its deadline reads as expired. */
export function effectiveStatus(rec: Rec): Status {
  return rec.stored === 'received' && rec.expiresAt !== null && rec.expiresAt <= TEST_START.toISOString()
    ? 'expired'
    : rec.stored;
}

/** API.md: a user is on a deal's team when a team member of the user's organization has the user's e-mail. */
function onTeam(user: User, rec: Rec): boolean {
  const mine = user.email.toLowerCase();
  return rec.team.some((m) => m.orgId === user.org.id && m.email.toLowerCase() === mine);
}

function grantReaches(user: User, grant: User['grants'][number], rec: Rec): boolean {
  const inScope = grant.locationIds === null || grant.locationIds.includes(rec.locationId);
  if (user.org.kind === 'vendor') {
    // Every record of the vendor organization is "a deal the vendor takes part in".
    if (grant.role === 'vendor-admin') return true;
    if (grant.role === 'vendor-seller') return onTeam(user, rec);
    return false; // partner roles mean nothing in the vendor organization
  }
  if (grant.role === 'referrals-admin') return inScope;
  if (grant.role === 'referrals-user') return inScope && onTeam(user, rec);
  return false; // partner-admin, solutions-admin alone: no deal access; vendor roles in a partner org: nothing
}

/** API.md "on a deal's team", exported for the notice channels' oracle. */
export const isOnTeam = onTeam;

/** The participant records `user` may see. */
export function oracleVisible(world: World, user: User): Set<string> {
  const visible = new Set<string>();
  for (const rec of world.records) {
    if (rec.org.id !== user.org.id) continue; // only records of the user's own organization
    if (user.grants.some((g) => grantReaches(user, g, rec))) visible.add(rec.id);
  }
  return visible;
}

// ------------------------------------------------------------------ descriptions for counterexamples

export function describeUser(user: User): string {
  const grants = user.grants
    .map(
      (g) =>
        `${g.role}@${g.locationIds === null ? 'company' : g.locationIds.map((id) => locName(user.org, id)).join('+')}`,
    )
    .join(', ');
  return `${user.email} of ${user.org.name} (${user.org.kind}) roles: [${grants || 'none'}]`;
}

function locName(org: Org, id: string) {
  return org.locations.find((l) => l.id === id)?.name ?? id;
}

export function describeRecord(world: World, rec: Rec): string {
  const orgName = (id: string) => world.orgs.find((o) => o.id === id)?.name ?? id;
  const team = rec.team.map((m) => `${m.email}(${orgName(m.orgId)})`).join(' ');
  return (
    `record ${rec.id} deal#${rec.deal} ${rec.type} org=${rec.org.name} ${rec.direction}` +
    `${rec.invitedBy ? ` invitedBy=${rec.invitedBy.name}` : ''} status=${rec.stored}` +
    `${effectiveStatus(rec) !== rec.stored ? '→expired' : ''} loc=${locName(rec.org, rec.locationId)} team=[${team}]`
  );
}

export function describeWorld(world: World): string {
  return [
    ...world.users.map((u) => `  user ${describeUser(u)}`),
    ...world.records.map((r) => `  ${describeRecord(world, r)}`),
  ].join('\n');
}

/** A small deterministic PRNG (mulberry32) so sampling is reproducible from the fast-check seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ------------------------------------------------------------------ coverage: the cases a run must have exercised

/** The interesting situations of one (user, record) pair, to check the generator keeps reaching them. */
export function coverageTags(world: World, user: User, rec: Rec): string[] {
  const tags: string[] = [];
  const visible = user.grants.some((g) => grantReaches(user, g, rec)) && rec.org.id === user.org.id;
  const key = user.email.toLowerCase();
  const emailOnTeam = rec.team.some((m) => m.email.toLowerCase() === key);
  const has = (role: RoleName) => user.grants.some((g) => g.role === role);
  const scoped = (role: RoleName) =>
    user.grants.some(
      (g) => g.role === role && (g.locationIds === null || g.locationIds.includes(rec.locationId)),
    );
  if (rec.org.id !== user.org.id) {
    if (emailOnTeam) tags.push('other org record naming the user on its team: hidden');
    if (user.org.kind === 'vendor' && has('vendor-admin') && rec.type === 'private')
      tags.push('vendor-admin vs private deal: hidden');
    return tags;
  }
  if (user.org.kind === 'vendor') {
    if (has('vendor-admin')) tags.push('vendor-admin: sees');
    else if (has('vendor-seller'))
      tags.push(visible ? 'vendor-seller on team: sees' : 'vendor-seller off team: hidden');
  } else {
    if (has('referrals-admin'))
      tags.push(
        scoped('referrals-admin') ? 'referrals-admin in scope: sees' : 'referrals-admin out of scope',
      );
    if (has('referrals-user') && !has('referrals-admin')) {
      const onTeamNow = onTeam(user, rec);
      if (scoped('referrals-user') && onTeamNow) tags.push('referrals-user in scope on team: sees');
      if (scoped('referrals-user') && !onTeamNow) tags.push('referrals-user in scope off team: hidden');
      if (!scoped('referrals-user') && onTeamNow) tags.push('referrals-user on team out of scope: hidden');
    }
    if (
      !has('referrals-admin') &&
      !has('referrals-user') &&
      (has('partner-admin') || has('solutions-admin'))
    ) {
      tags.push('partner-admin / solutions-admin only: hidden');
    }
  }
  if (user.grants.length === 0) tags.push('no roles: hidden');
  if (emailOnTeam && !onTeam(user, rec)) tags.push("user's e-mail on the team labelled with another org");
  if (
    visible &&
    rec.team.some((m) => m.orgId === user.org.id && m.email !== user.email && m.email.toLowerCase() === key)
  ) {
    if (!has('referrals-admin') && !has('vendor-admin'))
      tags.push('team match only case-insensitively: sees');
  }
  if (visible && effectiveStatus(rec) !== rec.stored) tags.push('past deadline: reads expired');
  if (!visible && world.favorites.has(`${user.id} ${rec.id}`)) tags.push('favorite of a hidden record');
  if (visible && world.favorites.has(`${user.id} ${rec.id}`)) tags.push('favorite of a visible record');
  if (visible)
    tags.push(
      `sees a ${rec.type} ${rec.direction} ${TERMINAL.has(effectiveStatus(rec)) ? 'closed' : 'open'} record`,
    );
  return tags;
}
