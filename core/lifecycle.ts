/**
 * The deal lifecycle as data (SPEC §5, §6, §8).
 *
 * Everything that decides "may this happen now" reads these tables: the
 * services, the `abilities` of every deal response, the web UI and the
 * adapters. Nothing re-implements them. Pure: no I/O, no clock.
 */

export const STATUSES = ['received', 'accepted', 'won', 'lost', 'declined', 'expired', 'error'] as const;
export type Status = (typeof STATUSES)[number];

export const TERMINAL_STATUSES = [
  'won',
  'lost',
  'declined',
  'expired',
  'error',
] as const satisfies readonly Status[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: Status): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly Status[]).includes(status);
}

/** The partner portal API's status/substatus pair for each status (interop, SPEC §6). */
export const PORTAL_STATUS: Record<Status, { status: string; substatus: string }> = {
  received: { status: 'New', substatus: 'Received' },
  accepted: { status: 'Active', substatus: 'Accepted' },
  won: { status: 'Closed', substatus: 'Won' },
  lost: { status: 'Closed', substatus: 'Lost' },
  declined: { status: 'Closed', substatus: 'Declined' },
  expired: { status: 'Closed', substatus: 'Expired' },
  error: { status: 'Closed', substatus: 'Error' },
};

export const DEAL_TYPES = [
  'private',
  'partner-led',
  'co-sell',
  'partner-to-partner',
  'solution-assessment',
] as const;
export type DealType = (typeof DEAL_TYPES)[number];

export const DIRECTIONS = ['outbound', 'inbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const PARTNER_ROLES = [
  'partner-admin',
  'referrals-admin',
  'referrals-user',
  'solutions-admin',
] as const;
export const VENDOR_ROLES = ['vendor-admin', 'vendor-seller'] as const;
export const ROLES = [...PARTNER_ROLES, ...VENDOR_ROLES] as const;
export type Role = (typeof ROLES)[number];

/** Roles that work deals at all. partner-admin and solutions-admin have no deal access by role alone (SPEC §2). */
export const DEAL_ROLES = [
  'referrals-admin',
  'referrals-user',
  'vendor-admin',
  'vendor-seller',
] as const satisfies readonly Role[];
export type DealRole = (typeof DEAL_ROLES)[number];

/** Roles whose deal visibility depends on being on the deal's team. */
export const TEAM_BOUND_ROLES = ['referrals-user', 'vendor-seller'] as const satisfies readonly DealRole[];
/** Roles that carry a scope (entire company or a set of locations). */
export const SCOPED_ROLES = ['referrals-admin', 'referrals-user'] as const satisfies readonly Role[];

export const HELP_TYPES = [
  'none',
  'workload-value-proposition',
  'customer-technical-architecture',
  'proof-of-concept-or-demo',
  'quotes-or-licensing',
  'post-sales-customer-success',
  'general-or-other',
] as const;
export type HelpType = (typeof HELP_TYPES)[number];

export const CLOSE_REASONS = [
  'no-budget',
  'customer-unresponsive',
  'chose-another-vendor',
  'requirement-not-met',
  'not-a-customer',
  'timeline-too-short',
  'spam-or-abuse',
  'other',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const ERROR_REASONS = [
  'duplicate',
  'test',
  'data-error',
  'customer-matching',
  'solution-issue',
  'sync-issue',
  'other',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/** Days a received record waits for a response before it expires (SPEC §6). */
export const RESPONSE_WINDOW_DAYS = 14;

// ---------------------------------------------------------------- stages

export interface StageDefinition<S extends string = string> {
  readonly id: S;
  readonly probability: number;
}

/** Standard sales stages with the probability used in weighted pipeline. */
export const STANDARD_STAGES = [
  { id: 'created', probability: 10 },
  { id: 'accepted', probability: 10 },
  { id: 'qualified', probability: 20 },
  { id: 'developed', probability: 40 },
  { id: 'proposed', probability: 60 },
  { id: 'negotiated', probability: 80 },
  { id: 'won', probability: 100 },
] as const satisfies readonly StageDefinition[];

/** Solution-assessment stages: mandatory and in order (SPEC §8). */
export const ASSESSMENT_STAGES = [
  { id: 'created', probability: 10 },
  { id: 'accepted', probability: 10 },
  { id: 'secure-customer-loe', probability: 20 },
  { id: 'collect-data', probability: 40 },
  { id: 'prepare-assessment-report', probability: 60 },
  { id: 'present-to-customer', probability: 80 },
  { id: 'won', probability: 100 },
] as const satisfies readonly StageDefinition[];

export type StandardStage = (typeof STANDARD_STAGES)[number]['id'];
export type AssessmentStage = (typeof ASSESSMENT_STAGES)[number]['id'];
export type SalesStage = StandardStage | AssessmentStage;
export const SALES_STAGES = [
  ...new Set([...STANDARD_STAGES.map((s) => s.id), ...ASSESSMENT_STAGES.map((s) => s.id)]),
] as SalesStage[];

/** The stage a record starts in: outbound records are created, inbound ones accepted (on accept). */
export function startStage(direction: Direction): 'created' | 'accepted' {
  return direction === 'outbound' ? 'created' : 'accepted';
}

export function stagesFor(type: DealType): readonly StageDefinition<SalesStage>[] {
  return type === 'solution-assessment' ? ASSESSMENT_STAGES : STANDARD_STAGES;
}

/** The stages a user may set by hand; `won` is reached only through the win action. */
export function settableStages(type: DealType): SalesStage[] {
  return stagesFor(type)
    .map((s) => s.id)
    .filter((id) => id !== 'won' && id !== 'created' && id !== 'accepted');
}

export function stageProbability(type: DealType, stage: SalesStage): number | undefined {
  return stagesFor(type).find((s) => s.id === stage)?.probability;
}

/** Index of a stage in its list, with created/accepted both counting as the start (0). */
function stageRank(type: DealType, stage: SalesStage): number {
  if (stage === 'created' || stage === 'accepted') return 0;
  const ids = stagesFor(type).map((s) => s.id);
  const index = ids.indexOf(stage);
  return index < 0 ? -1 : index - 1; // created+accepted collapse into rank 0
}

export type StageCheck = { ok: true } | { ok: false; code: 'unknown-stage' | 'stage-out-of-order' };

/**
 * May a record of this type move from `from` to `to`? Non-SA deals move freely (backward allowed, recorded).
 * SA deals move forward exactly one stage at a time (stages are mandatory and in order); moving back is allowed.
 */
export function checkStageMove(type: DealType, from: SalesStage, to: SalesStage): StageCheck {
  if (!settableStages(type).includes(to)) return { ok: false, code: 'unknown-stage' };
  if (type !== 'solution-assessment') return { ok: true };
  const fromRank = stageRank(type, from);
  const toRank = stageRank(type, to);
  if (toRank > fromRank + 1) return { ok: false, code: 'stage-out-of-order' };
  return { ok: true };
}

/** Won is possible for an SA deal only when every assessment stage is complete (SPEC §8). */
export function stagesCompleteForWin(type: DealType, stage: SalesStage): boolean {
  if (type !== 'solution-assessment') return true;
  return stage === 'present-to-customer';
}

// ---------------------------------------------------------------- actions

export const ACTIONS = [
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
] as const;
export type Action = (typeof ACTIONS)[number];

export interface ActionRule {
  /** Statuses in which the action is allowed. */
  readonly from: readonly Status[];
  /** The status the record moves to, when the action is a transition. */
  readonly to?: Status;
  /** Which direction of record may take the action (undefined: both). */
  readonly directions?: readonly Direction[];
  /** Roles that may trigger it (the actor must also see the deal). */
  readonly roles: readonly DealRole[];
  /** Reason codes the action requires. */
  readonly reasons?: readonly string[];
}

const WORKERS = DEAL_ROLES;

/** Who may do what, in which status. `expire` is the system's own transition. */
export const ACTION_RULES: Record<Action, ActionRule> = {
  accept: { from: ['received'], to: 'accepted', directions: ['inbound'], roles: WORKERS },
  decline: {
    from: ['received'],
    to: 'declined',
    directions: ['inbound'],
    roles: WORKERS,
    reasons: CLOSE_REASONS,
  },
  edit: { from: ['received', 'accepted'], roles: WORKERS },
  setStage: { from: ['accepted'], roles: WORKERS },
  win: { from: ['accepted'], to: 'won', roles: WORKERS },
  lose: { from: ['accepted'], to: 'lost', roles: WORKERS, reasons: CLOSE_REASONS },
  closeAsError: { from: ['received', 'accepted'], to: 'error', roles: WORKERS, reasons: ERROR_REASONS },
  invitePartners: {
    from: ['received', 'accepted'],
    roles: ['referrals-admin', 'referrals-user', 'vendor-admin', 'vendor-seller'],
  },
  inviteVendor: { from: ['received', 'accepted'], roles: ['referrals-admin', 'referrals-user'] },
  addNote: { from: ['received', 'accepted'], roles: WORKERS },
};

/** The system's transition: a received record nobody answered within the response window. */
export const EXPIRE_RULE = { from: ['received'] as const, to: 'expired' as const };

export interface TransitionDescription {
  action: Action | 'expire';
  from: readonly Status[];
  to: Status;
  by: 'participant' | 'system';
}

/** All status transitions, derived from the action rules (served by the lifecycle endpoint). */
export const TRANSITIONS: TransitionDescription[] = [
  ...ACTIONS.flatMap((action) => {
    const rule = ACTION_RULES[action];
    return rule.to ? [{ action, from: rule.from, to: rule.to, by: 'participant' as const }] : [];
  }),
  { action: 'expire', from: EXPIRE_RULE.from, to: EXPIRE_RULE.to, by: 'system' },
];

// ---------------------------------------------------------------- fields

export const EDITABLE_FIELDS = [
  'name',
  'value',
  'closeDate',
  'crmId',
  'campaignId',
  'team',
  'solutions',
  'customerContact',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Fields of a participant record that PATCH may change, per status. Location never changes. */
export const EDITABLE_FIELDS_BY_STATUS: Record<Status, readonly EditableField[]> = {
  // While received, the recipient only organizes who handles it (a vendor-admin puts sellers on its team).
  received: ['team'],
  accepted: EDITABLE_FIELDS,
  won: [],
  lost: [],
  declined: [],
  expired: [],
  error: [],
};

/** Fields that accept may set on a received record. */
export const ACCEPT_FIELDS = ['name', 'value', 'closeDate', 'notes', 'crmId', 'campaignId', 'team'] as const;

/** Fields editable for a record of this type and status (SA deals keep their one assessment). */
export function editableFields(type: DealType, status: Status, direction: Direction): EditableField[] {
  return EDITABLE_FIELDS_BY_STATUS[status].filter((field) => {
    if (field === 'solutions' && type === 'solution-assessment') return false;
    // The customer contact is part of the shared engagement; only its creator edits it.
    if (field === 'customerContact' && direction !== 'outbound') return false;
    return true;
  });
}

// ---------------------------------------------------------------- invitations

export type Invitee = 'vendor' | 'partners';

export interface InvitationRule {
  /** The deal type now (with `vendorInvited` for P2P). */
  readonly type: DealType;
  readonly vendorInvited: boolean;
  readonly mayInvite: readonly Invitee[];
  /** Only the organization that created the deal may invite (not from an inbound record). */
  readonly creatorOnly: boolean;
  /** The deal type after inviting the vendor / partners. */
  readonly becomes: Partial<Record<Invitee, DealType>>;
}

/**
 * Who can be invited, and when (SPEC §6), while the inviter's record is not terminal.
 * partner-led counts as co-sell for invitation rules; solution-assessment deals invite nobody.
 */
export const INVITATION_RULES: readonly InvitationRule[] = [
  {
    type: 'private',
    vendorInvited: false,
    mayInvite: ['vendor', 'partners'],
    creatorOnly: true,
    becomes: { vendor: 'co-sell', partners: 'partner-to-partner' },
  },
  {
    type: 'co-sell',
    vendorInvited: true,
    mayInvite: ['partners'],
    creatorOnly: true,
    becomes: { partners: 'co-sell' },
  },
  {
    type: 'partner-led',
    vendorInvited: true,
    mayInvite: ['partners'],
    creatorOnly: true,
    becomes: { partners: 'partner-led' },
  },
  {
    type: 'partner-to-partner',
    vendorInvited: false,
    mayInvite: ['vendor', 'partners'],
    creatorOnly: false,
    becomes: { vendor: 'co-sell', partners: 'partner-to-partner' },
  },
];

export function invitationRule(type: DealType): InvitationRule | undefined {
  return INVITATION_RULES.find((rule) => rule.type === type);
}

/**
 * The type a deal gets when the vendor and/or partners are invited later. Inviting the vendor wins over
 * partners (as in the create rules); inviting the vendor without asking for help shares the deal for
 * visibility only, which makes it partner-led, exactly like `shareWithVendor` on create.
 */
export function typeAfterInvitation(
  type: DealType,
  inviting: readonly Invitee[],
  vendorHelp: HelpType = 'general-or-other',
): DealType | undefined {
  const rule = invitationRule(type);
  if (!rule) return undefined;
  if (inviting.some((who) => !rule.mayInvite.includes(who))) return undefined;
  if (inviting.includes('vendor')) return vendorHelp === 'none' ? 'partner-led' : rule.becomes.vendor;
  if (inviting.includes('partners')) return rule.becomes.partners;
  return type;
}

/** The type of a new deal, from what its create body asks for (API.md "Create body"). */
export function typeOfNewDeal(input: {
  hasAssessment: boolean;
  vendorHelp: HelpType;
  shareWithVendor: boolean;
  invitesPartners: boolean;
  createdByVendor: boolean;
}): DealType {
  if (input.hasAssessment) return 'solution-assessment';
  if (input.createdByVendor) return 'co-sell';
  if (input.vendorHelp !== 'none') return 'co-sell';
  if (input.shareWithVendor) return 'partner-led';
  if (input.invitesPartners) return 'partner-to-partner';
  return 'private';
}

// ---------------------------------------------------------------- abilities

export interface AbilityContext {
  status: Status;
  direction: Direction;
  type: DealType;
  salesStage: SalesStage;
  /** The actor's deal roles in the deal's organization (already filtered by scope). */
  roles: readonly DealRole[];
  /** The deal's organization is the vendor. */
  vendorRecord: boolean;
}

export type Abilities = Record<Action, boolean>;

/** Why an action is refused, or null when it is allowed. */
export function refusal(
  action: Action,
  ctx: AbilityContext,
): null | 'forbidden' | 'invalid-state' | 'stages-incomplete' | 'invitation-not-allowed' {
  const rule = ACTION_RULES[action];
  if (!ctx.roles.some((role) => rule.roles.includes(role))) return 'forbidden';
  if (!rule.from.includes(ctx.status)) return 'invalid-state';
  if (rule.directions && !rule.directions.includes(ctx.direction)) return 'invalid-state';
  if (action === 'win' && !stagesCompleteForWin(ctx.type, ctx.salesStage)) return 'stages-incomplete';
  if (action === 'invitePartners' || action === 'inviteVendor') {
    if (ctx.vendorRecord && action === 'inviteVendor') return 'invitation-not-allowed';
    const invitee: Invitee = action === 'inviteVendor' ? 'vendor' : 'partners';
    const rule = invitationRule(ctx.type);
    if (!rule?.mayInvite.includes(invitee)) return 'invitation-not-allowed';
    if (rule.creatorOnly && ctx.direction !== 'outbound') return 'invitation-not-allowed';
  }
  return null;
}

export function abilities(ctx: AbilityContext): Abilities {
  return Object.fromEntries(ACTIONS.map((action) => [action, refusal(action, ctx) === null])) as Abilities;
}

/** The whole lifecycle, as served by `GET /api/v1/lifecycle`. */
export function lifecycleDocument() {
  return {
    statuses: STATUSES.map((id) => ({ id, terminal: isTerminal(id), portal: PORTAL_STATUS[id] })),
    transitions: TRANSITIONS.map((t) => ({ ...t, from: [...t.from] })),
    actions: ACTIONS.map((id) => {
      const rule = ACTION_RULES[id];
      return {
        id,
        from: [...rule.from],
        to: rule.to ?? null,
        directions: rule.directions ? [...rule.directions] : [...DIRECTIONS],
        roles: [...rule.roles],
        reasons: rule.reasons ? [...rule.reasons] : null,
      };
    }),
    editableFields: STATUSES.map((status) => ({ status, fields: [...EDITABLE_FIELDS_BY_STATUS[status]] })),
    acceptFields: [...ACCEPT_FIELDS],
    stages: {
      standard: STANDARD_STAGES.map((s) => ({ ...s })),
      solutionAssessment: ASSESSMENT_STAGES.map((s) => ({ ...s })),
      settable: {
        standard: settableStages('private'),
        solutionAssessment: settableStages('solution-assessment'),
      },
    },
    dealTypes: [...DEAL_TYPES],
    roles: [...ROLES],
    reasons: { decline: [...CLOSE_REASONS], lost: [...CLOSE_REASONS], error: [...ERROR_REASONS] },
    helpTypes: [...HELP_TYPES],
    responseWindowDays: RESPONSE_WINDOW_DAYS,
    invitations: INVITATION_RULES.map((r) => ({
      type: r.type,
      vendorInvited: r.vendorInvited,
      mayInvite: [...r.mayInvite],
      creatorOnly: r.creatorOnly,
      becomes: { ...r.becomes },
    })),
  };
}
