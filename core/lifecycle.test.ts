/**
 * The lifecycle table checked against SPEC §5, §6, §8 and API.md "Create body".
 *
 * Every expectation here is written from the spec text, not from the implementation: the oracles
 * below restate the rules in the simplest form the spec allows, and the tests compare the table
 * against them for every combination of inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AbilityContext,
  ACCEPT_FIELDS,
  ACTIONS,
  type Action,
  ASSESSMENT_STAGES,
  abilities,
  CLOSE_REASONS,
  checkStageMove,
  DEAL_ROLES,
  DEAL_TYPES,
  type DealRole,
  type DealType,
  DIRECTIONS,
  type Direction,
  EDITABLE_FIELDS,
  EDITABLE_FIELDS_BY_STATUS,
  type EditableField,
  ERROR_REASONS,
  editableFields,
  HELP_TYPES,
  type HelpType,
  INVITATION_RULES,
  type Invitee,
  invitationRule,
  isTerminal,
  lifecycleDocument,
  PARTNER_ROLES,
  PORTAL_STATUS,
  RESPONSE_WINDOW_DAYS,
  ROLES,
  refusal,
  SALES_STAGES,
  type SalesStage,
  SCOPED_ROLES,
  STANDARD_STAGES,
  STATUSES,
  type Status,
  settableStages,
  stageProbability,
  stagesCompleteForWin,
  stagesFor,
  startStage,
  TEAM_BOUND_ROLES,
  TERMINAL_STATUSES,
  TRANSITIONS,
  typeAfterInvitation,
  typeOfNewDeal,
  VENDOR_ROLES,
} from './lifecycle.ts';

// ------------------------------------------------------------------ facts from the SPEC text

/** §6: "received → accepted → won | lost; received → declined | expired; … closed as error". */
const SPEC_STATUSES = ['received', 'accepted', 'won', 'lost', 'declined', 'expired', 'error'];
/** §6: "Terminal: won, lost, declined, expired, error". */
const SPEC_TERMINAL = ['won', 'lost', 'declined', 'expired', 'error'];
const SPEC_OPEN = ['received', 'accepted'];

/** §6 interop: status/substatus pairs of the partner portal API. */
const SPEC_PORTAL: Record<string, [string, string]> = {
  received: ['New', 'Received'],
  accepted: ['Active', 'Accepted'],
  won: ['Closed', 'Won'],
  lost: ['Closed', 'Lost'],
  declined: ['Closed', 'Declined'],
  expired: ['Closed', 'Expired'],
  error: ['Closed', 'Error'],
};

/** §5 Types. */
const SPEC_DEAL_TYPES = ['private', 'partner-led', 'co-sell', 'partner-to-partner', 'solution-assessment'];

/** §2 roles. */
const SPEC_PARTNER_ROLES = ['partner-admin', 'referrals-admin', 'referrals-user', 'solutions-admin'];
const SPEC_VENDOR_ROLES = ['vendor-seller', 'vendor-admin'];
/** §2: partner-admin and solutions-admin have no deal access by role alone. */
const SPEC_DEAL_ROLES = ['referrals-admin', 'referrals-user', 'vendor-admin', 'vendor-seller'];

/** §6 decline and lost reasons. */
const SPEC_CLOSE_REASONS = [
  'no-budget',
  'customer-unresponsive',
  'chose-another-vendor',
  'requirement-not-met',
  'not-a-customer',
  'timeline-too-short',
  'spam-or-abuse',
  'other',
];
/** §6 close-as-error reasons. */
const SPEC_ERROR_REASONS = [
  'duplicate',
  'test',
  'data-error',
  'customer-matching',
  'solution-issue',
  'sync-issue',
  'other',
];
/** §5 help requested from vendor. */
const SPEC_HELP_TYPES = [
  'none',
  'workload-value-proposition',
  'customer-technical-architecture',
  'proof-of-concept-or-demo',
  'quotes-or-licensing',
  'post-sales-customer-success',
  'general-or-other',
];

/** §6 sales stages (non-SA) with probabilities. */
const SPEC_STANDARD_STAGES: [string, number][] = [
  ['created', 10],
  ['accepted', 10],
  ['qualified', 20],
  ['developed', 40],
  ['proposed', 60],
  ['negotiated', 80],
  ['won', 100],
];
/** §8 solution assessment stages with probabilities, mandatory and in order. */
const SPEC_SA_STAGES: [string, number][] = [
  ['created', 10],
  ['accepted', 10],
  ['secure-customer-loe', 20],
  ['collect-data', 40],
  ['prepare-assessment-report', 60],
  ['present-to-customer', 80],
  ['won', 100],
];
/** SA stages after the start, in their mandatory order. */
const SPEC_SA_ORDER = [
  'secure-customer-loe',
  'collect-data',
  'prepare-assessment-report',
  'present-to-customer',
];

/** §5: accept gives name, value, close date, optional notes, CRM ID, campaign ID and team. */
const SPEC_ACCEPT_FIELDS = ['name', 'value', 'closeDate', 'notes', 'crmId', 'campaignId', 'team'];

const SPEC_ACTIONS = [
  'accept',
  'decline',
  'edit',
  'setStage',
  'win',
  'lose',
  'closeAsError',
  'invitePartners',
  'inviteVendor',
  'addNote',
];

const sorted = <T>(xs: Iterable<T>): T[] => [...xs].sort();

/** Every subset of a list, the empty one included. */
function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((acc, item) => acc.concat(acc.map((s) => [...s, item])), [[]]);
}

const ROLE_SETS = subsets(SPEC_DEAL_ROLES as DealRole[]);

// ------------------------------------------------------------------ the abilities oracle (from SPEC §6, §8)

type Refusal = ReturnType<typeof refusal>;

/** Statuses in which each action is possible (terminal records allow nothing). */
const SPEC_ACTION_STATUSES: Record<string, string[]> = {
  accept: ['received'],
  decline: ['received'],
  edit: ['received', 'accepted'], // received: only the team (see editableFields)
  setStage: ['accepted'],
  win: ['accepted'],
  lose: ['accepted'],
  closeAsError: ['received', 'accepted'], // "any non-terminal record can be closed as error"
  addNote: ['received', 'accepted'],
  invitePartners: ['received', 'accepted'], // "while the inviter's record is not terminal"
  inviteVendor: ['received', 'accepted'],
};

/** §6 "Who can be invited": per deal type, who may be invited and whether only the creator may. */
const SPEC_INVITES: Record<string, { vendor: boolean; partners: boolean; creatorOnly: boolean }> = {
  private: { vendor: true, partners: true, creatorOnly: true },
  'co-sell': { vendor: false, partners: true, creatorOnly: true },
  // partner-led "counts as co-sell for invitation rules"
  'partner-led': { vendor: false, partners: true, creatorOnly: true },
  // P2P (without the vendor; with it, the deal is co-sell): vendor and other partners, any participant
  'partner-to-partner': { vendor: true, partners: true, creatorOnly: false },
  'solution-assessment': { vendor: false, partners: false, creatorOnly: true },
};

/**
 * The expected refusal. Precedence: the role first (forbidden), then the state of the record
 * (invalid-state), then the SA stage rule for win, then the invitation table.
 */
function oracleRefusal(action: string, ctx: AbilityContext): Refusal {
  const roles = ctx.roles as readonly string[];
  const roleOk =
    action === 'inviteVendor'
      ? roles.includes('referrals-admin') || roles.includes('referrals-user')
      : roles.some((r) => SPEC_DEAL_ROLES.includes(r));
  if (!roleOk) return 'forbidden';
  if (!SPEC_ACTION_STATUSES[action]!.includes(ctx.status)) return 'invalid-state';
  if ((action === 'accept' || action === 'decline') && ctx.direction !== 'inbound') return 'invalid-state';
  if (action === 'win' && ctx.type === 'solution-assessment' && ctx.salesStage !== 'present-to-customer') {
    return 'stages-incomplete';
  }
  if (action === 'inviteVendor' || action === 'invitePartners') {
    const rule = SPEC_INVITES[ctx.type]!;
    if (action === 'inviteVendor' && (ctx.vendorRecord || !rule.vendor)) return 'invitation-not-allowed';
    if (action === 'invitePartners' && !rule.partners) return 'invitation-not-allowed';
    if (rule.creatorOnly && ctx.direction !== 'outbound') return 'invitation-not-allowed';
  }
  return null;
}

function* contexts(status: Status, type: DealType): Generator<AbilityContext> {
  for (const direction of DIRECTIONS) {
    for (const roles of ROLE_SETS) {
      for (const vendorRecord of [false, true]) {
        for (const salesStage of SALES_STAGES) {
          yield { status, direction, type, salesStage, roles, vendorRecord };
        }
      }
    }
  }
}

const describeCtx = (ctx: AbilityContext) =>
  `${ctx.status}/${ctx.direction}/${ctx.type}/[${ctx.roles.join(',')}]/vendorRecord=${ctx.vendorRecord}/${ctx.salesStage}`;

// ------------------------------------------------------------------ tests

describe('statuses', () => {
  it('are exactly the SPEC statuses', () => {
    expect(sorted(STATUSES)).toEqual(sorted(SPEC_STATUSES));
    expect(new Set(STATUSES).size).toBe(STATUSES.length);
  });

  it('terminal set is exactly won, lost, declined, expired, error', () => {
    expect(sorted(TERMINAL_STATUSES)).toEqual(sorted(SPEC_TERMINAL));
  });

  it.each(SPEC_STATUSES)('isTerminal(%s) follows the SPEC', (status) => {
    expect(isTerminal(status as Status)).toBe(SPEC_TERMINAL.includes(status));
  });

  it.each(SPEC_STATUSES)('%s maps onto the partner portal status/substatus pair', (status) => {
    const [portalStatus, substatus] = SPEC_PORTAL[status]!;
    expect(PORTAL_STATUS[status as Status]).toEqual({ status: portalStatus, substatus });
  });

  it('portal pairs are one-to-one', () => {
    const pairs = STATUSES.map((s) => `${PORTAL_STATUS[s].status}/${PORTAL_STATUS[s].substatus}`);
    expect(new Set(pairs).size).toBe(STATUSES.length);
  });
});

describe('vocabularies', () => {
  it('deal types', () => {
    expect(sorted(DEAL_TYPES)).toEqual(sorted(SPEC_DEAL_TYPES));
  });

  it('directions', () => {
    expect(sorted(DIRECTIONS)).toEqual(['inbound', 'outbound']);
  });

  it('roles', () => {
    expect(sorted(PARTNER_ROLES)).toEqual(sorted(SPEC_PARTNER_ROLES));
    expect(sorted(VENDOR_ROLES)).toEqual(sorted(SPEC_VENDOR_ROLES));
    expect(sorted(ROLES)).toEqual(sorted([...SPEC_PARTNER_ROLES, ...SPEC_VENDOR_ROLES]));
  });

  it('deal roles exclude partner-admin and solutions-admin', () => {
    expect(sorted(DEAL_ROLES)).toEqual(sorted(SPEC_DEAL_ROLES));
    expect(DEAL_ROLES).not.toContain('partner-admin');
    expect(DEAL_ROLES).not.toContain('solutions-admin');
  });

  it('team-bound roles are referrals-user and vendor-seller (SPEC §2)', () => {
    expect(sorted(TEAM_BOUND_ROLES)).toEqual(['referrals-user', 'vendor-seller']);
  });

  it('scoped roles are the referrals roles (SPEC §2)', () => {
    expect(sorted(SCOPED_ROLES)).toEqual(['referrals-admin', 'referrals-user']);
  });

  it('decline/lost reasons are exactly the SPEC list', () => {
    expect([...CLOSE_REASONS]).toEqual(SPEC_CLOSE_REASONS);
  });

  it('error reasons are exactly the SPEC list', () => {
    expect([...ERROR_REASONS]).toEqual(SPEC_ERROR_REASONS);
  });

  it('help types are exactly the SPEC list, none first (the default)', () => {
    expect([...HELP_TYPES]).toEqual(SPEC_HELP_TYPES);
  });

  it('response window is 14 days', () => {
    expect(RESPONSE_WINDOW_DAYS).toBe(14);
  });

  it('actions are exactly the abilities of the deal representation (API.md)', () => {
    expect(sorted(ACTIONS)).toEqual(sorted(SPEC_ACTIONS));
  });
});

describe('transitions', () => {
  const expected = [
    { action: 'accept', from: ['received'], to: 'accepted', by: 'participant' },
    { action: 'decline', from: ['received'], to: 'declined', by: 'participant' },
    { action: 'win', from: ['accepted'], to: 'won', by: 'participant' },
    { action: 'lose', from: ['accepted'], to: 'lost', by: 'participant' },
    { action: 'closeAsError', from: ['accepted', 'received'], to: 'error', by: 'participant' },
    { action: 'expire', from: ['received'], to: 'expired', by: 'system' },
  ];
  const normalize = (ts: readonly { action: string; from: readonly string[]; to: string; by: string }[]) =>
    ts
      .map((t) => ({ action: t.action, from: sorted(t.from), to: t.to, by: t.by }))
      .sort((a, b) => a.action.localeCompare(b.action));

  it('are exactly the SPEC transitions, expire by the system', () => {
    expect(normalize(TRANSITIONS)).toEqual(normalize(expected));
  });

  it('never leave a terminal status and reach every status but received', () => {
    for (const t of TRANSITIONS) for (const from of t.from) expect(isTerminal(from)).toBe(false);
    const reached = new Set(TRANSITIONS.map((t) => t.to));
    expect(sorted(reached)).toEqual(sorted(SPEC_STATUSES.filter((s) => s !== 'received')));
  });

  it('every terminal status is reachable from received', () => {
    const reachable = new Set<string>(['received']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of TRANSITIONS) {
        if (t.from.some((f) => reachable.has(f)) && !reachable.has(t.to)) {
          reachable.add(t.to);
          changed = true;
        }
      }
    }
    expect(sorted(reachable)).toEqual(sorted(SPEC_STATUSES));
  });
});

describe('refusal() and abilities() against the SPEC oracle', () => {
  for (const action of SPEC_ACTIONS) {
    describe(action, () => {
      it.each(
        SPEC_STATUSES.flatMap((status) =>
          SPEC_DEAL_TYPES.map((type) => [status, type] as [Status, DealType]),
        ),
      )('status %s, type %s: every direction × role set × vendorRecord × stage', (status, type) => {
        const mismatches: string[] = [];
        let count = 0;
        for (const ctx of contexts(status, type)) {
          count++;
          const want = oracleRefusal(action, ctx);
          const got = refusal(action as Action, ctx);
          if (got !== want) mismatches.push(`${describeCtx(ctx)}: want ${want}, got ${got}`);
          const ability = abilities(ctx)[action as Action];
          if (ability !== (want === null)) mismatches.push(`${describeCtx(ctx)}: abilities ${ability}`);
        }
        expect(count).toBe(2 * 16 * 2 * SALES_STAGES.length);
        expect(mismatches.slice(0, 20)).toEqual([]);
      });
    });
  }

  it('abilities() has exactly one boolean per action', () => {
    const result = abilities({
      status: 'accepted',
      direction: 'outbound',
      type: 'private',
      salesStage: 'created',
      roles: ['referrals-admin'],
      vendorRecord: false,
    });
    expect(sorted(Object.keys(result))).toEqual(sorted(SPEC_ACTIONS));
    for (const value of Object.values(result)) expect(typeof value).toBe('boolean');
  });

  it.each(SPEC_TERMINAL)('a %s record allows nothing to anyone', (status) => {
    for (const type of SPEC_DEAL_TYPES) {
      for (const ctx of contexts(status as Status, type as DealType)) {
        expect(Object.values(abilities(ctx)).some(Boolean), describeCtx(ctx)).toBe(false);
      }
    }
  });

  it('roles without deal access (partner-admin, solutions-admin) are forbidden everything', () => {
    for (const roles of [['partner-admin'], ['solutions-admin'], ['partner-admin', 'solutions-admin'], []]) {
      for (const action of ACTIONS) {
        const ctx = {
          status: 'accepted' as const,
          direction: 'outbound' as const,
          type: 'private' as const,
          salesStage: 'created' as const,
          roles: roles as unknown as DealRole[],
          vendorRecord: false,
        };
        expect(refusal(action, ctx), `${action} [${roles}]`).toBe('forbidden');
      }
    }
  });

  describe('spot checks', () => {
    const base: AbilityContext = {
      status: 'received',
      direction: 'inbound',
      type: 'co-sell',
      salesStage: 'accepted',
      roles: ['referrals-user'],
      vendorRecord: false,
    };

    it('a received inbound record: accept, decline, edit (team), closeAsError, addNote only', () => {
      expect(abilities(base)).toEqual({
        accept: true,
        decline: true,
        edit: true,
        setStage: false,
        win: false,
        lose: false,
        closeAsError: true,
        invitePartners: false, // co-sell: not from an inbound deal
        inviteVendor: false,
        addNote: true,
      });
    });

    it('the vendor, on its received help request, may accept or decline but not invite', () => {
      const ctx: AbilityContext = { ...base, roles: ['vendor-admin'], vendorRecord: true };
      const a = abilities(ctx);
      expect(a.accept && a.decline).toBe(true);
      expect(a.invitePartners || a.inviteVendor).toBe(false);
    });

    it('an accepted outbound private record may do everything but accept/decline', () => {
      const a = abilities({
        ...base,
        status: 'accepted',
        direction: 'outbound',
        type: 'private',
        salesStage: 'created',
      });
      expect(a).toEqual({
        accept: false,
        decline: false,
        edit: true,
        setStage: true,
        win: true,
        lose: true,
        closeAsError: true,
        invitePartners: true,
        inviteVendor: true,
        addNote: true,
      });
    });

    it('an accepted inbound P2P record may invite the vendor and partners', () => {
      const a = abilities({ ...base, status: 'accepted', type: 'partner-to-partner' });
      expect(a.invitePartners).toBe(true);
      expect(a.inviteVendor).toBe(true);
    });

    it('a received inbound P2P record may invite too (any participant, record not terminal)', () => {
      const a = abilities({ ...base, type: 'partner-to-partner' });
      expect(a.invitePartners && a.inviteVendor).toBe(true);
    });

    it('co-sell from the creator: partners only', () => {
      const ctx: AbilityContext = { ...base, status: 'accepted', direction: 'outbound', type: 'co-sell' };
      expect(refusal('invitePartners', ctx)).toBeNull();
      expect(refusal('inviteVendor', ctx)).toBe('invitation-not-allowed');
    });

    it('a vendor-created co-sell deal: the vendor may invite further partners', () => {
      const ctx: AbilityContext = {
        ...base,
        status: 'accepted',
        direction: 'outbound',
        type: 'co-sell',
        roles: ['vendor-seller'],
        vendorRecord: true,
      };
      expect(refusal('invitePartners', ctx)).toBeNull();
      expect(refusal('inviteVendor', ctx)).toBe('forbidden');
    });

    it('inviteVendor needs a referrals role', () => {
      const ctx: AbilityContext = { ...base, status: 'accepted', direction: 'outbound', type: 'private' };
      expect(refusal('inviteVendor', { ...ctx, roles: ['vendor-admin', 'vendor-seller'] })).toBe('forbidden');
      expect(refusal('inviteVendor', { ...ctx, roles: ['referrals-admin'] })).toBeNull();
      expect(refusal('inviteVendor', { ...ctx, roles: ['referrals-user'] })).toBeNull();
    });

    it('solution-assessment deals invite nobody', () => {
      const ctx: AbilityContext = {
        ...base,
        status: 'accepted',
        direction: 'outbound',
        type: 'solution-assessment',
        roles: ['referrals-admin'],
      };
      expect(refusal('invitePartners', ctx)).toBe('invitation-not-allowed');
      expect(refusal('inviteVendor', ctx)).toBe('invitation-not-allowed');
    });

    it('SA win only at present-to-customer; non-SA win at any stage', () => {
      const ctx: AbilityContext = {
        ...base,
        status: 'accepted',
        direction: 'outbound',
        type: 'solution-assessment',
        roles: ['referrals-admin'],
      };
      for (const stage of [
        'created',
        'accepted',
        'secure-customer-loe',
        'collect-data',
        'prepare-assessment-report',
      ]) {
        expect(refusal('win', { ...ctx, salesStage: stage as SalesStage })).toBe('stages-incomplete');
      }
      expect(refusal('win', { ...ctx, salesStage: 'present-to-customer' })).toBeNull();
      for (const stage of ['created', 'accepted', 'qualified', 'developed', 'proposed', 'negotiated']) {
        expect(refusal('win', { ...ctx, type: 'co-sell', salesStage: stage as SalesStage })).toBeNull();
      }
    });

    it('a terminal record reports invalid-state, not forbidden, to a deal role', () => {
      expect(refusal('edit', { ...base, status: 'won' })).toBe('invalid-state');
      expect(refusal('addNote', { ...base, status: 'expired' })).toBe('invalid-state');
    });

    it('an outbound record can never accept or decline', () => {
      expect(refusal('accept', { ...base, direction: 'outbound' })).toBe('invalid-state');
      expect(refusal('decline', { ...base, direction: 'outbound' })).toBe('invalid-state');
    });
  });
});

describe('stagesCompleteForWin', () => {
  it.each(SPEC_DEAL_TYPES)('%s', (type) => {
    for (const stage of SALES_STAGES) {
      const want = type !== 'solution-assessment' || stage === 'present-to-customer';
      expect(stagesCompleteForWin(type as DealType, stage), stage).toBe(want);
    }
  });
});

describe('stages', () => {
  it('standard stages with exact probabilities, in order', () => {
    expect(STANDARD_STAGES.map((s) => [s.id, s.probability])).toEqual(SPEC_STANDARD_STAGES);
  });

  it('solution-assessment stages with exact probabilities, in order', () => {
    expect(ASSESSMENT_STAGES.map((s) => [s.id, s.probability])).toEqual(SPEC_SA_STAGES);
  });

  it('SALES_STAGES is the union of both lists without duplicates', () => {
    const union = new Set([...SPEC_STANDARD_STAGES, ...SPEC_SA_STAGES].map(([id]) => id));
    expect(sorted(SALES_STAGES)).toEqual(sorted(union));
    expect(new Set(SALES_STAGES).size).toBe(SALES_STAGES.length);
  });

  it.each(SPEC_DEAL_TYPES)('stagesFor(%s)', (type) => {
    const want = type === 'solution-assessment' ? SPEC_SA_STAGES : SPEC_STANDARD_STAGES;
    expect(stagesFor(type as DealType).map((s) => [s.id, s.probability])).toEqual(want);
  });

  it.each(SPEC_DEAL_TYPES)('stageProbability for %s', (type) => {
    const list = new Map(type === 'solution-assessment' ? SPEC_SA_STAGES : SPEC_STANDARD_STAGES);
    for (const stage of SALES_STAGES) {
      expect(stageProbability(type as DealType, stage), stage).toBe(list.get(stage));
    }
  });

  it('probabilities never decrease along either list', () => {
    for (const list of [STANDARD_STAGES, ASSESSMENT_STAGES]) {
      const ps = list.map((s) => s.probability);
      expect([...ps].sort((a, b) => a - b)).toEqual(ps);
      expect(ps.at(-1)).toBe(100);
    }
  });

  it('startStage: outbound records start created, inbound accepted', () => {
    expect(startStage('outbound')).toBe('created');
    expect(startStage('inbound')).toBe('accepted');
  });

  it.each(SPEC_DEAL_TYPES)(
    'settableStages(%s) excludes created, accepted and won, keeps the rest in order',
    (type) => {
      const list = type === 'solution-assessment' ? SPEC_SA_STAGES : SPEC_STANDARD_STAGES;
      const want = list.map(([id]) => id).filter((id) => !['created', 'accepted', 'won'].includes(id));
      expect(settableStages(type as DealType)).toEqual(want);
    },
  );

  it('settable lists are exactly as the SPEC names them', () => {
    expect(settableStages('co-sell')).toEqual(['qualified', 'developed', 'proposed', 'negotiated']);
    expect(settableStages('solution-assessment')).toEqual(SPEC_SA_ORDER);
  });
});

describe('checkStageMove', () => {
  /** SA rank: the start (created/accepted) is 0, then the mandatory stages 1..4. */
  const saRank = (stage: string) =>
    stage === 'created' || stage === 'accepted' ? 0 : SPEC_SA_ORDER.indexOf(stage) + 1;

  function oracle(type: DealType, from: string, to: string) {
    const list = type === 'solution-assessment' ? SPEC_SA_STAGES : SPEC_STANDARD_STAGES;
    const settable = list.map(([id]) => id).filter((id) => !['created', 'accepted', 'won'].includes(id));
    if (!settable.includes(to)) return { ok: false, code: 'unknown-stage' };
    if (type !== 'solution-assessment') return { ok: true };
    return saRank(to) <= saRank(from) + 1 ? { ok: true } : { ok: false, code: 'stage-out-of-order' };
  }

  it.each(SPEC_DEAL_TYPES.filter((t) => t !== 'solution-assessment'))(
    '%s: free in both directions among its own stages, anything else unknown',
    (type) => {
      for (const from of SALES_STAGES) {
        for (const to of SALES_STAGES) {
          expect(checkStageMove(type as DealType, from, to), `${from}→${to}`).toEqual(
            oracle(type as DealType, from, to),
          );
        }
      }
    },
  );

  it('solution-assessment: forward one at a time, backward allowed, unknown refused', () => {
    const saStages = SPEC_SA_STAGES.map(([id]) => id).filter((id) => id !== 'won');
    for (const from of saStages) {
      for (const to of SALES_STAGES) {
        expect(checkStageMove('solution-assessment', from as SalesStage, to), `${from}→${to}`).toEqual(
          oracle('solution-assessment', from, to),
        );
      }
    }
  });

  it('spot checks', () => {
    expect(checkStageMove('private', 'created', 'negotiated')).toEqual({ ok: true });
    expect(checkStageMove('private', 'negotiated', 'qualified')).toEqual({ ok: true });
    expect(checkStageMove('co-sell', 'qualified', 'won')).toEqual({ ok: false, code: 'unknown-stage' });
    expect(checkStageMove('co-sell', 'qualified', 'created')).toEqual({ ok: false, code: 'unknown-stage' });
    expect(checkStageMove('co-sell', 'qualified', 'collect-data')).toEqual({
      ok: false,
      code: 'unknown-stage',
    });
    expect(checkStageMove('solution-assessment', 'created', 'qualified')).toEqual({
      ok: false,
      code: 'unknown-stage',
    });
    expect(checkStageMove('solution-assessment', 'created', 'secure-customer-loe')).toEqual({ ok: true });
    expect(checkStageMove('solution-assessment', 'accepted', 'secure-customer-loe')).toEqual({ ok: true });
    expect(checkStageMove('solution-assessment', 'created', 'collect-data')).toEqual({
      ok: false,
      code: 'stage-out-of-order',
    });
    expect(checkStageMove('solution-assessment', 'secure-customer-loe', 'prepare-assessment-report')).toEqual(
      {
        ok: false,
        code: 'stage-out-of-order',
      },
    );
    expect(checkStageMove('solution-assessment', 'collect-data', 'prepare-assessment-report')).toEqual({
      ok: true,
    });
    expect(checkStageMove('solution-assessment', 'present-to-customer', 'secure-customer-loe')).toEqual({
      ok: true,
    });
    expect(checkStageMove('solution-assessment', 'present-to-customer', 'won')).toEqual({
      ok: false,
      code: 'unknown-stage',
    });
    expect(checkStageMove('private', 'created', 'no-such-stage' as SalesStage)).toEqual({
      ok: false,
      code: 'unknown-stage',
    });
  });

  it('an SA deal walking its stages in order reaches present-to-customer and may then win', () => {
    let stage: SalesStage = 'created';
    for (const next of SPEC_SA_ORDER as SalesStage[]) {
      expect(stagesCompleteForWin('solution-assessment', stage)).toBe(false);
      expect(checkStageMove('solution-assessment', stage, next)).toEqual({ ok: true });
      stage = next;
    }
    expect(stagesCompleteForWin('solution-assessment', stage)).toBe(true);
  });

  it('property: an SA sequence of accepted moves never skips a mandatory stage', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...(SPEC_SA_ORDER as SalesStage[])), { maxLength: 40 }),
        (moves) => {
          let stage: SalesStage = 'created';
          let highest = 0;
          for (const to of moves) {
            if (checkStageMove('solution-assessment', stage, to).ok) {
              const rank = saRank(to);
              // Reaching a new furthest stage is only ever possible from the one just before it.
              if (rank > highest) {
                expect(rank).toBe(highest + 1);
                highest = rank;
              }
              stage = to;
            }
          }
        },
      ),
    );
  });
});

describe('typeOfNewDeal (API.md "Create body")', () => {
  type Input = Parameters<typeof typeOfNewDeal>[0];
  function oracle(input: Input): DealType {
    if (input.hasAssessment) return 'solution-assessment'; // an assessment solution → SA
    if (input.createdByVendor) return 'co-sell'; // a vendor seller sending the deal (SPEC §5 co-sell)
    if (input.vendorHelp !== 'none') return 'co-sell';
    if (input.shareWithVendor) return 'partner-led';
    if (input.invitesPartners) return 'partner-to-partner';
    return 'private';
  }

  it('every combination of the create body', () => {
    let count = 0;
    for (const hasAssessment of [false, true]) {
      for (const vendorHelp of SPEC_HELP_TYPES as HelpType[]) {
        for (const shareWithVendor of [false, true]) {
          for (const invitesPartners of [false, true]) {
            for (const createdByVendor of [false, true]) {
              // The vendor never creates assessments (only assessmentApproved partners do).
              if (createdByVendor && hasAssessment) continue;
              const input = { hasAssessment, vendorHelp, shareWithVendor, invitesPartners, createdByVendor };
              expect(typeOfNewDeal(input), JSON.stringify(input)).toBe(oracle(input));
              count++;
            }
          }
        }
      }
    }
    expect(count).toBe(2 * 7 * 2 * 2 * 2 - 7 * 2 * 2);
  });

  it('spot checks', () => {
    const none = {
      hasAssessment: false,
      vendorHelp: 'none' as HelpType,
      shareWithVendor: false,
      invitesPartners: false,
      createdByVendor: false,
    };
    expect(typeOfNewDeal(none)).toBe('private');
    expect(typeOfNewDeal({ ...none, invitesPartners: true })).toBe('partner-to-partner');
    expect(typeOfNewDeal({ ...none, shareWithVendor: true })).toBe('partner-led');
    expect(typeOfNewDeal({ ...none, shareWithVendor: true, invitesPartners: true })).toBe('partner-led');
    expect(typeOfNewDeal({ ...none, vendorHelp: 'quotes-or-licensing' })).toBe('co-sell');
    expect(typeOfNewDeal({ ...none, vendorHelp: 'general-or-other', invitesPartners: true })).toBe('co-sell');
    expect(typeOfNewDeal({ ...none, vendorHelp: 'general-or-other', shareWithVendor: true })).toBe('co-sell');
    expect(typeOfNewDeal({ ...none, hasAssessment: true, vendorHelp: 'proof-of-concept-or-demo' })).toBe(
      'solution-assessment',
    );
    expect(typeOfNewDeal({ ...none, createdByVendor: true, invitesPartners: true })).toBe('co-sell');
  });
});

describe('invitations', () => {
  it('the rules table matches SPEC §6 (SA has no rule)', () => {
    const table = Object.fromEntries(
      INVITATION_RULES.map((r) => [
        r.type,
        {
          vendor: r.mayInvite.includes('vendor'),
          partners: r.mayInvite.includes('partners'),
          creatorOnly: r.creatorOnly,
        },
      ]),
    );
    const want = Object.fromEntries(
      Object.entries(SPEC_INVITES).filter(([type]) => type !== 'solution-assessment'),
    );
    expect(table).toEqual(want);
    expect(invitationRule('solution-assessment')).toBeUndefined();
    expect(new Set(INVITATION_RULES.map((r) => r.type)).size).toBe(INVITATION_RULES.length);
  });

  it('vendorInvited flags: private and P2P are without the vendor, co-sell and partner-led with it', () => {
    expect(invitationRule('private')?.vendorInvited).toBe(false);
    expect(invitationRule('partner-to-partner')?.vendorInvited).toBe(false);
    expect(invitationRule('co-sell')?.vendorInvited).toBe(true);
    expect(invitationRule('partner-led')?.vendorInvited).toBe(true);
  });

  /** SPEC §6 effects: vendor → co-sell (it wins when both are invited); partners → P2P from private. */
  const EXPECTED: Record<string, Record<string, DealType | undefined>> = {
    private: {
      '': 'private',
      vendor: 'co-sell',
      partners: 'partner-to-partner',
      'partners,vendor': 'co-sell',
    },
    'co-sell': { '': 'co-sell', vendor: undefined, partners: 'co-sell', 'partners,vendor': undefined },
    'partner-led': {
      '': 'partner-led',
      vendor: undefined,
      partners: 'partner-led',
      'partners,vendor': undefined,
    },
    'partner-to-partner': {
      '': 'partner-to-partner',
      vendor: 'co-sell',
      partners: 'partner-to-partner',
      'partners,vendor': 'co-sell',
    },
    'solution-assessment': { vendor: undefined, partners: undefined, 'partners,vendor': undefined },
  };

  for (const [type, cases] of Object.entries(EXPECTED)) {
    it.each(Object.entries(cases))(`typeAfterInvitation(${type}, [%s])`, (key, want) => {
      const inviting = (key ? key.split(',') : []) as Invitee[];
      expect(typeAfterInvitation(type as DealType, inviting)).toBe(want);
      expect(typeAfterInvitation(type as DealType, [...inviting].reverse())).toBe(want);
      expect(typeAfterInvitation(type as DealType, [...inviting, ...inviting])).toBe(want);
    });
  }

  it('typeAfterInvitation agrees with the invite abilities of the creator', () => {
    for (const type of SPEC_DEAL_TYPES as DealType[]) {
      const ctx: AbilityContext = {
        status: 'accepted',
        direction: 'outbound',
        type,
        salesStage: 'created',
        roles: ['referrals-admin'],
        vendorRecord: false,
      };
      expect(refusal('inviteVendor', ctx) === null, type).toBe(
        typeAfterInvitation(type, ['vendor']) !== undefined,
      );
      expect(refusal('invitePartners', ctx) === null, type).toBe(
        typeAfterInvitation(type, ['partners']) !== undefined,
      );
    }
  });
});

describe('editable fields', () => {
  const ALL_FIELDS = [
    'name',
    'value',
    'closeDate',
    'crmId',
    'campaignId',
    'team',
    'solutions',
    'customerContact',
  ];

  function oracle(type: string, status: string, direction: string): string[] {
    if (status === 'received') return ['team']; // while received: only who handles it
    if (status !== 'accepted') return []; // terminal: nobody edits
    return ALL_FIELDS.filter((f) => {
      if (f === 'solutions' && type === 'solution-assessment') return false; // §8: cannot change
      if (f === 'customerContact' && direction !== 'outbound') return false; // the creator's
      return true;
    });
  }

  it('the editable vocabulary never includes the location (or the customer)', () => {
    expect(sorted(EDITABLE_FIELDS)).toEqual(sorted(ALL_FIELDS));
    expect(EDITABLE_FIELDS as readonly string[]).not.toContain('location');
    expect(EDITABLE_FIELDS as readonly string[]).not.toContain('locationId');
  });

  it('per status', () => {
    expect([...EDITABLE_FIELDS_BY_STATUS.received]).toEqual(['team']);
    expect(sorted(EDITABLE_FIELDS_BY_STATUS.accepted)).toEqual(sorted(ALL_FIELDS));
    for (const status of SPEC_TERMINAL) expect(EDITABLE_FIELDS_BY_STATUS[status as Status]).toEqual([]);
  });

  it('editableFields for every type × status × direction', () => {
    for (const type of SPEC_DEAL_TYPES) {
      for (const status of SPEC_STATUSES) {
        for (const direction of ['outbound', 'inbound']) {
          const got = editableFields(type as DealType, status as Status, direction as Direction);
          expect(sorted(got), `${type}/${status}/${direction}`).toEqual(
            sorted(oracle(type, status, direction)),
          );
          expect(got as string[]).not.toContain('location');
        }
      }
    }
  });

  it('edit ability and editable fields agree: edit allowed ⇔ some field editable', () => {
    for (const type of SPEC_DEAL_TYPES as DealType[]) {
      for (const status of SPEC_STATUSES as Status[]) {
        for (const direction of DIRECTIONS) {
          const ctx: AbilityContext = {
            status,
            direction,
            type,
            salesStage: 'created',
            roles: ['referrals-admin'],
            vendorRecord: false,
          };
          expect(refusal('edit', ctx) === null).toBe(editableFields(type, status, direction).length > 0);
        }
      }
    }
  });

  it('accept fields are exactly the SPEC list', () => {
    expect(sorted(ACCEPT_FIELDS)).toEqual(sorted(SPEC_ACCEPT_FIELDS));
  });

  it('returns fresh arrays (callers may not corrupt the table)', () => {
    const a = editableFields('private', 'accepted', 'outbound');
    (a as EditableField[]).length = 0;
    expect(editableFields('private', 'accepted', 'outbound').length).toBe(ALL_FIELDS.length);
  });
});

describe('lifecycleDocument()', () => {
  const doc = lifecycleDocument();

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('lists every status with its terminal flag and portal pair', () => {
    expect(doc.statuses.map((s) => s.id).sort()).toEqual(sorted(SPEC_STATUSES));
    for (const s of doc.statuses) {
      expect(s.terminal, s.id).toBe(SPEC_TERMINAL.includes(s.id));
      const [status, substatus] = SPEC_PORTAL[s.id]!;
      expect(s.portal).toEqual({ status, substatus });
    }
  });

  it('transitions include expire by the system and the participant transitions', () => {
    expect(doc.transitions).toContainEqual({
      action: 'expire',
      from: ['received'],
      to: 'expired',
      by: 'system',
    });
    const byAction = Object.fromEntries(doc.transitions.map((t) => [t.action, t]));
    expect(sorted(Object.keys(byAction))).toEqual(
      sorted(['accept', 'decline', 'win', 'lose', 'closeAsError', 'expire']),
    );
    expect(byAction.accept).toEqual({
      action: 'accept',
      from: ['received'],
      to: 'accepted',
      by: 'participant',
    });
    expect(byAction.decline).toEqual({
      action: 'decline',
      from: ['received'],
      to: 'declined',
      by: 'participant',
    });
    expect(byAction.win).toEqual({ action: 'win', from: ['accepted'], to: 'won', by: 'participant' });
    expect(byAction.lose).toEqual({ action: 'lose', from: ['accepted'], to: 'lost', by: 'participant' });
    expect(byAction.closeAsError?.to).toBe('error');
    expect(sorted(byAction.closeAsError?.from ?? [])).toEqual(sorted(SPEC_OPEN));
  });

  it('actions: every action, with statuses, directions and reasons from the SPEC', () => {
    expect(doc.actions.map((a) => a.id).sort()).toEqual(sorted(SPEC_ACTIONS));
    for (const a of doc.actions) {
      expect(sorted(a.from), a.id).toEqual(sorted(SPEC_ACTION_STATUSES[a.id]!));
      const directions = a.id === 'accept' || a.id === 'decline' ? ['inbound'] : ['inbound', 'outbound'];
      expect(sorted(a.directions), a.id).toEqual(directions);
      const reasons =
        a.id === 'decline' || a.id === 'lose'
          ? SPEC_CLOSE_REASONS
          : a.id === 'closeAsError'
            ? SPEC_ERROR_REASONS
            : null;
      expect(a.reasons, a.id).toEqual(reasons);
      const roles = a.id === 'inviteVendor' ? ['referrals-admin', 'referrals-user'] : SPEC_DEAL_ROLES;
      expect(sorted(a.roles), a.id).toEqual(sorted(roles));
    }
    const to = Object.fromEntries(doc.actions.map((a) => [a.id, a.to]));
    expect(to).toEqual({
      accept: 'accepted',
      decline: 'declined',
      edit: null,
      setStage: null,
      win: 'won',
      lose: 'lost',
      closeAsError: 'error',
      invitePartners: null,
      inviteVendor: null,
      addNote: null,
    });
  });

  it('editable fields per status', () => {
    const byStatus = Object.fromEntries(doc.editableFields.map((e) => [e.status, e.fields]));
    expect(sorted(Object.keys(byStatus))).toEqual(sorted(SPEC_STATUSES));
    expect(byStatus.received).toEqual(['team']);
    expect(byStatus.accepted).not.toContain('location');
    for (const status of SPEC_TERMINAL) expect(byStatus[status]).toEqual([]);
    expect(sorted(doc.acceptFields)).toEqual(sorted(SPEC_ACCEPT_FIELDS));
  });

  it('stages with exact percentages and the settable lists', () => {
    expect(doc.stages.standard.map((s) => [s.id, s.probability])).toEqual(SPEC_STANDARD_STAGES);
    expect(doc.stages.solutionAssessment.map((s) => [s.id, s.probability])).toEqual(SPEC_SA_STAGES);
    expect(doc.stages.settable.standard).toEqual(['qualified', 'developed', 'proposed', 'negotiated']);
    expect(doc.stages.settable.solutionAssessment).toEqual(SPEC_SA_ORDER);
  });

  it('reasons are exactly the SPEC decline/lost and error lists', () => {
    expect(doc.reasons).toEqual({
      decline: SPEC_CLOSE_REASONS,
      lost: SPEC_CLOSE_REASONS,
      error: SPEC_ERROR_REASONS,
    });
  });

  it('help types are exactly the SPEC list', () => {
    expect(doc.helpTypes).toEqual(SPEC_HELP_TYPES);
  });

  it('response window is 14 days', () => {
    expect(doc.responseWindowDays).toBe(14);
  });

  it('deal types and roles', () => {
    expect(sorted(doc.dealTypes)).toEqual(sorted(SPEC_DEAL_TYPES));
    expect(sorted(doc.roles)).toEqual(sorted([...SPEC_PARTNER_ROLES, ...SPEC_VENDOR_ROLES]));
  });

  it('invitations follow the SPEC §6 table', () => {
    const byType = Object.fromEntries(doc.invitations.map((r) => [r.type, r]));
    expect(sorted(Object.keys(byType))).toEqual(
      sorted(['private', 'co-sell', 'partner-led', 'partner-to-partner']),
    );
    for (const [type, rule] of Object.entries(byType)) {
      const want = SPEC_INVITES[type]!;
      expect(sorted(rule.mayInvite), type).toEqual(
        sorted([...(want.vendor ? ['vendor'] : []), ...(want.partners ? ['partners'] : [])]),
      );
      expect(rule.creatorOnly, type).toBe(want.creatorOnly);
    }
    expect(byType.private?.becomes).toEqual({ vendor: 'co-sell', partners: 'partner-to-partner' });
    expect(byType['partner-to-partner']?.becomes).toEqual({
      vendor: 'co-sell',
      partners: 'partner-to-partner',
    });
  });

  it('each call returns a fresh document (mutating one does not leak into the next or the tables)', () => {
    const a = lifecycleDocument();
    a.statuses.length = 0;
    a.reasons.decline.length = 0;
    a.helpTypes.push('x' as never);
    (a.stages.standard[0] as { probability: number }).probability = 99;
    a.transitions[0]!.from.length = 0;
    a.invitations[0]!.mayInvite.length = 0;
    const b = lifecycleDocument();
    expect(b).toEqual(doc);
    expect(STANDARD_STAGES[0].probability).toBe(10);
    expect([...CLOSE_REASONS]).toEqual(SPEC_CLOSE_REASONS);
    expect(TRANSITIONS.every((t) => t.from.length > 0)).toBe(true);
  });
});

describe('inviting the vendor later without asking for help', () => {
  it('shares the deal for visibility: partner-led, as shareWithVendor does on create', async () => {
    const { typeAfterInvitation } = await import('./lifecycle.ts');
    expect(typeAfterInvitation('private', ['vendor'], 'none')).toBe('partner-led');
    expect(typeAfterInvitation('partner-to-partner', ['vendor', 'partners'], 'none')).toBe('partner-led');
    expect(typeAfterInvitation('private', ['vendor'], 'quotes-or-licensing')).toBe('co-sell');
  });
});
