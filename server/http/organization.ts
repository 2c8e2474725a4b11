/**
 * Routes of the organization itself (SPEC §2): its users and their roles, its locations and its sign-in
 * tenants. For the partner-admin of a partner organization and the vendor-admin of the vendor organization;
 * everyone else gets 403, and ids of other organizations' users, locations and tenants are 404.
 * See docs/ORGANIZATION.md.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatedUserOut,
  CreateUserBody,
  Id,
  LinkTenantBody,
  LocationBody,
  LocationOut,
  OrganizationUserOut,
  PasswordResetOut,
  PatchLocationBody,
  PatchUserBody,
  TenantOut,
  UserListOut,
  UserListQuery,
} from '../../core/schemas.ts';
import type { ServiceContext } from '../services/context.ts';
import {
  createLocation,
  deleteOrganizationLocation,
  listLocations,
  updateOrganizationLocation,
} from '../services/org-locations.ts';
import { linkTenant, listTenants, unlinkTenant } from '../services/org-tenants.ts';
import {
  createUser,
  deleteOrganizationUser,
  getUser,
  listUsers,
  resetPassword,
  updateOrganizationUser,
} from '../services/org-users.ts';
import { actorOf } from './auth.ts';
import { errorResponses } from './common.ts';

const Params = z.object({ id: Id });
const noContent = { 204: z.undefined(), ...errorResponses };
const WHO = 'Partner-admin (vendor: vendor-admin) only.';

export function organizationRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    // ---------------------------------------------------------------- users and roles
    const users = ['users'];
    app.get(
      '/users',
      {
        schema: {
          tags: users,
          summary: 'The users of your organization with their roles and scopes, by name; cursor paging',
          description: `${WHO} Disabled users are listed too (\`disabled: true\`).`,
          querystring: UserListQuery,
          response: { 200: UserListOut, ...errorResponses },
        },
      },
      async (request) => listUsers(ctx, actorOf(request), request.query),
    );
    app.post(
      '/users',
      {
        schema: {
          tags: users,
          summary: 'Add a user to your organization with their roles',
          description:
            `${WHO} Roles must fit your organization (partner roles or vendor roles); only referrals-admin and ` +
            'referrals-user take a set of your locations as their scope, other roles are company-wide (else ' +
            '400 at the field). An e-mail address that any user has is 409 `user-exists`. Without `password` ' +
            'one is generated and returned once as `initialPassword`: hand it over, it is not shown again.',
          body: CreateUserBody,
          response: { 201: CreatedUserOut, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await createUser(ctx, actorOf(request), request.body)),
    );
    app.get(
      '/users/:id',
      {
        schema: {
          tags: users,
          summary: 'One user of your organization',
          description: WHO,
          params: Params,
          response: { 200: OrganizationUserOut, ...errorResponses },
        },
      },
      async (request) => getUser(ctx, actorOf(request), request.params.id),
    );
    app.patch(
      '/users/:id',
      {
        schema: {
          tags: users,
          summary:
            'Change a user: name, language, tenant, roles and scopes (replaced as a whole), disable or enable',
          description:
            `${WHO} Disabling ends the user’s sessions and stops their API tokens at once (enabling again ` +
            'makes the tokens work again; sessions do not come back). You cannot disable yourself (409 ' +
            '`own-account`), and your organization keeps at least one active admin (409 `last-admin`).',
          params: Params,
          body: PatchUserBody,
          response: { 200: OrganizationUserOut, ...errorResponses },
        },
      },
      async (request) => updateOrganizationUser(ctx, actorOf(request), request.params.id, request.body),
    );
    app.post(
      '/users/:id/reset-password',
      {
        schema: {
          tags: users,
          summary: 'Give another user a new generated password, returned once; their sessions end',
          description: `${WHO} Not for yourself (409 \`own-account\`).`,
          params: Params,
          response: { 200: PasswordResetOut, ...errorResponses },
        },
      },
      async (request) => resetPassword(ctx, actorOf(request), request.params.id),
    );
    app.delete(
      '/users/:id',
      {
        schema: {
          tags: users,
          summary: 'Delete a disabled user; their notes and activity keep their name',
          description:
            `${WHO} Only a disabled user (409 \`user-active\`: disable them first), never yourself (409 ` +
            '`own-account`). Their roles, sessions, API tokens, favorites and notifications are deleted with ' +
            'them and their e-mail address may be given to a new user; notes they wrote and the activity keep ' +
            'their name. Not undone.',
          params: Params,
          response: noContent,
        },
      },
      async (request, reply) => {
        await deleteOrganizationUser(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );

    // ---------------------------------------------------------------- locations
    const locations = ['locations'];
    app.get(
      '/locations',
      {
        schema: {
          tags: locations,
          summary: 'Your organization’s locations, oldest (the default) first',
          description: WHO,
          response: { 200: z.object({ items: z.array(LocationOut) }), ...errorResponses },
        },
      },
      async (request) => listLocations(ctx, actorOf(request)),
    );
    app.post(
      '/locations',
      {
        schema: {
          tags: locations,
          summary: 'Add a location',
          description: `${WHO} Names are unique in your organization, case-insensitively (409 \`location-name-taken\`).`,
          body: LocationBody,
          response: { 201: LocationOut, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createLocation(ctx, actorOf(request), request.body)),
    );
    app.patch(
      '/locations/:id',
      {
        schema: {
          tags: locations,
          summary: 'Rename a location or change its country or city',
          description: `${WHO} Deals, scopes and rules keep pointing at it.`,
          params: Params,
          body: PatchLocationBody,
          response: { 200: LocationOut, ...errorResponses },
        },
      },
      async (request) => updateOrganizationLocation(ctx, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/locations/:id',
      {
        schema: {
          tags: locations,
          summary: 'Delete a location nothing uses',
          description:
            `${WHO} Refused with 409 \`location-in-use\` while deals, role scopes, solutions or routing rules ` +
            'use it (`inUse` in the list says so), and with 409 `last-location` for the only one.',
          params: Params,
          response: noContent,
        },
      },
      async (request, reply) => {
        await deleteOrganizationLocation(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );

    // ---------------------------------------------------------------- tenants
    const tenants = ['tenants'];
    app.get(
      '/tenants',
      {
        schema: {
          tags: tenants,
          summary: 'The sign-in tenants linked to your organization; `current` is the one you are in',
          description: `${WHO} Everything your organization sees is visible from each of them.`,
          response: { 200: z.object({ items: z.array(TenantOut) }), ...errorResponses },
        },
      },
      async (request) => listTenants(ctx, actorOf(request)),
    );
    app.post(
      '/tenants',
      {
        schema: {
          tags: tenants,
          summary: 'Link a sign-in tenant (an identity domain) to your organization',
          description: `${WHO} A domain linked to any organization already is 409 \`tenant-already-linked\`.`,
          body: LinkTenantBody,
          response: { 201: TenantOut, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await linkTenant(ctx, actorOf(request), request.body)),
    );
    app.delete(
      '/tenants/:id',
      {
        schema: {
          tags: tenants,
          summary: 'Unlink a tenant',
          description:
            `${WHO} Refused (409) for the tenant you are signed in through (\`current-tenant\`), for the last ` +
            'one (`last-tenant`) and while active users sign in through it (`tenant-in-use`: move them first).',
          params: Params,
          response: noContent,
        },
      },
      async (request, reply) => {
        await unlinkTenant(ctx, actorOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
