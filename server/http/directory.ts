import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIMITS } from '../../core/schemas.ts';
import type { ServiceContext } from '../services/context.ts';
import { listPartners, listSolutions, suggestCompanies } from '../services/directory.ts';
import { actorOf } from './auth.ts';
import { errorResponses } from './common.ts';

const OrgRef = z.object({ id: z.string(), name: z.string() });

export function directoryRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/companies',
      {
        schema: {
          tags: ['directory'],
          summary: 'Customer directory suggestions as the user types',
          description:
            'The `limit` best matches of `q` (accent- and case-insensitive): companies whose name starts with it, ' +
            'then those with a later word that starts with it (any character in CJK names), then those one typo ' +
            'away (a letter missing, extra, wrong or swapped; 4+ letters). Within each: exact name, then whole ' +
            'words, then inside a word; then the larger company first. Fewer than 2 characters (1 CJK) returns ' +
            'nothing. See docs/DIRECTORY.md.',
          querystring: z.strictObject({
            q: z.string().max(LIMITS.query).default('').describe('What the user has typed so far.'),
            country: z
              .string()
              .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 two-letter country code')
              .optional(),
            city: z
              .string()
              .max(LIMITS.shortText)
              .optional()
              .describe('Only companies in this city (compared whole, accent- and case-insensitive).'),
            limit: z.coerce.number().int().min(1).max(50).default(10),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  duns: z.string().nullable(),
                  address: z.object({
                    addressLine1: z.string().nullable(),
                    city: z.string(),
                    region: z.string().nullable(),
                    postalCode: z.string().nullable(),
                    country: z.string(),
                  }),
                  website: z.string().nullable(),
                  size: z.string().nullable(),
                  industry: z.string().nullable(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        actorOf(request);
        return suggestCompanies(ctx, request.query);
      },
    );
    app.get(
      '/solutions',
      {
        schema: {
          tags: ['directory'],
          summary: 'Solutions the caller may attach to a deal, by group',
          querystring: z.strictObject({
            kind: z.enum(['mine', 'vendor', 'partners', 'assessments']).default('mine'),
            q: z.string().trim().max(LIMITS.query).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(50),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  name: z.string(),
                  kind: z.string(),
                  offerType: z.string().nullable(),
                  coSellReady: z.boolean(),
                  incentiveEligible: z.boolean(),
                  publisher: OrgRef,
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => listSolutions(ctx, actorOf(request), request.query),
    );
    app.get(
      '/partners',
      {
        schema: {
          tags: ['directory'],
          summary: 'Co-sell-ready partners the caller may invite',
          querystring: z.strictObject({
            q: z.string().trim().max(LIMITS.query).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(25),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({ id: z.string(), name: z.string(), partnerId: z.string().nullable() }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => listPartners(ctx, actorOf(request), request.query),
    );
  };
}
