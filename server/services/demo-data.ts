/**
 * The demo ecosystem as data: partner organizations, personas, solutions, and a generator of a synthetic
 * company directory (Latin, Swedish, German, French, Cyrillic, Traditional and Simplified Chinese, Japanese
 * names; plausible addresses per country; branches sharing a name in one city; unique D-U-N-S numbers).
 * Pure: no I/O, no clock; everything random comes from the seeded generator passed in.
 */
import { websiteDomain } from '../../core/customer-keys.ts';
import { normalizeForSearch } from '../../core/text.ts';

// ---------------------------------------------------------------- seeded randomness

/** A small deterministic PRNG (mulberry32) with the helpers the demo needs. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Some distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (probability) => next() < probability,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new Error('weighted pick from an empty list');
      return last[0];
    },
    sample: <T>(items: readonly T[], count: number): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy.slice(0, Math.max(0, Math.min(count, copy.length)));
    },
  };
}

/** Fills a pattern: `#` a digit, `@` an upper-case letter. */
export function fillPattern(rng: Rng, pattern: string): string {
  return pattern.replace(/[#@]/g, (ch) =>
    ch === '#' ? String(rng.int(0, 9)) : 'ABDEFGHJLNPQRSTUWXYZ'.charAt(rng.int(0, 19)),
  );
}

// ---------------------------------------------------------------- countries

export type CountryCode = 'SE' | 'TW' | 'CN' | 'RU' | 'US' | 'DE' | 'GB' | 'JP' | 'FR';
type Lang = 'en' | 'sv' | 'de' | 'fr' | 'zhCN' | 'zhTW' | 'ru' | 'ja';

interface CityDef {
  name: string;
  region: string | null;
  postal: string;
  streets: readonly string[];
  /** TW/CN/JP: districts or areas that start the address line. */
  districts?: readonly string[];
  /** SE: the form used in company names ("Göteborgs Hamn AB"). */
  nameForm?: string;
  weight: number;
}

export interface CountryDef {
  code: CountryCode;
  lang: Lang;
  /** The user locale of the country (the web UI's locales; others use English). */
  locale: string;
  currency: string;
  /** Rough units of the currency per US dollar, for plausible deal values. */
  perUsd: number;
  phone: string;
  /** Share of the directory. */
  weight: number;
  cities: readonly CityDef[];
}

export const COUNTRIES: Record<CountryCode, CountryDef> = {
  SE: {
    code: 'SE',
    lang: 'sv',
    locale: 'sv',
    currency: 'SEK',
    perUsd: 10.5,
    phone: '+46 8 ### ## ##',
    weight: 15,
    cities: [
      {
        name: 'Stockholm',
        region: 'Stockholms län',
        postal: '11# ##',
        streets: ['Drottninggatan', 'Kungsgatan', 'Sveavägen', 'Birger Jarlsgatan', 'Hornsgatan', 'Götgatan'],
        nameForm: 'Stockholms',
        weight: 30,
      },
      {
        name: 'Göteborg',
        region: 'Västra Götalands län',
        postal: '41# ##',
        streets: ['Östra Hamngatan', 'Kungsportsavenyen', 'Första Långgatan', 'Lilla Bommen', 'Södra Vägen'],
        nameForm: 'Göteborgs',
        weight: 18,
      },
      {
        name: 'Malmö',
        region: 'Skåne län',
        postal: '21# ##',
        streets: ['Södra Förstadsgatan', 'Stortorget', 'Amiralsgatan', 'Östra Rönneholmsvägen'],
        nameForm: 'Malmö',
        weight: 12,
      },
      {
        name: 'Uppsala',
        region: 'Uppsala län',
        postal: '75# ##',
        streets: ['Kungsängsgatan', 'Svartbäcksgatan'],
        weight: 7,
      },
      {
        name: 'Linköping',
        region: 'Östergötlands län',
        postal: '58# ##',
        streets: ['Storgatan', 'Ågatan'],
        weight: 6,
      },
      {
        name: 'Örebro',
        region: 'Örebro län',
        postal: '70# ##',
        streets: ['Drottninggatan', 'Köpmangatan'],
        weight: 5,
      },
      {
        name: 'Västerås',
        region: 'Västmanlands län',
        postal: '72# ##',
        streets: ['Stora Gatan', 'Vasagatan'],
        weight: 5,
      },
      {
        name: 'Umeå',
        region: 'Västerbottens län',
        postal: '90# ##',
        streets: ['Rådhusesplanaden', 'Kungsgatan'],
        weight: 4,
      },
      {
        name: 'Jönköping',
        region: 'Jönköpings län',
        postal: '55# ##',
        streets: ['Västra Storgatan', 'Östra Storgatan'],
        weight: 4,
      },
      {
        name: 'Åre',
        region: 'Jämtlands län',
        postal: '837 ##',
        streets: ['Årevägen', 'Torggränd'],
        weight: 1,
      },
    ],
  },
  TW: {
    code: 'TW',
    lang: 'zhTW',
    locale: 'zh-TW',
    currency: 'TWD',
    perUsd: 32,
    phone: '+886 2 #### ####',
    weight: 12,
    cities: [
      {
        name: '台北市',
        region: null,
        postal: '1#0',
        districts: ['信義區', '大安區', '中山區', '內湖區', '松山區', '中正區'],
        streets: [
          '信義路五段',
          '忠孝東路四段',
          '敦化南路二段',
          '南京東路三段',
          '松仁路',
          '基隆路一段',
          '內湖路一段',
        ],
        weight: 35,
      },
      {
        name: '新北市',
        region: null,
        postal: '2##',
        districts: ['板橋區', '新莊區', '三重區', '汐止區'],
        streets: ['中山路一段', '文化路二段', '新北大道一段', '新台五路一段'],
        weight: 15,
      },
      {
        name: '新竹市',
        region: null,
        postal: '300',
        districts: ['東區', '北區'],
        streets: ['光復路二段', '科學園路', '中華路二段'],
        weight: 12,
      },
      {
        name: '台中市',
        region: null,
        postal: '4##',
        districts: ['西屯區', '南屯區', '北屯區'],
        streets: ['台灣大道三段', '文心路二段', '市政路'],
        weight: 12,
      },
      {
        name: '高雄市',
        region: null,
        postal: '8##',
        districts: ['前鎮區', '苓雅區', '左營區'],
        streets: ['中山二路', '成功二路', '博愛二路'],
        weight: 12,
      },
      {
        name: '桃園市',
        region: null,
        postal: '33#',
        districts: ['桃園區', '中壢區', '龜山區'],
        streets: ['中正路', '民族路', '復興一路'],
        weight: 8,
      },
    ],
  },
  CN: {
    code: 'CN',
    lang: 'zhCN',
    locale: 'zh-CN',
    currency: 'CNY',
    perUsd: 7.2,
    phone: '+86 ## #### ####',
    weight: 14,
    cities: [
      {
        name: '北京市',
        region: null,
        postal: '100###',
        districts: ['朝阳区', '海淀区', '东城区', '西城区'],
        streets: ['建国路', '中关村大街', '长安街', '东三环北路', '金融大街'],
        weight: 25,
      },
      {
        name: '上海市',
        region: null,
        postal: '200###',
        districts: ['浦东新区', '静安区', '徐汇区', '黄浦区'],
        streets: ['陆家嘴环路', '南京西路', '世纪大道', '淮海中路'],
        weight: 25,
      },
      {
        name: '深圳市',
        region: '广东省',
        postal: '518###',
        districts: ['南山区', '福田区', '宝安区'],
        streets: ['深南大道', '科技园路', '华强北路'],
        weight: 15,
      },
      {
        name: '广州市',
        region: '广东省',
        postal: '510###',
        districts: ['天河区', '越秀区', '海珠区'],
        streets: ['天河路', '华夏路', '环市东路'],
        weight: 12,
      },
      {
        name: '杭州市',
        region: '浙江省',
        postal: '310###',
        districts: ['西湖区', '滨江区'],
        streets: ['文三路', '江南大道', '延安路'],
        weight: 9,
      },
      {
        name: '成都市',
        region: '四川省',
        postal: '610###',
        districts: ['高新区', '锦江区'],
        streets: ['天府大道', '春熙路', '人民南路'],
        weight: 7,
      },
      {
        name: '南京市',
        region: '江苏省',
        postal: '210###',
        districts: ['鼓楼区', '建邺区'],
        streets: ['中山路', '江东中路', '汉中路'],
        weight: 7,
      },
    ],
  },
  RU: {
    code: 'RU',
    lang: 'ru',
    locale: 'ru',
    currency: 'RUB',
    perUsd: 90,
    phone: '+7 ### ###-##-##',
    weight: 10,
    cities: [
      {
        name: 'Москва',
        region: null,
        postal: '1#####',
        streets: [
          'ул. Тверская',
          'Ленинский пр-т',
          'ул. Новый Арбат',
          'Пресненская наб.',
          'ул. Большая Ордынка',
          'Кутузовский пр-т',
        ],
        weight: 40,
      },
      {
        name: 'Санкт-Петербург',
        region: null,
        postal: '19####',
        streets: ['Невский пр-т', 'ул. Садовая', 'Лиговский пр-т', 'наб. реки Мойки', 'Московский пр-т'],
        weight: 22,
      },
      {
        name: 'Новосибирск',
        region: 'Новосибирская область',
        postal: '630###',
        streets: ['Красный пр-т', 'ул. Ленина', 'ул. Кирова'],
        weight: 10,
      },
      {
        name: 'Екатеринбург',
        region: 'Свердловская область',
        postal: '620###',
        streets: ['ул. Малышева', 'пр-т Ленина', 'ул. 8 Марта'],
        weight: 10,
      },
      {
        name: 'Казань',
        region: 'Республика Татарстан',
        postal: '420###',
        streets: ['ул. Баумана', 'ул. Пушкина'],
        weight: 9,
      },
      {
        name: 'Нижний Новгород',
        region: 'Нижегородская область',
        postal: '603###',
        streets: ['ул. Большая Покровская', 'ул. Рождественская'],
        weight: 9,
      },
    ],
  },
  US: {
    code: 'US',
    lang: 'en',
    locale: 'en',
    currency: 'USD',
    perUsd: 1,
    phone: '+1 ### 555 ####',
    weight: 20,
    cities: [
      {
        name: 'Seattle',
        region: 'WA',
        postal: '981##',
        streets: ['Pine St', 'Pike St', '1st Ave', 'Westlake Ave N'],
        weight: 14,
      },
      {
        name: 'New York',
        region: 'NY',
        postal: '100##',
        streets: ['Broadway', '5th Ave', 'Madison Ave', 'W 34th St'],
        weight: 20,
      },
      {
        name: 'Chicago',
        region: 'IL',
        postal: '606##',
        streets: ['N Michigan Ave', 'W Madison St', 'S Wacker Dr'],
        weight: 14,
      },
      {
        name: 'Austin',
        region: 'TX',
        postal: '787##',
        streets: ['Congress Ave', 'E 6th St', 'N Lamar Blvd'],
        weight: 10,
      },
      {
        name: 'San Francisco',
        region: 'CA',
        postal: '941##',
        streets: ['Market St', 'Mission St', 'Howard St'],
        weight: 14,
      },
      {
        name: 'Boston',
        region: 'MA',
        postal: '021##',
        streets: ['Boylston St', 'Summer St', 'Atlantic Ave'],
        weight: 10,
      },
      {
        name: 'Denver',
        region: 'CO',
        postal: '802##',
        streets: ['17th St', 'Larimer St', 'Blake St'],
        weight: 8,
      },
      {
        name: 'Atlanta',
        region: 'GA',
        postal: '303##',
        streets: ['Peachtree St NE', 'Spring St NW'],
        weight: 10,
      },
    ],
  },
  DE: {
    code: 'DE',
    lang: 'de',
    locale: 'en',
    currency: 'EUR',
    perUsd: 0.92,
    phone: '+49 ## #######',
    weight: 12,
    cities: [
      {
        name: 'Berlin',
        region: 'Berlin',
        postal: '10###',
        streets: ['Friedrichstraße', 'Unter den Linden', 'Kurfürstendamm', 'Torstraße'],
        weight: 20,
      },
      {
        name: 'München',
        region: 'Bayern',
        postal: '80###',
        streets: ['Leopoldstraße', 'Maximilianstraße', 'Sendlinger Straße'],
        weight: 18,
      },
      {
        name: 'Hamburg',
        region: 'Hamburg',
        postal: '20###',
        streets: ['Mönckebergstraße', 'Jungfernstieg', 'Große Elbstraße'],
        weight: 15,
      },
      {
        name: 'Frankfurt am Main',
        region: 'Hessen',
        postal: '60###',
        streets: ['Zeil', 'Mainzer Landstraße', 'Taunusanlage'],
        weight: 14,
      },
      {
        name: 'Köln',
        region: 'Nordrhein-Westfalen',
        postal: '50###',
        streets: ['Hohe Straße', 'Aachener Straße'],
        weight: 12,
      },
      {
        name: 'Stuttgart',
        region: 'Baden-Württemberg',
        postal: '70###',
        streets: ['Königstraße', 'Heilbronner Straße'],
        weight: 11,
      },
      {
        name: 'Düsseldorf',
        region: 'Nordrhein-Westfalen',
        postal: '40###',
        streets: ['Königsallee', 'Grafenberger Allee'],
        weight: 10,
      },
    ],
  },
  GB: {
    code: 'GB',
    lang: 'en',
    locale: 'en',
    currency: 'GBP',
    perUsd: 0.79,
    phone: '+44 20 #### ####',
    weight: 7,
    cities: [
      {
        name: 'London',
        region: 'England',
        postal: 'EC#@ #@@',
        streets: ['King Street', 'Queen Victoria Street', 'Old Broad Street', 'Victoria Road'],
        weight: 45,
      },
      {
        name: 'Manchester',
        region: 'England',
        postal: 'M# #@@',
        streets: ['Deansgate', 'Portland Street', 'Station Road'],
        weight: 18,
      },
      {
        name: 'Birmingham',
        region: 'England',
        postal: 'B# #@@',
        streets: ['Colmore Row', 'High Street', 'Broad Street'],
        weight: 14,
      },
      {
        name: 'Edinburgh',
        region: 'Scotland',
        postal: 'EH# #@@',
        streets: ['George Street', 'Princes Street', 'Leith Walk'],
        weight: 12,
      },
      {
        name: 'Leeds',
        region: 'England',
        postal: 'LS# #@@',
        streets: ['Park Row', 'Wellington Street'],
        weight: 11,
      },
    ],
  },
  JP: {
    code: 'JP',
    lang: 'ja',
    locale: 'en',
    currency: 'JPY',
    perUsd: 150,
    phone: '+81 3 #### ####',
    weight: 5,
    cities: [
      {
        name: '千代田区',
        region: '東京都',
        postal: '100-####',
        streets: ['丸の内', '大手町', '神田錦町'],
        weight: 30,
      },
      { name: '港区', region: '東京都', postal: '10#-####', streets: ['六本木', '芝浦', '赤坂'], weight: 25 },
      {
        name: '大阪市',
        region: '大阪府',
        postal: '530-####',
        streets: ['北区梅田', '中央区本町'],
        weight: 20,
      },
      {
        name: '横浜市',
        region: '神奈川県',
        postal: '220-####',
        streets: ['西区みなとみらい', '中区山下町'],
        weight: 13,
      },
      {
        name: '名古屋市',
        region: '愛知県',
        postal: '450-####',
        streets: ['中村区名駅', '中区栄'],
        weight: 12,
      },
    ],
  },
  FR: {
    code: 'FR',
    lang: 'fr',
    locale: 'en',
    currency: 'EUR',
    perUsd: 0.92,
    phone: '+33 1 ## ## ## ##',
    weight: 5,
    cities: [
      {
        name: 'Paris',
        region: 'Île-de-France',
        postal: '750##',
        streets: ['rue de Rivoli', 'boulevard Haussmann', 'avenue de l’Opéra'],
        weight: 40,
      },
      {
        name: 'Lyon',
        region: 'Auvergne-Rhône-Alpes',
        postal: '6900#',
        streets: ['rue de la République', 'quai Saint-Antoine'],
        weight: 18,
      },
      {
        name: 'Marseille',
        region: 'Provence-Alpes-Côte d’Azur',
        postal: '130##',
        streets: ['La Canebière', 'rue de Rome'],
        weight: 14,
      },
      {
        name: 'Bordeaux',
        region: 'Nouvelle-Aquitaine',
        postal: '330##',
        streets: ['cours de l’Intendance', 'quai des Chartrons'],
        weight: 12,
      },
      {
        name: 'Toulouse',
        region: 'Occitanie',
        postal: '310##',
        streets: ['rue d’Alsace-Lorraine', 'allée Jean-Jaurès'],
        weight: 10,
      },
      {
        name: 'Grenoble',
        region: 'Auvergne-Rhône-Alpes',
        postal: '380##',
        streets: ['avenue Alsace-Lorraine', 'cours Berriat'],
        weight: 6,
      },
    ],
  },
};

export const COUNTRY_CODES = Object.keys(COUNTRIES) as CountryCode[];

// ---------------------------------------------------------------- organizations

export type OfferType = 'device' | 'ip' | 'services' | 'managed-services';

export interface LocationDef {
  /** Short key; referrals-users of the location are `user.<key>@<domain>`. */
  key: string;
  name: string;
  country: CountryCode;
  city: string;
}

export interface SolutionDef {
  name: string;
  offerType: OfferType;
  location: string;
  coSellReady?: boolean;
  incentiveEligible?: boolean;
}

export interface PersonaDef {
  email: string;
  name: string;
  /** Grants: `null` scope = the entire company; otherwise location keys (one user_roles row each). */
  roles: readonly { role: string; scope: readonly string[] | null }[];
  /** The location whose country sets the locale (default: the organization's first). */
  home?: string;
}

export interface PartnerDef {
  key: string;
  name: string;
  domain: string;
  partnerId: string;
  coSellReady: boolean;
  assessmentApproved: boolean;
  extraTenant?: { domain: string; name: string };
  locations: readonly LocationDef[];
  solutions: readonly SolutionDef[];
  /** Hand-named users; the generated ones (admin@, radmin@, user.<location>@, solutions@) fill the rest. */
  personas?: readonly PersonaDef[];
  /** Whether a separate solutions@ user exists (else admin@ is also solutions-admin). */
  solutionsUser: boolean;
  /** How often the partner creates deals and is invited. */
  weight: number;
}

export const PARTNERS: readonly PartnerDef[] = [
  {
    key: 'contoso',
    name: 'Contoso',
    domain: 'contoso.example',
    partnerId: '4412871',
    coSellReady: true,
    assessmentApproved: false,
    extraTenant: { domain: 'contoso-apac.example', name: 'Contoso APAC' },
    locations: [
      { key: 'se', name: 'Contoso Stockholm', country: 'SE', city: 'Stockholm' },
      { key: 'tw', name: 'Contoso Taipei', country: 'TW', city: 'Taipei' },
      { key: 'cn', name: 'Contoso Shanghai', country: 'CN', city: 'Shanghai' },
    ],
    solutions: [
      { name: 'Contoso Retail Analytics', offerType: 'ip', location: 'se', incentiveEligible: true },
      { name: 'Contoso Managed SOC', offerType: 'managed-services', location: 'se' },
      { name: 'Contoso Smart Factory Gateway', offerType: 'device', location: 'tw' },
      { name: 'Contoso Cloud Migration Services', offerType: 'services', location: 'cn' },
    ],
    personas: [
      {
        email: 'admin@contoso.example',
        name: 'Karin Lindqvist',
        roles: [{ role: 'partner-admin', scope: null }],
      },
      {
        email: 'radmin@contoso.example',
        name: 'Erik Johansson',
        roles: [{ role: 'referrals-admin', scope: null }],
      },
      {
        email: 'user.se@contoso.example',
        name: 'Anna Svensson',
        roles: [{ role: 'referrals-user', scope: ['se'] }],
        home: 'se',
      },
      {
        email: 'user.tw@contoso.example',
        name: '林怡君',
        roles: [{ role: 'referrals-user', scope: ['tw'] }],
        home: 'tw',
      },
      {
        email: 'user.cn@contoso.example',
        name: '王伟',
        roles: [{ role: 'referrals-user', scope: ['cn'] }],
        home: 'cn',
      },
      {
        email: 'radmin.tw@contoso.example',
        name: '陳志明',
        roles: [{ role: 'referrals-admin', scope: ['tw'] }],
        home: 'tw',
      },
      {
        email: 'sales@contoso.example',
        name: 'Måns Ekström',
        roles: [{ role: 'referrals-user', scope: ['se', 'tw'] }],
        home: 'se',
      },
      {
        email: 'solutions@contoso.example',
        name: 'Elin Sjöberg',
        roles: [{ role: 'solutions-admin', scope: null }],
      },
    ],
    solutionsUser: true,
    weight: 22,
  },
  {
    key: 'fabrikam',
    name: 'Fabrikam',
    domain: 'fabrikam.example',
    partnerId: '3186402',
    coSellReady: true,
    assessmentApproved: true,
    locations: [
      { key: 'de', name: 'Fabrikam Munich', country: 'DE', city: 'Munich' },
      { key: 'us', name: 'Fabrikam Chicago', country: 'US', city: 'Chicago' },
      { key: 'se', name: 'Fabrikam Malmö', country: 'SE', city: 'Malmö' },
    ],
    solutions: [
      { name: 'Fabrikam Data Estate Modernization', offerType: 'services', location: 'de' },
      { name: 'Fabrikam Edge Sensor Kit', offerType: 'device', location: 'us' },
      { name: 'Fabrikam Managed Backup', offerType: 'managed-services', location: 'se' },
    ],
    solutionsUser: true,
    weight: 12,
  },
  {
    key: 'litware',
    name: 'Litware',
    domain: 'litware.example',
    partnerId: '5530917',
    coSellReady: true,
    assessmentApproved: false,
    extraTenant: { domain: 'litware-ru.example', name: 'Litware Russia' },
    locations: [
      { key: 'us', name: 'Litware Boston', country: 'US', city: 'Boston' },
      { key: 'msk', name: 'Litware Moscow', country: 'RU', city: 'Moscow' },
      { key: 'spb', name: 'Litware Saint Petersburg', country: 'RU', city: 'Saint Petersburg' },
    ],
    solutions: [
      { name: 'Litware Document AI', offerType: 'ip', location: 'us', incentiveEligible: true },
      { name: 'Litware ERP Connector', offerType: 'ip', location: 'msk' },
      { name: 'Litware Managed Database', offerType: 'managed-services', location: 'spb' },
    ],
    solutionsUser: false,
    weight: 10,
  },
  {
    key: 'adventure-works',
    name: 'Adventure Works',
    domain: 'adventure-works.example',
    partnerId: '6021458',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'bj', name: 'Adventure Works Beijing', country: 'CN', city: 'Beijing' },
      { key: 'sh', name: 'Adventure Works Shanghai', country: 'CN', city: 'Shanghai' },
      { key: 'sz', name: 'Adventure Works Shenzhen', country: 'CN', city: 'Shenzhen' },
    ],
    solutions: [
      { name: 'Adventure Works Retail Suite', offerType: 'ip', location: 'bj', incentiveEligible: true },
      { name: 'Adventure Works IoT Fleet', offerType: 'device', location: 'sz' },
      { name: 'Adventure Works Cloud Operations', offerType: 'managed-services', location: 'sh' },
    ],
    solutionsUser: true,
    weight: 7,
  },
  {
    key: 'tailspin',
    name: 'Tailspin Toys',
    domain: 'tailspintoys.example',
    partnerId: '7145330',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'us', name: 'Tailspin Toys Austin', country: 'US', city: 'Austin' },
      { key: 'jp', name: 'Tailspin Toys Tokyo', country: 'JP', city: 'Tokyo' },
    ],
    solutions: [
      { name: 'Tailspin Game Analytics', offerType: 'ip', location: 'us' },
      { name: 'Tailspin Kiosk Devices', offerType: 'device', location: 'jp' },
    ],
    solutionsUser: false,
    weight: 5,
  },
  {
    key: 'wide-world',
    name: 'Wide World Importers',
    domain: 'wideworldimporters.example',
    partnerId: '2298765',
    coSellReady: true,
    assessmentApproved: false,
    extraTenant: { domain: 'wwi-europe.example', name: 'Wide World Importers Europe' },
    locations: [
      { key: 'gb', name: 'Wide World Importers London', country: 'GB', city: 'London' },
      { key: 'de', name: 'Wide World Importers Hamburg', country: 'DE', city: 'Hamburg' },
      { key: 'fr', name: 'Wide World Importers Paris', country: 'FR', city: 'Paris' },
    ],
    solutions: [
      { name: 'Wide World Trade Compliance', offerType: 'ip', location: 'gb', incentiveEligible: true },
      { name: 'Wide World Supply Chain Services', offerType: 'services', location: 'de' },
      { name: 'Wide World Managed EDI', offerType: 'managed-services', location: 'fr' },
    ],
    solutionsUser: true,
    weight: 6,
  },
  {
    key: 'proseware',
    name: 'Proseware',
    domain: 'proseware.example',
    partnerId: '8801234',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'tpe', name: 'Proseware Taipei', country: 'TW', city: 'Taipei' },
      { key: 'hsinchu', name: 'Proseware Hsinchu', country: 'TW', city: 'Hsinchu' },
      { key: 'khh', name: 'Proseware Kaohsiung', country: 'TW', city: 'Kaohsiung' },
    ],
    solutions: [
      { name: 'Proseware Fab Insights', offerType: 'ip', location: 'hsinchu', incentiveEligible: true },
      { name: 'Proseware Secure Workplace', offerType: 'managed-services', location: 'tpe' },
    ],
    solutionsUser: false,
    weight: 6,
  },
  {
    key: 'alpine',
    name: 'Alpine Ski House',
    domain: 'alpineskihouse.example',
    partnerId: '1457769',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'de', name: 'Alpine Ski House Berlin', country: 'DE', city: 'Berlin' },
      { key: 'se', name: 'Alpine Ski House Åre', country: 'SE', city: 'Åre' },
    ],
    solutions: [{ name: 'Alpine Booking Platform', offerType: 'ip', location: 'de' }],
    solutionsUser: false,
    weight: 4,
  },
  {
    key: 'woodgrove',
    name: 'Woodgrove',
    domain: 'woodgrove.example',
    partnerId: '9034417',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'us', name: 'Woodgrove New York', country: 'US', city: 'New York' },
      { key: 'gb', name: 'Woodgrove London', country: 'GB', city: 'London' },
    ],
    solutions: [
      { name: 'Woodgrove Risk Analytics', offerType: 'ip', location: 'us', incentiveEligible: true },
      { name: 'Woodgrove Fraud Detection Services', offerType: 'services', location: 'gb' },
      { name: 'Woodgrove Managed Compliance', offerType: 'managed-services', location: 'us' },
    ],
    solutionsUser: true,
    weight: 5,
  },
  {
    key: 'coho',
    name: 'Coho Winery',
    domain: 'cohowinery.example',
    partnerId: '6677120',
    coSellReady: false,
    assessmentApproved: false,
    locations: [
      { key: 'fr', name: 'Coho Winery Bordeaux', country: 'FR', city: 'Bordeaux' },
      { key: 'us', name: 'Coho Winery San Francisco', country: 'US', city: 'San Francisco' },
    ],
    solutions: [{ name: 'Coho Vineyard Telemetry', offerType: 'device', location: 'fr', coSellReady: false }],
    solutionsUser: false,
    weight: 3,
  },
  {
    key: 'lamna',
    name: 'Lamna',
    domain: 'lamna.example',
    partnerId: '3945501',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'msk', name: 'Lamna Moscow', country: 'RU', city: 'Moscow' },
      { key: 'kzn', name: 'Lamna Kazan', country: 'RU', city: 'Kazan' },
    ],
    solutions: [
      { name: 'Lamna Patient Portal', offerType: 'ip', location: 'msk' },
      { name: 'Lamna Clinical Data Services', offerType: 'services', location: 'kzn', coSellReady: false },
    ],
    solutionsUser: false,
    weight: 4,
  },
  {
    key: 'trey',
    name: 'Trey Research',
    domain: 'treyresearch.example',
    partnerId: '5102938',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'us', name: 'Trey Research Seattle', country: 'US', city: 'Seattle' },
      { key: 'jp', name: 'Trey Research Osaka', country: 'JP', city: 'Osaka' },
      { key: 'se', name: 'Trey Research Uppsala', country: 'SE', city: 'Uppsala' },
    ],
    solutions: [
      { name: 'Trey Lab Informatics', offerType: 'ip', location: 'se', incentiveEligible: true },
      { name: 'Trey Genomics Pipeline', offerType: 'managed-services', location: 'us' },
      { name: 'Trey Research Advisory', offerType: 'services', location: 'jp' },
    ],
    solutionsUser: true,
    weight: 4,
  },
  {
    key: 'fourth-coffee',
    name: 'Fourth Coffee',
    domain: 'fourthcoffee.example',
    partnerId: '2716650',
    coSellReady: true,
    assessmentApproved: false,
    locations: [
      { key: 'gz', name: 'Fourth Coffee Guangzhou', country: 'CN', city: 'Guangzhou' },
      { key: 'txg', name: 'Fourth Coffee Taichung', country: 'TW', city: 'Taichung' },
    ],
    solutions: [
      { name: 'Fourth Coffee Store Insights', offerType: 'ip', location: 'gz' },
      { name: 'Fourth Coffee Connected Kiosk', offerType: 'device', location: 'txg' },
    ],
    solutionsUser: false,
    weight: 4,
  },
  {
    key: 'margies',
    name: "Margie's Travel",
    domain: 'margiestravel.example',
    partnerId: '8120446',
    coSellReady: false,
    assessmentApproved: false,
    locations: [
      { key: 'gb', name: "Margie's Travel Edinburgh", country: 'GB', city: 'Edinburgh' },
      { key: 'fr', name: "Margie's Travel Lyon", country: 'FR', city: 'Lyon' },
    ],
    solutions: [
      { name: "Margie's Travel Booking Engine", offerType: 'ip', location: 'gb', coSellReady: false },
    ],
    solutionsUser: false,
    weight: 2,
  },
];

export interface VendorUserDef {
  email: string;
  name: string;
  role: 'vendor-admin' | 'vendor-seller';
}

export const VENDOR_DOMAIN = 'northwind.example';

export const VENDOR_USERS: readonly VendorUserDef[] = [
  { email: 'vadmin@northwind.example', name: 'Avery Brooks', role: 'vendor-admin' },
  { email: 'seller@northwind.example', name: 'Jordan Lee', role: 'vendor-seller' },
  { email: 'seller.emea@northwind.example', name: 'Sophie Keller', role: 'vendor-seller' },
  { email: 'seller.apac@northwind.example', name: 'Mei Chen', role: 'vendor-seller' },
  { email: 'seller.na@northwind.example', name: 'Marcus Reed', role: 'vendor-seller' },
];

/** Vendor products; the vendor's brand (first word of its name) is put in front. */
export const VENDOR_PRODUCTS: readonly { name: string; offerType: OfferType; incentiveEligible: boolean }[] =
  [
    { name: 'Data Platform', offerType: 'ip', incentiveEligible: true },
    { name: 'Identity', offerType: 'ip', incentiveEligible: true },
    { name: 'Analytics', offerType: 'ip', incentiveEligible: true },
    { name: 'Security Center', offerType: 'ip', incentiveEligible: true },
    { name: 'AI Studio', offerType: 'ip', incentiveEligible: true },
    { name: 'Kubernetes Service', offerType: 'ip', incentiveEligible: false },
    { name: 'Edge Appliance', offerType: 'device', incentiveEligible: false },
    { name: 'Premier Support', offerType: 'services', incentiveEligible: false },
  ];

export const ASSESSMENT_TYPES: readonly string[] = [
  'Cloud migration assessment',
  'Security assessment',
  'Data & AI readiness assessment',
  'Modern workplace assessment',
];

// ---------------------------------------------------------------- people

export interface PersonName {
  name: string;
  /** The e-mail local part. */
  latin: string;
}

const latinPeople = (first: readonly string[], last: readonly string[]) => ({ first, last });

const WESTERN: Partial<Record<Lang, { first: readonly string[]; last: readonly string[] }>> = {
  en: latinPeople(
    [
      'James',
      'Mary',
      'Robert',
      'Patricia',
      'Michael',
      'Linda',
      'David',
      'Emily',
      'Daniel',
      'Sarah',
      'Kevin',
      'Laura',
      'Brian',
      'Megan',
    ],
    [
      'Smith',
      'Johnson',
      'Brown',
      'Garcia',
      'Miller',
      'Davis',
      'Wilson',
      'Anderson',
      'Taylor',
      'Moore',
      'Clark',
      'Walker',
      'Young',
    ],
  ),
  sv: latinPeople(
    [
      'Anna',
      'Erik',
      'Maria',
      'Lars',
      'Karin',
      'Johan',
      'Sofia',
      'Anders',
      'Elin',
      'Björn',
      'Åsa',
      'Göran',
      'Linnéa',
      'Oskar',
    ],
    [
      'Andersson',
      'Johansson',
      'Karlsson',
      'Nilsson',
      'Eriksson',
      'Larsson',
      'Olsson',
      'Persson',
      'Lindqvist',
      'Åberg',
      'Sjöberg',
      'Öberg',
      'Bäckström',
    ],
  ),
  de: latinPeople(
    [
      'Lukas',
      'Anna',
      'Jonas',
      'Lena',
      'Felix',
      'Marie',
      'Jürgen',
      'Sabine',
      'Tobias',
      'Julia',
      'Matthias',
      'Katrin',
      'Stefan',
    ],
    [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Schulz',
      'Hoffmann',
      'Schäfer',
      'Krüger',
    ],
  ),
  fr: latinPeople(
    [
      'Camille',
      'Louis',
      'Chloé',
      'Hugo',
      'Léa',
      'Jules',
      'Manon',
      'Théo',
      'Inès',
      'Élodie',
      'Gaël',
      'Margaux',
    ],
    [
      'Martin',
      'Bernard',
      'Dubois',
      'Thomas',
      'Robert',
      'Richard',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Lefèvre',
      'Girard',
    ],
  ),
};

const FULL_NAMES: Partial<Record<Lang, readonly (readonly [string, string])[]>> = {
  zhCN: [
    ['王伟', 'wang.wei'],
    ['李娜', 'li.na'],
    ['张磊', 'zhang.lei'],
    ['刘洋', 'liu.yang'],
    ['陈静', 'chen.jing'],
    ['杨帆', 'yang.fan'],
    ['赵敏', 'zhao.min'],
    ['黄强', 'huang.qiang'],
    ['周婷', 'zhou.ting'],
    ['吴昊', 'wu.hao'],
    ['徐丽', 'xu.li'],
    ['孙杰', 'sun.jie'],
  ],
  zhTW: [
    ['林怡君', 'lin.yichun'],
    ['陳志明', 'chen.chihming'],
    ['張雅婷', 'chang.yating'],
    ['王俊傑', 'wang.chunchieh'],
    ['李佳穎', 'li.chiaying'],
    ['黃建宏', 'huang.chienhung'],
    ['吳淑芬', 'wu.shufen'],
    ['劉家豪', 'liu.chiahao'],
    ['蔡宗翰', 'tsai.tsunghan'],
    ['楊雅琪', 'yang.yachi'],
    ['許文彬', 'hsu.wenpin'],
    ['鄭美玲', 'cheng.meiling'],
  ],
  ru: [
    ['Иван Петров', 'ivan.petrov'],
    ['Анна Смирнова', 'anna.smirnova'],
    ['Дмитрий Кузнецов', 'dmitry.kuznetsov'],
    ['Елена Попова', 'elena.popova'],
    ['Сергей Соколов', 'sergey.sokolov'],
    ['Ольга Лебедева', 'olga.lebedeva'],
    ['Алексей Козлов', 'alexey.kozlov'],
    ['Наталья Новикова', 'natalia.novikova'],
    ['Михаил Морозов', 'mikhail.morozov'],
    ['Татьяна Волкова', 'tatiana.volkova'],
    ['Андрей Васильев', 'andrey.vasilyev'],
    ['Мария Фёдорова', 'maria.fedorova'],
  ],
  ja: [
    ['佐藤健', 'sato.ken'],
    ['鈴木花子', 'suzuki.hanako'],
    ['高橋翔', 'takahashi.sho'],
    ['田中美咲', 'tanaka.misaki'],
    ['伊藤大輔', 'ito.daisuke'],
    ['渡辺愛', 'watanabe.ai'],
    ['山本拓也', 'yamamoto.takuya'],
    ['中村由美', 'nakamura.yumi'],
  ],
};

/** ASCII slug for e-mail local parts and web addresses. */
export function slugOf(text: string): string {
  return normalizeForSearch(text)
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function personName(rng: Rng, country: CountryCode): PersonName {
  const lang = COUNTRIES[country].lang;
  const full = FULL_NAMES[lang];
  if (full) {
    const [name, latin] = rng.pick(full);
    return { name, latin };
  }
  const parts = WESTERN[lang] ?? WESTERN.en;
  if (!parts) throw new Error('no names');
  const first = rng.pick(parts.first);
  const last = rng.pick(parts.last);
  return { name: `${first} ${last}`, latin: `${slugOf(first)}.${slugOf(last)}` };
}

export function phoneNumber(rng: Rng, country: CountryCode): string {
  return fillPattern(rng, COUNTRIES[country].phone);
}

// ---------------------------------------------------------------- companies

interface IndustryDef {
  id: string;
  slug: string;
  words: Record<Lang, string>;
}

export const INDUSTRIES: readonly IndustryDef[] = [
  {
    id: 'Manufacturing',
    slug: 'industries',
    words: {
      en: 'Manufacturing',
      sv: 'Industri',
      de: 'Maschinenbau',
      fr: 'Industries',
      zhCN: '制造',
      zhTW: '精密',
      ru: 'Промтех',
      ja: '製作所',
    },
  },
  {
    id: 'Retail',
    slug: 'retail',
    words: {
      en: 'Retail',
      sv: 'Handel',
      de: 'Handel',
      fr: 'Distribution',
      zhCN: '商贸',
      zhTW: '百貨',
      ru: 'Ритейл',
      ja: '商事',
    },
  },
  {
    id: 'Financial services',
    slug: 'capital',
    words: {
      en: 'Capital',
      sv: 'Finans',
      de: 'Finanz',
      fr: 'Finance',
      zhCN: '金融',
      zhTW: '投資',
      ru: 'Финанс',
      ja: 'ファイナンス',
    },
  },
  {
    id: 'Healthcare',
    slug: 'health',
    words: {
      en: 'Health',
      sv: 'Vård',
      de: 'Medizintechnik',
      fr: 'Santé',
      zhCN: '医疗',
      zhTW: '生技',
      ru: 'Фарма',
      ja: 'メディカル',
    },
  },
  {
    id: 'Transportation & logistics',
    slug: 'logistics',
    words: {
      en: 'Logistics',
      sv: 'Logistik',
      de: 'Logistik',
      fr: 'Logistique',
      zhCN: '物流',
      zhTW: '物流',
      ru: 'Логистика',
      ja: '物流',
    },
  },
  {
    id: 'Energy & utilities',
    slug: 'energy',
    words: {
      en: 'Energy',
      sv: 'Energi',
      de: 'Energie',
      fr: 'Énergie',
      zhCN: '能源',
      zhTW: '能源',
      ru: 'Энерго',
      ja: 'エネルギー',
    },
  },
  {
    id: 'Software & IT services',
    slug: 'tech',
    words: {
      en: 'Technologies',
      sv: 'Data',
      de: 'Software',
      fr: 'Technologies',
      zhCN: '科技',
      zhTW: '資訊',
      ru: 'Софт',
      ja: 'システム',
    },
  },
  {
    id: 'Construction',
    slug: 'builders',
    words: {
      en: 'Builders',
      sv: 'Bygg',
      de: 'Bau',
      fr: 'Construction',
      zhCN: '建设',
      zhTW: '建設',
      ru: 'Строй',
      ja: '建設',
    },
  },
  {
    id: 'Telecommunications',
    slug: 'telecom',
    words: {
      en: 'Communications',
      sv: 'Telekom',
      de: 'Telekom',
      fr: 'Télécom',
      zhCN: '通信',
      zhTW: '電訊',
      ru: 'Телеком',
      ja: '通信',
    },
  },
  {
    id: 'Food & beverage',
    slug: 'foods',
    words: {
      en: 'Foods',
      sv: 'Livsmedel',
      de: 'Lebensmittel',
      fr: 'Alimentaire',
      zhCN: '食品',
      zhTW: '食品',
      ru: 'Продукт',
      ja: 'フーズ',
    },
  },
  {
    id: 'Electronics',
    slug: 'electronics',
    words: {
      en: 'Electronics',
      sv: 'Elektronik',
      de: 'Elektronik',
      fr: 'Électronique',
      zhCN: '电子',
      zhTW: '電子',
      ru: 'Электроника',
      ja: '電機',
    },
  },
  {
    id: 'Professional services',
    slug: 'consulting',
    words: {
      en: 'Consulting',
      sv: 'Konsult',
      de: 'Beratung',
      fr: 'Conseil',
      zhCN: '咨询',
      zhTW: '顧問',
      ru: 'Консалтинг',
      ja: 'コンサルティング',
    },
  },
  {
    id: 'Media & entertainment',
    slug: 'media',
    words: {
      en: 'Media',
      sv: 'Media',
      de: 'Medien',
      fr: 'Médias',
      zhCN: '传媒',
      zhTW: '傳媒',
      ru: 'Медиа',
      ja: 'メディア',
    },
  },
  {
    id: 'Automotive',
    slug: 'motors',
    words: {
      en: 'Motors',
      sv: 'Fordon',
      de: 'Automobil',
      fr: 'Automobiles',
      zhCN: '汽车',
      zhTW: '汽車',
      ru: 'Автотех',
      ja: '自動車',
    },
  },
];

export const SIZE_BANDS: readonly (readonly [string, number])[] = [
  ['1-49', 45],
  ['50-249', 30],
  ['250-999', 15],
  ['1000+', 10],
];

/** Brand words: Latin ones are their own slug; the others carry a romanization. */
const BRANDS: Record<Lang, readonly (readonly [string, string])[]> = {
  en: [
    'Blue Ridge',
    'Summit',
    'Harbor Point',
    'Redwood',
    'Lakeside',
    'Granite',
    'Evergreen',
    'Pioneer',
    'Cascade',
    'Beacon',
    'Silverline',
    'Northstar',
    'Ironwood',
    'Crescent',
    'Meridian',
    'Keystone',
    'Riverbend',
    'Oakmont',
    'Brightpath',
    'Clearwater',
    'Falcon',
    'Highland',
    'Coastal',
    'Prairie',
  ].map((b) => [b, slugOf(b)] as const),
  sv: [
    'Nord',
    'Väst',
    'Öst',
    'Syd',
    'Fjäll',
    'Sjö',
    'Skog',
    'Älv',
    'Berg',
    'Ljung',
    'Björk',
    'Gran',
    'Hav',
    'Sol',
    'Ström',
    'Åker',
    'Göta',
    'Mälar',
    'Vätter',
    'Norrlands',
    'Dal',
    'Ek',
    'Lind',
    'Kust',
    'Fors',
  ].map((b) => [b, slugOf(b)] as const),
  de: [
    'Müller',
    'Schäfer',
    'Becker',
    'Hoffmann',
    'Krüger',
    'Schröder',
    'Weiß',
    'Köhler',
    'Brandt',
    'Rhein',
    'Isar',
    'Alpen',
    'Nordsee',
    'Hansa',
    'Elbe',
    'Schwarzwald',
    'Spree',
    'Neckar',
    'Löwe',
    'Adler',
  ].map((b) => [b, slugOf(b)] as const),
  fr: [
    'Dupont',
    'Lefèvre',
    'Rousseau',
    'Mercier',
    'Bonnet',
    'Garnier',
    'Lambert',
    'Fontaine',
    'Chevalier',
    'Rhône',
    'Loire',
    'Atlantique',
    'Provence',
    'Étoile',
    'Azur',
    'Vauban',
    'Sévigné',
  ].map((b) => [b, slugOf(b)] as const),
  zhCN: [
    ['华信', 'huaxin'],
    ['东方', 'dongfang'],
    ['长江', 'changjiang'],
    ['海川', 'haichuan'],
    ['中科', 'zhongke'],
    ['远航', 'yuanhang'],
    ['新元', 'xinyuan'],
    ['天合', 'tianhe'],
    ['恒通', 'hengtong'],
    ['鼎盛', 'dingsheng'],
    ['金桥', 'jinqiao'],
    ['宏图', 'hongtu'],
    ['瑞丰', 'ruifeng'],
    ['云峰', 'yunfeng'],
    ['博达', 'boda'],
    ['启明', 'qiming'],
    ['九州', 'jiuzhou'],
  ],
  zhTW: [
    ['瑞昇', 'ruisheng'],
    ['國通', 'kuotung'],
    ['遠揚', 'yuanyang'],
    ['崇德', 'chungte'],
    ['福泰', 'futai'],
    ['聯暉', 'lienhui'],
    ['信鼎', 'hsinting'],
    ['凱旋', 'kaihsuan'],
    ['嘉新', 'chiahsin'],
    ['華宇', 'huayu'],
    ['冠群', 'kuanchun'],
    ['晶采', 'chingtsai'],
    ['鴻展', 'hungchan'],
    ['永晟', 'yungsheng'],
    ['旭光', 'hsukuang'],
  ],
  ru: [
    ['Вектор', 'vektor'],
    ['Меридиан', 'meridian'],
    ['Горизонт', 'gorizont'],
    ['Восток', 'vostok'],
    ['Сфера', 'sfera'],
    ['Прогресс', 'progress'],
    ['Ладога', 'ladoga'],
    ['Байкал', 'baikal'],
    ['Кедр', 'kedr'],
    ['Рассвет', 'rassvet'],
    ['Арктика', 'arktika'],
    ['Северный Ветер', 'severny-veter'],
    ['Звезда', 'zvezda'],
    ['Альфа', 'alfa'],
    ['Волга', 'volga'],
    ['Нева', 'neva'],
  ],
  ja: [
    ['東和', 'towa'],
    ['北斗', 'hokuto'],
    ['大和', 'yamato'],
    ['富士見', 'fujimi'],
    ['青葉', 'aoba'],
    ['山王', 'sanno'],
    ['若葉', 'wakaba'],
    ['明星', 'meisei'],
    ['千代田', 'chiyoda'],
    ['朝霧', 'asagiri'],
  ],
};

/**
 * Parts of composed brand names, each [text, romanized slug]: a head and a tail make one brand ("Björk" +
 * "vik" → "Björkvik", "Техно" + "снаб" → "Техноснаб", "华" + "信" → "华信"). They give a directory of
 * millions a realistic spread: most names rare, some common (the BRANDS above), branches on purpose.
 */
const pairs = (items: string) =>
  items.split(' ').map((item) => {
    const [text, slug] = item.split('=') as [string, string | undefined];
    return [text, slug ?? slugOf(text)] as const;
  });

const BRAND_PARTS: Record<
  Lang,
  { head: readonly (readonly [string, string])[]; tail: readonly (readonly [string, string])[] }
> = {
  en: {
    head: pairs(
      'North Blue Red Silver Stone Oak Pine River Lake Sun Star Iron Bright Clear Eagle Fox Maple Cedar Harbor ' +
        'Golden Green Gray White Black High Long West East South Twin Great Deep Swift Bold True Open Prime ' +
        'Copper Amber Willow',
    ),
    tail: pairs(
      'field wood bridge stone gate point view brook ridge crest haven way line path port ford dale mont worth ' +
        'well side water rock hill land wind light peak fall shore',
    ),
  },
  sv: {
    head: pairs(
      'Nord Väst Öst Syd Fjäll Sjö Skog Älv Berg Ljung Björk Gran Hav Sol Ström Åker Göta Mälar Dal Ek Lind ' +
        'Kust Fors Sten Hög Norr Sör Ängs Lövs Tall Ås Hed Vik Mo Ny Gärds Bäck Sand',
    ),
    tail: pairs(
      'berg dal vik holm ström lund näs å sjö bäck hed gård torp ås mark fors hamn backe ängen öga by tuna köping bro',
    ),
  },
  de: {
    head: pairs(
      'Alpen Rhein Nord Süd Ost West Elb Main Donau Berg Wald Sonnen Stern Adler Löwen Eichen Linden Tannen ' +
        'Brücken Hafen Mühlen Grün Weiß Rot Blau Gold Silber Hoch Tal Ober',
    ),
    tail: pairs(
      'tal berg feld hof bach stein werk haus burg brück au grund heim wiese quelle blick ring tor land mark',
    ),
  },
  fr: {
    head: pairs('Val Mont Beau Clair Haut Grand Bel Bon Port Pont Champ Bois Roche Fontaine Mer Ville Neuf'),
    tail: pairs('mont val lieu champ fort pré rive mare ville court bourg vert clair soleil roc sol'),
  },
  ru: {
    head: pairs(
      'Техно=tekhno Строй=stroy Пром=prom Инвест=invest Агро=agro Энерго=energo Транс=trans Мега=mega Гео=geo ' +
        'Эко=eko Нефте=nefte Газ=gaz Спец=spets Рос=ros Сиб=sib Урал=ural Волго=volgo Дон=don Север=sever ' +
        'Юг=yug Центр=tsentr Интер=inter Евро=evro Спектр=spektr Альфа=alfa Бета=beta Вектор=vektor Мир=mir ' +
        'Нова=nova Лидер=lider Кама=kama Амур=amur Байкал=baikal Балт=balt Кедр=kedr',
    ),
    tail: pairs(
      'сервис=servis снаб=snab торг=torg комплект=komplekt маш=mash лайн=lain трейд=treid групп=grupp ' +
        'систем=sistem проект=proekt строй=stroy холдинг=kholding ресурс=resurs монтаж=montazh тех=tekh ' +
        'инвест=invest пром=prom транс=trans логистик=logistik энерго=energo софт=soft лаб=lab мед=med ' +
        'сталь=stal альянс=alyans',
    ),
  },
  zhCN: {
    head: pairs(
      '华=hua 信=xin 东=dong 方=fang 长=chang 江=jiang 海=hai 川=chuan 中=zhong 科=ke 远=yuan 航=hang 新=xin ' +
        '元=yuan 天=tian 合=he 恒=heng 通=tong 鼎=ding 盛=sheng 金=jin 桥=qiao 宏=hong 图=tu 瑞=rui 丰=feng ' +
        '云=yun 峰=feng 博=bo 达=da 启=qi 明=ming 九=jiu 州=zhou 创=chuang 力=li 安=an 泰=tai 联=lian 兴=xing ' +
        '嘉=jia 盈=ying 和=he 顺=shun 万=wan 隆=long 佳=jia 德=de',
    ),
    tail: [],
  },
  zhTW: {
    head: pairs(
      '瑞=jui 昇=sheng 國=kuo 通=tung 遠=yuan 揚=yang 崇=chung 德=te 福=fu 泰=tai 聯=lien 暉=hui 信=hsin ' +
        '鼎=ting 凱=kai 旋=hsuan 嘉=chia 新=hsin 華=hua 宇=yu 冠=kuan 群=chun 晶=ching 采=tsai 鴻=hung ' +
        '展=chan 永=yung 晟=sheng 旭=hsu 光=kuang 東=tung 興=hsing 達=ta 廣=kuang 寶=pao 豐=feng 萬=wan ' +
        '隆=lung 勝=sheng 源=yuan 益=yi 昌=chang 億=yi 茂=mao 祥=hsiang 臺=tai',
    ),
    tail: [],
  },
  ja: {
    head: pairs(
      '東=to 和=wa 北=hoku 斗=to 大=dai 富=fu 士=shi 青=ao 葉=ba 山=yama 王=o 若=waka 明=mei 星=sei 千=sen ' +
        '代=dai 朝=asa 霧=giri 日=nichi 本=hon 光=ko 栄=ei 三=san 井=i 中=naka 田=ta 新=shin 高=taka ' +
        '松=matsu 川=kawa 森=mori 丸=maru',
    ),
    tail: [],
  },
};

/** A brand: a common one (shared by many unrelated entities) or a composed, mostly rare one. */
function brandOf(rng: Rng, lang: Lang): readonly [string, string] {
  if (rng.chance(0.2)) return rng.pick(BRANDS[lang]);
  const parts = BRAND_PARTS[lang];
  const [head, headSlug] = rng.pick(parts.head);
  // CJK brands are two characters of one pool; the others a head and a tail.
  const [tail, tailSlug] = parts.tail.length > 0 ? rng.pick(parts.tail) : rng.pick(parts.head);
  return [`${head}${tail}`, `${headSlug}${tailSlug}`];
}

/** Surname stems and endings ("Berg" + "ström" → "Bergström", "Ash" + "ford" → "Ashford"). */
const SURNAME_PARTS: Partial<Record<Lang, { head: readonly string[]; tail: readonly string[] }>> = {
  en: {
    head: 'Ash Brad Craw Dal Ell Fair Gar Hal Har Kings Lang Mar Mor Nor Pem Ral Red Rut Stan Thorn Wal Wes Whit Win'.split(
      ' ',
    ),
    tail: 'ford ley ton wood well man by field ham worth son more'.split(' '),
  },
  sv: {
    head: 'Lind Berg Ek Sjö Björk Åker Nord Holm Sand Ström Dahl Hag Fors Lund Hed Ny Gran Öst Väst Sund Ljung Eng Al Rosen'.split(
      ' ',
    ),
    tail: 'qvist gren ström berg lund man blad dahl holm sson ander ling'.split(' '),
  },
  de: {
    head: 'Hoff Brand Stein Kessel Eich Linden Rosen Wald Berg Feld Hart Lang Schön Kirch Zimmer Brun'.split(
      ' ',
    ),
    tail: 'mann er berger meier huber hofer bach feld ing haus'.split(' '),
  },
  fr: {
    head: 'Beau Bon Mont Duval Le Roux Ver Belle Dela Mar Char Ber'.split(' '),
    tail: 'champ mont lieu fort court ville net rand chet rier'.split(' '),
  },
};

/** A surname: one of the common ones, or a composed rarer one. */
function surname(rng: Rng, lang: 'en' | 'sv' | 'de' | 'fr'): readonly [string, string] {
  const parts = SURNAME_PARTS[lang];
  if (!parts || rng.chance(0.3)) {
    const last = rng.pick(WESTERN[lang]?.last ?? ['Smith']);
    return [last, slugOf(last)];
  }
  const name = `${rng.pick(parts.head)}${rng.pick(parts.tail)}`;
  return [name, slugOf(name)];
}

interface CompanyName {
  name: string;
  /** Web address stem (ASCII). */
  site: string;
}

function companyName(rng: Rng, country: CountryCode, city: CityDef, industry: IndustryDef): CompanyName {
  const lang = COUNTRIES[country].lang;
  const [brand, brandSlug] = brandOf(rng, lang);
  const word = industry.words[lang];
  const site = `${brandSlug}-${industry.slug}`;
  switch (country) {
    case 'SE': {
      const form = rng.int(0, 99);
      if (form < 35) return { name: `${brand}${word.toLowerCase()} AB`, site: `${brandSlug}${slugOf(word)}` };
      if (form < 37 && city.nameForm)
        return { name: `${city.nameForm} ${word} AB`, site: `${slugOf(city.nameForm)}-${slugOf(word)}` };
      if (form < 55) {
        const [last, lastSlug] = surname(rng, 'sv');
        return rng.chance(0.8)
          ? { name: `${last}s ${word} AB`, site: `${lastSlug}s-${slugOf(word)}` }
          : { name: `Bröderna ${last} AB`, site: `broderna-${lastSlug}` };
      }
      return { name: `${brand} ${word} AB`, site };
    }
    case 'DE': {
      if (rng.chance(0.1)) {
        const [last, lastSlug] = surname(rng, 'de');
        return { name: `${last} & Söhne ${word} GmbH`, site: `${lastSlug}-soehne` };
      }
      return { name: `${brand} ${word} ${rng.pick(['GmbH', 'GmbH', 'AG', 'GmbH & Co. KG', 'SE'])}`, site };
    }
    case 'US':
      if (rng.chance(0.1)) {
        const [a, aSlug] = surname(rng, 'en');
        const [b, bSlug] = surname(rng, 'en');
        return { name: `${a}, ${b} & Partners LLP`, site: `${aSlug}-${bSlug}` };
      }
      return { name: `${brand} ${word} ${rng.pick(['Inc.', 'Inc.', 'LLC', 'Corp.', 'Co.'])}`, site };
    case 'GB':
      return { name: `${brand} ${word} ${rng.pick(['Ltd', 'Ltd', 'Limited', 'plc'])}`, site };
    case 'FR': {
      if (rng.chance(0.15)) return { name: `Groupe ${brand}`, site: `groupe-${brandSlug}` };
      if (rng.chance(0.1)) return { name: `Établissements ${brand}`, site: `ets-${brandSlug}` };
      if (rng.chance(0.1)) {
        const [last, lastSlug] = surname(rng, 'fr');
        return { name: `${last} & Fils ${word} SARL`, site: `${lastSlug}-fils` };
      }
      return { name: `${brand} ${word} ${rng.pick(['SAS', 'SAS', 'SA', 'SARL'])}`, site };
    }
    case 'CN': {
      const suffix = rng.pick(['有限公司', '有限公司', '股份有限公司', '集团有限公司']);
      const cityShort = city.name.replace(/市$/, '');
      const prefix = rng.chance(0.5) ? cityShort : '';
      return { name: `${prefix}${brand}${word}${suffix}`, site };
    }
    case 'TW': {
      if (rng.chance(0.12)) {
        // Some Taiwanese entities are listed under their English legal name.
        const [en, enSlug] = brandOf(rng, 'en');
        return { name: `${en} ${industry.words.en} Co., Ltd.`, site: `${enSlug}-${industry.slug}` };
      }
      const prefix = rng.chance(0.15) ? '台灣' : '';
      return {
        name: `${prefix}${brand}${word}${rng.pick(['股份有限公司', '股份有限公司', '有限公司'])}`,
        site,
      };
    }
    case 'RU': {
      const form = rng.pick(['ООО', 'ООО', 'ООО', 'АО', 'ПАО']);
      return rng.chance(0.4)
        ? { name: `${form} «${brand}»`, site: brandSlug }
        : { name: `${form} «${brand} ${word}»`, site };
    }
    case 'JP':
      return rng.chance(0.6)
        ? { name: `株式会社${brand}${word}`, site }
        : { name: `${brand}${word}株式会社`, site };
  }
}

function addressLine(rng: Rng, country: CountryCode, city: CityDef): string {
  const street = rng.pick(city.streets);
  switch (country) {
    case 'SE':
    case 'DE':
      return `${street} ${rng.int(1, 120)}${rng.chance(0.15) ? rng.pick(['A', 'B', 'C']) : ''}`;
    case 'US':
      return `${rng.int(100, 2999)} ${street}${rng.chance(0.4) ? `, Suite ${rng.int(1, 40) * 50}` : ''}`;
    case 'GB':
      return `${rng.int(1, 180)} ${street}`;
    case 'FR':
      return `${rng.int(1, 150)} ${street}`;
    case 'TW': {
      const district = rng.pick(city.districts ?? ['']);
      return `${district}${street}${rng.int(1, 300)}號${rng.chance(0.6) ? `${rng.int(2, 28)}樓` : ''}`;
    }
    case 'CN': {
      const district = rng.pick(city.districts ?? ['']);
      return `${district}${street}${rng.int(1, 999)}号${rng.chance(0.4) ? `${rng.int(2, 40)}层` : ''}`;
    }
    case 'JP':
      return `${street}${rng.int(1, 4)}-${rng.int(1, 20)}-${rng.int(1, 15)}`;
    case 'RU':
      return `${street}, д. ${rng.int(1, 140)}${rng.chance(0.35) ? `, стр. ${rng.int(1, 9)}` : ''}${rng.chance(0.3) ? `, офис ${rng.int(100, 950)}` : ''}`;
  }
}

/**
 * A bijection of [0, 10^9) keyed from `rng`: the n-th entity's D-U-N-S is `permutation(n)`, so millions are
 * unique without remembering any. A four-round Feistel network on [0, 31623²) (just above 10^9), walked
 * again while the result is out of range (cycle walking keeps it a bijection of the smaller range).
 */
export function dunsPermutation(rng: Rng): (index: number) => string {
  const m = 31_623;
  const keys = [0, 1, 2, 3].map(() => Math.floor(rng.next() * 4_294_967_296) >>> 0);
  const mix = (value: number) => {
    let x = value >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
    x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
    return (x ^ (x >>> 16)) >>> 0;
  };
  const round = (value: number) => {
    let left = Math.floor(value / m);
    let right = value % m;
    for (const key of keys) {
      const next = (left + (mix(right ^ key) % m)) % m;
      left = right;
      right = next;
    }
    return left * m + right;
  };
  return (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= 1_000_000_000) {
      throw new RangeError('a D-U-N-S index is in [0, 10^9)');
    }
    let value = round(index);
    while (value >= 1_000_000_000) value = round(value);
    return String(value).padStart(9, '0');
  };
}

/** One entity of the synthetic directory, in the CSV's terms (core/company-csv.ts). */
export interface GeneratedCompany {
  name: string;
  duns: string;
  addressLine1: string;
  city: string;
  region: string | null;
  postalCode: string;
  country: CountryCode;
  website: string | null;
  size: string;
  industry: string;
}

/**
 * The synthetic company directory, lazily: exactly `count` entities, deterministic for the state of `rng`.
 * About one base entity in twelve has more entities of the same name in the same city (branches, each with
 * its own address and D-U-N-S; one in a hundred a chain of 4–12), some a subsidiary (same brand, another
 * line of business) in the same city, and a few share a name across cities of the country.
 */
export function* companyRecords(rng: Rng, count: number): Generator<GeneratedCompany> {
  const duns = dunsPermutation(rng);
  let made = 0;
  const countryWeights = COUNTRY_CODES.map((code) => [code, COUNTRIES[code].weight] as const);
  const cityWeights = new Map(
    COUNTRY_CODES.map((code) => [code, COUNTRIES[code].cities.map((c) => [c, c.weight] as const)]),
  );
  // The addresses of the current group (an entity and its branches): each branch has its own.
  const addresses = new Set<string>();
  const entity = (
    country: CountryCode,
    city: CityDef,
    name: CompanyName,
    industry: IndustryDef,
    hasSite: boolean,
  ): GeneratedCompany => {
    const domainCountry = country === 'US' ? '' : `-${country.toLowerCase()}`;
    let address = addressLine(rng, country, city);
    for (let tries = 0; addresses.has(address) && tries < 8; tries++)
      address = addressLine(rng, country, city);
    addresses.add(address);
    return {
      name: name.name,
      duns: duns(made++),
      addressLine1: address,
      city: city.name,
      region: city.region,
      postalCode: fillPattern(rng, city.postal),
      country,
      website: hasSite ? `https://www.${name.site}${domainCountry}.example` : null,
      size: rng.weighted(SIZE_BANDS),
      industry: industry.id,
    };
  };
  while (made < count) {
    addresses.clear();
    const country = rng.weighted(countryWeights);
    const def = COUNTRIES[country];
    const city = rng.weighted(cityWeights.get(country) ?? []);
    const industry = rng.pick(INDUSTRIES);
    const name = companyName(rng, country, city, industry);
    const hasSite = rng.chance(0.75);
    yield entity(country, city, name, industry, hasSite);
    const roll = rng.next();
    if (roll < 0.08) {
      // Branches: more entities of the same name in the same city; now and then a chain.
      const branches = rng.chance(0.12) ? rng.int(4, 12) : rng.int(1, 3);
      for (let i = 0; i < branches && made < count; i++) yield entity(country, city, name, industry, hasSite);
    } else if (roll < 0.11 && made < count) {
      // The same name in another city of the country.
      yield entity(country, rng.pick(def.cities), name, industry, hasSite);
    } else if (roll < 0.14 && made < count) {
      // A subsidiary: the same brand in another line of business, same city.
      const other = rng.pick(INDUSTRIES);
      const sub = companyName(rng, country, city, other);
      yield entity(country, city, sub, other, rng.chance(0.75));
    }
  }
}

export interface CompanyRow {
  id: string;
  name: string;
  name_search: string;
  duns: string;
  address_line1: string;
  city: string;
  city_search: string;
  region: string | null;
  postal_code: string;
  country: CountryCode;
  website: string | null;
  domain: string | null;
  size: string;
  industry: string;
}

/**
 * The directory as rows of the companies table (the demo's few thousand). `newId` makes the ids (the
 * directory's only non-deterministic part). Large directories go through companyRecords() and the CSV.
 */
export function generateCompanies(rng: Rng, count: number, newId: () => string): CompanyRow[] {
  const rows: CompanyRow[] = [];
  for (const c of companyRecords(rng, count)) {
    rows.push({
      id: newId(),
      name: c.name,
      name_search: normalizeForSearch(c.name),
      duns: c.duns,
      address_line1: c.addressLine1,
      city: c.city,
      city_search: normalizeForSearch(c.city),
      region: c.region,
      postal_code: c.postalCode,
      country: c.country,
      website: c.website,
      domain: websiteDomain(c.website),
      size: c.size,
      industry: c.industry,
    });
  }
  return rows;
}

// ---------------------------------------------------------------- deal texts

export const DEAL_TOPICS: readonly string[] = [
  'Data platform modernization',
  'Identity rollout',
  'Analytics pilot',
  'Security uplift',
  'AI assistant pilot',
  'Datacenter exit',
  'ERP migration',
  'Edge devices for plants',
  'Managed SOC',
  'Backup and disaster recovery',
  'Customer 360',
  'Kubernetes platform',
  'Store analytics',
  'Supply chain visibility',
  'Contact center modernization',
];

export const HELP_NOTES: Record<string, readonly string[]> = {
  'workload-value-proposition': [
    'Please help us position the platform against the incumbent; the CFO asks for a TCO comparison.',
    'Customer wants to understand the value of moving analytics workloads before budget approval.',
  ],
  'customer-technical-architecture': [
    'Need an architect for a design review of the landing zone next week.',
    'Customer asks for a reference architecture for their hybrid setup.',
  ],
  'proof-of-concept-or-demo': [
    'Customer wants a proof of concept before the budget round in Q3.',
    'Please join a demo for the customer’s IT leadership.',
  ],
  'quotes-or-licensing': [
    'Need help with licensing for a multi-country rollout.',
    'Customer asks for a quote with a three-year commitment.',
  ],
  'post-sales-customer-success': ['Customer needs adoption support after go-live.'],
  'general-or-other': ['Executive sponsor meeting requested by the customer.'],
};

export const INVITE_NOTES: readonly string[] = [
  'You have the local delivery team the customer asked for.',
  'Your solution covers the part we do not: can you take it?',
  'The customer already runs your product; let us bring it into the project.',
  'Customer prefers a partner in their region for the rollout.',
];

export const PROGRESS_NOTES: readonly string[] = [
  'Met the CIO; next step is a technical workshop.',
  'Budget confirmed for next quarter.',
  'Customer asked for references in their industry.',
  'Kunden vill se en demo nästa vecka.',
  'Offert skickad, väntar på besked från inköp.',
  '客戶希望下週安排產品展示。',
  '客户已确认预算，下周签署意向书。',
  'Клиент запросил пилотный проект на три месяца.',
  'Kunde wünscht ein Angebot bis Monatsende.',
];
