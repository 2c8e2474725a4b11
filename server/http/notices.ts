/**
 * Routes of notices and integrations: in-app notifications and preferences, the caller's language,
 * webhooks with their delivery log, dead letters, the replayable event feed, routing rules and stage names.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateWebhookBody,
  DeadLettersOut,
  DeliveryLogOut,
  EventListOut,
  EventsQuery,
  Id,
  MeOut,
  NotificationListOut,
  NotificationQuery,
  PageQueryStrict,
  PatchMeBody,
  PatchRoutingRuleBody,
  PatchWebhookBody,
  PreferencesBody,
  PreferencesOut,
  RoutingRuleBody,
  RoutingRuleOut,
  StageNamesBody,
  StageNamesOut,
  WebhookOut,
  WebhookWithSecretOut,
} from '../../core/schemas.ts';
import { me } from '../services/auth.ts';
import type { ServiceContext } from '../services/context.ts';
import { DEFAULT_DISPATCHER_SETTINGS } from '../services/dispatcher.ts';
import { listEvents } from '../services/events-feed.ts';
import {
  getPreferences,
  listDeadLetters,
  listNotifications,
  markAllRead,
  markRead,
  retryDelivery,
  setLocale,
  setPreferences,
  unreadCount,
} from '../services/notifications.ts';
import {
  createRoutingRule,
  deleteRoutingRule,
  listRoutingRules,
  updateRoutingRule,
} from '../services/routing.ts';
import { getStageNames, putStageNames } from '../services/stage-names.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  redeliver,
  rotateWebhookSecret,
  updateWebhook,
  webhookDeliveries,
} from '../services/webhooks.ts';
import { actorOf } from './auth.ts';
import { errorResponses } from './common.ts';

const Params = z.object({ id: Id });
const noContent = { 204: z.undefined(), ...errorResponses };

export function noticeRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const giveUpAfterMs = () => ctx.config.deliveryGiveUpMs ?? DEFAULT_DISPATCHER_SETTINGS.giveUpAfterMs;

    app.patch(
      '/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change the caller’s own settings: the language of the UI and of e-mails',
          body: PatchMeBody,
          response: { 200: MeOut, ...errorResponses },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await setLocale(ctx, actor, request.body.locale);
        const result = await me(ctx, actor);
        return { ...result, user: { ...result.user, locale: request.body.locale } };
      },
    );

    // ---------------------------------------------------------------- notifications
    const tags = ['notifications'];
    app.get(
      '/notifications',
      {
        schema: {
          tags,
          summary: 'The caller’s notifications: unread first, then newest first; cursor paging',
          querystring: NotificationQuery,
          response: { 200: NotificationListOut, ...errorResponses },
        },
      },
      async (request) =>
        listNotifications(ctx, actorOf(request), {
          limit: request.query.limit,
          cursor: request.query.cursor,
          unreadOnly: request.query.unread === 'true',
        }),
    );
    app.get(
      '/notifications/unread-count',
      {
        schema: {
          tags,
          summary: 'How many of the caller’s notifications are unread (the bell’s count)',
          response: { 200: z.object({ count: z.number().int() }), ...errorResponses },
        },
      },
      async (request) => ({ count: await unreadCount(ctx, actorOf(request)) }),
    );
    app.post(
      '/notifications/:id/read',
      {
        schema: {
          tags,
          summary: 'Mark one notification read (idempotent)',
          params: Params,
          response: noContent,
        },
      },
      async (request, reply) => {
        await markRead(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
    app.post(
      '/notifications/read-all',
      {
        schema: {
          tags,
          summary: 'Mark all of the caller’s notifications read',
          response: { 200: z.object({ updated: z.number().int() }), ...errorResponses },
        },
      },
      async (request) => markAllRead(ctx, actorOf(request)),
    );
    app.get(
      '/notifications/preferences',
      {
        schema: {
          tags,
          summary: 'Which notices the caller also gets by e-mail',
          response: { 200: PreferencesOut, ...errorResponses },
        },
      },
      async (request) => getPreferences(ctx, actorOf(request)),
    );
    app.put(
      '/notifications/preferences',
      {
        schema: {
          tags,
          summary:
            'Choose which notices come by e-mail, or switch e-mail off; the in-app list gets every notice',
          body: PreferencesBody,
          response: { 200: PreferencesOut, ...errorResponses },
        },
      },
      async (request) => setPreferences(ctx, actorOf(request), request.body),
    );

    // ---------------------------------------------------------------- webhooks
    const hooks = ['webhooks'];
    app.post(
      '/webhooks',
      {
        schema: {
          tags: hooks,
          summary: 'Subscribe a URL to events (entire-company referrals admin; vendor: vendor-admin)',
          description:
            'Each delivery is a POST with JSON `{id, type, time, deal, changes}` (the deal as your organization ' +
            'sees it) and the headers `Cosell-Event-Id`, `Cosell-Event` and `Cosell-Signature: t=<unix ' +
            'seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`. Reject timestamps older than 5 minutes ' +
            'and dedupe on the event id (delivery is at least once). The secret is shown only in this response.',
          body: CreateWebhookBody,
          response: { 201: WebhookWithSecretOut, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createWebhook(ctx, actorOf(request), request.body)),
    );
    app.get(
      '/webhooks',
      {
        schema: {
          tags: hooks,
          summary: 'The organization’s webhook subscriptions (never the secrets)',
          response: { 200: z.object({ items: z.array(WebhookOut) }), ...errorResponses },
        },
      },
      async (request) => listWebhooks(ctx, actorOf(request)),
    );
    app.get(
      '/webhooks/:id',
      {
        schema: {
          tags: hooks,
          summary: 'One webhook subscription',
          params: Params,
          response: { 200: WebhookOut, ...errorResponses },
        },
      },
      async (request) => getWebhook(ctx, actorOf(request), request.params.id),
    );
    app.patch(
      '/webhooks/:id',
      {
        schema: {
          tags: hooks,
          summary: 'Change a subscription’s URL or events, or enable/disable it',
          params: Params,
          body: PatchWebhookBody,
          response: { 200: WebhookOut, ...errorResponses },
        },
      },
      async (request) => updateWebhook(ctx, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/webhooks/:id',
      { schema: { tags: hooks, summary: 'Delete a subscription', params: Params, response: noContent } },
      async (request, reply) => {
        await deleteWebhook(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
    app.post(
      '/webhooks/:id/rotate-secret',
      {
        schema: {
          tags: hooks,
          summary: 'Replace the signing secret; the new one is shown only in this response',
          params: Params,
          response: { 200: WebhookWithSecretOut, ...errorResponses },
        },
      },
      async (request) => rotateWebhookSecret(ctx, actorOf(request), request.params.id),
    );
    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags: hooks,
          summary: 'The delivery log: deliveries newest first, each with every attempt',
          params: Params,
          querystring: PageQueryStrict,
          response: { 200: DeliveryLogOut, ...errorResponses },
        },
      },
      async (request) => webhookDeliveries(ctx, actorOf(request), request.params.id, request.query),
    );
    app.post(
      '/webhooks/:id/deliveries/:deliveryId/redeliver',
      {
        schema: {
          tags: hooks,
          summary: 'Deliver one logged delivery again (same event id and body, a fresh signature)',
          params: z.object({ id: Id, deliveryId: Id }),
          response: noContent,
        },
      },
      async (request, reply) => {
        await redeliver(ctx, actorOf(request), request.params.id, request.params.deliveryId);
        return reply.status(204).send();
      },
    );

    // ---------------------------------------------------------------- dead letters
    app.get(
      '/dead-letters',
      {
        schema: {
          tags: hooks,
          summary: 'Deliveries to your organization (e-mails to its users, its webhooks) that gave up',
          querystring: PageQueryStrict,
          response: { 200: DeadLettersOut, ...errorResponses },
        },
      },
      async (request) => listDeadLetters(ctx, actorOf(request), request.query),
    );
    app.post(
      '/dead-letters/:id/retry',
      {
        schema: {
          tags: hooks,
          summary: 'Retry a dead letter: due now, with a new retry horizon',
          params: Params,
          response: noContent,
        },
      },
      async (request, reply) => {
        await retryDelivery(ctx, actorOf(request), request.params.id, {
          onlyDead: true,
          giveUpAfterMs: giveUpAfterMs(),
        });
        return reply.status(204).send();
      },
    );

    // ---------------------------------------------------------------- events
    app.get(
      '/events',
      {
        schema: {
          tags: ['events'],
          summary: 'Replay the events of the deals you see, in order, from a cursor',
          description:
            'Without `after`: from the oldest event kept (events are kept at least 30 days). Same visibility ' +
            'as the deals and their activity: shared events of your deals and your organization’s own.',
          querystring: EventsQuery,
          response: { 200: EventListOut, ...errorResponses },
        },
      },
      async (request) => listEvents(ctx, actorOf(request), request.query),
    );

    // ---------------------------------------------------------------- routing rules
    const routing = ['routing'];
    app.get(
      '/routing-rules',
      {
        schema: {
          tags: routing,
          summary: 'Routing rules for deals the vendor sends (entire-company referrals admin)',
          response: { 200: z.object({ items: z.array(RoutingRuleOut) }), ...errorResponses },
        },
      },
      async (request) => listRoutingRules(ctx, actorOf(request)),
    );
    app.post(
      '/routing-rules',
      {
        schema: {
          tags: routing,
          summary: 'Add a rule: customer country × solution → location',
          description:
            'Evaluated most specific first: solution + country, solution + any country, any solution + ' +
            'country, else the location that owns the solution. A rule with the same country and solution as ' +
            'an existing one is refused with 409 `routing-rule-conflict`. Not retroactive.',
          body: RoutingRuleBody,
          response: { 201: RoutingRuleOut, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createRoutingRule(ctx, actorOf(request), request.body)),
    );
    app.patch(
      '/routing-rules/:id',
      {
        schema: {
          tags: routing,
          summary: 'Change a routing rule',
          params: Params,
          body: PatchRoutingRuleBody,
          response: { 200: RoutingRuleOut, ...errorResponses },
        },
      },
      async (request) => updateRoutingRule(ctx, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/routing-rules/:id',
      { schema: { tags: routing, summary: 'Delete a routing rule', params: Params, response: noContent } },
      async (request, reply) => {
        await deleteRoutingRule(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );

    // ---------------------------------------------------------------- stage names
    app.get(
      '/stage-names',
      {
        schema: {
          tags: ['deals'],
          summary: 'Your organization’s own stage names and the standard stages they map onto',
          response: { 200: StageNamesOut, ...errorResponses },
        },
      },
      async (request) => getStageNames(ctx, actorOf(request)),
    );
    app.put(
      '/stage-names',
      {
        schema: {
          tags: ['deals'],
          summary: 'Replace your organization’s stage mapping (entire-company referrals admin)',
          description:
            'POST /deals/{id}/stage then accepts either name; deals show `salesStage` (standard) and ' +
            '`organizationStage` (yours). Names are unique (case-insensitive) and differ from the standard ' +
            'names, else 409 `stage-name-conflict`.',
          body: StageNamesBody,
          response: { 200: StageNamesOut, ...errorResponses },
        },
      },
      async (request) => putStageNames(ctx, actorOf(request), request.body.stages),
    );
  };
}
