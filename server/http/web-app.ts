/**
 * Serves the built web workspace (web/dist) at `/`: hashed assets with a long cache, and index.html for
 * every other browser path (the app's own routes, such as /deals/<id>), so reload and deep links work.
 * Without a build, `/` keeps the small landing page that points to the API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { landingRoutes } from './landing.ts';

export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface WebApp {
  /** Whether a built web app was found. */
  available: boolean;
  /** The static files (or the landing page when there is no build). */
  routes: (app: FastifyInstance) => Promise<void>;
  /** For the not-found handler: answers a browser path with index.html; false when it is not one. */
  fallback: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

export function webApp(distDir: string = WEB_DIST): WebApp {
  const indexFile = join(distDir, 'index.html');
  const html = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
  if (html === null) {
    return { available: false, routes: landingRoutes, fallback: () => false };
  }
  const sendIndex = (reply: FastifyReply) =>
    reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  return {
    available: true,
    routes: async (app) => {
      await app.register(fastifyStatic, {
        root: distDir,
        // One route per file found at start (the build is immutable), so unknown /api paths stay 404.
        wildcard: false,
        index: false,
        decorateReply: false,
        setHeaders: (reply, path) => {
          reply.header(
            'cache-control',
            path.startsWith(join(distDir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
    },
    fallback: (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      const path = request.url.split('?')[0] ?? '';
      // API paths and missing files (anything with an extension) are real 404s.
      if (path === '/api' || path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(path)) return false;
      sendIndex(reply);
      return true;
    },
  };
}
