import type { FastifyInstance } from 'fastify';
import { lifecycleDocument } from '../../core/lifecycle.ts';

export async function lifecycleRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/lifecycle',
    {
      schema: {
        tags: ['lifecycle'],
        summary:
          'The deal lifecycle as data: statuses, transitions, who may do what, stages, reasons, help types',
        security: [],
      },
    },
    async () => lifecycleDocument(),
  );
}
