import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../server/clock.ts';
import { sqliteMatches } from '../server/db/repositories/deal-search.ts';
import { inTransaction } from '../server/services/context.ts';
import { contact, dealBody, invitation, makeCompany, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

interface Summary {
  id: string;
  engagementId: string;
  name: string;
  direction: string;
  type: string;
  status: string;
  salesStage: string;
  location: { id: string; name: string };
  value: { amount: string; currency: string };
  closeDate: string;
  expiresAt: string | null;
  updatedAt: string;
  favorite: boolean;
  customer: { name: string; city: string };
}

type Auth = { authorization: string };
type SortKey = 'updatedAt' | 'value' | 'closeDate' | 'expiresAt';

describe.each(DIALECTS)('deal lists through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  /** Contoso's outbound records by deal name. */
  const deals: Record<string, { id: string; engagementId: string; version: number }> = {};

  const call = (...args: Parameters<TestEnv['call']>) => env.call(...args);

  const list = async (auth: Auth, query: Record<string, string | number>) => {
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return call('GET', `/api/v1/deals?${qs}`, auth);
  };
  const items = async (auth: Auth, query: Record<string, string | number>): Promise<Summary[]> => {
    const res = await list(auth, { limit: 100, ...query });
    expect(res.statusCode).toBe(200);
    expect(res.json().nextCursor).toBeNull();
    return res.json().items;
  };
  const names = async (auth: Auth, query: Record<string, string | number>) =>
    (await items(auth, query)).map((d) => d.name).sort();

  const create = async (auth: Auth, body: Record<string, unknown>) => {
    const res = await call('POST', '/api/v1/deals', auth, body);
    expect(res.statusCode, res.body).toBe(201);
    const deal = res.json();
    deals[deal.name] = { id: deal.id, engagementId: deal.engagementId, version: deal.version };
    return deal;
  };
  const minutes = (n: number) => env.ctx.clock.advance(n * 60_000);

  /** Walks every page of a list; returns the pages. */
  const walk = async (auth: Auth, query: Record<string, string | number>) => {
    const pages: Summary[][] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res = await list(auth, { ...query, ...(cursor ? { cursor } : {}) });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: Summary[]; nextCursor: string | null };
      pages.push(body.items);
      cursor = body.nextCursor;
      if (cursor === null) return pages;
      expect(body.items).toHaveLength(Number(query.limit));
    }
    throw new Error('paging did not end');
  };

  const keyOf = (sort: SortKey, d: Summary): string | number | null =>
    sort === 'value'
      ? Number(d.value.amount)
      : sort === 'updatedAt'
        ? d.updatedAt
        : sort === 'closeDate'
          ? d.closeDate
          : d.expiresAt;

  /** Asserts the order: key ascending/descending, ties by id in the same direction, null keys last. */
  const expectOrdered = (rows: Summary[], sort: SortKey, order: 'asc' | 'desc') => {
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1] as Summary;
      const b = rows[i] as Summary;
      const ka = keyOf(sort, a);
      const kb = keyOf(sort, b);
      if (ka === null) {
        expect(kb, `null keys come last (${sort} ${order})`).toBeNull();
        continue;
      }
      if (kb === null) continue;
      const cmp = ka < kb ? -1 : ka > kb ? 1 : 0;
      const idCmp = a.id < b.id ? -1 : 1;
      const sign = order === 'asc' ? 1 : -1;
      expect(cmp * sign, `${sort} ${order} at ${i}: ${String(ka)} vs ${String(kb)}`).toBeLessThanOrEqual(0);
      if (cmp === 0) expect(idCmp * sign, `tie broken by id at ${i}`).toBe(-1);
    }
  };

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const skoda = await makeCompany(env.ctx, {
      name: 'Škoda Auto a.s.',
      city: 'Mladá Boleslav',
      country: 'CZ',
    });
    const { radmin, userSe, userTw, fabrikam, litware } = world.users;
    const taipei = { locationId: world.taipei.id };

    // Contoso's outbound deals: distinct and tied values, close dates and update times.
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Alpha analytics',
        value: { amount: '100000.00', currency: 'USD' },
        closeDate: '2026-09-30',
      }),
    );
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Bravo platform',
        value: { amount: '250000.00', currency: 'USD' },
        closeDate: '2026-08-15',
        notes: 'Needs a Kubernetes rollout in Q4',
      }),
    );
    minutes(1);
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Charlie migration',
        value: { amount: '100000.00', currency: 'USD' },
        closeDate: '2026-09-30',
        ...taipei,
        team: [radmin.member, userTw.member],
      }),
    );
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Delta rollout',
        value: { amount: '80000.50', currency: 'USD' },
        closeDate: '2026-10-15',
        invitations: [invitation(world)] as never,
      }),
    );
    minutes(2);
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Echo expansion',
        value: { amount: '500000.00', currency: 'USD' },
        closeDate: '2026-11-01',
        vendorHelp: 'proof-of-concept-or-demo',
        customerContact: contact,
        consent: { shareContactWithVendor: true },
      }),
    );
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Foxtrot pilot',
        value: { amount: '60000.00', currency: 'USD' },
        closeDate: '2026-08-15',
      }),
    );
    minutes(1);
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Golf test deal',
        value: { amount: '90000.00', currency: 'USD' },
        closeDate: '2026-07-01',
      }),
    );
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Hotel Stockholm team',
        value: { amount: '70000.00', currency: 'USD' },
        closeDate: '2026-12-01',
        team: [radmin.member, userSe.member],
      }),
    );
    minutes(3);
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'India Taipei team',
        value: { amount: '65000.00', currency: 'USD' },
        closeDate: '2026-12-01',
        ...taipei,
        team: [radmin.member, userSe.member],
      }),
    );
    await create(
      radmin.auth,
      dealBody(world, {
        name: 'Åtvidaberg rollout',
        value: { amount: '45000.00', currency: 'USD' },
        closeDate: '2027-01-15',
        customer: { companyId: skoda },
      }),
    );

    // Closed ones: lost and closed as error; Alpha's stage moves (its update is the latest of Contoso's).
    minutes(1);
    const lose = await call(
      'POST',
      `/api/v1/deals/${deals['Foxtrot pilot']?.id}/lose`,
      radmin.auth,
      { reason: 'no-budget' },
      { 'if-match': '"1"' },
    );
    expect(lose.statusCode).toBe(200);
    const error = await call(
      'POST',
      `/api/v1/deals/${deals['Golf test deal']?.id}/close-as-error`,
      radmin.auth,
      { reason: 'test' },
      { 'if-match': '"1"' },
    );
    expect(error.statusCode).toBe(200);
    const stage = await call(
      'POST',
      `/api/v1/deals/${deals['Alpha analytics']?.id}/stage`,
      radmin.auth,
      { stage: 'qualified' },
      { 'if-match': '"1"' },
    );
    expect(stage.statusCode).toBe(200);

    // Litware's inbound: invitations from Contoso (Delta above) and Fabrikam, received on different days.
    const fabrikamDeal = (name: string, amount: string) =>
      dealBody(world, {
        name,
        locationId: world.fabrikam.locations[0]?.id,
        team: [fabrikam.member],
        solutionIds: [world.solutions.fabrikam],
        invitations: [
          invitation(world, { team: [fabrikam.member], value: { amount, currency: 'EUR' } }),
        ] as never,
      });
    env.ctx.clock.advance(5 * DAY_MS);
    await create(fabrikam.auth, fabrikamDeal('Kilo edge', '12000.00'));
    await create(fabrikam.auth, fabrikamDeal('Lima edge', '13000.00'));
    minutes(5);
    await create(fabrikam.auth, fabrikamDeal('Mike edge', '14000.00'));
    await create(fabrikam.auth, fabrikamDeal('November edge', '15000.00'));
    await create(fabrikam.auth, fabrikamDeal('Oscar edge', '16000.00'));
    // Fabrikam also invites Contoso: an inbound record for Contoso.
    await create(
      fabrikam.auth,
      dealBody(world, {
        name: 'Papa inbound for Contoso',
        locationId: world.fabrikam.locations[0]?.id,
        team: [fabrikam.member],
        solutionIds: [world.solutions.fabrikam],
        invitations: [
          invitation(world, {
            partnerId: world.contoso.id,
            team: [fabrikam.member],
            solutionIds: [world.solutions.contoso],
          }),
        ] as never,
      }),
    );

    const litwareInbound = await items(litware.auth, { view: 'inbound' });
    const litwareRecord = (name: string) => {
      const found = litwareInbound.find((d) => d.name === name);
      if (!found) throw new Error(`no Litware record ${name}`);
      return found;
    };
    for (const name of ['Kilo edge', 'Mike edge']) {
      const rec = litwareRecord(name);
      const res = await call(
        'POST',
        `/api/v1/deals/${rec.id}/accept`,
        litware.auth,
        {},
        { 'if-match': `"1"` },
      );
      expect(res.statusCode).toBe(200);
    }
    const declined = await call(
      'POST',
      `/api/v1/deals/${litwareRecord('Lima edge').id}/decline`,
      litware.auth,
      { reason: 'no-budget' },
      { 'if-match': '"1"' },
    );
    expect(declined.statusCode).toBe(200);
    // A note written by Litware on the shared thread of Delta.
    const note = await call(
      'POST',
      `/api/v1/deals/${litwareRecord('Delta rollout').id}/notes`,
      litware.auth,
      { body: 'Customer asked about Sámi language support' },
      { 'if-match': '"1"' },
    );
    expect(note.statusCode).toBe(201);
  });
  afterAll(async () => env?.close());

  const openOutbound = [
    'Alpha analytics',
    'Bravo platform',
    'Charlie migration',
    'Delta rollout',
    'Echo expansion',
    'Hotel Stockholm team',
    'India Taipei team',
    'Åtvidaberg rollout',
  ].sort();

  it('views: outbound and inbound hold only open records of their direction; closed holds the terminal ones', async () => {
    const { radmin, litware, vadmin } = world.users;
    expect(await names(radmin.auth, { view: 'outbound' })).toEqual(openOutbound);
    const outbound = await items(radmin.auth, { view: 'outbound' });
    expect(outbound.every((d) => d.direction === 'outbound' && d.status === 'accepted')).toBe(true);

    expect(await names(radmin.auth, { view: 'inbound' })).toEqual(['Papa inbound for Contoso']);
    expect(await names(radmin.auth, { view: 'closed' })).toEqual(['Foxtrot pilot', 'Golf test deal']);
    const closed = await items(radmin.auth, { view: 'closed' });
    expect(Object.fromEntries(closed.map((d) => [d.name, d.status]))).toEqual({
      'Foxtrot pilot': 'lost',
      'Golf test deal': 'error',
    });

    // Litware: accepted and received inbound records; the declined one only in closed.
    const inbound = await items(litware.auth, { view: 'inbound' });
    expect(inbound.map((d) => d.name).sort()).toEqual([
      'Delta rollout',
      'Kilo edge',
      'Mike edge',
      'November edge',
      'Oscar edge',
    ]);
    expect(inbound.every((d) => d.direction === 'inbound')).toBe(true);
    expect(Object.fromEntries(inbound.map((d) => [d.name, d.status]))).toEqual({
      'Delta rollout': 'received',
      'Kilo edge': 'accepted',
      'Mike edge': 'accepted',
      'November edge': 'received',
      'Oscar edge': 'received',
    });
    expect(await names(litware.auth, { view: 'outbound' })).toEqual([]);
    const litwareClosed = await items(litware.auth, { view: 'closed' });
    expect(litwareClosed.map((d) => [d.name, d.status])).toEqual([['Lima edge', 'declined']]);

    // The vendor: only the co-sell help request, never a private deal.
    const vendorInbound = await items(vadmin.auth, { view: 'inbound' });
    expect(vendorInbound.map((d) => [d.name, d.status, d.type])).toEqual([
      ['Echo expansion', 'received', 'co-sell'],
    ]);
    expect(await names(vadmin.auth, { view: 'outbound' })).toEqual([]);
    expect(await names(vadmin.auth, { view: 'closed' })).toEqual([]);
  });

  it('favorites view lists the caller’s hearts from any view, terminal ones included', async () => {
    const { radmin } = world.users;
    expect(await names(radmin.auth, { view: 'favorites' })).toEqual([]);
    for (const name of ['Charlie migration', 'Foxtrot pilot', 'Papa inbound for Contoso']) {
      const res = await call('PUT', `/api/v1/deals/${await idOf(radmin.auth, name)}/favorite`, radmin.auth);
      expect(res.statusCode).toBe(204);
    }
    const favorites = await items(radmin.auth, { view: 'favorites' });
    expect(favorites.map((d) => d.name).sort()).toEqual([
      'Charlie migration',
      'Foxtrot pilot',
      'Papa inbound for Contoso',
    ]);
    expect(favorites.every((d) => d.favorite)).toBe(true);
    const outbound = await items(radmin.auth, { view: 'outbound' });
    expect(outbound.filter((d) => d.favorite).map((d) => d.name)).toEqual(['Charlie migration']);
    // Another user of the same organization has no hearts.
    expect(await names(world.users.radminSe.auth, { view: 'favorites' })).toEqual([]);
    for (const name of ['Charlie migration', 'Foxtrot pilot', 'Papa inbound for Contoso']) {
      await call('DELETE', `/api/v1/deals/${await idOf(radmin.auth, name)}/favorite`, radmin.auth);
    }
    expect(await names(radmin.auth, { view: 'favorites' })).toEqual([]);
  });

  async function idOf(auth: Auth, name: string): Promise<string> {
    for (const view of ['outbound', 'inbound', 'closed']) {
      const found = (await items(auth, { view })).find((d) => d.name === name);
      if (found) return found.id;
    }
    throw new Error(`no deal ${name}`);
  }

  it('filters: status, type, salesStage, locationId', async () => {
    const { radmin, litware } = world.users;
    expect(await names(radmin.auth, { view: 'closed', status: 'lost' })).toEqual(['Foxtrot pilot']);
    expect(await names(radmin.auth, { view: 'closed', status: 'error' })).toEqual(['Golf test deal']);
    expect(await names(radmin.auth, { view: 'outbound', status: 'lost' })).toEqual([]);
    expect(await names(litware.auth, { view: 'inbound', status: 'received' })).toEqual([
      'Delta rollout',
      'November edge',
      'Oscar edge',
    ]);
    expect(await names(litware.auth, { view: 'inbound', status: 'accepted' })).toEqual([
      'Kilo edge',
      'Mike edge',
    ]);

    expect(await names(radmin.auth, { view: 'outbound', type: 'co-sell' })).toEqual(['Echo expansion']);
    expect(await names(radmin.auth, { view: 'outbound', type: 'partner-to-partner' })).toEqual([
      'Delta rollout',
    ]);
    expect((await names(radmin.auth, { view: 'outbound', type: 'private' })).length).toBe(6);
    expect(await names(radmin.auth, { view: 'outbound', type: 'solution-assessment' })).toEqual([]);

    expect(await names(radmin.auth, { view: 'outbound', salesStage: 'qualified' })).toEqual([
      'Alpha analytics',
    ]);
    expect((await names(radmin.auth, { view: 'outbound', salesStage: 'created' })).length).toBe(7);
    expect(
      await names(litware.auth, { view: 'inbound', salesStage: 'accepted', status: 'accepted' }),
    ).toEqual(['Kilo edge', 'Mike edge']);

    expect(await names(radmin.auth, { view: 'outbound', locationId: world.taipei.id })).toEqual([
      'Charlie migration',
      'India Taipei team',
    ]);
    expect(await names(radmin.auth, { view: 'outbound', locationId: world.stockholm.id })).toEqual(
      openOutbound.filter((n) => n !== 'Charlie migration' && n !== 'India Taipei team'),
    );
    // Combined filters narrow further.
    expect(
      await names(radmin.auth, { view: 'outbound', locationId: world.taipei.id, type: 'co-sell' }),
    ).toEqual([]);
    // Bad filter values are refused.
    expect((await list(radmin.auth, { view: 'outbound', status: 'open' })).statusCode).toBe(400);
    expect((await list(radmin.auth, { view: 'sideways' })).statusCode).toBe(400);
    expect((await list(radmin.auth, { view: 'outbound', colour: 'red' })).statusCode).toBe(400);
  });

  // Cap 2000 (the default): a word fewer records contain is looked up in the search index first; cap 0: every
  // word is treated as common and tested while the view is walked. The answers must be the same.
  it.each([
    ['through the search index', undefined],
    ['walking the view', 0],
  ])(
    'q (%s): case- and accent-insensitive substring over deal name, customer name and notes (not the customer city)',
    async (_path, cap) => {
      env.ctx.config.searchCandidateCap = cap;
      const { radmin, litware } = world.users;
      const volvoDeals = openOutbound.filter((n) => n !== 'Åtvidaberg rollout');
      expect(await names(radmin.auth, { view: 'outbound', q: 'volvo' })).toEqual(volvoDeals);
      expect(await names(radmin.auth, { view: 'outbound', q: 'VOLVO cars' })).toEqual(volvoDeals);
      // Accents on either side.
      expect(await names(radmin.auth, { view: 'outbound', q: 'skoda' })).toEqual(['Åtvidaberg rollout']);
      expect(await names(radmin.auth, { view: 'outbound', q: 'ŠKODA AUTO' })).toEqual(['Åtvidaberg rollout']);
      expect(await names(radmin.auth, { view: 'outbound', q: 'atvidaberg' })).toEqual(['Åtvidaberg rollout']);
      expect(await names(radmin.auth, { view: 'outbound', q: 'ÅTVIDA' })).toEqual(['Åtvidaberg rollout']);
      // Substring of deal names, and of Bravo's note ("a Kubernetes rollout").
      expect(await names(radmin.auth, { view: 'outbound', q: 'rollout' })).toEqual([
        'Bravo platform',
        'Delta rollout',
        'Åtvidaberg rollout',
      ]);
      expect(await names(radmin.auth, { view: 'outbound', q: 'ALYTIC' })).toEqual(['Alpha analytics']);
      // The customer's city is not searched.
      expect(await names(radmin.auth, { view: 'outbound', q: 'goteborg' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: 'Göteborg' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: 'boleslav' })).toEqual([]);
      // Notes: the creator's note, and a note another participant wrote on the shared thread.
      expect(await names(radmin.auth, { view: 'outbound', q: 'kubernetes' })).toEqual(['Bravo platform']);
      expect(await names(radmin.auth, { view: 'outbound', q: 'sami LANGUAGE' })).toEqual(['Delta rollout']);
      expect(await names(litware.auth, { view: 'inbound', q: 'sámi' })).toEqual(['Delta rollout']);
      // LIKE wildcards are literal.
      expect(await names(radmin.auth, { view: 'outbound', q: '%' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: '_' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: '\\' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: 'volvo%cars' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: 'nothing like this' })).toEqual([]);
      // Combined with filters and views.
      expect(await names(radmin.auth, { view: 'outbound', q: 'volvo', locationId: world.taipei.id })).toEqual(
        ['Charlie migration', 'India Taipei team'],
      );
      expect(await names(radmin.auth, { view: 'closed', q: 'volvo' })).toEqual([
        'Foxtrot pilot',
        'Golf test deal',
      ]);
      // Shorter than the index's three characters, quotes (the index's phrase syntax) and a cap of one record.
      expect(await names(radmin.auth, { view: 'outbound', q: 'ŠK' })).toEqual([
        'Delta rollout',
        'Åtvidaberg rollout',
      ]);
      expect(await names(radmin.auth, { view: 'outbound', q: '"volvo"' })).toEqual([]);
      expect(await names(radmin.auth, { view: 'outbound', q: 'o" OR "a' })).toEqual([]);
      env.ctx.config.searchCandidateCap = 1;
      expect(await names(radmin.auth, { view: 'outbound', q: 'ALYTIC' })).toEqual(['Alpha analytics']);
      expect(await names(radmin.auth, { view: 'outbound', q: 'rollout' })).toEqual([
        'Bravo platform',
        'Delta rollout',
        'Åtvidaberg rollout',
      ]);
      env.ctx.config.searchCandidateCap = undefined;
    },
  );

  it('q: the search index follows renames and new notes', async () => {
    const { radmin, litware } = world.users;
    const alpha = deals['Alpha analytics'];
    if (!alpha) throw new Error('no Alpha deal');
    const renamed = await call(
      'PATCH',
      `/api/v1/deals/${alpha.id}`,
      radmin.auth,
      { name: 'Zeppelin telemetry' },
      {
        'if-match': `"${(await call('GET', `/api/v1/deals/${alpha.id}`, radmin.auth)).json().version}"`,
      },
    );
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await names(radmin.auth, { view: 'outbound', q: 'zeppelin' })).toEqual(['Zeppelin telemetry']);
    expect(await names(radmin.auth, { view: 'outbound', q: 'analytics' })).toEqual([]);
    const noted = await call(
      'POST',
      `/api/v1/deals/${alpha.id}/notes`,
      radmin.auth,
      { body: 'Quarterly hyperloop review' },
      { 'if-match': `"${renamed.json().version}"` },
    );
    expect(noted.statusCode, noted.body).toBe(201);
    expect(await names(radmin.auth, { view: 'outbound', q: 'HYPERLOOP' })).toEqual(['Zeppelin telemetry']);
    // Another organization's search never reaches Contoso's record through the index.
    expect(await names(litware.auth, { view: 'inbound', q: 'hyperloop' })).toEqual([]);
    expect(await names(litware.auth, { view: 'outbound', q: 'zeppelin' })).toEqual([]);
    const back = await call(
      'PATCH',
      `/api/v1/deals/${alpha.id}`,
      radmin.auth,
      { name: 'Alpha analytics' },
      {
        'if-match': `"${renamed.json().version}"`,
      },
    );
    expect(back.statusCode, back.body).toBe(200);
    deals['Alpha analytics'] = { ...alpha, version: back.json().version };
    expect(await names(radmin.auth, { view: 'outbound', q: 'zeppelin' })).toEqual([]);
  });

  it('q: a new note is found at once, and so is a record changed outside the app’s transactions (a tool, a restore)', async () => {
    const { radmin } = world.users;
    const sqlite = dialect === 'sqlite';
    // SQLite: the search index is written at each COMMIT for the rows its triggers noted (migration 0010).
    const pendingRows = async () =>
      Number(
        (
          await sql<{ n: number }>`select (select count(*) from participant_search_pending)
            + (select count(*) from note_search_pending) as n`.execute(env.ctx.db)
        ).rows[0]?.n,
      );
    const indexed = async (table: 'notes_fts' | 'participants_fts', word: string) =>
      Number(
        (
          await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
            where ${sql.table(table)} match ${`"${word}"`}`.execute(env.ctx.db)
        ).rows[0]?.n,
      );
    const bravo = deals['Bravo platform'];
    if (!bravo) throw new Error('no Bravo deal');
    const current = (await call('GET', `/api/v1/deals/${bravo.id}`, radmin.auth)).json();
    const noted = await call(
      'POST',
      `/api/v1/deals/${bravo.id}/notes`,
      radmin.auth,
      { body: 'Quokka workshop' },
      { 'if-match': `"${current.version}"` },
    );
    expect(noted.statusCode, noted.body).toBe(201);
    if (sqlite) {
      // Indexed in the note's own transaction: nothing left pending.
      expect(await pendingRows()).toBe(0);
      expect(await indexed('notes_fts', 'quokka')).toBe(1);
    }
    expect(await names(radmin.auth, { view: 'outbound', q: 'quokka' })).toEqual(['Bravo platform']);

    const original = await env.ctx.db
      .selectFrom('participants')
      .select('search_text')
      .where('id', '=', bravo.id)
      .executeTakeFirstOrThrow();
    await env.ctx.db
      .updateTable('participants')
      .set({ search_text: 'bravo platform – wombat industries' })
      .where('id', '=', bravo.id)
      .execute();
    // SQLite: pending until the next transaction of the app, and found meanwhile.
    if (sqlite) expect(await pendingRows()).toBe(1);
    expect(await names(radmin.auth, { view: 'outbound', q: 'wombat' })).toEqual(['Bravo platform']);
    await inTransaction(env.ctx, async () => {});
    if (sqlite) {
      expect(await pendingRows()).toBe(0);
      expect(await indexed('participants_fts', 'wombat')).toBe(1);
    }
    expect(await names(radmin.auth, { view: 'outbound', q: 'wombat' })).toEqual(['Bravo platform']);
    expect(await names(radmin.auth, { view: 'outbound', q: 'kubernetes' })).toEqual(['Bravo platform']);
    await inTransaction(env.ctx, async (trx) => {
      await trx.updateTable('participants').set(original).where('id', '=', bravo.id).execute();
    });
    expect(await names(radmin.auth, { view: 'outbound', q: 'wombat' })).toEqual([]);
    if (sqlite) {
      // The pending rows are read from the pending tables, never by reading every search row (a plain join did:
      // a second per page at a million records).
      const { records, notes } = sqliteMatches('wombat');
      for (const ids of [records.ids, notes.ids]) {
        const plan = await sql<{ detail: string }>`explain query plan ${ids}`.execute(env.ctx.db);
        const steps = plan.rows.map((row) => row.detail);
        expect(steps).toContain('SCAN q');
        expect(steps.filter((step) => step.startsWith('SCAN r'))).toEqual([]);
      }
    }
  });

  it('expiringWithinDays: only received records whose deadline falls within the window', async () => {
    const { litware, radmin } = world.users;
    // Delta was received 5 days and some minutes before the others; now is 5 days 5 minutes after Delta.
    const inbound = await items(litware.auth, { view: 'inbound', status: 'received' });
    const delta = inbound.find((d) => d.name === 'Delta rollout');
    expect(delta?.expiresAt).not.toBeNull();
    const remaining = Date.parse(delta?.expiresAt ?? '') - env.ctx.clock.now().getTime();
    expect(remaining).toBeGreaterThan(8 * DAY_MS);
    expect(remaining).toBeLessThan(9 * DAY_MS);
    expect(await names(litware.auth, { view: 'inbound', expiringWithinDays: 9 })).toEqual(['Delta rollout']);
    expect(await names(litware.auth, { view: 'inbound', expiringWithinDays: 8 })).toEqual([]);
    expect(await names(litware.auth, { view: 'inbound', expiringWithinDays: 0 })).toEqual([]);
    expect(await names(litware.auth, { view: 'inbound', expiringWithinDays: 14 })).toEqual([
      'Delta rollout',
      'November edge',
      'Oscar edge',
    ]);
    // Accepted records never expire: not in the window however large.
    expect(await names(radmin.auth, { view: 'outbound', expiringWithinDays: 14 })).toEqual([]);
    expect((await list(litware.auth, { view: 'inbound', expiringWithinDays: 15 })).statusCode).toBe(400);
    expect((await list(litware.auth, { view: 'inbound', expiringWithinDays: -1 })).statusCode).toBe(400);
  });

  it('expiringWithinDays tests the expiry on the status list index, before reading a record', async () => {
    // Newest first, the received records read first are the ones furthest from expiring: the index carries the
    // expiry, so those are passed over without reading their rows (migration 0011).
    const columns =
      dialect === 'sqlite'
        ? (
            await sql<{
              name: string;
            }>`select name from pragma_index_info('participants_status_view_updated_at')
              order by seqno`.execute(env.ctx.db)
          ).rows.map((r) => r.name)
        : (
            await sql<{ name: string }>`select a.attname as name
              from pg_index i
              join pg_class c on c.oid = i.indexrelid
              join lateral unnest(i.indkey) with ordinality as k(attnum, n) on true
              join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
              where c.relname = 'participants_status_view_updated_at'
              order by k.n`.execute(env.ctx.db)
          ).rows.map((r) => r.name);
    expect(columns).toEqual(['organization_id', 'status', 'list_view', 'updated_at', 'id', 'expires_at']);
    if (dialect === 'sqlite') {
      // Through that index (which one the planner takes depends on the statistics), the row is sought only
      // after the index entry passed the expiry test.
      const query = sql`select p.id, p.name from participants p indexed by participants_status_view_updated_at
        where p.organization_id = ${'o'} and p.list_view = 'inbound' and p.status = 'received'
          and p.expires_at <= ${'2030-01-01'}
        order by p.updated_at desc, p.id desc limit 26`;
      const program = await sql<{ opcode: string }>`explain ${query}`.execute(env.ctx.db);
      expect(program.rows.map((r) => r.opcode)).toContain('DeferredSeek');
    }
  });

  const sorts: [SortKey, 'asc' | 'desc'][] = [
    ['updatedAt', 'asc'],
    ['updatedAt', 'desc'],
    ['value', 'asc'],
    ['value', 'desc'],
    ['closeDate', 'asc'],
    ['closeDate', 'desc'],
  ];
  for (const [sort, order] of sorts) {
    for (const limit of [2, 3]) {
      it(`sort ${sort} ${order}, limit ${limit}: cursor paging is stable, complete and ordered`, async () => {
        const auth = world.users.radmin.auth;
        const query = { view: 'outbound', sort, order, limit };
        const pages = await walk(auth, query);
        expect(pages.length).toBe(Math.ceil(openOutbound.length / limit));
        expect(pages.length).toBeGreaterThan(2);
        const all = pages.flat();
        expect(all).toHaveLength(openOutbound.length);
        expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
        expect(all.map((d) => d.name).sort()).toEqual(openOutbound);
        expectOrdered(all, sort, order);
        // The same order as one big page, and the same again on a second walk.
        const single = await items(auth, { view: 'outbound', sort, order });
        expect(all.map((d) => d.id)).toEqual(single.map((d) => d.id));
        expect((await walk(auth, query)).flat().map((d) => d.id)).toEqual(all.map((d) => d.id));
      });
    }
  }

  it('sort values are the expected ones (value desc, closeDate asc with ties)', async () => {
    const auth = world.users.radmin.auth;
    const byValue = await items(auth, { view: 'outbound', sort: 'value', order: 'desc' });
    expect(byValue.map((d) => d.value.amount)).toEqual([
      '500000.00',
      '250000.00',
      '100000.00',
      '100000.00',
      '80000.50',
      '70000.00',
      '65000.00',
      '45000.00',
    ]);
    const byClose = await items(auth, { view: 'outbound', sort: 'closeDate', order: 'asc' });
    expect(byClose.map((d) => d.closeDate)).toEqual([
      '2026-08-15',
      '2026-09-30',
      '2026-09-30',
      '2026-10-15',
      '2026-11-01',
      '2026-12-01',
      '2026-12-01',
      '2027-01-15',
    ]);
    // Default sort: most recently updated first.
    const byDefault = await items(auth, { view: 'outbound' });
    expect(byDefault[0]?.name).toBe('Alpha analytics'); // its stage moved last
    expectOrdered(byDefault, 'updatedAt', 'desc');
  });

  for (const order of ['asc', 'desc'] as const) {
    it(`sort expiresAt ${order}: received records by deadline, records without one last`, async () => {
      const auth = world.users.litware.auth;
      const pages = await walk(auth, { view: 'inbound', sort: 'expiresAt', order, limit: 2 });
      expect(pages.length).toBe(3);
      const all = pages.flat();
      expect(new Set(all.map((d) => d.id)).size).toBe(5);
      expectOrdered(all, 'expiresAt', order);
      expect(all.slice(3).map((d) => d.expiresAt)).toEqual([null, null]);
      expect(all.slice(3).map((d) => d.status)).toEqual(['accepted', 'accepted']);
      const received = all.slice(0, 3).map((d) => d.name);
      expect(received[order === 'asc' ? 0 : 2]).toBe('Delta rollout');
      const single = await items(auth, { view: 'inbound', sort: 'expiresAt', order });
      expect(all.map((d) => d.id)).toEqual(single.map((d) => d.id));
    });
  }

  it('cursors: a cursor of another sort or order, or garbage, is 400 invalid-cursor; limit outside 1..100 is 400', async () => {
    const auth = world.users.radmin.auth;
    const first = await list(auth, { view: 'outbound', sort: 'value', order: 'asc', limit: 2 });
    const cursor = first.json().nextCursor as string;
    expect(typeof cursor).toBe('string');
    const next = await list(auth, { view: 'outbound', sort: 'value', order: 'asc', limit: 2, cursor });
    expect(next.statusCode).toBe(200);
    for (const other of [
      { sort: 'closeDate', order: 'asc' } as Record<string, string>,
      { sort: 'updatedAt', order: 'asc' },
      { sort: 'value', order: 'desc' },
      { sort: 'value' }, // default order for value is desc
    ]) {
      const res = await list(auth, { view: 'outbound', limit: 2, cursor, ...other });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid-cursor', path: 'cursor' });
    }
    const forged = (cursor: object) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
    for (const garbage of [
      'garbage',
      'eyJmb28iOjF9',
      forged({ s: 'value', o: 'asc', k: {}, i: 'x' }),
      // Well-formed JSON, but a key of the wrong kind for the sort.
      forged({ s: 'value', o: 'asc', k: 'abc', i: 'x' }),
      forged({ s: 'value', o: 'asc', k: 1.5, i: 'x' }),
      forged({ s: 'value', o: 'asc', k: null, i: 'x' }),
      Buffer.from('{"s":"value","o":"asc","k":1e400,"i":"x"}').toString('base64url'),
      forged({ s: 'value', o: 'asc', k: 100, i: 5 }),
    ]) {
      const res = await list(auth, {
        view: 'outbound',
        sort: 'value',
        order: 'asc',
        limit: 2,
        cursor: garbage,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid-cursor');
    }
    for (const [sort, k] of [
      ['closeDate', 12],
      ['updatedAt', 12],
      ['closeDate', null],
      ['expiresAt', 7],
    ] as const) {
      const res = await list(auth, {
        view: 'outbound',
        sort,
        order: 'asc',
        limit: 2,
        cursor: forged({ s: sort, o: 'asc', k, i: 'x' }),
      });
      expect(res.statusCode, `${sort} ${String(k)}`).toBe(400);
      expect(res.json().error.code).toBe('invalid-cursor');
    }
    for (const limit of [0, 101, -1, 'ten']) {
      const res = await list(auth, { view: 'outbound', limit });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid-input');
      expect(res.json().error.path).toContain('limit');
    }
    expect((await list(auth, { view: 'outbound', limit: 1 })).json().items).toHaveLength(1);
    expect((await list(auth, { view: 'outbound', limit: 100 })).json().items).toHaveLength(
      openOutbound.length,
    );
    // Default page size is 25: everything fits, no cursor.
    const all = await list(auth, { view: 'outbound' });
    expect(all.json().items).toHaveLength(openOutbound.length);
    expect(all.json().nextCursor).toBeNull();
  });

  it('scope: a location-scoped referrals-user sees only in-scope deals they are on the team of; the partner-admin sees none', async () => {
    const { userSe, userTw, radminSe, contosoAdmin } = world.users;
    expect(await names(userSe.auth, { view: 'outbound' })).toEqual(['Hotel Stockholm team']);
    expect(await names(userTw.auth, { view: 'outbound' })).toEqual(['Charlie migration']);
    expect(await names(userSe.auth, { view: 'closed' })).toEqual([]);
    expect(await names(userSe.auth, { view: 'inbound' })).toEqual([]);
    expect(
      (await call('GET', `/api/v1/deals/${deals['India Taipei team']?.id}`, userSe.auth)).statusCode,
    ).toBe(404);
    expect((await call('GET', `/api/v1/deals/${deals['Alpha analytics']?.id}`, userSe.auth)).statusCode).toBe(
      404,
    );
    expect(
      (await call('GET', `/api/v1/deals/${deals['Hotel Stockholm team']?.id}`, userSe.auth)).statusCode,
    ).toBe(200);
    // Search and filters never widen the scope.
    expect(await names(userSe.auth, { view: 'outbound', q: 'team' })).toEqual(['Hotel Stockholm team']);
    expect(await names(userSe.auth, { view: 'outbound', locationId: world.taipei.id })).toEqual([]);
    // A Stockholm-scoped referrals-admin sees every Stockholm deal, no Taipei one.
    expect(await names(radminSe.auth, { view: 'outbound' })).toEqual(
      openOutbound.filter((n) => n !== 'Charlie migration' && n !== 'India Taipei team'),
    );
    expect(await names(radminSe.auth, { view: 'inbound' })).toEqual(['Papa inbound for Contoso']);
    for (const view of ['inbound', 'outbound', 'favorites', 'closed']) {
      expect(await names(contosoAdmin.auth, { view })).toEqual([]);
      expect(await names(userTw.auth, { view, q: 'volvo', locationId: world.stockholm.id })).toEqual([]);
    }
  });
});
