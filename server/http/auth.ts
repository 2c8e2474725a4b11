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

export const SESSION_COOKIE = 'cosell_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOGIN_PATH = '/api/v1/auth/login';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function registerAuth(app: FastifyInstance, ctx: ServiceContext): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = match?.[1] ? await actorFromApiToken(ctx, match[1]) : null;
      if (!actor) throw new DomainError('unauthenticated', 'The API token is missing, wrong or revoked.');
      request.actor = actor;
      return;
    }
    const sessionToken = request.cookies[SESSION_COOKIE];
    // Signing in again replaces the session: an old cookie must not make login need a CSRF token.
    if (!sessionToken || request.url.split('?')[0] === LOGIN_PATH) return requireUnlessPublic(request);
    const actor = await actorFromSession(ctx, sessionToken);
    if (!actor) return requireUnlessPublic(request);
    if (!SAFE_METHODS.has(request.method) && actor.via.kind === 'session') {
      if (request.headers[CSRF_HEADER] !== actor.via.csrfToken) throw new DomainError('csrf-failed');
    }
    request.actor = actor;
  });
}

/**
 * An anonymous caller gets 401 before its input is parsed or validated (not a 400 that describes the route),
 * except on the public routes, whose schema says `security: []` (login, lifecycle). Unknown URLs stay 404.
 */
function requireUnlessPublic(request: FastifyRequest): void {
  if (request.routeOptions.url === undefined) return;
  const security = (request.routeOptions.schema as { security?: unknown[] } | undefined)?.security;
  if (Array.isArray(security) && security.length === 0) return;
  throw new DomainError('unauthenticated');
}

/** The signed-in caller, or 401. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new DomainError('unauthenticated');
  return request.actor;
}
