/**
 * Resolves the caller once per request: `Authorization: Bearer <token>` or the session cookie.
 * Cookie sessions must send the CSRF token on every state-changing request (the browser would
 * otherwise attach the cookie to a forged cross-site request).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.ts';
import { DomainError } from '../errors.ts';
import { actorFromApiToken, actorFromSession } from '../services/auth.ts';
import type { ServiceContext } from '../services/context.ts';
import type { Limiter } from './rate-limits.ts';

export const SESSION_COOKIE = 'cosell_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const API_PREFIX = '/api/v1/';
const LOGIN_PATH = '/api/v1/auth/login';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/**
 * `limit` (the rate limiter, server/http/rate-limits.ts) may refuse a caller known to be over its limit before
 * its credentials are looked up, and counts the request once the caller is known, before the credentials are
 * judged: a wrong token or a missing CSRF token counts against the address's or the user's budget too.
 */
export function registerAuth(app: FastifyInstance, ctx: ServiceContext, limit?: Limiter): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    if (!isApiRequest(request)) return;
    const credential = limit ? credentialOf(request) : null;
    if (limit) await limit.early(request, reply, credential);
    const refused = await identify(ctx, request);
    if (limit) await limit.count(request, reply, credential);
    if (refused) throw refused;
  });
}

/**
 * Whether the request is for the API: by the route it matched (the router decodes the path, so `/%61pi/v1/me`
 * is the route `/api/v1/me` and must be authenticated and counted like it), or by its raw path when no route
 * matched (an unknown `/api/v1/…` is counted and answers 404 after authentication).
 */
export function isApiRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route?.startsWith(API_PREFIX) === true || request.url.startsWith(API_PREFIX);
}

/** Whether the request is the login route, however its path was spelled. */
const isLogin = (request: FastifyRequest) => request.routeOptions.url === LOGIN_PATH;

/** The bearer token or the session cookie the request carries, as identify() will read it. */
function credentialOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
  if (isLogin(request)) return null;
  return request.cookies[SESSION_COOKIE] ?? null;
}

/** Sets request.actor from the token or the session cookie; returns the error to answer with, if any. */
async function identify(ctx: ServiceContext, request: FastifyRequest): Promise<DomainError | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match?.[1] ? await actorFromApiToken(ctx, match[1]) : null;
    if (!actor) return new DomainError('unauthenticated', 'The API token is missing, wrong or revoked.');
    request.actor = actor;
    return null;
  }
  const sessionToken = request.cookies[SESSION_COOKIE];
  // Signing in again replaces the session: an old cookie must not make login need a CSRF token.
  if (!sessionToken || isLogin(request)) return requireUnlessPublic(request);
  const actor = await actorFromSession(ctx, sessionToken);
  if (!actor) return requireUnlessPublic(request);
  request.actor = actor;
  if (!SAFE_METHODS.has(request.method) && actor.via.kind === 'session') {
    if (request.headers[CSRF_HEADER] !== actor.via.csrfToken) return new DomainError('csrf-failed');
  }
  return null;
}

/**
 * An anonymous caller gets 401 before its input is parsed or validated (not a 400 that describes the route),
 * except on the public routes, whose schema says `security: []` (login, lifecycle). Unknown URLs stay 404.
 */
function requireUnlessPublic(request: FastifyRequest): DomainError | null {
  if (request.routeOptions.url === undefined) return null;
  const security = (request.routeOptions.schema as { security?: unknown[] } | undefined)?.security;
  if (Array.isArray(security) && security.length === 0) return null;
  return new DomainError('unauthenticated');
}

/** The signed-in caller, or 401. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new DomainError('unauthenticated');
  return request.actor;
}
