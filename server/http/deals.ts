/**
 * Deal routes: parse, call one service, present. Every deal response carries its ETag; every mutation
 * needs If-Match (428 without, 412 when stale).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AcceptBody,
  ActivityOut,
  CloseAsErrorBody,
  CreateDealBody,
  DealListOut,
  DealOut,
  DeclineBody,
  DuplicateCheckBody,
  DuplicatesOut,
  Id,
  InviteBody,
  LIMITS,
  ListQuery,
  LoseBody,
  NoteBody,
  NoteOut,
  PatchDealBody,
  StageBody,
  WinBody,
} from '../../core/schemas.ts';
import type { ServiceContext } from '../services/context.ts';
import { createDeal } from '../services/create-deal.ts';
import { checkDuplicates } from '../services/duplicates.ts';
import { inviteToDeal } from '../services/invite-to-deal.ts';
import { addNote, markFavorite } from '../services/notes-and-favorites.ts';
import { dealActivity, dealNotes, getDeal, listDeals } from '../services/read-deals.ts';
import { acceptDeal, closeDeal, setStage, winDeal } from '../services/transition-deal.ts';
import { updateDeal } from '../services/update-deal.ts';
import { actorOf } from './auth.ts';
import { errorResponses, expectedVersion, sendDeal } from './common.ts';

const Params = z.object({ id: Id });
const ifMatchHeader = z.object({
  'if-match': z.string().max(64).optional().describe('The ETag of the deal as you read it (required)'),
});
const dealResponse = { 200: DealOut, ...errorResponses };

export function dealRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['deals'];

    app.post(
      '/deals',
      {
        schema: {
          tags,
          summary: 'Create a deal (private, partner-led, co-sell, partner-to-partner, solution assessment)',
          description:
            'The type follows from the body: an assessment solution → solution-assessment; vendorHelp other than ' +
            'none → co-sell; shareWithVendor → partner-led; invitations only → partner-to-partner; else private. ' +
            'A vendor seller sends a deal to partners with `invitations`. Send `Idempotency-Key` to retry safely. ' +
            'When the caller has open deals that look like the same opportunity (see `POST /deals/duplicates`) the ' +
            'answer is 409 `possible-duplicate` with `error.candidates`, unless `confirmNotDuplicate` is true.',
          headers: z.object({
            'idempotency-key': z.string().min(1).max(LIMITS.idempotencyKey).optional(),
          }),
          body: CreateDealBody,
          response: { 201: DealOut, 200: DealOut, ...errorResponses },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        const result = await createDeal(ctx, actorOf(request), request.body, key);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return sendDeal(reply, result.deal, 201);
      },
    );

    app.post(
      '/deals/duplicates',
      {
        schema: {
          tags,
          summary: 'Likely duplicates of a deal about to be created (duplicate check before create)',
          description:
            'Takes the create body as filled in so far (only `customer` is required) and returns the caller’s ' +
            'visible open deals (received or accepted, own and inbound) whose customer has the same D-U-N-S, the ' +
            'same website domain, or the same normalized name + city + country, with the reasons; at most ' +
            '20, most reasons first, then most recently updated.',
          body: DuplicateCheckBody,
          response: { 200: DuplicatesOut, ...errorResponses },
        },
      },
      async (request) => checkDuplicates(ctx, actorOf(request), request.body),
    );

    app.get(
      '/deals',
      {
        schema: {
          tags,
          summary:
            'List deals of one view (inbound, outbound, favorites, closed) with filters, sort and cursor paging',
          querystring: ListQuery,
          response: { 200: DealListOut, ...errorResponses },
        },
      },
      async (request) => listDeals(ctx, actorOf(request), request.query),
    );

    app.get(
      '/deals/:id',
      {
        schema: {
          tags,
          summary: 'One deal, as the caller’s organization sees it',
          params: Params,
          response: dealResponse,
        },
      },
      async (request, reply) => sendDeal(reply, await getDeal(ctx, actorOf(request), request.params.id)),
    );

    app.patch(
      '/deals/:id',
      {
        schema: {
          tags,
          summary: 'Edit the fields editable in the current status',
          params: Params,
          headers: ifMatchHeader,
          body: PatchDealBody,
          response: dealResponse,
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request);
        return sendDeal(
          reply,
          await updateDeal(ctx, actorOf(request), request.params.id, version, request.body),
        );
      },
    );

    app.post(
      '/deals/:id/accept',
      {
        schema: {
          tags,
          summary: 'Accept a received deal',
          params: Params,
          headers: ifMatchHeader,
          body: AcceptBody.nullish(),
          response: dealResponse,
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request);
        return sendDeal(
          reply,
          await acceptDeal(ctx, actorOf(request), request.params.id, version, request.body ?? {}),
        );
      },
    );

    const closing = [
      ['decline', DeclineBody, 'Decline a received deal with a reason'],
      ['lose', LoseBody, 'Mark an accepted deal lost with a reason'],
      ['close-as-error', CloseAsErrorBody, 'Close an open deal as an error with a reason'],
    ] as const;
    for (const [path, body, summary] of closing) {
      const action = path === 'decline' ? 'decline' : path === 'lose' ? 'lose' : 'closeAsError';
      app.post(
        `/deals/:id/${path}`,
        { schema: { tags, summary, params: Params, headers: ifMatchHeader, body, response: dealResponse } },
        async (request, reply) => {
          const version = expectedVersion(request);
          const input = request.body as { reason: string; notes?: string };
          return sendDeal(
            reply,
            await closeDeal(ctx, actorOf(request), request.params.id, version, action, input),
          );
        },
      );
    }

    app.post(
      '/deals/:id/win',
      {
        schema: {
          tags,
          summary: 'Mark an accepted deal won (solution assessments: after every stage)',
          params: Params,
          headers: ifMatchHeader,
          body: WinBody,
          response: dealResponse,
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request);
        return sendDeal(
          reply,
          await winDeal(ctx, actorOf(request), request.params.id, version, request.body?.notes),
        );
      },
    );

    app.post(
      '/deals/:id/stage',
      {
        schema: {
          tags,
          summary: 'Set the sales stage',
          params: Params,
          headers: ifMatchHeader,
          body: StageBody,
          response: dealResponse,
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request);
        return sendDeal(
          reply,
          await setStage(ctx, actorOf(request), request.params.id, version, request.body.stage),
        );
      },
    );

    app.post(
      '/deals/:id/invitations',
      {
        schema: {
          tags,
          summary: 'Invite the vendor and/or partners to an existing deal (SPEC combinations table)',
          params: Params,
          headers: ifMatchHeader,
          body: InviteBody,
          response: dealResponse,
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request);
        return sendDeal(
          reply,
          await inviteToDeal(ctx, actorOf(request), request.params.id, version, request.body),
        );
      },
    );

    app.get(
      '/deals/:id/notes',
      {
        schema: {
          tags,
          summary: 'The deal’s shared notes thread',
          params: Params,
          response: { 200: z.object({ items: z.array(NoteOut) }), ...errorResponses },
        },
      },
      async (request) => dealNotes(ctx, actorOf(request), request.params.id),
    );
    app.post(
      '/deals/:id/notes',
      {
        schema: {
          tags,
          summary: 'Add a note to the shared thread (If-Match required; the deal’s version does not change)',
          params: Params,
          headers: ifMatchHeader,
          body: NoteBody,
          response: { 201: NoteOut, ...errorResponses },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request);
        const note = await addNote(ctx, actorOf(request), request.params.id, version, request.body.body);
        return reply.status(201).send(note);
      },
    );

    for (const method of ['PUT', 'DELETE'] as const) {
      app.route({
        method,
        url: '/deals/:id/favorite',
        schema: {
          tags,
          summary:
            method === 'PUT'
              ? 'Mark the deal as a favorite (the caller’s heart)'
              : 'Remove the caller’s heart',
          params: Params,
          response: { 204: z.undefined(), ...errorResponses },
        },
        handler: async (request, reply) => {
          await markFavorite(ctx, actorOf(request), request.params.id, method === 'PUT');
          return reply.status(204).send();
        },
      });
    }

    app.get(
      '/deals/:id/activity',
      {
        schema: {
          tags,
          summary: 'The activity timeline entries the caller may see',
          params: Params,
          response: { 200: z.object({ items: z.array(ActivityOut) }), ...errorResponses },
        },
      },
      async (request) => dealActivity(ctx, actorOf(request), request.params.id),
    );
  };
}
