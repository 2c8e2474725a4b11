/**
 * Zod schemas of the public API (v1). One schema gives validation, TypeScript types and the OpenAPI document.
 * Every string and array has an explicit limit (SPEC §14); the limits are visible in the OpenAPI document.
 */
import { z } from 'zod';
import { isIsoCountryCode } from './countries.ts';
import {
  ACTIONS,
  CLOSE_REASONS,
  DEAL_TYPES,
  DIRECTIONS,
  ERROR_REASONS,
  HELP_TYPES,
  ROLES,
  SALES_STAGES,
  STATUSES,
} from './lifecycle.ts';
import { isCurrency } from './money.ts';

export const LIMITS = {
  name: 200,
  shortText: 100,
  notes: 4000,
  noteBody: 10_000,
  email: 254,
  phone: 40,
  team: 50,
  solutions: 20,
  invitations: 20,
  query: 200,
  pageSize: 100,
  idempotencyKey: 255,
  /** Locations in one role's scope. */
  scopeLocations: 100,
  /** A tenant's domain (a DNS name). */
  domain: 253,
  password: 1024,
} as const;

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const Id = z.string().min(1).max(64).describe('An opaque identifier');

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'not a valid calendar date')
  .describe('A date, YYYY-MM-DD');

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code')
  .refine(isCurrency, 'unknown ISO 4217 currency');

export const Money = z
  .strictObject({
    amount: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,10})?$/, 'expected a positive decimal string such as "125000.00"')
      .describe('Decimal string, at most the currency’s minor digits'),
    currency: Currency,
  })
  .meta({ id: 'Money' });

export const MoneyOut = z.object({ amount: z.string(), currency: z.string() });

export const TeamMemberInput = z.strictObject({
  name: trimmed(LIMITS.name),
  phone: z
    .string()
    .trim()
    .min(3)
    .max(LIMITS.phone)
    .regex(/^[+0-9 ()./-]+$/, 'expected a phone number'),
  email: z.string().trim().max(LIMITS.email).pipe(z.email()),
});
export type TeamMemberInput = z.infer<typeof TeamMemberInput>;

export const Team = z.array(TeamMemberInput).min(1).max(LIMITS.team);

export const CustomerContactInput = z.strictObject({
  name: trimmed(LIMITS.name),
  phone: TeamMemberInput.shape.phone,
  email: TeamMemberInput.shape.email,
});

export const AddressInput = z.strictObject({
  addressLine1: z.string().trim().max(LIMITS.name).optional(),
  city: trimmed(LIMITS.shortText),
  region: z.string().trim().max(LIMITS.shortText).optional(),
  postalCode: z.string().trim().max(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 two-letter country code'),
});

export const CustomerInput = z.union([
  z.strictObject({ companyId: Id }),
  z.strictObject({
    name: trimmed(LIMITS.name),
    address: AddressInput,
    duns: z
      .string()
      .regex(/^\d{9}$/, 'D-U-N-S is exactly 9 digits')
      .optional(),
    website: z.string().trim().max(LIMITS.name).optional(),
  }),
]);

export const HelpType = z.enum(HELP_TYPES);

export const InvitationInput = z.strictObject({
  partnerId: Id.describe('The invited organization’s id'),
  closeDate: IsoDate,
  value: Money,
  notes: z.string().trim().max(LIMITS.notes).optional(),
  team: Team,
  solutionIds: z.array(Id).min(1).max(LIMITS.solutions),
  help: HelpType.default('none'),
});
export type InvitationInput = z.infer<typeof InvitationInput>;

export const CreateDealBody = z
  .strictObject({
    customer: CustomerInput,
    customerContact: CustomerContactInput.optional(),
    consent: z.strictObject({ shareContactWithVendor: z.boolean() }).optional(),
    name: trimmed(LIMITS.name),
    locationId: Id.optional().describe(
      'Required for partners; a vendor seller’s deal uses the vendor’s location',
    ),
    value: Money,
    closeDate: IsoDate,
    crmId: z.string().trim().max(LIMITS.shortText).optional(),
    campaignId: z.string().trim().max(LIMITS.shortText).optional(),
    notes: z.string().trim().max(LIMITS.notes).optional(),
    team: Team,
    solutionIds: z.array(Id).min(1).max(LIMITS.solutions),
    vendorHelp: HelpType.default('none'),
    shareWithVendor: z.boolean().default(false),
    invitations: z.array(InvitationInput).max(LIMITS.invitations).default([]),
    confirmNotDuplicate: z
      .boolean()
      .default(false)
      .describe(
        'Create even though the caller has open deals that look like the same opportunity ' +
          '(without it the create answers 409 possible-duplicate with the candidates)',
      ),
  })
  .meta({ id: 'CreateDeal' });
export type CreateDealBody = z.infer<typeof CreateDealBody>;

/** The duplicate check takes the create body as the form holds it so far: only the customer is required. */
export const DuplicateCheckBody = CreateDealBody.omit({ customer: true })
  .partial()
  .extend({ customer: CustomerInput })
  .meta({ id: 'DuplicateCheck' });
export type DuplicateCheckBody = z.infer<typeof DuplicateCheckBody>;

export const PatchDealBody = z
  .strictObject({
    name: trimmed(LIMITS.name).optional(),
    value: Money.optional(),
    closeDate: IsoDate.optional(),
    crmId: z.string().trim().max(LIMITS.shortText).nullable().optional(),
    campaignId: z.string().trim().max(LIMITS.shortText).nullable().optional(),
    team: Team.optional(),
    solutionIds: z.array(Id).min(1).max(LIMITS.solutions).optional(),
    customerContact: CustomerContactInput.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type PatchDealBody = z.infer<typeof PatchDealBody>;

export const AcceptBody = z.strictObject({
  name: trimmed(LIMITS.name).optional(),
  value: Money.optional(),
  closeDate: IsoDate.optional(),
  notes: z.string().trim().max(LIMITS.notes).optional(),
  crmId: z.string().trim().max(LIMITS.shortText).optional(),
  campaignId: z.string().trim().max(LIMITS.shortText).optional(),
  team: Team.optional(),
});
export type AcceptBody = z.infer<typeof AcceptBody>;

export const DeclineBody = z.strictObject({
  reason: z.enum(CLOSE_REASONS),
  notes: z.string().trim().max(LIMITS.notes).optional(),
});
export const LoseBody = DeclineBody;
export const CloseAsErrorBody = z.strictObject({
  reason: z.enum(ERROR_REASONS),
  notes: z.string().trim().max(LIMITS.notes).optional(),
});
export const StageBody = z.strictObject({
  stage: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.shortText)
    .describe(
      `A standard stage (${SALES_STAGES.join(', ')}) or one of the organization’s own stage names (GET /stage-names)`,
    ),
});
// Nullish: a POST without a body is validated as null.
export const WinBody = z.strictObject({ notes: z.string().trim().max(LIMITS.notes).optional() }).nullish();

export const InviteBody = z
  .strictObject({
    vendor: z
      .strictObject({ help: HelpType.default('none'), notes: z.string().trim().max(LIMITS.notes).optional() })
      .optional(),
    partners: z.array(InvitationInput).min(1).max(LIMITS.invitations).optional(),
    customerContact: CustomerContactInput.optional(),
    consent: z.strictObject({ shareContactWithVendor: z.boolean() }).optional(),
  })
  .refine(
    (body) => body.vendor !== undefined || body.partners !== undefined,
    'invite the vendor or partners',
  );
export type InviteBody = z.infer<typeof InviteBody>;

export const NoteBody = z.strictObject({ body: trimmed(LIMITS.noteBody) });

export const ListQuery = z.strictObject({
  view: z.enum(['inbound', 'outbound', 'favorites', 'closed']).default('inbound'),
  status: z.enum(STATUSES).optional(),
  type: z.enum(DEAL_TYPES).optional(),
  salesStage: z.enum(SALES_STAGES as [string, ...string[]]).optional(),
  locationId: Id.optional(),
  q: z.string().trim().min(1).max(LIMITS.query).optional(),
  expiringWithinDays: z.coerce.number().int().min(0).max(14).optional(),
  sort: z.enum(['updatedAt', 'value', 'closeDate', 'expiresAt']).default('updatedAt'),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(25),
  cursor: z.string().max(500).optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

// ---------------------------------------------------------------- responses

const OrgRef = z.object({ id: z.string(), name: z.string() });
const TeamMemberOut = z.object({
  name: z.string(),
  phone: z.string(),
  email: z.string(),
  organization: OrgRef,
});

export const DealOut = z
  .object({
    id: z.string(),
    engagementId: z.string(),
    organization: OrgRef,
    direction: z.enum(DIRECTIONS),
    type: z.enum(DEAL_TYPES),
    status: z.enum(STATUSES),
    salesStage: z.string(),
    organizationStage: z
      .string()
      .nullable()
      .describe('The organization’s own name for the sales stage (stage mapping), when it has one'),
    name: z.string(),
    location: z.object({ id: z.string(), name: z.string(), country: z.string(), city: z.string() }),
    value: MoneyOut,
    closeDate: z.string(),
    crmId: z.string().nullable(),
    campaignId: z.string().nullable(),
    customer: z.object({
      companyId: z.string().nullable(),
      name: z.string(),
      duns: z.string().nullable(),
      website: z.string().nullable(),
      verified: z.boolean(),
      address: z.object({
        addressLine1: z.string().nullable(),
        city: z.string(),
        region: z.string().nullable(),
        postalCode: z.string().nullable(),
        country: z.string(),
      }),
    }),
    customerContact: z.object({ name: z.string(), phone: z.string(), email: z.string() }).nullable(),
    consent: z.object({ shareContactWithVendor: z.boolean() }),
    team: z.array(TeamMemberOut),
    solutions: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.string(),
        publisher: OrgRef,
        offerType: z.string().nullable(),
      }),
    ),
    help: z
      .enum(HELP_TYPES)
      .describe('Help this organization was asked for (inbound) or asked the vendor for'),
    participants: z.array(
      z.object({
        organization: OrgRef.extend({ kind: z.enum(['vendor', 'partner']) }),
        status: z.enum(STATUSES),
        direction: z.enum(DIRECTIONS),
        help: z.enum(HELP_TYPES),
        team: z.array(TeamMemberOut),
      }),
    ),
    invitedBy: z
      .object({ organization: OrgRef, notes: z.string().nullable(), help: z.enum(HELP_TYPES) })
      .nullable(),
    receivedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    reason: z.string().nullable(),
    reasonNotes: z.string().nullable(),
    favorite: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
    abilities: z.object(
      Object.fromEntries(ACTIONS.map((a) => [a, z.boolean()])) as Record<
        (typeof ACTIONS)[number],
        z.ZodBoolean
      >,
    ),
  })
  .meta({ id: 'Deal' });
export type DealOut = z.infer<typeof DealOut>;

export const DealSummaryOut = DealOut.pick({
  id: true,
  engagementId: true,
  direction: true,
  type: true,
  status: true,
  salesStage: true,
  name: true,
  location: true,
  value: true,
  closeDate: true,
  expiresAt: true,
  favorite: true,
  version: true,
  createdAt: true,
  updatedAt: true,
})
  .extend({
    customer: z.object({ name: z.string(), city: z.string(), country: z.string() }),
    participants: z.array(
      z.object({ organization: OrgRef, status: z.enum(STATUSES), direction: z.enum(DIRECTIONS) }),
    ),
  })
  .meta({ id: 'DealSummary' });
export type DealSummaryOut = z.infer<typeof DealSummaryOut>;

export const DealListOut = z.object({ items: z.array(DealSummaryOut), nextCursor: z.string().nullable() });

export const DUPLICATE_REASONS = ['duns', 'domain', 'name-city-country'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

export const DuplicateCandidateOut = z
  .object({
    deal: DealSummaryOut,
    reasons: z
      .array(z.enum(DUPLICATE_REASONS))
      .describe('Same D-U-N-S, same website domain, same normalized name + city + country'),
  })
  .meta({ id: 'DuplicateCandidate' });
export type DuplicateCandidateOut = z.infer<typeof DuplicateCandidateOut>;

export const DuplicatesOut = z.object({ items: z.array(DuplicateCandidateOut) });

export const NoteOut = z.object({
  id: z.string(),
  body: z.string(),
  author: z.object({ name: z.string(), organization: OrgRef }),
  createdAt: z.string(),
});

export const ActivityOut = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.object({ name: z.string().nullable(), organization: OrgRef.nullable() }),
  organization: OrgRef.describe('The organization whose record the entry is about'),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  createdAt: z.string(),
});

export const ErrorOut = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      path: z.string().optional(),
      requestId: z.string().optional(),
      candidates: z
        .array(DuplicateCandidateOut)
        .optional()
        .describe('With possible-duplicate: the open deals that look like the same opportunity'),
    }),
  })
  .meta({ id: 'Error' });

export const MeOut = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), locale: z.string() }),
  organization: z.object({
    id: z.string(),
    kind: z.enum(['vendor', 'partner']),
    name: z.string(),
    partnerId: z.string().nullable(),
    coSellReady: z.boolean(),
    assessmentApproved: z.boolean(),
    locations: z.array(z.object({ id: z.string(), name: z.string(), country: z.string(), city: z.string() })),
    tenants: z.array(z.object({ id: z.string(), domain: z.string(), name: z.string() })),
  }),
  tenant: z.object({ id: z.string(), domain: z.string(), name: z.string() }).nullable(),
  roles: z.array(
    z.object({
      role: z.enum(ROLES),
      scope: z.union([z.literal('company'), z.object({ locationIds: z.array(z.string()) })]),
    }),
  ),
});

// ---------------------------------------------------------------- notices, webhooks, events, routing, stages

export const LOCALES = ['en', 'zh-TW', 'zh-CN', 'ru', 'sv'] as const;
export type Locale = (typeof LOCALES)[number];

/** What a user can be told about (SPEC §10); each is in the in-app list and, by preference, e-mailed. */
export const NOTICE_KINDS = [
  'deal-received',
  'deal-reminder',
  'deal-accepted',
  'deal-declined',
  'deal-expired',
  'note-added',
  'webhook-disabled',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Event types a webhook can subscribe to (SPEC §12); also the types of the replayable event feed. */
export const WEBHOOK_EVENT_TYPES = [
  'deal.created',
  'deal.received',
  'deal.updated',
  'deal.status-changed',
  'deal.note-added',
  'registration.changed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const PageQuery = {
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(25),
  cursor: z.string().max(500).optional().describe('The `nextCursor` of the previous page'),
};

export const PatchMeBody = z
  .strictObject({ locale: z.enum(LOCALES).describe('Language of the UI and of e-mails') })
  .meta({ id: 'PatchMe' });

export const NotificationQuery = z.strictObject({
  ...PageQuery,
  unread: z.enum(['true', 'false']).optional().describe('`true`: only unread notifications'),
});

export const NotificationOut = z
  .object({
    id: z.string(),
    kind: z.enum(NOTICE_KINDS),
    dealId: z
      .string()
      .nullable()
      .describe('The recipient organization’s record of the deal, when about a deal'),
    data: z
      .object({
        dealName: z.string().optional(),
        customer: z.string().optional(),
        otherOrg: z.string().optional().describe('The other organization (sender, invitee, note author’s)'),
        expiresAt: z.string().nullable().optional(),
        daysLeft: z.number().optional(),
        author: z.string().optional(),
        note: z.string().optional(),
        url: z.string().optional(),
      })
      .describe('What the notice says; only what the recipient’s organization sees of the deal'),
    read: z.boolean(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

export const NotificationListOut = z.object({
  items: z.array(NotificationOut).describe('Unread first, then newest first'),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int(),
});

export const PreferencesOut = z
  .object({
    emailEnabled: z.boolean().describe('false: no e-mail at all (notices still appear in the in-app list)'),
    email: z
      .object(
        Object.fromEntries(NOTICE_KINDS.map((k) => [k, z.boolean()])) as Record<NoticeKind, z.ZodBoolean>,
      )
      .describe('Per notice kind: whether it is also sent by e-mail'),
  })
  .meta({ id: 'NotificationPreferences' });

export const PreferencesBody = z
  .strictObject({
    emailEnabled: z.boolean().optional(),
    email: z
      .strictObject(
        Object.fromEntries(NOTICE_KINDS.map((k) => [k, z.boolean().optional()])) as Record<
          NoticeKind,
          z.ZodOptional<z.ZodBoolean>
        >,
      )
      .optional(),
  })
  .meta({ id: 'NotificationPreferencesChange' });

const WebhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .describe(
    'HTTPS URL whose host resolves only to public addresses (checked now and at every delivery); hosts in ' +
      'WEBHOOK_ALLOWED_HOSTS are exempt and may use plain HTTP',
  );
const WebhookEvents = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length);

export const CreateWebhookBody = z
  .strictObject({ url: WebhookUrl, events: WebhookEvents })
  .meta({ id: 'CreateWebhook' });
export const PatchWebhookBody = z
  .strictObject({
    url: WebhookUrl.optional(),
    events: WebhookEvents.optional(),
    enabled: z.boolean().optional().describe('Re-enable a subscription disabled after failed deliveries'),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .meta({ id: 'PatchWebhook' });

export const WebhookOut = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook' });
export const WebhookWithSecretOut = WebhookOut.extend({
  secret: z
    .string()
    .describe(
      'Signing secret, shown only in this response: Cosell-Signature is HMAC-SHA256(secret, t + "." + body)',
    ),
}).meta({ id: 'WebhookWithSecret' });

export const DeliveryOut = z
  .object({
    id: z.string(),
    channel: z.enum(['email', 'webhook']),
    recipient: z.string().describe('E-mail address or webhook URL'),
    kind: z.string().describe('Notice kind (e-mail) or event type (webhook)'),
    eventId: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Delivery' });
export const DeliveryLogOut = z.object({
  items: z.array(
    DeliveryOut.extend({
      state: z.enum(['pending', 'done', 'dead']),
      deliveredAt: z.string().nullable(),
      nextAttemptAt: z.string().nullable(),
      attemptLog: z.array(
        z.object({
          at: z.string(),
          ok: z.boolean(),
          statusCode: z.number().int().nullable(),
          error: z.string().nullable(),
          durationMs: z.number().int(),
        }),
      ),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const DeadLettersOut = z.object({ items: z.array(DeliveryOut), nextCursor: z.string().nullable() });
export const PageQueryStrict = z.strictObject(PageQuery);

export const EventsQuery = z.strictObject({
  after: z
    .string()
    .max(500)
    .optional()
    .describe(
      'Cursor of the last event you processed (an event’s `cursor` or `nextCursor`); omit to start at the oldest kept',
    ),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(100),
});
export const EventOut = z
  .object({
    id: z.string().describe('Event id: the same as the webhook delivery’s Cosell-Event-Id; dedupe on it'),
    cursor: z.string(),
    type: z.string().describe(`One of ${WEBHOOK_EVENT_TYPES.join(', ')}`),
    time: z.string(),
    dealId: z.string().describe('The caller organization’s record of the deal'),
    engagementId: z.string(),
    organization: OrgRef.describe('The organization whose record the event is about'),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  })
  .meta({ id: 'Event' });
export const EventListOut = z.object({
  items: z.array(EventOut),
  nextCursor: z.string().describe('Pass as `after` to continue; stays valid when there is nothing new yet'),
  hasMore: z.boolean(),
});

const CountryOrAny = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 two-letter country code')
  .nullable()
  .optional()
  .describe('Customer country; null or omitted: any country');
export const RoutingRuleBody = z
  .strictObject({
    country: CountryOrAny,
    solutionId: Id.nullable().optional().describe('One of your solutions; null or omitted: any solution'),
    locationId: Id.describe('Your location the matching vendor-sent deals land on'),
  })
  .meta({ id: 'RoutingRuleChange' });
export const PatchRoutingRuleBody = z
  .strictObject({
    country: CountryOrAny,
    solutionId: Id.nullable().optional(),
    locationId: Id.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export const RoutingRuleOut = z
  .object({
    id: z.string(),
    country: z.string().nullable(),
    solutionId: z.string().nullable(),
    locationId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RoutingRule' });

export const StageNamesBody = z
  .strictObject({
    stages: z
      .array(
        z.strictObject({
          name: trimmed(LIMITS.shortText).describe('Your organization’s stage name (e.g. your CRM’s)'),
          stage: z
            .enum(['created', 'accepted', 'qualified', 'developed', 'proposed', 'negotiated', 'won'])
            .describe('The standard stage it maps onto'),
        }),
      )
      .max(50),
  })
  .meta({ id: 'StageNames' });
export const StageNamesOut = z.object({
  stages: z.array(z.object({ name: z.string(), stage: z.string() })),
});

// ---------------------------------------------------------------- the organization: users, roles, locations, tenants

/** Shortest password an admin may set for a user (the same rule as `cosell create-admin`). */
export const MIN_PASSWORD_LENGTH = 12;

const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 two-letter country code')
  .refine(isIsoCountryCode, 'not an assigned ISO 3166-1 alpha-2 country code');

export const RoleScopeInput = z
  .union([
    z.literal('company'),
    z.strictObject({
      locationIds: z
        .array(Id)
        .min(1)
        .max(LIMITS.scopeLocations)
        .describe('Locations of your organization (GET /locations)'),
    }),
  ])
  .describe(
    '"company": the entire company. A set of locations only for referrals-admin and referrals-user; every ' +
      'other role is company-wide.',
  );

export const RoleGrantInput = z.strictObject({
  role: z
    .enum(ROLES)
    .describe(
      'Partner organizations: partner-admin, referrals-admin, referrals-user, solutions-admin. The vendor: ' +
        'vendor-admin, vendor-seller.',
    ),
  scope: RoleScopeInput.default('company'),
});
export type RoleGrantInput = z.infer<typeof RoleGrantInput>;

const RoleGrants = z
  .array(RoleGrantInput)
  .min(1)
  .max(ROLES.length)
  .describe('Each role at most once; the list replaces the user’s roles');

export const RoleGrantOut = z
  .object({
    role: z.enum(ROLES),
    scope: z.union([z.literal('company'), z.object({ locationIds: z.array(z.string()) })]),
  })
  .meta({ id: 'RoleGrant' });

const TenantRef = z.object({ id: z.string(), domain: z.string(), name: z.string() });

export const CreateUserBody = z
  .strictObject({
    name: trimmed(LIMITS.name),
    email: z.string().trim().max(LIMITS.email).pipe(z.email()).describe('Unique across the deployment'),
    locale: z.enum(LOCALES).default('en').describe('Language of the UI and of e-mails'),
    tenantId: Id.nullable()
      .optional()
      .describe('The linked tenant the user signs in through; omitted: yours (else your first one)'),
    roles: RoleGrants,
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH)
      .max(LIMITS.password)
      .optional()
      .describe('Initial password; omitted: one is generated and returned once as `initialPassword`'),
  })
  .meta({ id: 'CreateUser' });

export const PatchUserBody = z
  .strictObject({
    name: trimmed(LIMITS.name).optional(),
    locale: z.enum(LOCALES).optional(),
    tenantId: Id.nullable().optional().describe('A tenant linked to your organization, or null'),
    roles: RoleGrants.optional(),
    disabled: z
      .boolean()
      .optional()
      .describe(
        'true: the user can no longer sign in, and their sessions and API tokens stop working at once',
      ),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .meta({ id: 'PatchUser' });

export const OrganizationUserOut = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    locale: z.string(),
    tenant: TenantRef.nullable().describe('The tenant the user signs in through'),
    roles: z.array(RoleGrantOut),
    disabled: z.boolean(),
    disabledAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'OrganizationUser' });

export const CreatedUserOut = OrganizationUserOut.extend({
  initialPassword: z
    .string()
    .nullable()
    .describe('The generated password, shown only in this response; null when the request gave one'),
}).meta({ id: 'CreatedUser' });

export const UserListQuery = z.strictObject({
  ...PageQuery,
  q: z.string().trim().min(1).max(LIMITS.query).optional().describe('Part of the name or e-mail address'),
});

export const UserListOut = z.object({
  items: z.array(OrganizationUserOut),
  nextCursor: z.string().nullable(),
});

export const PasswordResetOut = z.object({
  initialPassword: z.string().describe('The new password, shown only in this response'),
});

export const ChangePasswordBody = z
  .strictObject({
    currentPassword: z.string().min(1).max(LIMITS.password).describe('The password you signed in with'),
    newPassword: z
      .string()
      .min(MIN_PASSWORD_LENGTH)
      .max(LIMITS.password)
      .describe(`At least ${MIN_PASSWORD_LENGTH} characters, other than the current password`),
  })
  .meta({ id: 'ChangePassword' });

export const LocationBody = z
  .strictObject({
    name: trimmed(LIMITS.name).describe('Unique within your organization (case-insensitive)'),
    country: CountryCode,
    city: trimmed(LIMITS.shortText),
  })
  .meta({ id: 'LocationChange' });

export const PatchLocationBody = z
  .strictObject({
    name: LocationBody.shape.name.optional(),
    country: CountryCode.optional(),
    city: trimmed(LIMITS.shortText).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .meta({ id: 'PatchLocation' });

export const LocationOut = z
  .object({
    id: z.string(),
    name: z.string(),
    country: z.string(),
    city: z.string(),
    createdAt: z.string(),
    inUse: z
      .boolean()
      .describe('Deals, role scopes, solutions or routing rules use it: it cannot be deleted'),
  })
  .meta({ id: 'Location' });

export const LinkTenantBody = z
  .strictObject({
    domain: z
      .string()
      .trim()
      .toLowerCase()
      .min(3)
      .max(LIMITS.domain)
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
        'expected a domain name such as contoso.onmicrosoft.com',
      )
      .describe('The identity domain (sign-in tenant); one organization per domain'),
    name: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.shortText)
      .optional()
      .describe('Display name; omitted: the domain'),
  })
  .meta({ id: 'LinkTenant' });

export const TenantOut = z
  .object({
    id: z.string(),
    domain: z.string(),
    name: z.string(),
    createdAt: z.string(),
    current: z.boolean().describe('You are signed in through this tenant'),
    activeUsers: z.number().int().describe('Users who sign in through it and are not disabled'),
  })
  .meta({ id: 'Tenant' });
