import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChangePasswordBody, Id, LIMITS, MeOut, MIN_PASSWORD_LENGTH } from '../../core/schemas.ts';
import { emailKey } from '../access/actor.ts';
import { DomainError } from '../errors.ts';
import {
  changeOwnPassword,
  createApiToken,
  listApiTokens,
  login,
  logout,
  me,
  revokeToken,
} from '../services/auth.ts';
import type { ServiceContext } from '../services/context.ts';
import type { LoginThrottle } from '../services/login-throttle.ts';
import { actorOf, CSRF_HEADER, SESSION_COOKIE } from './auth.ts';
import { errorResponses } from './common.ts';
import { clientAddress } from './rate-limits.ts';
import { overTls } from './security-headers.ts';

const LoginBody = z.strictObject({
  email: z.string().trim().min(3).max(LIMITS.email),
  password: z.string().min(1).max(1024),
});

/** `throttle` slows password guessing per e-mail and client address (server/services/login-throttle.ts). */
export function authRoutes(ctx: ServiceContext, throttle: LoginThrottle | null = null) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password; sets the session cookie',
          security: [],
          body: LoginBody,
          response: {
            200: z.object({ csrfToken: z.string(), csrfHeader: z.string(), expiresAt: z.string() }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const who = emailKey(request.body.email);
        const address = clientAddress(request);
        const wait = throttle?.attempt(who, address) ?? 0;
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          reply.header('retry-after', seconds);
          throw new DomainError('rate-limited', `Too many failed sign-ins; try again in ${seconds} s.`);
        }
        const session = await login(ctx, request.body.email, request.body.password);
        throttle?.succeeded(who, address);
        const secure = overTls(request);
        reply.setCookie(SESSION_COOKIE, session.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure,
          expires: session.expiresAt,
        });
        return {
          csrfToken: session.csrfToken,
          csrfHeader: CSRF_HEADER,
          expiresAt: session.expiresAt.toISOString(),
        };
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'End the browser session',
          response: { 204: z.undefined(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await logout(ctx, actorOf(request));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    );

    app.get(
      '/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The caller, its organization, tenants and roles',
          response: { 200: MeOut, ...errorResponses },
        },
      },
      async (request) => me(ctx, actorOf(request)),
    );

    app.post(
      '/me/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change your own password; your other sessions end, this one stays signed in',
          description:
            'The current password must be right: otherwise 400 `invalid-input` at `currentPassword`, counted ' +
            'like a failed sign-in (too many from one address: 429 with Retry-After). The new password has at ' +
            `least ${MIN_PASSWORD_LENGTH} characters and differs from the current one (400 at \`newPassword\`). ` +
            'Every other browser session of yours ends; the one that sent this stays signed in. API tokens keep ' +
            'working: revoke them under /tokens if they may have leaked.',
          body: ChangePasswordBody,
          response: { 204: z.undefined(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const address = clientAddress(request);
        const wait = throttle?.attempt(actor.emailKey, address) ?? 0;
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          reply.header('retry-after', seconds);
          throw new DomainError('rate-limited', `Too many wrong passwords; try again in ${seconds} s.`);
        }
        try {
          await changeOwnPassword(ctx, actor, request.body.currentPassword, request.body.newPassword);
        } catch (error) {
          // Only a wrong current password counts as a failed attempt.
          if (!(error instanceof DomainError && error.path === 'currentPassword')) {
            throttle?.succeeded(actor.emailKey, address);
          }
          throw error;
        }
        throttle?.succeeded(actor.emailKey, address);
        return reply.status(204).send();
      },
    );

    const TokenOut = z.object({
      id: z.string(),
      name: z.string(),
      createdAt: z.string(),
      lastUsedAt: z.string().nullable(),
      revokedAt: z.string().nullable(),
    });
    app.post(
      '/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Create an API token for the caller; the token is shown only in this response',
          body: z.strictObject({ name: z.string().trim().min(1).max(LIMITS.shortText) }),
          response: {
            201: z.object({ id: z.string(), name: z.string(), token: z.string(), createdAt: z.string() }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const token = await createApiToken(ctx, actorOf(request), request.body.name);
        return reply.status(201).send(token);
      },
    );
    app.get(
      '/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary: 'The caller’s API tokens (never the secrets)',
          response: { 200: z.object({ items: z.array(TokenOut) }), ...errorResponses },
        },
      },
      async (request) => listApiTokens(ctx, actorOf(request)),
    );
    app.delete(
      '/tokens/:id',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Revoke one of the caller’s API tokens (effective immediately)',
          params: z.object({ id: Id }),
          response: { 204: z.undefined(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await revokeToken(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
