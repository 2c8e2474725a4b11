/**
 * Request rate limits (docs/SECURITY.md, docs/OPERATIONS.md), with @fastify/rate-limit's in-memory store:
 *
 * - per API token, and per signed-in user over all the user's browser sessions (RATE_LIMIT_PER_MINUTE);
 * - per client address for requests without valid credentials (RATE_LIMIT_ANONYMOUS_PER_MINUTE), which
 *   includes wrong or revoked tokens, so guessing is slowed too;
 * - optionally per organization, all its users and tokens together (RATE_LIMIT_ORGANIZATION_PER_MINUTE).
 *
 * The limiter runs in the authentication hook, after the caller is known and before anything else
 * (body parsing, validation, the handler), so a caller over its limit costs the lookup of its credentials
 * and nothing more, and one caller's flood leaves the others' budgets alone. Each window starts with a
 * key's first request and lasts `windowMs`; Retry-After tells how much of it is left.
 *
 * The counts live in this process: with several app servers each counts on its own (a caller may send up to
 * N × the limit); see docs/SCALING.md and docs/SECURITY.md for a shared store.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

export interface RateLimits {
  /** Requests per window per API token and per signed-in user; 0 turns this limit off. */
  perActor: number;
  /** Requests per window per client address (IPv6: per /64) without valid credentials; 0: off. */
  anonymous: number;
  /** Requests per window per organization, all its users and tokens together; 0 or absent: off. */
  perOrganization?: number;
  /** The window (default one minute). */
  windowMs?: number;
}

export type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** The client's address as limits count it: IPv4 as is, IPv6 by its /64 (one customer's network). */
export const clientAddress = (request: FastifyRequest) => normalizeIP(request.ip);

/** The key of the caller's own budget: its token, its user (sessions), or its address. */
export function actorKey(request: FastifyRequest): string {
  const actor = request.actor;
  if (!actor) return `address:${clientAddress(request)}`;
  return actor.via.kind === 'token' ? `token:${actor.via.tokenId}` : `user:${actor.userId}`;
}

export async function createLimiter(app: FastifyInstance, limits: RateLimits): Promise<Limiter> {
  await app.register(rateLimit, { global: false });
  const timeWindow = limits.windowMs ?? 60_000;
  const bucket = (max: number | undefined, keyGenerator: (request: FastifyRequest) => string) =>
    max && max > 0 ? app.createRateLimit({ max, timeWindow, keyGenerator }) : null;
  const perActor = bucket(limits.perActor, actorKey);
  const anonymous = bucket(limits.anonymous, actorKey);
  const perOrganization = bucket(
    limits.perOrganization,
    (request) => `organization:${request.actor?.organizationId}`,
  );

  return async (request, reply) => {
    const buckets = request.actor ? [perActor, perOrganization] : [anonymous];
    let shown = false;
    for (const [index, check] of buckets.entries()) {
      if (!check) continue;
      const result = await check(request);
      if (result.isAllowed) continue;
      if (result.isExceeded || !shown) {
        reply.header('x-ratelimit-limit', result.max);
        reply.header('x-ratelimit-remaining', result.isExceeded ? 0 : result.remaining);
        reply.header('x-ratelimit-reset', result.ttlInSeconds);
        shown = true;
      }
      if (result.isExceeded) {
        const wait = Math.max(1, result.ttlInSeconds);
        reply.header('retry-after', wait);
        const whose = index === 1 ? 'your organization' : request.actor ? 'you' : 'your address';
        throw new DomainError('rate-limited', `Too many requests from ${whose}; try again in ${wait} s.`);
      }
    }
  };
}
