/**
 * Security headers on every response (docs/SECURITY.md), and CORS only for the origins the operator lists.
 *
 * The Content-Security-Policy fits the web workspace (web/dist) and the API docs (Swagger UI): scripts,
 * fonts, images and API calls from this origin only; inline styles are allowed because Fluent UI's Griffel
 * and index.html put styles in <style> elements; no plugins, no framing, no <base> or form posts elsewhere.
 * Strict-Transport-Security is sent when the request came over TLS (directly, through a trusted proxy's
 * X-Forwarded-Proto, or COOKIE_SECURE=true). API responses are `Cache-Control: no-store` unless a route
 * says otherwise: they hold other organizations' shared deal data and must not linger in a browser's cache.
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

/** One year, the minimum for HSTS preload lists. */
const HSTS = 'max-age=31536000; includeSubDomains';
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/** Whether the caller reached us over TLS; COOKIE_SECURE=true/false overrides what the request says. */
export function overTls(request: FastifyRequest): boolean {
  const setting = process.env.COOKIE_SECURE;
  if (setting === 'true') return true;
  if (setting === 'false') return false;
  return request.protocol === 'https';
}

export interface SecurityOptions {
  /** Origins allowed to call the API from a browser (CORS_ORIGINS); none: no CORS headers at all. */
  corsOrigins?: readonly string[];
}

const helmetHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Sent by setSecurityHeaders, only over TLS.
  strictTransportSecurity: false,
});

/** Sets the headers on a reply; also for the replies Fastify makes before any hook runs (a malformed URL). */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  helmetHeaders(request.raw, reply.raw, () => {});
  reply.header('permissions-policy', PERMISSIONS_POLICY);
  if (overTls(request)) reply.header('strict-transport-security', HSTS);
  // By the route too: the router decodes the path, so `/%61pi/v1/me` is an API response like `/api/v1/me`.
  const route = request.routeOptions?.url ?? '';
  if (request.url.startsWith('/api/v1/') || route.startsWith('/api/v1/'))
    reply.header('cache-control', 'no-store');
}

export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: SecurityOptions = {},
): Promise<void> {
  app.addHook('onRequest', async (request, reply) => setSecurityHeaders(request, reply));
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    await app.register(cors, {
      origin: [...origins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-csrf-token'],
      exposedHeaders: [
        'etag',
        'location',
        'retry-after',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ],
      // Cross-origin callers use API tokens; the session cookie stays first-party (SameSite=Lax).
      credentials: false,
      maxAge: 600,
    });
  }
}
