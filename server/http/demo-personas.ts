import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../services/context.ts';
import { demoPersonas } from '../services/demo-personas.ts';
import { errorResponses } from './common.ts';

/** Public: the sign-in page asks whether this is a demo and whom to offer (password `cosell-demo`). */
export function demoPersonaRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/demo/personas',
      {
        schema: {
          tags: ['demo'],
          summary: 'The demo personas offered on the sign-in page; empty unless the demo ecosystem is loaded',
          security: [],
          response: {
            200: z.object({
              demo: z.boolean(),
              personas: z.array(
                z.object({
                  email: z.string(),
                  name: z.string(),
                  organization: z.string(),
                  roles: z.array(z.string()),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async () => demoPersonas(ctx),
    );
  };
}
