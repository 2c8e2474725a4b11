/**
 * Input rules shared by create, accept, edit and invite: money, dates, teams, solutions.
 * Each failure names the field path of the request.
 */
import { parseAmount } from '../../core/money.ts';
import type { TeamMemberInput } from '../../core/schemas.ts';
import { normalizeForSearch } from '../../core/text.ts';
import { type Actor, emailKey } from '../access/actor.ts';
import type { Executor } from '../db/database.ts';
import { solutionsByIds } from '../db/repositories/catalog.ts';
import { invalid } from '../errors.ts';
import { newId } from '../ids.ts';

export function toMinor(value: { amount: string; currency: string }, path: string): number {
  const parsed = parseAmount(value.amount, value.currency);
  if (parsed.ok) {
    if (parsed.minor <= 0) throw invalid(`${path}.amount`, 'The value must be greater than zero.');
    return parsed.minor;
  }
  const messages = {
    'invalid-currency': [`${path}.currency`, 'Unknown ISO 4217 currency.'],
    'invalid-amount': [`${path}.amount`, 'Expected a decimal string such as "125000.00".'],
    'too-many-decimals': [`${path}.amount`, `Too many decimals for ${value.currency}.`],
    'amount-too-large': [`${path}.amount`, 'The value is too large.'],
  } as const;
  const [field, message] = messages[parsed.code];
  throw invalid(field, message);
}

/** A close date may not be in the past when it is set (SPEC §5). */
export function checkCloseDate(date: string, today: string, path: string): void {
  if (date < today) throw invalid(path, 'The close date cannot be in the past.');
}

export function teamRows(members: readonly TeamMemberInput[], organizationId: string) {
  return members.map((m) => ({
    id: newId(),
    organization_id: organizationId,
    name: m.name,
    phone: m.phone,
    email: m.email,
    email_key: emailKey(m.email),
  }));
}

export function checkNoDuplicateMembers(members: readonly TeamMemberInput[], path: string): void {
  const seen = new Set<string>();
  members.forEach((m, index) => {
    const key = emailKey(m.email);
    if (seen.has(key)) throw invalid(`${path}.${index}.email`, 'This person is already on the team.');
    seen.add(key);
  });
}

export function searchTextOf(dealName: string, customerName: string): string {
  return `${normalizeForSearch(dealName)} ${normalizeForSearch(customerName)}`;
}

export interface SolutionCheckOptions {
  actorOrgId: string;
  vendorId: string;
  assessmentApproved: boolean;
  /** For an invitee's part: the solutions must be that partner's own. */
  ownedBy?: string;
}

/**
 * Checks that solutions exist and may be attached by this organization (SPEC §4 groups):
 * its own, the vendor's, other partners' co-sell-ready ones, and assessments when approved.
 * Returns the solutions and whether one is an assessment.
 */
export async function checkSolutions(
  db: Executor,
  ids: readonly string[],
  path: string,
  options: SolutionCheckOptions,
) {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw invalid(path, 'A solution is listed twice.');
  const rows = await solutionsByIds(db, unique);
  const byId = new Map(rows.map((r) => [r.id, r]));
  ids.forEach((id, index) => {
    const s = byId.get(id);
    const at = `${path}.${index}`;
    if (!s) throw invalid(at, 'No such solution.');
    if (options.ownedBy !== undefined) {
      if (s.organization_id !== options.ownedBy || s.kind !== 'product') {
        throw invalid(at, 'Ask an invited partner only for its own solutions.');
      }
      return;
    }
    if (s.kind === 'assessment') {
      if (s.organization_id !== options.vendorId) throw invalid(at, 'Not an assessment type of the vendor.');
      if (!options.assessmentApproved)
        throw invalid(at, 'Only assessment-approved partners create assessment deals.');
      return;
    }
    const mine = s.organization_id === options.actorOrgId;
    const vendors = s.organization_id === options.vendorId;
    if (!mine && !vendors && !(s.publisher_kind === 'partner' && s.co_sell_ready === 1)) {
      throw invalid(at, 'Another partner’s solution must be co-sell ready.');
    }
  });
  const assessments = rows.filter((r) => r.kind === 'assessment');
  if (assessments.length > 0 && rows.length > 1) {
    throw invalid(path, 'A solution-assessment deal has exactly one assessment and no other solution.');
  }
  return { rows: ids.map((id) => byId.get(id)!), hasAssessment: assessments.length > 0 };
}

/** The caller must stay able to see a deal they create or change (team-bound roles see only their teams). */
export function actorReachesWithTeam(actor: Actor, members: readonly TeamMemberInput[]): boolean {
  return members.some((m) => emailKey(m.email) === actor.emailKey);
}
