/**
 * Bad input at the edge (SPEC §14, API.md "Conventions"): for every endpoint, a table of invalid requests —
 * wrong types, missing and unknown fields, oversized strings and lists, deep nesting, broken Unicode and
 * UTF-8, bad dates, money, enums and ids, non-JSON bodies, wrong content types, bodies over 1 MB — each must
 * get a 4xx with `{error: {code, message, path?}}`, a stable code, the path of the bad field, and change
 * nothing. Another organization's deal id answers exactly like an id that does not exist.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../server/errors.ts';
import { errorShapeProblems } from './error-shape.ts';
import { contact, dealBody, invitation, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Headers = Record<string, string>;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Fixtures {
  world: World;
  /** Contoso's private outbound deal (accepted). */
  deal: { id: string; version: number };
  /** Litware's received record of a Contoso P2P deal. */
  received: { id: string; version: number };
  /** Litware's own private deal: invisible to Contoso. */
  foreign: { id: string; version: number };
}

interface Case {
  name: string;
  method: Method;
  url: (f: Fixtures) => string;
  auth: (f: Fixtures) => Headers;
  headers?: (f: Fixtures) => Headers;
  json?: (f: Fixtures) => unknown;
  raw?: string | Buffer;
  contentType?: string;
  status: number;
  code: keyof typeof ERROR_CODES;
  /** The error's path; null when the error is about the request as a whole. */
  path: string | null;
}

const REMOVE = Symbol('remove');

/** JSON text put into the body as is (too deep for JSON.stringify and structuredClone). */
class RawJson {
  constructor(readonly text: string) {}
}
const RAW_MARK = '\u2063raw\u2063';

/** A copy of `base` with the value at a dotted path replaced (or removed). */
function withField(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const parts = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts.at(-1) as string;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}

const long = (n: number) => 'x'.repeat(n);
const cursorOf = (fields: object) => Buffer.from(JSON.stringify(fields)).toString('base64url');
const deepArray = (depth: number) => new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = (depth: number) => new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
const member = (email: string) => ({ name: 'Pat Doe', phone: '+46 8 555 0100', email });

/** [label, field, value, expected path (default: the field), status, code] */
type Variant = [string, string, unknown, (string | null)?, number?, (keyof typeof ERROR_CODES)?];

/** Mistakes any money field can carry; `at` is the field's path. */
const moneyVariants = (at: string): Variant[] => [
  ['amount with too many decimals for USD', `${at}`, { amount: '1.234', currency: 'USD' }, `${at}.amount`],
  ['negative amount', `${at}`, { amount: '-5', currency: 'USD' }, `${at}.amount`],
  ['exponent amount', `${at}`, { amount: '1e5', currency: 'USD' }, `${at}.amount`],
  ['decimals on JPY', `${at}`, { amount: '10.5', currency: 'JPY' }, `${at}.amount`],
  ['three decimals on EUR', `${at}`, { amount: '10.005', currency: 'EUR' }, `${at}.amount`],
  ['zero amount', `${at}`, { amount: '0.00', currency: 'USD' }, `${at}.amount`],
  ['empty amount', `${at}`, { amount: '', currency: 'USD' }, `${at}.amount`],
  ['amount with thousands separator', `${at}`, { amount: '1,000.00', currency: 'USD' }, `${at}.amount`],
  ['amount with spaces', `${at}`, { amount: ' 100', currency: 'USD' }, `${at}.amount`],
  ['amount as a number', `${at}`, { amount: 100, currency: 'USD' }, `${at}.amount`],
  ['amount too large', `${at}`, { amount: '9999999999999', currency: 'USD' }, `${at}.amount`],
  ['amount with too many digits', `${at}`, { amount: '1234567890123456', currency: 'USD' }, `${at}.amount`],
  ['lower-case currency', `${at}`, { amount: '10.00', currency: 'usd' }, `${at}.currency`],
  ['unknown currency', `${at}`, { amount: '10.00', currency: 'XYZ' }, `${at}.currency`],
  ['currency as a number', `${at}`, { amount: '10.00', currency: 840 }, `${at}.currency`],
  ['missing currency', `${at}`, { amount: '10.00' }, `${at}.currency`],
  ['money with an unknown field', `${at}`, { amount: '10.00', currency: 'USD', rate: 1 }, `${at}.rate`],
  ['money as a string', `${at}`, '125000.00 USD', at],
];

/** Mistakes any date field can carry. */
const dateVariants = (at: string): Variant[] => [
  ['February 30th', at, '2026-02-30'],
  ['February 29th of a common year', at, '2027-02-29'],
  ['month 13', at, '2026-13-01'],
  ['day 00', at, '2026-12-00'],
  ['day-first date', at, '31/12/2026'],
  ['a timestamp', at, '2026-12-31T00:00:00Z'],
  ['a number', at, 20261231],
  ['an empty string', at, ''],
  ['a date in the past', at, '2026-05-31'],
  ['a year in the past', at, '2020-01-01'],
];

/** Mistakes a team (list of people) can carry. */
const teamVariants = (at: string, valid: unknown): Variant[] => [
  ['an empty team', at, [], at],
  ['a team that is not a list', at, valid, at],
  ['a team of 51', at, Array.from({ length: 51 }, (_, i) => member(`p${i}@contoso.example`)), at],
  ['a member without e-mail', at, [{ name: 'Pat', phone: '+46 8 1' }], `${at}.0.email`],
  ['a member with a bad e-mail', at, [member('not-an-email')], `${at}.0.email`],
  ['a member with a 255-character e-mail', at, [member(`${long(243)}@contoso.example`)], `${at}.0.email`],
  [
    'a member with a bad phone',
    at,
    [{ ...member('pat@contoso.example'), phone: 'call me' }],
    `${at}.0.phone`,
  ],
  [
    'a member with a 201-character name',
    at,
    [{ ...member('pat@contoso.example'), name: long(201) }],
    `${at}.0.name`,
  ],
  ['a member with a blank name', at, [{ ...member('pat@contoso.example'), name: '   ' }], `${at}.0.name`],
  [
    'a member with an unknown field',
    at,
    [{ ...member('pat@contoso.example'), role: 'boss' }],
    `${at}.0.role`,
  ],
  [
    'the same person twice',
    at,
    [member('pat@contoso.example'), member('PAT@contoso.example')],
    `${at}.1.email`,
  ],
  [
    'a member with a NUL in the name',
    at,
    [{ ...member('pat@contoso.example'), name: 'Pat\u0000' }],
    `${at}.0.name`,
  ],
];

/** Text that cannot be stored: lone surrogates and NUL. */
const unicodeVariants = (at: string): Variant[] => [
  ['a lone high surrogate', at, 'Deal \ud800 name'],
  ['a lone low surrogate', at, 'Deal \udc00 name'],
  ['a reversed surrogate pair', at, 'Deal \udc00\ud800 name'],
  ['a NUL character', at, 'Deal \u0000 name'],
];

describe.each(DIALECTS)('bad input through HTTP on %s', (dialect) => {
  let env: TestEnv;
  const fx = {} as Fixtures;

  const inject = (method: Method, url: string, headers: Headers, payload?: unknown) =>
    env.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    const world = await standardWorld(env);
    fx.world = world;
    const created = await inject(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { name: 'Target deal' }),
    );
    expect(created.statusCode).toBe(201);
    fx.deal = created.json();
    const p2p = await inject(
      'POST',
      '/api/v1/deals',
      world.users.radmin.auth,
      dealBody(world, { name: 'P2P deal', invitations: [invitation(world)] as never }),
    );
    expect(p2p.statusCode).toBe(201);
    const inbound = (await inject('GET', '/api/v1/deals?view=inbound', world.users.litware.auth)).json()
      .items;
    fx.received = inbound.find((d: { engagementId: string }) => d.engagementId === p2p.json().engagementId);
    expect(fx.received).toMatchObject({ status: 'received', version: 1 });
    const foreign = await inject('POST', '/api/v1/deals', world.users.litware.auth, {
      ...dealBody(world, {
        name: 'Litware own deal',
        team: [world.users.litware.member],
        solutionIds: [world.solutions.litware],
      }),
      locationId: world.litware.locations[0]?.id,
    });
    expect(foreign.statusCode).toBe(201);
    fx.foreign = foreign.json();
  });
  afterAll(async () => env.close());

  /** Row counts of every table a request could write. */
  const countRows = async () => {
    const tables = [
      'participants',
      'engagements',
      'events',
      'notes',
      'team_members',
      'deal_solutions',
      'favorites',
      'idempotency_keys',
      'api_tokens',
      'sessions',
    ];
    const { rows } = await sql<Record<string, number | string>>`select ${sql.join(
      tables.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.ref(t)}`),
    )}`.execute(env.ctx.db);
    return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
  };

  // ------------------------------------------------------------------ the table

  const radmin = (f: Fixtures) => f.world.users.radmin.auth;
  const litware = (f: Fixtures) => f.world.users.litware.auth;
  const vadmin = (f: Fixtures) => f.world.users.vadmin.auth;
  const anonymous = () => ({});
  const ifMatch = (pick: (f: Fixtures) => { version: number }) => (f: Fixtures) => ({
    'if-match': `"${pick(f).version}"`,
  });

  interface Endpoint {
    name: string;
    method: Method;
    url: (f: Fixtures) => string;
    auth: (f: Fixtures) => Headers;
    headers?: (f: Fixtures) => Headers;
    /** A valid body: the variants change one field of it. */
    base: (f: Fixtures) => unknown;
    variants: (f: Fixtures) => Variant[];
    /** How many variants (the table is built before the fixtures exist, so it is counted up front). */
  }

  const inviteFabrikam = (f: Fixtures) =>
    invitation(f.world, { partnerId: f.world.fabrikam.id, solutionIds: [f.world.solutions.fabrikam] });

  const endpoints: Endpoint[] = [
    {
      name: 'POST /deals',
      method: 'POST',
      url: () => '/api/v1/deals',
      auth: radmin,
      base: (f) => dealBody(f.world, { invitations: [invitation(f.world)] as never }),
      variants: (f) => [
        ['name as a number', 'name', 42],
        ['name null', 'name', null],
        ['blank name', 'name', '   '],
        ['a 201-character name', 'name', long(201)],
        ['missing name', 'name', REMOVE],
        ['name as deeply nested arrays', 'name', deepArray(100_000)],
        ['name as a deeply nested object', 'name', deepObject(100_000)],
        ['team as deeply nested arrays', 'team', deepArray(100_000), 'team.0'],
        [
          'a member name as a deeply nested object',
          'team',
          new RawJson(`[{"name":${deepObject(50_000).text},"phone":"+46 8 1","email":"a@b.example"}]`),
          'team.0.name',
        ],
        ...unicodeVariants('name'),
        ['missing value', 'value', REMOVE],
        ...moneyVariants('value'),
        ['missing close date', 'closeDate', REMOVE],
        ...dateVariants('closeDate'),
        ['missing team', 'team', REMOVE],
        ...teamVariants('team', f.world.users.radmin.member),
        ['missing solutions', 'solutionIds', REMOVE],
        ['no solutions', 'solutionIds', [], 'solutionIds'],
        ['solutions not a list', 'solutionIds', f.world.solutions.contoso, 'solutionIds'],
        ['21 solutions', 'solutionIds', Array.from({ length: 21 }, (_, i) => `s${i}`), 'solutionIds'],
        ['an unknown solution', 'solutionIds', ['no-such-solution'], 'solutionIds.0'],
        ['an empty solution id', 'solutionIds', [''], 'solutionIds.0'],
        ['a 65-character solution id', 'solutionIds', [long(65)], 'solutionIds.0'],
        ['a solution id as a number', 'solutionIds', [7], 'solutionIds.0'],
        [
          'the same solution twice',
          'solutionIds',
          [f.world.solutions.contoso, f.world.solutions.contoso],
          'solutionIds',
        ],
        [
          'a partner solution that is not co-sell ready',
          'solutionIds',
          [f.world.solutions.litwareDraft],
          'solutionIds.0',
        ],
        ['an assessment without approval', 'solutionIds', [f.world.solutions.assessment], 'solutionIds.0'],
        ['missing customer', 'customer', REMOVE],
        ['customer as a string', 'customer', 'Volvo Cars AB', 'customer'],
        ['customer with neither id nor name', 'customer', {}, 'customer'],
        ['an unknown company', 'customer', { companyId: 'no-such-company' }, 'customer.companyId'],
        [
          'customer with an unknown field',
          'customer',
          { companyId: f.world.company, vip: true },
          'customer.vip',
        ],
        [
          'customer address with a bad country',
          'customer',
          { name: 'Acme', address: { city: 'Lund', country: 'Sweden' } },
          'customer.address.country',
        ],
        [
          'customer D-U-N-S of 8 digits',
          'customer',
          { name: 'Acme', duns: '12345678', address: { city: 'Lund', country: 'SE' } },
          'customer.duns',
        ],
        [
          'customer address without a city',
          'customer',
          { name: 'Acme', address: { country: 'SE' } },
          'customer.address.city',
        ],
        ['an unknown location', 'locationId', 'no-such-location', 'locationId'],
        ["another organization's location", 'locationId', f.world.litware.locations[0]?.id, 'locationId'],
        ['missing location', 'locationId', REMOVE, 'locationId'],
        ['a 101-character CRM ID', 'crmId', long(101)],
        ['a 101-character campaign ID', 'campaignId', long(101)],
        ['4001-character notes', 'notes', long(4001)],
        ['notes as an object', 'notes', { text: 'hi' }],
        ['an unknown vendor help', 'vendorHelp', 'lots'],
        ['vendor help as a boolean', 'vendorHelp', true],
        ['share with vendor as a string', 'shareWithVendor', 'yes'],
        [
          'vendor help without a customer contact',
          'vendorHelp',
          'proof-of-concept-or-demo',
          'customerContact',
        ],
        [
          'a customer contact with a bad e-mail',
          'customerContact',
          { ...contact, email: 'anna' },
          'customerContact.email',
        ],
        [
          'a customer contact without a name',
          'customerContact',
          { phone: contact.phone, email: contact.email },
          'customerContact.name',
        ],
        [
          'consent as a string',
          'consent',
          { shareContactWithVendor: 'true' },
          'consent.shareContactWithVendor',
        ],
        ['consent without a contact', 'consent', { shareContactWithVendor: true }, 'customerContact'],
        ['an unknown field', 'status', 'won'],
        ['an unknown field named like a prototype', 'constructorX', {}],
        ['invitations not a list', 'invitations', invitation(f.world), 'invitations'],
        [
          '21 invitations',
          'invitations',
          Array.from({ length: 21 }, () => invitation(f.world)),
          'invitations',
        ],
        ['an unknown partner', 'invitations.0.partnerId', 'no-such-partner'],
        ['inviting yourself', 'invitations.0.partnerId', f.world.contoso.id],
        ['inviting the vendor as a partner', 'invitations.0.partnerId', f.world.vendor.id],
        ['a missing partner id', 'invitations.0.partnerId', REMOVE],
        [
          'the same partner twice',
          'invitations',
          [invitation(f.world), invitation(f.world)],
          'invitations.1.partnerId',
        ],
        ...dateVariants('invitations.0.closeDate'),
        ...moneyVariants('invitations.0.value'),
        ...teamVariants('invitations.0.team', f.world.users.radmin.member),
        [
          'an invitee asked for your own solution',
          'invitations.0.solutionIds',
          [f.world.solutions.contoso],
          'invitations.0.solutionIds.0',
        ],
        ['an invitee with no solutions', 'invitations.0.solutionIds', [], 'invitations.0.solutionIds'],
        ['an unknown help type for an invitee', 'invitations.0.help', 'everything'],
        ['4001-character invitation notes', 'invitations.0.notes', long(4001)],
        ['an invitation with an unknown field', 'invitations.0.priority', 'high'],
      ],
    },
    {
      name: 'PATCH /deals/{id}',
      method: 'PATCH',
      url: (f) => `/api/v1/deals/${f.deal.id}`,
      auth: radmin,
      headers: ifMatch((f) => f.deal),
      base: () => ({ name: 'Renamed' }),
      variants: (f) => [
        ['blank name', 'name', ''],
        ['name null', 'name', null],
        ['a 201-character name', 'name', long(201)],
        ...unicodeVariants('name'),
        ...moneyVariants('value'),
        ...dateVariants('closeDate'),
        ...teamVariants('team', f.world.users.radmin.member),
        ['an unknown solution', 'solutionIds', ['no-such-solution'], 'solutionIds.0'],
        ['no solutions', 'solutionIds', []],
        ['an assessment added later', 'solutionIds', [f.world.solutions.assessment], 'solutionIds.0'],
        ['a 101-character CRM ID', 'crmId', long(101)],
        ['CRM ID as a number', 'crmId', 12],
        [
          'a customer contact with a bad phone',
          'customerContact',
          { ...contact, phone: 'x' },
          'customerContact.phone',
        ],
        ['moving the location', 'locationId', f.world.taipei.id],
        ['changing the status', 'status', 'won'],
        ['changing the version', 'version', 99],
      ],
    },
    {
      name: 'POST /deals/{id}/accept',
      method: 'POST',
      url: (f) => `/api/v1/deals/${f.received.id}/accept`,
      auth: litware,
      headers: ifMatch((f) => f.received),
      base: () => ({ crmId: 'LW-1' }),
      variants: (f) => [
        ['blank name', 'name', ' '],
        ...unicodeVariants('name'),
        ...moneyVariants('value'),
        ...dateVariants('closeDate'),
        ...teamVariants('team', f.world.users.litware.member),
        ['4001-character notes', 'notes', long(4001)],
        ['a 101-character CRM ID', 'crmId', long(101)],
        ['an unknown field', 'status', 'accepted'],
        ['a reason (accept has none)', 'reason', 'other'],
      ],
    },
    {
      name: 'POST /deals/{id}/decline',
      method: 'POST',
      url: (f) => `/api/v1/deals/${f.received.id}/decline`,
      auth: litware,
      headers: ifMatch((f) => f.received),
      base: () => ({ reason: 'no-budget' }),
      variants: () => [
        ['missing reason', 'reason', REMOVE],
        ['an unknown reason', 'reason', 'because'],
        ['an error reason', 'reason', 'duplicate'],
        ['reason as a number', 'reason', 3],
        ['reason in another case', 'reason', 'NO-BUDGET'],
        ['4001-character notes', 'notes', long(4001)],
        ...unicodeVariants('notes'),
        ['an unknown field', 'team', []],
      ],
    },
    {
      name: 'POST /deals/{id}/stage',
      method: 'POST',
      url: (f) => `/api/v1/deals/${f.deal.id}/stage`,
      auth: radmin,
      headers: ifMatch((f) => f.deal),
      base: () => ({ stage: 'qualified' }),
      variants: () => [
        ['missing stage', 'stage', REMOVE],
        ['an unknown stage', 'stage', 'closing'],
        ['won (reached by the win action)', 'stage', 'won'],
        ['an assessment stage on a standard deal', 'stage', 'collect-data'],
        ['stage as a number', 'stage', 3],
        ['stage as a list', 'stage', ['qualified']],
        ['an unknown field', 'probability', 50],
      ],
    },
    {
      name: 'POST /deals/{id}/win',
      method: 'POST',
      url: (f) => `/api/v1/deals/${f.deal.id}/win`,
      auth: radmin,
      headers: ifMatch((f) => f.deal),
      base: () => ({ notes: 'Signed' }),
      variants: () => [
        ['4001-character notes', 'notes', long(4001)],
        ['notes as a number', 'notes', 5],
        ...unicodeVariants('notes'),
        ['an unknown field', 'reason', 'other'],
        ['an unknown field with a value', 'value', { amount: '1.00', currency: 'USD' }],
      ],
    },
    ...(['lose', 'close-as-error'] as const).map(
      (action): Endpoint => ({
        name: `POST /deals/{id}/${action}`,
        method: 'POST',
        url: (f) => `/api/v1/deals/${f.deal.id}/${action}`,
        auth: radmin,
        headers: ifMatch((f) => f.deal),
        base: () => ({ reason: action === 'lose' ? 'no-budget' : 'duplicate' }),
        variants: () => [
          ['missing reason', 'reason', REMOVE],
          ['an unknown reason', 'reason', 'because'],
          ['a reason of the other list', 'reason', action === 'lose' ? 'duplicate' : 'no-budget'],
          ['reason null', 'reason', null],
          ['4001-character notes', 'notes', long(4001)],
          ...unicodeVariants('notes'),
          ['an unknown field', 'closedAt', '2026-06-01'],
        ],
      }),
    ),
    {
      name: 'POST /deals/{id}/invitations',
      method: 'POST',
      url: (f) => `/api/v1/deals/${f.deal.id}/invitations`,
      auth: radmin,
      headers: ifMatch((f) => f.deal),
      base: (f) => ({ partners: [inviteFabrikam(f)] }),
      variants: (f) => [
        ['nobody invited', 'partners', REMOVE, null],
        ['an empty partner list', 'partners', []],
        ['21 partners', 'partners', Array.from({ length: 21 }, () => inviteFabrikam(f)), 'partners'],
        ['an unknown partner', 'partners.0.partnerId', 'no-such-partner'],
        ['inviting yourself', 'partners.0.partnerId', f.world.contoso.id],
        ['a partner that is not co-sell ready', 'partners.0.partnerId', f.world.vendor.id],
        [
          'the same partner twice',
          'partners',
          [inviteFabrikam(f), inviteFabrikam(f)],
          'partners.1.partnerId',
        ],
        ...dateVariants('partners.0.closeDate'),
        ...moneyVariants('partners.0.value'),
        ...teamVariants('partners.0.team', f.world.users.radmin.member),
        [
          "another partner's solution asked of the invitee",
          'partners.0.solutionIds',
          [f.world.solutions.litware],
          'partners.0.solutionIds.0',
        ],
        ['an unknown help type', 'partners.0.help', 'everything'],
        ['an unknown vendor help type', 'vendor', { help: 'everything' }, 'vendor.help'],
        [
          'the vendor without a customer contact',
          'vendor',
          { help: 'proof-of-concept-or-demo' },
          'customerContact',
        ],
        ['vendor notes of 4001 characters', 'vendor', { notes: long(4001) }, 'vendor.notes'],
        ['the vendor with an unknown field', 'vendor', { help: 'none', urgent: true }, 'vendor.urgent'],
        ['an unknown field', 'message', 'hi'],
      ],
    },
    {
      name: 'POST /deals/{id}/notes',
      method: 'POST',
      url: (f) => `/api/v1/deals/${f.deal.id}/notes`,
      auth: radmin,
      headers: ifMatch((f) => f.deal),
      base: () => ({ body: 'Hello' }),
      variants: () => [
        ['missing body', 'body', REMOVE],
        ['an empty body', 'body', ''],
        ['a blank body', 'body', ' \n\t '],
        ['a 10001-character body', 'body', long(10_001)],
        ['a body as a number', 'body', 5],
        ['a body as a list', 'body', ['a', 'b']],
        ...unicodeVariants('body'),
        ['an unknown field', 'visibility', 'private'],
      ],
    },
    {
      name: 'POST /tokens',
      method: 'POST',
      url: () => '/api/v1/tokens',
      auth: radmin,
      base: () => ({ name: 'CI' }),
      variants: () => [
        ['missing name', 'name', REMOVE],
        ['blank name', 'name', '  '],
        ['a 101-character name', 'name', long(101)],
        ['name as a number', 'name', 1],
        ...unicodeVariants('name'),
        ['an unknown field', 'expiresAt', '2027-01-01'],
      ],
    },
    {
      name: 'POST /auth/login',
      method: 'POST',
      url: () => '/api/v1/auth/login',
      auth: anonymous,
      base: (f) => ({ email: f.world.users.radmin.email, password: 'whatever' }),
      variants: () => [
        ['missing e-mail', 'email', REMOVE],
        ['missing password', 'password', REMOVE],
        ['an empty password', 'password', ''],
        ['a 1025-character password', 'password', long(1025)],
        ['a 255-character e-mail', 'email', `${long(243)}@example.com`],
        ['e-mail as a number', 'email', 12345],
        ['password as an object', 'password', { $ne: '' }],
        ...unicodeVariants('password'),
        ['an unknown field', 'rememberMe', true],
      ],
    },
    {
      name: 'POST /demo/clock',
      method: 'POST',
      url: () => '/api/v1/demo/clock',
      auth: vadmin,
      base: () => ({ advance: 'P1D' }),
      variants: () => [
        ['missing advance', 'advance', REMOVE],
        ['a duration with a bad unit', 'advance', 'P15X'],
        ['a zero duration', 'advance', 'P0D'],
        ['a duration over 400 days', 'advance', 'P401D'],
        ['a negative duration', 'advance', '-P1D'],
        ['a number of days', 'advance', 15],
        ['a 41-character duration', 'advance', `P${'1'.repeat(39)}D`],
        ['an unknown field', 'to', '2027-01-01'],
      ],
    },
  ];

  /** What every JSON endpoint must survive, whatever its fields. */
  const bodyLevelCases: [string, string | Buffer, string, number, keyof typeof ERROR_CODES, string | null][] =
    [
      ['truncated JSON', '{"name": ', 'application/json', 400, 'invalid-json', null],
      ['not JSON at all', 'hello world', 'application/json', 400, 'invalid-json', null],
      ['single-quoted JSON', "{'name': 'x'}", 'application/json', 400, 'invalid-json', null],
      ['an empty body labelled JSON', '', 'application/json', 400, 'invalid-json', null],
      [
        'bytes that are not UTF-8',
        Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        'application/json',
        400,
        'invalid-json',
        null,
      ],
      [
        'a prototype-poisoning body',
        '{"__proto__": {"admin": true}}',
        'application/json',
        400,
        'invalid-json',
        null,
      ],
      ['a JSON array', '[]', 'application/json', 400, 'invalid-input', null],
      ['a JSON string', '"name"', 'application/json', 400, 'invalid-input', null],
      ['a JSON number', '42', 'application/json', 400, 'invalid-input', null],
      [
        'deeply nested arrays',
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
        'application/json',
        400,
        'invalid-input',
        null,
      ],
      [
        'a lone surrogate in an unknown key',
        '{"\\ud800": 1}',
        'application/json',
        400,
        'invalid-input',
        '\ud800',
      ],
      ['a text/plain body', '{"name": "x"}', 'text/plain', 415, 'unsupported-media-type', null],
      ['a form body', 'name=x', 'application/x-www-form-urlencoded', 415, 'unsupported-media-type', null],
      ['an XML body', '<deal/>', 'application/xml', 415, 'unsupported-media-type', null],
      [
        'a body over 1 MB',
        JSON.stringify({ name: long(1024 * 1024) }),
        'application/json',
        413,
        'payload-too-large',
        null,
      ],
    ];

  function bodyCases(): Case[] {
    const cases: Case[] = [];
    for (const endpoint of endpoints) {
      const common = {
        method: endpoint.method,
        url: endpoint.url,
        auth: endpoint.auth,
        ...(endpoint.headers ? { headers: endpoint.headers } : {}),
      };
      for (const [label, raw, contentType, status, code, path] of bodyLevelCases) {
        cases.push({ name: `${endpoint.name}: ${label}`, ...common, raw, contentType, status, code, path });
      }
    }
    return cases;
  }

  /** Field-level variants need the fixtures (ids), so they are expanded inside the test. */
  function fieldCases(f: Fixtures): Case[] {
    const cases: Case[] = [];
    for (const endpoint of endpoints) {
      const common = {
        method: endpoint.method,
        url: endpoint.url,
        auth: endpoint.auth,
        ...(endpoint.headers ? { headers: endpoint.headers } : {}),
      };
      const base = endpoint.base(f);
      const generic: Variant[] = [
        ['a deeply nested object under an unknown key', 'zz', deepObject(100_000)],
        ['deeply nested arrays under an unknown key', 'zz', deepArray(100_000)],
      ];
      for (const [label, field, value, path, status, code] of [...endpoint.variants(f), ...generic]) {
        const body =
          value instanceof RawJson
            ? {
                raw: JSON.stringify(withField(base, field, RAW_MARK)).replace(
                  JSON.stringify(RAW_MARK),
                  value.text,
                ),
              }
            : { json: () => withField(base, field, value) };
        cases.push({
          name: `${endpoint.name}: ${label}`,
          ...common,
          ...body,
          status: status ?? 400,
          code: code ?? 'invalid-input',
          path: path === undefined ? field : path,
        });
      }
    }
    return cases;
  }

  const query = (
    name: string,
    url: string,
    path: string | null,
    code: keyof typeof ERROR_CODES = 'invalid-input',
  ): Case => ({
    name,
    method: 'GET',
    url: () => url,
    auth: radmin,
    status: ERROR_CODES[code].status,
    code,
    path,
  });
  const queryCases: Case[] = [
    query('GET /deals: an unknown view', '/api/v1/deals?view=mine', 'view'),
    query('GET /deals: two views', '/api/v1/deals?view=inbound&view=outbound', 'view'),
    query('GET /deals: an unknown status', '/api/v1/deals?status=open', 'status'),
    query('GET /deals: an unknown type', '/api/v1/deals?type=big', 'type'),
    query('GET /deals: an unknown stage', '/api/v1/deals?salesStage=closing', 'salesStage'),
    query('GET /deals: an unknown sort', '/api/v1/deals?sort=name', 'sort'),
    query('GET /deals: an unknown order', '/api/v1/deals?order=up', 'order'),
    query('GET /deals: limit 0', '/api/v1/deals?limit=0', 'limit'),
    query('GET /deals: limit 101', '/api/v1/deals?limit=101', 'limit'),
    query('GET /deals: limit not a number', '/api/v1/deals?limit=ten', 'limit'),
    query('GET /deals: fractional limit', '/api/v1/deals?limit=1.5', 'limit'),
    query('GET /deals: expiring within 15 days', '/api/v1/deals?expiringWithinDays=15', 'expiringWithinDays'),
    query('GET /deals: expiring within -1 days', '/api/v1/deals?expiringWithinDays=-1', 'expiringWithinDays'),
    query('GET /deals: an empty search', '/api/v1/deals?q=%20%20', 'q'),
    query('GET /deals: a 201-character search', `/api/v1/deals?q=${long(201)}`, 'q'),
    query('GET /deals: a NUL in the search', '/api/v1/deals?q=ab%00c', 'q'),
    query('GET /deals: a garbage cursor', '/api/v1/deals?cursor=garbage', 'cursor', 'invalid-cursor'),
    query('GET /deals: a 501-character cursor', `/api/v1/deals?cursor=${long(501)}`, 'cursor'),
    // A forged cursor's text reaches SQL: a NUL in it was a 500 on PostgreSQL.
    query(
      'GET /deals: a cursor holding a NUL',
      `/api/v1/deals?cursor=${cursorOf({ s: 'updatedAt', o: 'desc', k: '2026\u0000', i: 'x' })}`,
      'cursor',
      'invalid-cursor',
    ),
    query(
      'GET /notifications: a cursor holding a NUL',
      `/api/v1/notifications?cursor=${cursorOf({ u: 1, c: '2026', i: 'x\u0000' })}`,
      'cursor',
      'invalid-cursor',
    ),
    query('GET /deals: an unknown parameter', '/api/v1/deals?owner=me', 'owner'),
    query('GET /deals: a 65-character location id', `/api/v1/deals?locationId=${long(65)}`, 'locationId'),
    query('GET /companies: a lower-case country', '/api/v1/companies?q=volvo&country=se', 'country'),
    query('GET /companies: a three-letter country', '/api/v1/companies?q=volvo&country=SWE', 'country'),
    query('GET /companies: a 201-character query', `/api/v1/companies?q=${long(201)}`, 'q'),
    query('GET /companies: a 101-character city', `/api/v1/companies?q=volvo&city=${long(101)}`, 'city'),
    query('GET /companies: limit 51', '/api/v1/companies?q=volvo&limit=51', 'limit'),
    query('GET /companies: limit 0', '/api/v1/companies?q=volvo&limit=0', 'limit'),
    query('GET /companies: a NUL in the query', '/api/v1/companies?q=vo%00', 'q'),
    query('GET /companies: an unknown parameter', '/api/v1/companies?q=volvo&duns=1', 'duns'),
    query('GET /solutions: an unknown kind', '/api/v1/solutions?kind=all', 'kind'),
    query('GET /solutions: limit 101', '/api/v1/solutions?limit=101', 'limit'),
    query('GET /solutions: a 201-character query', `/api/v1/solutions?q=${long(201)}`, 'q'),
    query('GET /solutions: an unknown parameter', '/api/v1/solutions?owner=me', 'owner'),
    query('GET /partners: limit 0', '/api/v1/partners?limit=0', 'limit'),
    query('GET /partners: a 201-character query', `/api/v1/partners?q=${long(201)}`, 'q'),
    query('GET /partners: a NUL in the query', '/api/v1/partners?q=%00', 'q'),
    query('GET /partners: an unknown parameter', '/api/v1/partners?country=SE', 'country'),
  ];

  /** Every route that takes a deal id, with a valid request for it. */
  const dealRoutes: [string, Method, string, unknown?][] = [
    ['get', 'GET', ''],
    ['patch', 'PATCH', '', { name: 'Renamed' }],
    ['accept', 'POST', '/accept', {}],
    ['decline', 'POST', '/decline', { reason: 'no-budget' }],
    ['stage', 'POST', '/stage', { stage: 'qualified' }],
    ['win', 'POST', '/win', {}],
    ['lose', 'POST', '/lose', { reason: 'no-budget' }],
    ['close-as-error', 'POST', '/close-as-error', { reason: 'duplicate' }],
    ['invitations', 'POST', '/invitations', { vendor: { help: 'none' } }],
    ['add note', 'POST', '/notes', { body: 'Hi' }],
    ['notes', 'GET', '/notes'],
    ['favorite', 'PUT', '/favorite'],
    ['unfavorite', 'DELETE', '/favorite'],
    ['activity', 'GET', '/activity'],
  ];
  const idCases: Case[] = dealRoutes.flatMap(([label, method, suffix, body]) => [
    {
      name: `${label}: a 65-character id`,
      method,
      url: () => `/api/v1/deals/${long(65)}${suffix}`,
      auth: radmin,
      headers: () => ({ 'if-match': '"1"' }),
      ...(body === undefined ? {} : { json: () => body }),
      status: 400,
      code: 'invalid-input',
      path: 'params.id',
    },
    {
      name: `${label}: an id with a NUL`,
      method,
      url: () => `/api/v1/deals/ab%00cd${suffix}`,
      auth: radmin,
      headers: () => ({ 'if-match': '"1"' }),
      ...(body === undefined ? {} : { json: () => body }),
      status: 400,
      code: 'invalid-input',
      path: 'params.id',
    },
    {
      name: `${label}: a malformed percent-encoding`,
      method,
      url: () => `/api/v1/deals/%ZZ${suffix}`,
      auth: radmin,
      headers: () => ({ 'if-match': '"1"' }),
      ...(body === undefined ? {} : { json: () => body }),
      status: 400,
      code: 'invalid-input',
      path: null,
    },
  ]);
  const otherIdCases: Case[] = [
    {
      name: 'DELETE /tokens/{id}: a 65-character id',
      method: 'DELETE',
      url: () => `/api/v1/tokens/${long(65)}`,
      auth: radmin,
      status: 400,
      code: 'invalid-input',
      path: 'params.id',
    },
    {
      name: 'DELETE /tokens/{id}: an id with a NUL',
      method: 'DELETE',
      url: () => '/api/v1/tokens/a%00b',
      auth: radmin,
      status: 400,
      code: 'invalid-input',
      path: 'params.id',
    },
    {
      name: 'POST /demo/clock as a partner',
      method: 'POST',
      url: () => '/api/v1/demo/clock',
      auth: radmin,
      json: () => ({ advance: 'P1D' }),
      status: 404,
      code: 'not-found',
      path: null,
    },
    {
      name: 'GET /demo/clock as a vendor seller',
      method: 'GET',
      url: () => '/api/v1/demo/clock',
      auth: (f) => f.world.users.seller.auth,
      status: 404,
      code: 'not-found',
      path: null,
    },
  ];

  // ------------------------------------------------------------------ running a case

  async function run(c: Case) {
    const headers: Headers = { ...c.auth(fx), ...(c.headers?.(fx) ?? {}) };
    let payload: unknown;
    if (c.raw !== undefined) {
      headers['content-type'] = c.contentType ?? 'application/json';
      payload = c.raw;
    } else if (c.json) {
      payload = c.json(fx);
    }
    const before = await countRows();
    const res = await inject(c.method, c.url(fx), headers, payload);
    const after = await countRows();
    const body = res.json() as { error?: Record<string, unknown> };
    const actual = {
      case: c.name,
      status: res.statusCode,
      code: body.error?.code,
      path: body.error?.path ?? null,
      rowsChanged: JSON.stringify(after) !== JSON.stringify(before),
    };
    expect(actual, res.body.slice(0, 300)).toEqual({
      case: c.name,
      status: c.status,
      code: c.code,
      path: c.path,
      rowsChanged: false,
    });
    // The error shape: {code, message, path?, requestId}, a known code with its status, no stack.
    expect(errorShapeProblems(res), c.name).toEqual([]);
  }

  // ------------------------------------------------------------------ the tests

  it.each(bodyCases().map((c) => [c.name, c] as const))('%s', async (_name, c) => run(c));
  it.each(queryCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => run(c));
  it.each([...idCases, ...otherIdCases].map((c) => [c.name, c] as const))('%s', async (_name, c) => run(c));

  it('field-level variants of every body: 4xx, the field’s path, nothing changed', async () => {
    const cases = fieldCases(fx);
    expect(cases.length).toBeGreaterThan(300);
    const failures: unknown[] = [];
    for (const c of cases) {
      try {
        await run(c);
      } catch (error) {
        failures.push((error as Error).message.split('\n').slice(0, 12).join('\n'));
      }
    }
    expect(failures).toEqual([]);
  });

  it('after all of it, the target records are exactly as they were', async () => {
    const deal = await inject('GET', `/api/v1/deals/${fx.deal.id}`, fx.world.users.radmin.auth);
    expect(deal.json()).toMatchObject({
      status: 'accepted',
      salesStage: 'created',
      version: fx.deal.version,
      name: 'Target deal',
    });
    const received = await inject('GET', `/api/v1/deals/${fx.received.id}`, fx.world.users.litware.auth);
    expect(received.json()).toMatchObject({ status: 'received', version: 1, crmId: null });
    const notes = await inject('GET', `/api/v1/deals/${fx.deal.id}/notes`, fx.world.users.radmin.auth);
    expect(notes.json().items).toEqual([]);
    const clock = await inject('GET', '/api/v1/demo/clock', fx.world.users.vadmin.auth);
    expect(clock.json().now).toBe('2026-06-01T09:00:00.000Z');
    const tokens = await inject('GET', '/api/v1/tokens', fx.world.users.radmin.auth);
    expect(tokens.json().items.map((t: { name: string }) => t.name)).toEqual(['test']);
  });

  it("another organization's deal id answers on every deal route exactly like an id that does not exist", async () => {
    const w = fx.world;
    const strip = (res: { statusCode: number; json(): { error?: Record<string, unknown> } }) => {
      const { requestId: _ignored, ...error } = res.json().error ?? {};
      return { status: res.statusCode, error };
    };
    const targets = [
      // Litware's own private deal, as Contoso.
      {
        label: "Litware's deal as Contoso",
        id: fx.foreign.id,
        version: fx.foreign.version,
        auth: w.users.radmin.auth,
      },
      // Litware's record of Contoso's own engagement: Contoso addresses only its own record.
      {
        label: "Litware's record of a Contoso engagement as Contoso",
        id: fx.received.id,
        version: 1,
        auth: w.users.radmin.auth,
      },
      // Contoso's private deal, as the vendor (never visible in any form) and as Fabrikam.
      {
        label: "Contoso's private deal as the vendor",
        id: fx.deal.id,
        version: fx.deal.version,
        auth: w.users.vadmin.auth,
      },
      {
        label: "Contoso's private deal as Fabrikam",
        id: fx.deal.id,
        version: fx.deal.version,
        auth: w.users.fabrikam.auth,
      },
    ];
    const before = await countRows();
    for (const target of targets) {
      for (const [label, method, suffix, body] of dealRoutes) {
        const headers = { ...target.auth, 'if-match': `"${target.version}"` };
        const hidden = await inject(method, `/api/v1/deals/${target.id}${suffix}`, headers, body);
        const missing = await inject(
          method,
          `/api/v1/deals/01a1fe00-0000-7000-8000-000000000000${suffix}`,
          headers,
          body,
        );
        expect({ route: `${target.label}: ${label}`, ...strip(hidden) }).toEqual({
          route: `${target.label}: ${label}`,
          ...strip(missing),
        });
        expect(strip(hidden)).toEqual({ status: 404, error: { code: 'not-found', message: 'Not found.' } });
      }
    }
    expect(await countRows()).toEqual(before);
    // Still there for its owner, unchanged.
    const own = await inject('GET', `/api/v1/deals/${fx.foreign.id}`, w.users.litware.auth);
    expect(own.json()).toMatchObject({ version: fx.foreign.version, status: 'accepted', favorite: false });
  });
});
