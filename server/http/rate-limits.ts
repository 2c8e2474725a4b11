/**
 * Request rate limits (docs/SECURITY.md, docs/OPERATIONS.md): @fastify/rate-limit with token buckets in memory
 * (server/http/token-bucket.ts), so a budget allows a burst and then its average rate:
 *
 * - per API token, and per signed-in user over all the user's browser sessions (RATE_LIMIT_PER_MINUTE);
 * - per user over all of its tokens and sessions together, a multiple of that (`perUserFactor`): a user may
 *   create tokens at will, and each has its own budget, but that must not multiply one user's budget without
 *   bound;
 * - per client address for requests without valid credentials (RATE_LIMIT_ANONYMOUS_PER_MINUTE), which
 *   includes wrong or revoked tokens, so guessing is slowed too;
 * - optionally per organization, all its users and tokens together (RATE_LIMIT_ORGANIZATION_PER_MINUTE).
 *
 * The authentication hook (server/http/auth.ts) calls `early` before it looks the caller's credentials up and
 * `count` once the caller is known, before anything else runs (body parsing, validation, the handler). A
 * credential seen before is remembered with its budget's key (never to let anyone in, only to refuse early),
 * so a caller already over its limit is refused without a database read: a flood of refused requests costs
 * little, and one caller's flood leaves the others' budgets and latency alone. The refusal is sent after a
 * pause (`refusalDelayMs`), so a client retrying in a tight loop slows down to one request per connection
 * per pause. Retry-After tells when the next request will be allowed.
 *
 * The counts live in this process: with several app servers each counts on its own (a caller may send up to
 * N × the limit); see docs/SECURITY.md for a shared store.
 */
import { createHash } from 'node:crypto';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';
import { TokenBucketStore } from './token-bucket.ts';

export interface RateLimits {
  /** Requests per window per API token and per signed-in user, on average; 0 turns this limit off. */
  perActor: number;
  /** Requests per window per client address (IPv6: per /64) without valid credentials; 0: off. */
  anonymous: number;
  /**
   * Requests per window per user, all of its API tokens and browser sessions together, as a multiple of
   * `perActor` (default 4): tokens each have their own budget, but a user creating token after token does not
   * get more than this. 0: off.
   */
  perUserFactor?: number;
  /** Requests per window per organization, all its users and tokens together; 0 or absent: off. */
  perOrganization?: number;
  /** The window the numbers are per (default one minute). */
  windowMs?: number;
  /**
   * How much of a window's worth may be sent at once (default a tenth of the window: 60 of 600 a minute); the
   * rest comes at the average rate. Each budget is a token bucket of that size (server/http/token-bucket.ts).
   */
  burstMs?: number;
  /**
   * A refused request is answered up to this much later (half to all of it, at most its Retry-After; default
   * 0): a client that retries in a tight loop, or floods, then gets about one answer per connection per pause
   * instead of thousands a second.
   */
  refusalDelayMs?: number;
}

export interface Limiter {
  /** Before the credential (bearer token or session cookie) is looked up: refuses a caller known to be over. */
  early(request: FastifyRequest, reply: FastifyReply, credential: string | null): Promise<void>;
  /** Once request.actor is known (null: anonymous): counts the request, and refuses it over a limit. */
  count(request: FastifyRequest, reply: FastifyReply, credential: string | null): Promise<void>;
}

/** The client's address as limits count it: IPv4 as is, IPv6 by its /64 (one customer's network). */
export const clientAddress = (request: FastifyRequest) => normalizeIP(request.ip);

/** Budgets a known credential counts against. */
interface Known {
  actor: string;
  user: string;
  organization: string;
}

/** The default of `perUserFactor`. */
export const PER_USER_FACTOR = 4;

const REMEMBERED = 10_000;
const ALL_OF_YOU = 'you (all your API tokens and sessions together)';
const digest = (credential: string) => createHash('sha256').update(credential).digest('base64url');

export async function createLimiter(app: FastifyInstance, limits: RateLimits): Promise<Limiter> {
  await app.register(rateLimit, { global: false, store: TokenBucketStore });
  const windowMs = limits.windowMs ?? 60_000;
  const burstMs = limits.burstMs ?? windowMs / 10;
  const keys = new WeakMap<FastifyRequest, string>();
  /** A bucket of a burst's worth of tokens that refills `perWindow` tokens per window. */
  const bucket = (perWindow: number | undefined) => {
    if (!perWindow || perWindow <= 0) return null;
    const max = Math.max(1, Math.round((perWindow * burstMs) / windowMs));
    const timeWindow = (max * windowMs) / perWindow;
    return app.createRateLimit({ max, timeWindow, keyGenerator: (request) => keys.get(request) ?? '' });
  };
  const perActor = bucket(limits.perActor);
  const perUser = bucket(limits.perActor * (limits.perUserFactor ?? PER_USER_FACTOR));
  const anonymous = bucket(limits.anonymous);
  const perOrganization = bucket(limits.perOrganization);
  const known = new Map<string, Known>();

  type Check = NonNullable<typeof perActor>;
  /** Runs one bucket for `key`; headers for the caller's own budget; throws when it is over. */
  async function apply(
    request: FastifyRequest,
    reply: FastifyReply,
    check: Check | null,
    key: string,
    options: { increment: boolean; whose: string; headers: boolean },
  ): Promise<void> {
    if (!check) return;
    keys.set(request, key);
    const result = await check(request, options.increment ? undefined : { increment: false });
    if (result.isAllowed) return;
    const over = options.increment ? result.isExceeded : result.remaining <= 0;
    if (options.headers || over) {
      reply.header('x-ratelimit-limit', result.max);
      reply.header('x-ratelimit-remaining', over ? 0 : result.remaining);
      reply.header('x-ratelimit-reset', result.ttlInSeconds);
    }
    if (!over) return;
    const wait = Math.max(1, result.ttlInSeconds);
    reply.header('retry-after', wait);
    // Jittered (half to all of it), so a client's many connections do not come back all at once.
    const pause = Math.min((limits.refusalDelayMs ?? 0) * (0.5 + Math.random() / 2), wait * 1000);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    throw new DomainError('rate-limited', `Too many requests from ${options.whose}; try again in ${wait} s.`);
  }

  return {
    async early(request, reply, credential) {
      if (credential === null) return;
      const budget = known.get(digest(credential));
      if (!budget) return;
      const read = { increment: false, headers: false };
      await apply(request, reply, perActor, budget.actor, { ...read, whose: 'you' });
      await apply(request, reply, perUser, budget.user, { ...read, whose: ALL_OF_YOU });
      await apply(request, reply, perOrganization, budget.organization, {
        ...read,
        whose: 'your organization',
      });
    },
    async count(request, reply, credential) {
      const actor = request.actor;
      if (!actor) {
        const key = `address:${clientAddress(request)}`;
        await apply(request, reply, anonymous, key, {
          increment: true,
          whose: 'your address',
          headers: true,
        });
        return;
      }
      const budget: Known = {
        actor: actor.via.kind === 'token' ? `token:${actor.via.tokenId}` : `user:${actor.userId}`,
        user: `user:${actor.userId}`,
        organization: `organization:${actor.organizationId}`,
      };
      if (credential !== null) {
        const hash = digest(credential);
        if (!known.has(hash)) {
          if (known.size >= REMEMBERED) known.delete(known.keys().next().value as string);
          known.set(hash, budget);
        }
      }
      const counted = { increment: true };
      await apply(request, reply, perActor, budget.actor, { ...counted, whose: 'you', headers: true });
      await apply(request, reply, perUser, budget.user, {
        ...counted,
        whose: ALL_OF_YOU,
        headers: perActor === null,
      });
      await apply(request, reply, perOrganization, budget.organization, {
        ...counted,
        whose: 'your organization',
        headers: perActor === null,
      });
    },
  };
}
