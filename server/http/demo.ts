import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../access/visibility.ts';
import { parseDuration } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { expireDue } from '../services/expiry.ts';
import { actorOf } from './auth.ts';
import { errorResponses } from './common.ts';

/** The movable demo clock: registered only with COSELL_DEMO_CLOCK=1; vendor-admin only, 404 for everyone else. */
export function demoRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const ClockOut = z.object({ now: z.string() });
    const requireVendorAdmin = (request: Parameters<typeof actorOf>[0]) => {
      const actor = actorOf(request);
      if (!hasRole(actor, 'vendor-admin')) throw new DomainError('not-found');
    };
    app.get(
      '/demo/clock',
      {
        schema: {
          tags: ['demo'],
          summary: 'The demo clock (demo mode only)',
          response: { 200: ClockOut, ...errorResponses },
        },
      },
      async (request) => {
        requireVendorAdmin(request);
        return { now: ctx.clock.now().toISOString() };
      },
    );
    app.post(
      '/demo/clock',
      {
        schema: {
          tags: ['demo'],
          summary: 'Move the demo clock forward by an ISO 8601 duration such as P15D (demo mode only)',
          body: z.strictObject({ advance: z.string().max(40) }),
          response: { 200: ClockOut.extend({ expired: z.number().int() }), ...errorResponses },
        },
      },
      async (request) => {
        requireVendorAdmin(request);
        const ms = parseDuration(request.body.advance);
        if (ms === null || ms <= 0 || ms > 400 * 86_400_000) {
          throw new DomainError(
            'invalid-input',
            'Expected a positive duration such as P15D or PT36H (at most 400 days).',
            'advance',
          );
        }
        ctx.clock.advance(ms);
        // Let the expiry happen now rather than at the sweeper's next tick.
        const expired = await expireDue(ctx);
        return { now: ctx.clock.now().toISOString(), expired };
      },
    );
  };
}
