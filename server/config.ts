/** Configuration from the environment (the same names as `cosell serve` flags). */
import { isIP } from 'node:net';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  demoClock: boolean;
  vendorName: string;
  logLevel: string;
  expirySweepSeconds: number;
  sessionTtlHours: number;
  /** SMTP server for e-mail notices (smtp://host:port, smtps://user:pass@host:465); null: in-app and log only. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Hosts or IPs webhooks may reach whatever they resolve to, over plain HTTP too. */
  webhookAllowedHosts: string[];
  dispatchIntervalMs: number;
  dispatchBatch: number;
  dispatchRetryBaseSeconds: number;
  dispatchRetryMaxSeconds: number;
  dispatchGiveUpHours: number;
  /** Requests per minute per API token and per signed-in user; 0: no limit (docs/SECURITY.md). */
  rateLimitPerMinute: number;
  /** Requests per minute per client address without valid credentials; 0: no limit. */
  rateLimitAnonymousPerMinute: number;
  /** Requests per minute per organization, all its users and tokens together; 0 (default): no limit. */
  rateLimitOrganizationPerMinute: number;
  /** How many seconds' worth of the per-minute limits may be sent at once (the token buckets' size). */
  rateLimitBurstSeconds: number;
  /** How long a request refused by a rate limit waits before its 429 is sent (slows floods per connection). */
  rateLimitRefusalDelayMs: number;
  /** Failed sign-ins for one e-mail from one address before it must wait; 0: no limit per e-mail (the per-address
   * limit stays; both 0: no throttling). */
  loginMaxFailures: number;
  /** Failed sign-ins from one address over all e-mails before it must wait; 0: no limit. */
  loginMaxFailuresPerAddress: number;
  /** The first wait after too many failed sign-ins; doubles per further failure. */
  loginLockSeconds: number;
  /** The longest wait after failed sign-ins. */
  loginLockMaxSeconds: number;
  /** Origins allowed to call the API from a browser; empty (default): no CORS headers. */
  corsOrigins: string[];
  /** Trusted proxies in front of the server (TRUST_PROXY); false: none. */
  trustProxy: TrustProxy;
  /** Embedded database: WAL checkpoints every this many ms from a thread of their own; 0: SQLite's own, in the
   * committing request (jobs/checkpointer.ts). */
  sqliteCheckpointMs: number;
}

/** A whole number ≥ 0 from the environment, or the default; anything else stops the start. */
function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of 0 or more, not ${JSON.stringify(raw)}`);
  }
  return value;
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');

/** An origin as browsers send it: scheme://host[:port], no path; anything else stops the start. */
function origins(raw: string | undefined): string[] {
  return list(raw).map((origin) => {
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch {}
    if (!url || url.origin !== origin.replace(/\/$/, '') || !/^https?:$/.test(url.protocol)) {
      throw new Error(
        `CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin like https://crm.example.com`,
      );
    }
    return url.origin;
  });
}

/**
 * Which peers are trusted proxies, for the client address (rate limits, sign-in throttling) and `https` from
 * `X-Forwarded-For` / `X-Forwarded-Proto` (TRUST_PROXY):
 *
 * - unset, empty or `0`: none; the address is the connection's own;
 * - a number `n`: the connection comes through `n` proxies, and the address is the one the outermost of them
 *   saw (the `n`-th entry of X-Forwarded-For from the right). Never "trust everything": the left end of
 *   X-Forwarded-For is whatever the client wrote, and believing it would let any client pick its address, and
 *   so a fresh rate limit and sign-in budget, for every request;
 * - a comma-separated list of proxy addresses or subnets (`10.0.0.0/8, 192.168.1.5`) or `loopback`,
 *   `linklocal`, `uniquelocal`: those peers are proxies, and the address is the first from the right that is not.
 *
 * Anything else stops the start.
 */
export type TrustProxy = false | string | ((address: string, hop: number) => boolean);

export function trustProxyOf(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (!Number.isSafeInteger(hops) || hops > 32)
      throw new Error(`TRUST_PROXY: ${value} proxies is too many`);
    return (_address, hop) => hop < hops;
  }
  const names = new Set(['loopback', 'linklocal', 'uniquelocal']);
  for (const entry of value.split(',').map((e) => e.trim())) {
    const [address = '', prefix, extra] = entry.split('/');
    const bits = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : 0;
    const ok =
      names.has(entry) ||
      (bits > 0 &&
        extra === undefined &&
        (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits)));
    if (!ok) {
      throw new Error(
        `TRUST_PROXY: ${JSON.stringify(entry)} is neither a number of proxies nor a proxy address or subnet`,
      );
    }
  }
  return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL ?? 'sqlite:./data/cosell.db',
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    demoClock: env.COSELL_DEMO_CLOCK === '1',
    vendorName: env.VENDOR_NAME ?? 'Northwind Cloud',
    logLevel: env.LOG_LEVEL ?? 'info',
    expirySweepSeconds: Number(env.EXPIRY_SWEEP_SECONDS ?? 30),
    sessionTtlHours: Number(env.SESSION_TTL_HOURS ?? 12),
    smtpUrl: env.SMTP_URL ? env.SMTP_URL : null,
    mailFrom: env.MAIL_FROM ?? 'cosell <no-reply@localhost>',
    webhookAllowedHosts: list(env.WEBHOOK_ALLOWED_HOSTS),
    dispatchIntervalMs: Number(env.DISPATCH_INTERVAL_MS ?? 2000),
    dispatchBatch: Number(env.DISPATCH_BATCH ?? 50),
    dispatchRetryBaseSeconds: Number(env.DISPATCH_RETRY_BASE_SECONDS ?? 30),
    dispatchRetryMaxSeconds: Number(env.DISPATCH_RETRY_MAX_SECONDS ?? 3600),
    dispatchGiveUpHours: Number(env.DISPATCH_GIVE_UP_HOURS ?? 72),
    rateLimitPerMinute: count(env, 'RATE_LIMIT_PER_MINUTE', 600),
    rateLimitAnonymousPerMinute: count(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 120),
    rateLimitOrganizationPerMinute: count(env, 'RATE_LIMIT_ORGANIZATION_PER_MINUTE', 0),
    rateLimitBurstSeconds: count(env, 'RATE_LIMIT_BURST_SECONDS', 6),
    rateLimitRefusalDelayMs: count(env, 'RATE_LIMIT_REFUSAL_DELAY_MS', 1000),
    loginMaxFailures: count(env, 'LOGIN_MAX_FAILURES', 5),
    loginMaxFailuresPerAddress: count(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 50),
    loginLockSeconds: count(env, 'LOGIN_LOCK_SECONDS', 60),
    loginLockMaxSeconds: count(env, 'LOGIN_LOCK_MAX_SECONDS', 900),
    corsOrigins: origins(env.CORS_ORIGINS),
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    sqliteCheckpointMs: count(env, 'SQLITE_CHECKPOINT_MS', 250),
  };
}
