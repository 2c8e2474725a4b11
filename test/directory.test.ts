/**
 * The deal form's look-ups (SPEC §3, §4, API.md): customer directory suggestions by name prefix
 * (accent- and case-insensitive, CJK and Cyrillic included, country and city filters), the solutions
 * a caller may attach by group, and the co-sell-ready partners to invite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCompany, makeOrg, makeSolution, makeUser, standardWorld, type World } from './factories.ts';
import { createTestEnv, DIALECTS, type TestEnv } from './harness.ts';

type Auth = { authorization: string };

describe.each(DIALECTS)('directory look-ups through HTTP on %s', (dialect) => {
  let env: TestEnv;
  let world: World;
  let company: Record<string, string>;
  let sleepy: { id: string; name: string };
  let angstrom: { id: string; name: string };
  let sleepyAdmin: { auth: Auth };

  beforeAll(async () => {
    env = await createTestEnv(dialect);
    world = await standardWorld(env);
    const ctx = env.ctx;
    company = {
      energi: await makeCompany(ctx, {
        name: 'Göteborgs Energi AB',
        city: 'Göteborg',
        country: 'SE',
        duns: '111111111',
      }),
      hamn: await makeCompany(ctx, { name: 'Göteborgs Hamn AB', city: 'Göteborg', country: 'SE' }),
      hamnMalmo: await makeCompany(ctx, {
        name: 'Göteborgs Hamn AB',
        city: 'Malmö',
        country: 'SE',
        duns: '222222222',
      }),
      trading: await makeCompany(ctx, { name: 'Goteborg Trading GmbH', city: 'Berlin', country: 'DE' }),
      gotland: await makeCompany(ctx, { name: 'Gotland Data AB', city: 'Visby', country: 'SE' }),
      tsmc: await makeCompany(ctx, { name: '台灣積體電路', city: '新竹', country: 'TW', duns: '333333333' }),
      delta: await makeCompany(ctx, { name: '台達電子', city: 'Taipei', country: 'TW' }),
      foxconn: await makeCompany(ctx, { name: '鴻海精密', city: 'Taipei', country: 'TW' }),
      yandex: await makeCompany(ctx, { name: 'Яндекс', city: 'Москва', country: 'RU' }),
      yamal: await makeCompany(ctx, { name: 'Ямал СПГ', city: 'Москва', country: 'RU' }),
      angstrom: await makeCompany(ctx, { name: 'Ångström Laboratoriet', city: 'Uppsala', country: 'SE' }),
      solar: await makeCompany(ctx, { name: '100% Solar AB', city: 'Lund', country: 'SE' }),
      fullWidth: await makeCompany(ctx, { name: 'ＡＢＢ Robotics', city: 'Västerås', country: 'SE' }),
    };
    sleepy = await makeOrg(ctx, { name: 'Adventure Works', coSellReady: false });
    angstrom = await makeOrg(ctx, {
      name: 'Ångström Partners',
      locations: [{ name: 'Ångström Uppsala', country: 'SE', city: 'Uppsala' }],
    });
    sleepyAdmin = await makeUser(ctx, sleepy as never, 'radmin@adventure.example', [
      { role: 'referrals-admin' },
    ]);
    // A co-sell-ready solution of a partner, a draft of the same partner, and an accented name.
    await makeSolution(ctx, angstrom as never, { name: 'Ångström Insights' });
    await makeSolution(ctx, angstrom as never, { name: 'Ångström Draft', coSellReady: false });
    await makeSolution(ctx, sleepy as never, { name: 'Adventure Toolkit' });
  });
  afterAll(async () => env.close());

  const get = async (url: string, auth: Auth = world.users.radmin.auth) => {
    const res = await env.app.inject({ method: 'GET', url, headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Record<string, unknown>[] };
  };
  const companies = async (query: string) => {
    const { items } = await get(`/api/v1/companies?${query}`);
    return items.map((c) => `${c.name} / ${(c.address as { city: string }).city}`);
  };

  describe('GET /companies', () => {
    it('suggests by name prefix, ignoring accents and case (ranking: test/company-suggestions.test.ts)', async () => {
      const goteborgs = [
        'Göteborgs Energi AB / Göteborg',
        'Göteborgs Hamn AB / Göteborg',
        'Göteborgs Hamn AB / Malmö',
      ];
      // Name prefixes first ("goteborg " sorts before "goteborgs"), then one typo away ("got…").
      const all = ['Goteborg Trading GmbH / Berlin', ...goteborgs, 'Gotland Data AB / Visby'];
      expect(await companies('q=gote')).toEqual(all);
      expect(await companies(`q=${encodeURIComponent('GÖTE')}`)).toEqual(all);
      // "goteborgs" with its last letter taken as a typo also finds "Goteborg Trading", after the real matches.
      expect(await companies(`q=${encodeURIComponent('göteborgs')}`)).toEqual([
        ...goteborgs,
        'Goteborg Trading GmbH / Berlin',
      ]);
      // Decomposed input (o + combining diaeresis) is the same as the composed letter.
      // (and "goteborgs e…" is one letter from "goteborgs h")
      expect(await companies(`q=${encodeURIComponent('Go\u0308teborgs h')}`)).toEqual([
        ...goteborgs.slice(1),
        goteborgs[0],
      ]);
      expect(await companies(`q=${encodeURIComponent('ångström')}`)).toEqual([
        'Ångström Laboratoriet / Uppsala',
      ]);
      expect(await companies('q=ANGSTROM')).toEqual(['Ångström Laboratoriet / Uppsala']);
      // Full-width letters fold to ASCII.
      expect(await companies('q=abb')).toEqual(['ＡＢＢ Robotics / Västerås']);
      // The start of a later word, not any substring.
      expect(await companies('q=energi')).toEqual(['Göteborgs Energi AB / Göteborg']);
      expect(await companies('q=teborg')).toEqual([]);
      expect(await companies('q=ergi')).toEqual([]);
      // …but one letter missing is a typo: "nergi" finds the word "energi".
      expect(await companies('q=nergi')).toEqual(['Göteborgs Energi AB / Göteborg']);
      // Leading and repeated spaces do not matter.
      expect(await companies(`q=${encodeURIComponent('  göteborgs   hamn ')}`)).toEqual(goteborgs.slice(1));
    });

    it('shows address and D-U-N-S so the user can pick the exact entity', async () => {
      const { items } = await get('/api/v1/companies?q=goteborgs+hamn');
      expect(items).toHaveLength(2);
      const malmo = items.find((c) => (c.address as { city: string }).city === 'Malmö');
      expect(malmo).toEqual({
        id: company.hamnMalmo,
        name: 'Göteborgs Hamn AB',
        duns: '222222222',
        address: {
          addressLine1: '1 Main Street',
          city: 'Malmö',
          region: null,
          postalCode: '11122',
          country: 'SE',
        },
        website: null,
        size: '250-999',
        industry: 'Manufacturing',
      });
      expect(items.find((c) => c.id === company.hamn)?.duns).toBeNull();
    });

    it('filters by country and by city (city accent- and case-insensitive)', async () => {
      expect(await companies('q=gote&country=SE')).toEqual([
        'Göteborgs Energi AB / Göteborg',
        'Göteborgs Hamn AB / Göteborg',
        'Göteborgs Hamn AB / Malmö',
        'Gotland Data AB / Visby', // one typo away
      ]);
      expect(await companies('q=gote&country=DE')).toEqual(['Goteborg Trading GmbH / Berlin']);
      expect(await companies('q=gote&country=NO')).toEqual([]);
      expect(await companies(`q=gote&country=SE&city=${encodeURIComponent('MALMÖ')}`)).toEqual([
        'Göteborgs Hamn AB / Malmö',
      ]);
      expect(await companies('q=gote&city=malmo')).toEqual(['Göteborgs Hamn AB / Malmö']);
      expect((await companies(`q=go&city=${encodeURIComponent('göteborg')}`)).sort()).toEqual(
        ['Göteborgs Energi AB / Göteborg', 'Göteborgs Hamn AB / Göteborg'].sort(),
      );
      // Volvo Cars AB is in Göteborg too, under another name.
      expect(await companies(`q=volvo&city=${encodeURIComponent('GÖTEBORG')}&country=SE`)).toEqual([
        'Volvo Cars AB / Göteborg',
      ]);
      expect(await companies('q=go&city=Visby')).toEqual(['Gotland Data AB / Visby']);
      expect(await companies('q=go&city=Berlin&country=SE')).toEqual([]);
      // The city is matched whole, not as a prefix.
      expect(await companies('q=go&city=Vis')).toEqual([]);
    });

    it('needs at least 2 characters, or 1 CJK character', async () => {
      for (const q of ['', 'g', 'G', ' g ', 'Ö', 'Я', '%20%20']) {
        expect(await companies(`q=${q === '%20%20' ? q : encodeURIComponent(q)}`), q).toEqual([]);
      }
      expect(await companies('')).toEqual([]);
      expect(await companies('q=go')).toHaveLength(5);
      expect((await companies(`q=${encodeURIComponent('台')}`)).sort()).toEqual(
        ['台灣積體電路 / 新竹', '台達電子 / Taipei'].sort(),
      );
      expect(await companies(`q=${encodeURIComponent('台灣')}`)).toEqual(['台灣積體電路 / 新竹']);
      expect(await companies(`q=${encodeURIComponent('鴻')}&country=TW`)).toEqual(['鴻海精密 / Taipei']);
      expect(await companies(`q=${encodeURIComponent('台')}&country=SE`)).toEqual([]);
    });

    it('finds Cyrillic names, case-insensitively', async () => {
      expect(await companies(`q=${encodeURIComponent('ян')}`)).toEqual(['Яндекс / Москва']);
      expect(await companies(`q=${encodeURIComponent('ЯН')}`)).toEqual(['Яндекс / Москва']);
      expect(await companies(`q=${encodeURIComponent('я')}&country=RU`)).toEqual([]);
      expect(
        await companies(`q=${encodeURIComponent('ЯМ')}&country=RU&city=${encodeURIComponent('москва')}`),
      ).toEqual(['Ямал СПГ / Москва']);
      expect(await companies(`q=${encodeURIComponent('яндекс')}`)).toEqual(['Яндекс / Москва']);
    });

    it('treats LIKE wildcards in the query as text', async () => {
      expect(await companies(`q=${encodeURIComponent('100%')}`)).toEqual(['100% Solar AB / Lund']);
      expect(await companies(`q=${encodeURIComponent('10_')}`)).toEqual([]);
      expect(await companies(`q=${encodeURIComponent('%%')}`)).toEqual([]);
      expect(await companies(`q=${encodeURIComponent('__')}`)).toEqual([]);
      expect(await companies(`q=${encodeURIComponent('\\%')}`)).toEqual([]);
    });

    it('honours the limit and orders by name', async () => {
      const one = await get('/api/v1/companies?q=go&limit=1');
      expect(one.items).toHaveLength(1);
      const all = await companies('q=go&limit=50');
      expect(all).toHaveLength(5);
      expect(all[0]).toBe('Goteborg Trading GmbH / Berlin');
      expect(all.at(-1)).toBe('Gotland Data AB / Visby');
    });
  });

  describe('GET /solutions', () => {
    const names = async (kind: string | null, auth: Auth = world.users.radmin.auth, q?: string) => {
      const params = new URLSearchParams();
      if (kind) params.set('kind', kind);
      if (q !== undefined) params.set('q', q);
      const { items } = await get(`/api/v1/solutions?${params}`, auth);
      return items.map((s) => s.name);
    };

    it('groups what a partner may attach: mine, the vendor’s, other partners’ co-sell-ready ones', async () => {
      expect(await names('mine')).toEqual(['Contoso Analytics']);
      expect(await names(null)).toEqual(['Contoso Analytics']);
      expect(await names('vendor')).toEqual(['Northwind Data Platform']);
      // Not Contoso's own, not the vendor's, not drafts (Litware Draft, Ångström Draft), not assessments.
      // Ordered by the normalized name (Ångström as angstrom).
      expect(await names('partners')).toEqual([
        'Adventure Toolkit',
        'Ångström Insights',
        'Fabrikam Secure Edge',
        'Litware Insight',
      ]);
      expect(await names('partners', world.users.fabrikam.auth)).toEqual([
        'Adventure Toolkit',
        'Ångström Insights',
        'Contoso Analytics',
        'Litware Insight',
      ]);
      expect(await names('partners', world.users.litware.auth)).not.toContain('Litware Insight');
    });

    it('describes each solution with its publisher', async () => {
      const { items } = await get('/api/v1/solutions?kind=partners&q=secure');
      expect(items).toEqual([
        {
          id: world.solutions.fabrikam,
          name: 'Fabrikam Secure Edge',
          kind: 'product',
          offerType: 'ip',
          coSellReady: true,
          incentiveEligible: false,
          publisher: { id: world.fabrikam.id, name: 'Fabrikam' },
        },
      ]);
    });

    it('offers assessment types only to the assessment-approved partner', async () => {
      const fabrikam = (await get('/api/v1/solutions?kind=assessments', world.users.fabrikam.auth)).items;
      expect(fabrikam).toEqual([
        expect.objectContaining({
          id: world.solutions.assessment,
          name: 'Cloud migration assessment',
          kind: 'assessment',
          publisher: { id: world.vendor.id, name: 'Northwind Cloud' },
        }),
      ]);
      expect(await names('assessments')).toEqual([]);
      expect(await names('assessments', world.users.litware.auth)).toEqual([]);
      expect(await names('assessments', world.users.vadmin.auth)).toEqual([]);
      // Assessments never appear in the other groups.
      for (const kind of ['mine', 'vendor', 'partners']) {
        expect(await names(kind, world.users.fabrikam.auth)).not.toContain('Cloud migration assessment');
      }
    });

    it('filters by name, ignoring case and accents, within the group', async () => {
      expect(await names('partners', world.users.radmin.auth, 'INSIGHT')).toEqual([
        'Ångström Insights',
        'Litware Insight',
      ]);
      expect(await names('partners', world.users.radmin.auth, 'angstrom')).toEqual(['Ångström Insights']);
      expect(await names('partners', world.users.radmin.auth, 'ÅNGSTRÖM')).toEqual(['Ångström Insights']);
      expect(await names('partners', world.users.radmin.auth, 'analytics')).toEqual([]);
      expect(await names('mine', world.users.radmin.auth, 'analytics')).toEqual(['Contoso Analytics']);
      expect(await names('vendor', world.users.radmin.auth, 'migration')).toEqual([]);
      expect(await names('partners', world.users.radmin.auth, '%')).toEqual([]);
      expect(await names('partners', world.users.radmin.auth, '_')).toEqual([]);
    });

    it('the vendor’s own products are its “mine”; it sees every partner’s co-sell-ready solution', async () => {
      expect(await names('mine', world.users.vadmin.auth)).toEqual(['Northwind Data Platform']);
      expect(await names('partners', world.users.vadmin.auth)).toEqual([
        'Adventure Toolkit',
        'Ångström Insights',
        'Contoso Analytics',
        'Fabrikam Secure Edge',
        'Litware Insight',
      ]);
    });
  });

  describe('GET /partners', () => {
    const partners = async (auth: Auth = world.users.radmin.auth, q?: string) => {
      const { items } = await get(
        `/api/v1/partners${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`,
        auth,
      );
      return items;
    };

    // Ordered by name; where Å sorts depends on the database collation, so most checks compare sets.
    const sorted = (items: Record<string, unknown>[]) => items.map((p) => p.name as string).sort();

    it('lists co-sell-ready partners other than the caller, never the vendor', async () => {
      const items = await partners();
      expect(sorted(items)).toEqual(['Fabrikam', 'Litware', 'Ångström Partners']);
      const litware = items.find((p) => p.name === 'Litware');
      expect(litware).toEqual({
        id: world.litware.id,
        name: 'Litware',
        partnerId: expect.stringMatching(/^\d{7}/),
      });
      expect(sorted(await partners(world.users.litware.auth))).toEqual([
        'Contoso',
        'Fabrikam',
        'Ångström Partners',
      ]);
      expect(sorted(await partners(world.users.vadmin.auth))).toEqual([
        'Contoso',
        'Fabrikam',
        'Litware',
        'Ångström Partners',
      ]);
      // A partner that is not co-sell ready is not offered, and is offered the others.
      expect(sorted(await partners(sleepyAdmin.auth))).toEqual([
        'Contoso',
        'Fabrikam',
        'Litware',
        'Ångström Partners',
      ]);
      // The ASCII names come in name order.
      expect(
        (await partners(world.users.vadmin.auth)).map((p) => p.name).filter((n) => n !== 'Ångström Partners'),
      ).toEqual(['Contoso', 'Fabrikam', 'Litware']);
    });

    it('filters by name, case-insensitively, with wildcards taken literally', async () => {
      expect((await partners(world.users.radmin.auth, 'lit')).map((p) => p.id)).toEqual([world.litware.id]);
      expect((await partners(world.users.radmin.auth, 'LIT')).map((p) => p.id)).toEqual([world.litware.id]);
      expect((await partners(world.users.radmin.auth, 'ware')).map((p) => p.id)).toEqual([world.litware.id]);
      expect((await partners(world.users.radmin.auth, 'contoso')).map((p) => p.name)).toEqual([]);
      expect((await partners(world.users.radmin.auth, 'adventure')).map((p) => p.name)).toEqual([]);
      expect((await partners(world.users.radmin.auth, 'northwind')).map((p) => p.name)).toEqual([]);
      expect((await partners(world.users.radmin.auth, '%')).map((p) => p.name)).toEqual([]);
      expect((await partners(world.users.radmin.auth, '_')).map((p) => p.name)).toEqual([]);
      expect((await partners(world.users.radmin.auth, 'partners')).map((p) => p.id)).toEqual([angstrom.id]);
      // An empty or blank query lists everything.
      expect(await partners(world.users.radmin.auth, '  ')).toHaveLength(3);
    });

    it('honours the limit', async () => {
      const all = (await get('/api/v1/partners?limit=100')).items.map((p) => p.name);
      expect(all).toHaveLength(3);
      const { items } = await get('/api/v1/partners?limit=2');
      expect(items.map((p) => p.name)).toEqual(all.slice(0, 2));
      expect((await get('/api/v1/partners?limit=1&q=a')).items).toHaveLength(1);
    });
  });
});
