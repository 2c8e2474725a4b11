/**
 * Hostile requests generated from the OpenAPI document: for one route and a valid request for it (the
 * baseline), every way the request can be wrong that the document describes — wrong types, missing and
 * unknown fields, limits exceeded, huge strings, deep nesting, broken Unicode and UTF-8, malformed JSON,
 * wrong content types, bodies over the limit, bad path and query values, bad cursors, bad If-Match and
 * Idempotency-Key headers, junk credentials and missing CSRF tokens — each with the statuses it may get.
 *
 * Deterministic: the same seed gives the same requests, so a failure names a reproducible request.
 */
import { Readable } from 'node:stream';

// ---------------------------------------------------------------------------------------------- OpenAPI

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  /** "POST /api/v1/deals/{id}/win" */
  key: string;
  method: Method;
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema }[];
  headers: { name: string; schema: JsonSchema }[];
  body?: { contentType: string; schema: JsonSchema; required: boolean };
  /** `security: []`: callable without credentials. */
  public: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, with its `$ref`s resolved. */
export function routesOf(doc: OpenApiDocument): Route[] {
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema => {
    if (!schema) return {};
    if (depth > 50) throw new Error('schema nesting too deep (a cycle?)');
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = doc.components?.schemas?.[name];
      if (!target) throw new Error(`unresolvable ${schema.$ref}`);
      return resolve(target, depth + 1);
    }
    const out: JsonSchema = { ...schema };
    if (schema.properties) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)]),
      );
    }
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = schema[key];
      if (list) out[key] = list.map((s) => resolve(s, depth + 1));
    }
    return out;
  };
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(operations)) {
      if (!METHODS.has(verb)) continue;
      const params = (where: Parameter['in']) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, schema: resolve(p.schema) }));
      const content = Object.entries(op.requestBody?.content ?? {})[0];
      routes.push({
        key: `${verb.toUpperCase()} ${path}`,
        method: verb.toUpperCase() as Method,
        path,
        pathParams: params('path'),
        query: params('query'),
        headers: params('header'),
        ...(content
          ? {
              body: {
                contentType: content[0],
                schema: resolve(content[1].schema),
                required: op.requestBody?.required === true,
              },
            }
          : {}),
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------- randomness

export interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(list: readonly T[]): T;
  /** `n` distinct items (all when the list is shorter), in a seeded order. */
  sample<T>(list: readonly T[], n: number): T[];
}

/** mulberry32: small, fast and good enough to pick test cases reproducibly. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    next,
    int,
    pick: (list) => list[int(list.length)] as (typeof list)[number],
    sample: (list, n) => {
      const copy = [...list];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy.slice(0, n);
    },
  };
}

/** A seed per route, so adding a route does not change the requests of the others. */
export function routeSeed(seed: number, key: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------------------------------------- requests

/** Who sends the request; the test maps these to credentials. */
export type AuthMode =
  | 'user'
  | 'session-without-csrf'
  | 'session-with-wrong-csrf'
  | 'session-with-another-users-csrf'
  /** Exactly these credential headers. */
  | { authorization: string }
  | { cookie: string };

export interface HostileRequest {
  /** What is wrong with it, e.g. "body.team.0.email: a number". */
  label: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer | (() => Readable);
  auth: AuthMode;
  /**
   * The statuses it may get. Empty: any status below 500 (the request may be valid, e.g. a tampered cursor
   * that still decodes, or a body on a GET, which is ignored) — only for requests that cannot write.
   */
  statuses: number[];
}

/** A valid request for the route: the hostile requests are this with one thing broken. */
export interface Baseline {
  /** Path parameter values (not encoded). */
  params: Record<string, string>;
  query: Record<string, string>;
  /** Headers besides credentials, e.g. If-Match. */
  headers: Record<string, string>;
  /** The JSON value of the body, or the text of a non-JSON body. */
  body?: unknown;
  /** The route's body limit in bytes. */
  bodyLimit: number;
  /** Real cursors the route's cursor parameters can be tampered from. */
  cursors: string[];
}

const SAFE = new Set<Method>(['GET']);
const REJECT_BODY = [400];
const ANY: number[] = [];

export const LIMITS = {
  /** Depth of the deeply nested arrays and objects. */
  depth: 10_000,
  /** A field far over any limit, yet well within the body limit. */
  huge: 100_000,
};

const JSON_TYPE = 'application/json';

type Path = (string | number)[];
const show = (path: Path) => (path.length === 0 ? '(root)' : path.join('.'));

/** Text put into the body as is: nesting too deep for JSON.stringify, or keys it would not write. */
class RawJson {
  constructor(readonly text: string) {}
}
const RAW_MARK = '\u2063raw\u2063';
const REMOVE = Symbol('remove');

const deepArray = (depth: number) => new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = (depth: number) => new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

function jsonWith(base: unknown, path: Path, value: unknown): string {
  if (path.length === 0) return value instanceof RawJson ? value.text : JSON.stringify(value);
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === REMOVE) delete node[last];
  else node[last] = value instanceof RawJson ? RAW_MARK : value;
  const text = JSON.stringify(copy);
  return value instanceof RawJson ? text.replace(JSON.stringify(RAW_MARK), () => value.text) : text;
}

// ------------------------------------------------------------------------ what a schema accepts

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

/** The JSON types a schema accepts; null when it accepts anything. */
function acceptedTypes(schema: JsonSchema): Set<JsonType> | null {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const all = new Set<JsonType>();
    for (const branch of branches) {
      const types = acceptedTypes(branch);
      if (!types) return null;
      for (const t of types) all.add(t);
    }
    return all;
  }
  if (schema.type) return new Set((Array.isArray(schema.type) ? schema.type : [schema.type]) as JsonType[]);
  const values = schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined);
  if (values) return new Set(values.map(typeOf));
  if (schema.properties) return new Set(['object']);
  return null;
}

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function accepts(types: Set<JsonType>, value: unknown): boolean {
  const t = typeOf(value);
  return types.has(t) || (t === 'integer' && types.has('number'));
}

/** The branch of a union the value follows (objects: the branch that knows all its keys). */
function branchFor(schema: JsonSchema, value: unknown): JsonSchema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  const fitting = branches.filter((b) => {
    const types = acceptedTypes(b);
    if (types && !accepts(types, value)) return false;
    if (value && typeof value === 'object' && !Array.isArray(value) && b.properties) {
      return Object.keys(value).every((k) => k in (b.properties ?? {}));
    }
    return true;
  });
  return branchFor(fitting[0] ?? branches[0] ?? {}, value);
}

/** One value of every JSON type, each labelled. */
const TYPE_SAMPLES: [string, unknown][] = [
  ['the number 0', 0],
  ['a negative number', -1],
  ['a fraction', 1.5],
  ['a huge number', 1e308],
  ['true', true],
  ['false', false],
  ['null', null],
  ['an empty string', ''],
  ['the string "true"', 'true'],
  ['an empty array', []],
  ['an array of a string', ['x']],
  ['an array of null', [null]],
  ['an empty object', {}],
  ['an object', { a: 1 }],
];

/** A few values of types the schema does not accept, of different types. */
function wrongTypes(schema: JsonSchema, rng: Rng, n: number): [string, unknown][] {
  const types = acceptedTypes(schema);
  if (!types) return [];
  const wrong = TYPE_SAMPLES.filter(([, v]) => !accepts(types, v));
  // One per JSON type first, so a field gets different kinds of wrong before variations of one.
  const byType = new Map<JsonType, [string, unknown][]>();
  for (const sample of rng.sample(wrong, wrong.length)) {
    const t = typeOf(sample[1]);
    byType.set(t, [...(byType.get(t) ?? []), sample]);
  }
  const firsts = [...byType.values()].map((list) => list[0] as [string, unknown]);
  const rest = [...byType.values()].flatMap((list) => list.slice(1));
  return [...firsts, ...rest].slice(0, n);
}

/** Strings a string schema refuses for their content (length, pattern, enum). */
function wrongStrings(schema: JsonSchema, current: unknown): [string, string][] {
  const out: [string, string][] = [];
  const base = typeof current === 'string' && current.length > 0 ? current : 'x';
  if (schema.enum) {
    const first = String(schema.enum[0]);
    out.push(['a value not in the enum', `not-${first}`]);
    if (first.toUpperCase() !== first) out.push(['an enum value in upper case', first.toUpperCase()]);
    out.push(['an enum value with a trailing space', `${first} `]);
  }
  if (schema.maxLength !== undefined) {
    out.push([`${schema.maxLength + 1} characters`, 'x'.repeat(schema.maxLength + 1)]);
  }
  if ((schema.minLength ?? 0) >= 1) out.push(['an empty string', '']);
  if (schema.pattern) {
    const re = new RegExp(schema.pattern, 'u');
    const bad = ['x', '0', ' ', 'ABCD', '12-34-56', '٣'].find((s) => !re.test(s));
    if (bad !== undefined) out.push([`"${bad}", not matching ${schema.pattern}`, bad]);
  }
  out.push([`${LIMITS.huge.toLocaleString('en')} characters`, 'x'.repeat(LIMITS.huge)]);
  out.push([`${LIMITS.huge / 2} astral characters`, '\u{1D11E}'.repeat(LIMITS.huge / 2)]);
  // Text the databases cannot store: refused at the edge wherever it is.
  out.push(['a NUL character', `${base}\u0000`]);
  out.push(['a lone high surrogate', `${base}\ud800`]);
  out.push(['a lone low surrogate', `\udc00${base}`]);
  out.push(['a reversed surrogate pair', `${base}\udc00\ud800`]);
  return out;
}

/** Numbers a number schema refuses. */
function wrongNumbers(schema: JsonSchema, types: Set<JsonType>): [string, number][] {
  const out: [string, number][] = [];
  if (schema.minimum !== undefined) out.push(['below the minimum', schema.minimum - 1]);
  if (schema.maximum !== undefined) out.push(['above the maximum', schema.maximum + 1]);
  if (types.has('integer') && !types.has('number')) out.push(['a fraction for an integer', 1.5]);
  return out;
}

interface FieldNode {
  path: Path;
  schema: JsonSchema;
  /** The baseline's value (undefined: the field is absent). */
  value: unknown;
  /** The body to change: the baseline's, or with an absent ancestor filled in from its schema. */
  body: unknown;
}

/** The schema without its `null` alternative (a nullable field is checked as its non-null part). */
function nonNull(schema: JsonSchema): JsonSchema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  const rest = branches.filter((b) => b.type !== 'null');
  return rest.length === 1 ? (rest[0] as JsonSchema) : { anyOf: rest };
}

function setAt(body: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = value;
  return copy;
}

/**
 * Every field the schema describes along the baseline value. An absent optional object or list is filled
 * in from its schema, so the fields inside it are reached too.
 */
function fieldsOf(schema: JsonSchema, value: unknown, body: unknown, path: Path = [], out: FieldNode[] = []) {
  out.push({ path, schema, value, body });
  let current = value;
  let within = body;
  if (current === undefined) {
    const types = acceptedTypes(nonNull(schema));
    if (!types || !(types.has('object') || types.has('array')) || path.length === 0) return out;
    current = sampleOf(nonNull(schema));
    within = setAt(body, path, current);
  }
  const branch = branchFor(nonNull(schema), current);
  if (branch.properties && current !== null && typeof current === 'object' && !Array.isArray(current)) {
    for (const [key, sub] of Object.entries(branch.properties)) {
      fieldsOf(sub, (current as Record<string, unknown>)[key], within, [...path, key], out);
    }
  } else if (branch.items && Array.isArray(current) && current.length > 0) {
    fieldsOf(branch.items, current[0], within, [...path, 0], out);
  }
  return out;
}

/** A value the schema accepts by shape (not necessarily by meaning); used when no baseline is given. */
export function sampleOf(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const nonNull = branches.find((b) => b.type !== 'null') ?? branches[0];
    return sampleOf(nonNull ?? {});
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sampleOf(schema.properties?.[key] ?? {});
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () => sampleOf(schema.items ?? {}));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(1, schema.maximum ?? 1));
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      if (schema.pattern) {
        const re = new RegExp(schema.pattern, 'u');
        const fit = ['SE', 'USD', '2027-01-31', '123456789', '100.00', '+46 8 123 456', 'x'].find((s) =>
          re.test(s),
        );
        if (fit) return fit;
      }
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    }
  }
}

/** A baseline built from the schema alone: ids that do not exist, a body valid by shape. */
export function sampleBaseline(route: Route): Baseline {
  const params = Object.fromEntries(route.pathParams.map((p) => [p.name, String(sampleOf(p.schema))]));
  return {
    params,
    query: {},
    headers: {},
    ...(route.body ? { body: sampleOf(route.body.schema) } : {}),
    bodyLimit: 1024 * 1024,
    cursors: [],
  };
}

// ------------------------------------------------------------------------ building one request

interface Parts {
  /** Raw (already encoded) path segments by parameter. */
  params: Record<string, string>;
  /** Raw (already encoded) `key=value` pairs. */
  query: string[];
  headers: Record<string, string>;
  payload?: HostileRequest['payload'];
  contentType?: string | null;
}

function encodeQuery(query: Record<string, string>): string[] {
  return Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
}

function isJsonRoute(route: Route): boolean {
  return !route.body || route.body.contentType === JSON_TYPE;
}

function baselineBodyText(route: Route, base: Baseline): string | undefined {
  if (base.body === undefined) return undefined;
  return isJsonRoute(route) ? JSON.stringify(base.body) : String(base.body);
}

export function baselineParts(route: Route, base: Baseline): Parts {
  const text = baselineBodyText(route, base);
  return {
    params: Object.fromEntries(Object.entries(base.params).map(([k, v]) => [k, encodeURIComponent(v)])),
    query: encodeQuery(base.query),
    headers: { ...base.headers },
    ...(text === undefined ? {} : { payload: text, contentType: route.body?.contentType ?? JSON_TYPE }),
  };
}

function toRequest(
  route: Route,
  parts: Parts,
  label: string,
  statuses: number[],
  auth: AuthMode = 'user',
): HostileRequest {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => parts.params[name] ?? '');
  const url = parts.query.length > 0 ? `${path}?${parts.query.join('&')}` : path;
  const headers = { ...parts.headers };
  if (parts.contentType) headers['content-type'] = parts.contentType;
  return {
    label,
    method: route.method,
    url,
    headers,
    ...(parts.payload === undefined ? {} : { payload: parts.payload }),
    auth,
    statuses,
  };
}

/** The valid request itself (the authorization probe sends it with other organizations' ids). */
export function baselineRequest(route: Route, base: Baseline): HostileRequest {
  return toRequest(route, baselineParts(route, base), 'the baseline', ANY);
}

// ------------------------------------------------------------------------ the generators

const MALFORMED_JSON: [string, string][] = [
  ['an unterminated object', '{'],
  ['a key without a value', '{"a":'],
  ['a trailing comma', '{"a":1,}'],
  ['single quotes', "{'a':1}"],
  ['an unquoted key', '{a:1}'],
  ['NaN', '{"a":NaN}'],
  ['Infinity', '{"a":Infinity}'],
  ['a leading zero', '{"a":01}'],
  ['a bare fraction', '{"a":.5}'],
  ['a plus sign', '{"a":+1}'],
  ['two documents', '{"a":1}{"b":2}'],
  ['trailing garbage', '{"a":1} x'],
  ['a comment', '/* c */ {}'],
  ['an unterminated string', '{"a":"abc'],
  ['a bad escape', '{"a":"\\x41"}'],
  ['a short unicode escape', '{"a":"\\u12"}'],
  ['a raw control character in a string', '{"a":"line\nbreak"}'],
  ['undefined', 'undefined'],
  ['only whitespace', ' \t\r\n '],
  ['an empty body', ''],
  ['a lone quote', '"'],
  ['a __proto__ key', '{"__proto__":{"polluted":true}}'],
  ['a constructor.prototype key', '{"constructor":{"prototype":{"polluted":true}}}'],
];

/** Byte sequences that are not UTF-8. */
const BAD_UTF8: [string, number[]][] = [
  ['an overlong NUL (C0 80)', [0xc0, 0x80]],
  ['an overlong slash (C0 AF)', [0xc0, 0xaf]],
  ['an overlong 3-byte slash (E0 80 AF)', [0xe0, 0x80, 0xaf]],
  ['an overlong 4-byte sequence (F0 80 80 AF)', [0xf0, 0x80, 0x80, 0xaf]],
  ['a UTF-8 encoded high surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['a UTF-8 encoded low surrogate (ED BF BF)', [0xed, 0xbf, 0xbf]],
  ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['a 5-byte sequence (F8 88 80 80 80)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['the byte FE', [0xfe]],
  ['the byte FF', [0xff]],
  ['a lone continuation byte (80)', [0x80]],
  ['a truncated 3-byte sequence (E2 82)', [0xe2, 0x82]],
  ['a truncated 2-byte sequence (C3)', [0xc3]],
  ['Latin-1 é (E9)', [0xe9]],
];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'multipart/form-data; boundary=hostile',
  'multipart/form-data',
  'application/xml',
  'text/xml',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/jsonx',
  'application/vnd.api+json',
  'text/json',
  'text/csv',
  'image/png',
  'application/json, text/plain',
  '*/*',
  '',
];

/** A body in the format its content type names, so the parser (not only the type check) is exercised. */
function bodyFor(contentType: string, json: string): string | Buffer {
  if (contentType.startsWith('multipart/')) {
    return `--hostile\r\nContent-Disposition: form-data; name="body"\r\n\r\n${json}\r\n--hostile--\r\n`;
  }
  if (contentType.includes('xml')) return `<?xml version="1.0"?><body>${json}</body>`;
  if (contentType.includes('urlencoded')) return `body=${encodeURIComponent(json)}`;
  if (contentType === 'image/png') return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return json;
}

const PATH_VALUES: [string, (real: string) => string][] = [
  ['65 characters', () => 'x'.repeat(65)],
  ['101 characters', () => 'x'.repeat(101)],
  ['10,000 characters', () => 'x'.repeat(10_000)],
  ['an empty segment', () => ''],
  ['a NUL', () => '%00'],
  ['the id with a NUL', (real) => `${encodeURIComponent(real)}%00`],
  ['a malformed escape', () => '%ZZ'],
  ['a lone percent sign', () => '%'],
  ['an encoded lone surrogate', () => '%ED%A0%80'],
  ['an overlong encoded slash', () => '%C0%AF'],
  ['dot-dot', () => '..'],
  ['an encoded dot-dot', () => '%2E%2E'],
  ['an encoded slash', () => 'a%2Fb'],
  ['a space', () => '%20'],
  ['the id with a trailing space', (real) => `${encodeURIComponent(real)}%20`],
  ['the id in upper case', (real) => encodeURIComponent(real.toUpperCase())],
  [
    'the id with its last character changed',
    (real) => encodeURIComponent(`${real.slice(0, -1)}${real.endsWith('0') ? '1' : '0'}`),
  ],
  ['-1', () => '-1'],
  ['0', () => '0'],
  ['null', () => 'null'],
  ['undefined', () => 'undefined'],
  ['[object Object]', () => encodeURIComponent('[object Object]')],
  ['SQL', () => encodeURIComponent("' OR '1'='1")],
  ['SQL with a statement', () => encodeURIComponent('1; DROP TABLE participants; --')],
  ['a LIKE wildcard', () => '%25'],
  ['a right-to-left override', () => '%E2%80%AE'],
  ['an emoji', () => '%F0%9F%92%A9'],
  ['a well-formed id that does not exist', () => '01a1fe00-0000-7000-8000-000000000000'],
];

interface Gen {
  route: Route;
  base: Baseline;
  rng: Rng;
  out: HostileRequest[];
  add(label: string, parts: Parts, statuses: number[], auth?: AuthMode): void;
  parts(): Parts;
}

/** Body fields: wrong types, content refused by the schema, missing, unknown, too many, too deep. */
function bodyFieldRequests(g: Gen): void {
  const { route, base, rng } = g;
  if (!route.body || !isJsonRoute(route)) return;
  const body = base.body;
  const fields = fieldsOf(route.body.schema, body, body);
  const deepTargets = new Set(rng.sample(fields.slice(1), 2).map((f) => show(f.path)));
  for (const field of fields) {
    const { path, schema, value } = field;
    const json = (at: Path, wrong: unknown, label: string) =>
      g.add(
        `body ${show(at)}: ${label}`,
        { ...g.parts(), payload: jsonWith(field.body, at, wrong) },
        REJECT_BODY,
      );
    for (const [label, wrong] of wrongTypes(schema, rng, path.length === 0 ? 14 : 3)) {
      json(path, wrong, label);
    }
    if (path.length === 0 || deepTargets.has(show(path))) {
      json(path, deepArray(LIMITS.depth), `arrays nested ${LIMITS.depth} deep`);
      json(path, deepObject(LIMITS.depth), `objects nested ${LIMITS.depth} deep`);
    }
    const core = branchFor(nonNull(schema), value);
    const types = acceptedTypes(core);
    if (types?.size !== 1) continue;
    const only = [...types][0];
    if (only === 'string') {
      for (const [label, wrong] of wrongStrings(core, value)) json(path, wrong, label);
    } else if (only === 'integer' || only === 'number') {
      for (const [label, wrong] of wrongNumbers(core, types)) json(path, wrong, label);
    } else if (only === 'array') {
      const item = Array.isArray(value) && value.length > 0 ? value[0] : sampleOf(core.items ?? {});
      if ((core.minItems ?? 0) >= 1) json(path, [], 'an empty list');
      if (core.maxItems !== undefined) {
        json(path, Array(core.maxItems + 1).fill(item), `${core.maxItems + 1} items`);
      }
      json(path, Array(LIMITS.huge).fill('x'), `${LIMITS.huge.toLocaleString('en')} items`);
    } else if (only === 'object' && value && typeof value === 'object') {
      for (const key of core.required ?? []) {
        if (key in (value as object)) json([...path, key], REMOVE, 'missing (required)');
      }
      if (core.additionalProperties === false) {
        const unknown: [string, string][] = [
          ['an unknown field', 'hostileUnknownField'],
          ['an unknown field named like a prototype member', 'toString'],
          ['an empty key', ''],
          ['a 10,000-character key', 'k'.repeat(10_000)],
          ['a key with a NUL', 'a\u0000b'],
          ['a key with a lone surrogate', '\ud800'],
        ];
        for (const [label, key] of unknown) json([...path, key], 1, label);
        json(
          [...path, 'hostileDeep'],
          deepArray(LIMITS.depth),
          `an unknown field nested ${LIMITS.depth} deep`,
        );
      }
    }
  }
  if (body === undefined) return;
  // The whole body missing when the schema needs one.
  const rootTypes = acceptedTypes(route.body.schema);
  if (rootTypes && !rootTypes.has('null')) {
    g.add('no body at all', { ...g.parts(), payload: undefined, contentType: null }, REJECT_BODY);
  }
}

/** The body as bytes: not JSON, not UTF-8, not the declared type, too large. */
function rawBodyRequests(g: Gen): void {
  const { route, base, rng } = g;
  if (SAFE.has(route.method)) {
    // GET ignores a body: still sent (the parser must not choke), any answer below 500 will do.
    for (const type of rng.sample(WRONG_CONTENT_TYPES, 4)) {
      g.add(
        `a GET with a ${type || 'blank'} body`,
        { ...g.parts(), payload: bodyFor(type, '{}'), contentType: type },
        ANY,
      );
    }
    g.add(
      'a GET with an oversized body',
      { ...g.parts(), payload: 'x'.repeat(base.bodyLimit + 1), contentType: JSON_TYPE },
      ANY,
    );
    g.add('a GET with malformed JSON', { ...g.parts(), payload: '{', contentType: JSON_TYPE }, ANY);
    return;
  }
  const json = isJsonRoute(route);
  const text = baselineBodyText(route, base) ?? '{}';
  const declared = route.body?.contentType ?? JSON_TYPE;
  if (json) {
    for (const [label, raw] of MALFORMED_JSON) {
      g.add(`malformed JSON: ${label}`, { ...g.parts(), payload: raw, contentType: JSON_TYPE }, [400]);
    }
    if (text.length > 2) {
      for (const at of new Set([1, rng.int(text.length - 1) + 1, text.length - 1])) {
        g.add(
          `the body cut at byte ${at}`,
          { ...g.parts(), payload: text.slice(0, at), contentType: JSON_TYPE },
          [400],
        );
      }
    }
    // Unstorable text anywhere, even where the route reads no body.
    g.add(
      'a NUL in a JSON string',
      { ...g.parts(), payload: '{"hostile":"a\\u0000b"}', contentType: JSON_TYPE },
      [400],
    );
    g.add(
      'a lone surrogate in a JSON key',
      { ...g.parts(), payload: '{"\\ud800":1}', contentType: JSON_TYPE },
      [400],
    );
  }
  // Bytes that are not UTF-8, inside a string of the body (JSON) or at its start (other formats).
  for (const [label, bytes] of BAD_UTF8) {
    const payload = json
      ? Buffer.concat([
          Buffer.from('{"'),
          Buffer.from(bytes),
          Buffer.from(text.startsWith('{"') ? `":1,${text.slice(1)}` : '":1}'),
        ])
      : Buffer.concat([Buffer.from(bytes), Buffer.from(text)]);
    g.add(`not UTF-8: ${label}`, { ...g.parts(), payload, contentType: declared }, [400]);
  }
  for (const type of WRONG_CONTENT_TYPES.filter((t) => t !== declared)) {
    g.add(
      `content type ${type || '(blank)'}`,
      { ...g.parts(), payload: bodyFor(type, text), contentType: type },
      [415],
    );
  }
  if (!json) {
    g.add(`content type ${JSON_TYPE}`, { ...g.parts(), payload: text, contentType: JSON_TYPE }, [415]);
  }
  g.add('a body without a content type', { ...g.parts(), payload: text, contentType: null }, [415]);
  // Over the body limit: declared by Content-Length, and streamed without one.
  const over = base.bodyLimit + 1;
  const padded = json ? `{"pad":"${'x'.repeat(over)}"}` : `${text}\n${'x'.repeat(over)}`;
  g.add(
    'a body one byte over the limit',
    { ...g.parts(), payload: `${' '.repeat(over - Buffer.byteLength(text))}${text}`, contentType: declared },
    [413],
  );
  g.add(
    'a string field larger than the body limit',
    { ...g.parts(), payload: padded, contentType: declared },
    [413],
  );
  if (json) {
    g.add(
      'a deeply nested body over the limit',
      { ...g.parts(), payload: '['.repeat(over), contentType: JSON_TYPE },
      [413],
    );
  }
  g.add(
    'an oversized body streamed without Content-Length',
    {
      ...g.parts(),
      payload: () => Readable.from([Buffer.alloc(over + 1024, 0x20)]),
      contentType: declared,
    },
    [413],
  );
  // Content-Length that does not match the bytes sent.
  g.add(
    'a Content-Length shorter than the body',
    {
      ...g.parts(),
      headers: { ...g.parts().headers, 'content-length': '3' },
      payload: text.length > 3 ? text : `${text}    `,
      contentType: declared,
    },
    [400],
  );
  g.add(
    'a Content-Length longer than the body',
    {
      ...g.parts(),
      headers: { ...g.parts().headers, 'content-length': String(text.length + 100) },
      payload: text,
      contentType: declared,
    },
    [400],
  );
}

function pathRequests(g: Gen): void {
  for (const param of g.route.pathParams) {
    const real = g.base.params[param.name] ?? 'x';
    for (const [label, make] of PATH_VALUES) {
      const parts = g.parts();
      g.add(
        `path ${param.name}: ${label}`,
        { ...parts, params: { ...parts.params, [param.name]: make(real) } },
        [400, 404],
      );
    }
  }
}

/** Query values a declared parameter refuses, as raw `key=value` text. */
function wrongQueryValues(schema: JsonSchema): [string, string][] {
  const types = acceptedTypes(schema);
  const out: [string, string][] = [];
  if (types?.has('integer') || types?.has('number')) {
    const valid = (raw: string) => {
      const n = Number(decodeURIComponent(raw));
      return (
        Number.isFinite(n) &&
        (!types.has('integer') || types.has('number') || Number.isInteger(n)) &&
        n >= (schema.minimum ?? -Infinity) &&
        n <= (schema.maximum ?? Infinity)
      );
    };
    const candidates: [string, string][] = [
      ['letters', 'abc'],
      ['a fraction', '1.5'],
      ['negative', '-1'],
      ['below the minimum', String((schema.minimum ?? 0) - 1)],
      ['above the maximum', String((schema.maximum ?? 1e9) + 1)],
      ['1e999', '1e999'],
      ['NaN', 'NaN'],
      ['Infinity', 'Infinity'],
      ['empty', ''],
      ['400 digits', '9'.repeat(400)],
      ['Arabic-Indic digits', encodeURIComponent('١٢')],
      ['a JSON array', encodeURIComponent('[1]')],
    ];
    out.push(...candidates.filter(([, raw]) => !valid(raw)));
  }
  if (types?.has('string')) {
    for (const [label, value] of wrongStrings(schema, undefined)) {
      // Lone surrogates cannot be percent-encoded (the raw %ED%A0%80 case is below).
      if (/surrogate/.test(label)) continue;
      out.push([label, encodeURIComponent(value)]);
    }
  }
  return out;
}

function queryRequests(g: Gen): void {
  const { route } = g;
  const safe = SAFE.has(route.method);
  const strict = route.query.length > 0;
  for (const param of route.query) {
    for (const [label, raw] of wrongQueryValues(param.schema)) {
      const parts = g.parts();
      const query = parts.query.filter((q) => !q.startsWith(`${encodeURIComponent(param.name)}=`));
      g.add(
        `query ${param.name}: ${label}`,
        { ...parts, query: [...query, `${encodeURIComponent(param.name)}=${raw}`] },
        [400],
      );
    }
    const sample = encodeURIComponent(String(g.base.query[param.name] ?? sampleOf(param.schema)));
    const parts = g.parts();
    const others = parts.query.filter((q) => !q.startsWith(`${encodeURIComponent(param.name)}=`));
    g.add(
      `query ${param.name}: given twice`,
      { ...parts, query: [...others, `${param.name}=${sample}`, `${param.name}=${sample}`] },
      [400],
    );
    g.add(
      `query ${param.name}: in array syntax`,
      { ...parts, query: [...others, `${param.name}%5B%5D=${sample}`] },
      [400],
    );
    g.add(
      `query ${param.name}: in object syntax`,
      { ...parts, query: [...others, `${param.name}%5Ba%5D=${sample}`] },
      [400],
    );
    g.add(`query ${param.name}: a NUL`, { ...parts, query: [...others, `${param.name}=a%00b`] }, [400]);
    g.add(
      `query ${param.name}: an encoded lone surrogate`,
      { ...parts, query: [...others, `${param.name}=%ED%A0%80`] },
      safe ? ANY : [400],
    );
    g.add(
      `query ${param.name}: a malformed escape`,
      { ...parts, query: [...others, `${param.name}=%ZZ`] },
      safe ? ANY : [400],
    );
  }
  // Unknown parameters: refused where the route declares its parameters (strict), ignored elsewhere.
  if (!strict && !safe) return;
  const unknown: [string, string][] = [
    ['an unknown parameter', 'hostile=1'],
    ['__proto__', '__proto__=1'],
    ['__proto__ in object syntax', '__proto__%5Bpolluted%5D=1'],
    ['constructor', 'constructor=1'],
    ['toString', 'toString=1'],
    ['an empty key', '=1'],
    ['a key with a NUL', 'a%00b=1'],
    ['a 10,000-character key', `${'k'.repeat(10_000)}=1`],
  ];
  for (const [label, raw] of unknown) {
    const parts = g.parts();
    g.add(`query: ${label}`, { ...parts, query: [...parts.query, raw] }, strict ? [400] : ANY);
  }
}

/** Cursors: random base64, and the route's real cursors tampered with. */
function cursorRequests(g: Gen): void {
  const { route, base, rng } = g;
  for (const param of route.query.filter((p) => p.name === 'cursor' || p.name === 'after')) {
    const send = (label: string, value: string, statuses: number[]) => {
      const parts = g.parts();
      const others = parts.query.filter((q) => !q.startsWith(`${param.name}=`));
      g.add(
        `cursor ${param.name}: ${label}`,
        { ...parts, query: [...others, `${param.name}=${encodeURIComponent(value)}`] },
        statuses,
      );
    };
    for (let i = 0; i < 6; i++) {
      const bytes = Buffer.from(Array.from({ length: 8 + rng.int(48) }, () => rng.int(256)));
      send(`random base64url #${i + 1}`, bytes.toString('base64url'), [400]);
    }
    send('random standard base64 with padding', Buffer.from('hostile?cursor>>').toString('base64'), [400]);
    send('not base64', '!!!***', [400]);
    send('501 characters', 'A'.repeat(501), [400]);
    const crafted: unknown[] = [
      null,
      1,
      'x',
      [],
      {},
      { s: -1 },
      { s: 1.5 },
      { s: '1' },
      { u: 2, c: 1, i: null },
    ];
    // JSON no list writes: not an object, or without the fields every list's cursor has.
    for (const value of crafted) {
      send(
        `base64 of ${JSON.stringify(value)}`,
        Buffer.from(JSON.stringify(value)).toString('base64url'),
        [400],
      );
    }
    for (const [index, real] of base.cursors.entries()) {
      const tag = `real cursor #${index + 1}`;
      for (const at of [0, Math.floor(real.length / 2), real.length - 1]) {
        const flipped = real[at] === 'A' ? 'B' : 'A';
        send(
          `${tag} with character ${at} changed`,
          `${real.slice(0, at)}${flipped}${real.slice(at + 1)}`,
          ANY,
        );
      }
      send(`${tag} truncated`, real.slice(0, Math.floor(real.length / 2)), ANY);
      send(`${tag} with garbage appended`, `${real}AAAA`, ANY);
      send(`${tag} base64-encoded again`, Buffer.from(real).toString('base64url'), ANY);
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(real, 'base64url').toString('utf8'));
      } catch {
        continue;
      }
      if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) continue;
      const replacements: [string, unknown][] = [
        ['null', null],
        ['a string', 'x'],
        ['a NUL string', 'a\u0000b'],
        ['a lone surrogate', '\ud800'],
        ['a number', 7],
        ['a negative number', -1],
        ['a fraction', 0.5],
        ['an unsafe integer', 2 ** 60],
        ['an object', { a: 1 }],
        ['an array', ['x']],
        ['true', true],
        ['a 300-character string', 'z'.repeat(300)],
      ];
      for (const key of Object.keys(decoded)) {
        for (const [label, value] of replacements) {
          const tampered = { ...(decoded as object), [key]: value };
          send(
            `${tag} with ${key} = ${label}`,
            Buffer.from(JSON.stringify(tampered)).toString('base64url'),
            ANY,
          );
        }
        const { [key]: _dropped, ...rest } = decoded as Record<string, unknown>;
        send(`${tag} without ${key}`, Buffer.from(JSON.stringify(rest)).toString('base64url'), ANY);
      }
      send(
        `${tag} with an extra key`,
        Buffer.from(JSON.stringify({ ...decoded, x: 1 })).toString('base64url'),
        ANY,
      );
    }
  }
}

function headerRequests(g: Gen): void {
  const { route, base } = g;
  const ifMatch = route.headers.find((h) => h.name === 'if-match');
  if (ifMatch) {
    const current = /\d+/.exec(base.headers['if-match'] ?? '')?.[0] ?? '1';
    const v = Number(current);
    const values: [string, string | null][] = [
      ['missing', null],
      ['empty', ''],
      ['a space', ' '],
      ['*', '*'],
      ['letters', 'abc'],
      ['quoted letters', '"abc"'],
      ['a negative version', '"-1"'],
      ['a fractional version', `"${v}.0"`],
      ['a stale version', `"${v - 1}"`],
      ['a future version', `"${v + 1}"`],
      ['version 0', '"0"'],
      ['12 nines', '"999999999999"'],
      ['13 digits', '"9999999999999"'],
      ['a weak ETag of letters', 'W/"abc"'],
      ['a list of ETags', `"${v}", "${v}"`],
      ['the version with garbage after it', `"${v}"x`],
      ['65 characters', 'x'.repeat(65)],
      ['8,000 characters', 'x'.repeat(8000)],
      ['Latin-1 text', '"\u00e9"'],
    ];
    for (const [label, value] of values) {
      const parts = g.parts();
      const headers = { ...parts.headers };
      if (value === null) delete headers['if-match'];
      else headers['if-match'] = value;
      g.add(`If-Match: ${label}`, { ...parts, headers }, [400, 412, 428]);
    }
  }
  if (route.headers.some((h) => h.name === 'idempotency-key')) {
    for (const [label, value] of [
      ['empty', ''],
      ['256 characters', 'k'.repeat(256)],
      ['10,000 characters', 'k'.repeat(10_000)],
    ] as const) {
      const parts = g.parts();
      g.add(
        `Idempotency-Key: ${label}`,
        { ...parts, headers: { ...parts.headers, 'idempotency-key': value } },
        [400],
      );
    }
  }
  // Junk credentials: refused before anything else, on public routes too.
  const junk: [string, string][] = [
    ['Bearer without a token', 'Bearer'],
    ['a wrong token', 'Bearer cst_wrong'],
    ['a 10,000-character token', `Bearer ${'t'.repeat(10_000)}`],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['a token with an extra word', 'Bearer cst_a cst_b'],
  ];
  for (const [label, authorization] of junk) {
    g.add(`Authorization: ${label}`, g.parts(), [401], { authorization });
  }
  // Junk session cookies: a caller without a valid session is anonymous (401, or the public route itself).
  const cookies: [string, string][] = [
    ['an empty session cookie', 'cosell_session='],
    ['a forged session cookie', 'cosell_session=css_forged'],
    ['a 4,000-character session cookie', `cosell_session=${'c'.repeat(4000)}`],
    ['a cookie without a value', 'cosell_session'],
    ['a malformed cookie header', '=;=;;cosell_session=='],
  ];
  for (const [label, cookie] of cookies) {
    g.add(`Cookie: ${label}`, g.parts(), route.public ? ANY : [401], { cookie });
  }
  // A cookie session must prove the request is not cross-site on every state-changing request.
  if (!SAFE.has(route.method) && !route.public) {
    g.add('a session without the CSRF token', g.parts(), [403], 'session-without-csrf');
    g.add('a session with a wrong CSRF token', g.parts(), [403], 'session-with-wrong-csrf');
    g.add("a session with another user's CSRF token", g.parts(), [403], 'session-with-another-users-csrf');
  }
}

/** Random mistakes until the route has `count` requests, all of kinds that must be refused. */
function randomRequests(g: Gen, count: number): void {
  const { route, rng } = g;
  const safe = SAFE.has(route.method);
  const text = baselineBodyText(route, g.base) ?? '{}';
  const fields =
    route.body && isJsonRoute(route) ? fieldsOf(route.body.schema, g.base.body, g.base.body) : [];
  const randomText = (max: number) =>
    Buffer.from(Array.from({ length: 1 + rng.int(max) }, () => rng.int(256))).toString('base64url');
  const makers: (() => void)[] = [
    () => {
      const cookie = `cosell_session=css_${randomText(60)}`;
      g.add('a random session cookie', g.parts(), route.public ? ANY : [401], { cookie });
    },
    () => {
      // An unknown parameter: refused where the route declares its parameters, ignored on other GETs.
      if (route.query.length === 0 && !safe) return;
      const parts = g.parts();
      const raw = `z${randomText(20)}=${encodeURIComponent(randomText(40))}`;
      g.add(
        `query: random unknown ${raw.slice(0, 30)}`,
        { ...parts, query: [...parts.query, raw] },
        route.query.length > 0 ? [400] : ANY,
      );
    },
    () => {
      const len = 1 + rng.int(80);
      const junk = Array.from({ length: len }, () => rng.int(256));
      g.add(`random Authorization bytes (${len})`, g.parts(), [401], {
        authorization: `Bearer ${Buffer.from(junk).toString('base64url')}`,
      });
    },
  ];
  if (route.pathParams.length > 0) {
    makers.push(() => {
      const param = rng.pick(route.pathParams);
      const value = Buffer.from(Array.from({ length: 1 + rng.int(40) }, () => rng.int(256))).toString(
        'base64url',
      );
      const parts = g.parts();
      g.add(
        `path ${param.name}: random ${value}`,
        { ...parts, params: { ...parts.params, [param.name]: value } },
        [400, 404],
      );
    });
  }
  if (!safe && route.body) {
    // Anywhere in a JSON body the parser refuses it; in another format (CSV) a bad row may be reported
    // with a 200 instead, and the snapshot shows it wrote nothing.
    const statuses = isJsonRoute(route) ? [400] : ANY;
    makers.push(() => {
      const at = rng.int(text.length + 1);
      const bytes = Buffer.from(rng.pick(BAD_UTF8)[1]);
      const raw = Buffer.from(text);
      const payload = Buffer.concat([raw.subarray(0, at), bytes, raw.subarray(at)]);
      g.add(
        `bytes ${bytes.toString('hex')} inserted at ${at}`,
        { ...g.parts(), payload, contentType: route.body?.contentType ?? JSON_TYPE },
        statuses,
      );
    });
  }
  if (!safe && isJsonRoute(route)) {
    makers.push(() => {
      const at = rng.int(Math.max(text.length - 1, 1));
      g.add(
        `the body cut at byte ${at}`,
        { ...g.parts(), payload: text.slice(0, at), contentType: JSON_TYPE },
        [400],
      );
    });
  }
  if (fields.length > 0) {
    makers.push(() => {
      const field = rng.pick(fields);
      const wrong = wrongTypes(field.schema, rng, 14);
      if (wrong.length === 0) return;
      const [label, value] = rng.pick(wrong);
      g.add(
        `body ${show(field.path)}: ${label}`,
        { ...g.parts(), payload: jsonWith(field.body, field.path, value) },
        REJECT_BODY,
      );
    });
  }
  if (route.query.length > 0) {
    makers.push(() => {
      const param = rng.pick(route.query);
      const wrong = wrongQueryValues(param.schema);
      if (wrong.length === 0) return;
      const [label, raw] = rng.pick(wrong);
      const parts = g.parts();
      const others = parts.query.filter((q) => !q.startsWith(`${encodeURIComponent(param.name)}=`));
      g.add(`query ${param.name}: ${label}`, { ...parts, query: [...others, `${param.name}=${raw}`] }, [400]);
    });
  }
  if (safe) {
    makers.push(() => {
      const type = rng.pick(WRONG_CONTENT_TYPES);
      const bytes = Buffer.from(Array.from({ length: rng.int(2000) }, () => rng.int(256)));
      g.add(
        `a GET with ${bytes.length} random bytes as ${type || '(blank)'}`,
        { ...g.parts(), payload: bytes, contentType: type },
        ANY,
      );
    });
  } else {
    makers.push(() => {
      const type = rng.pick(WRONG_CONTENT_TYPES.filter((t) => t !== (route.body?.contentType ?? JSON_TYPE)));
      g.add(
        `content type ${type || '(blank)'}`,
        { ...g.parts(), payload: bodyFor(type, text), contentType: type },
        [415],
      );
    });
  }
  for (let guard = 0; g.out.length < count && guard < count * 10; guard++) rng.pick(makers)();
}

/** At least `count` hostile requests for one route. */
export function hostileRequests(route: Route, base: Baseline, rng: Rng, count = 100): HostileRequest[] {
  const out: HostileRequest[] = [];
  const g: Gen = {
    route,
    base,
    rng,
    out,
    parts: () => baselineParts(route, base),
    add(label, parts, statuses, auth) {
      out.push(toRequest(route, parts, label, statuses, auth));
    },
  };
  bodyFieldRequests(g);
  rawBodyRequests(g);
  pathRequests(g);
  queryRequests(g);
  cursorRequests(g);
  headerRequests(g);
  randomRequests(g, count);
  return out;
}
