/**
 * Setting up a real deployment (not the demo): the vendor organization and its first vendor-admin.
 * Used by `cosell create-admin`. Idempotent for the organization; refuses an e-mail that exists.
 */
import { emailKey } from '../access/actor.ts';
import { getVendor, insertLocation, insertOrganization } from '../db/repositories/organizations.ts';
import { findUserByEmail, insertRoles, insertUser } from '../db/repositories/users.ts';
import { DomainError, invalid } from '../errors.ts';
import { newId } from '../ids.ts';
import { inTransaction, nowIso, type ServiceContext } from './context.ts';
import { hashPassword } from './passwords.ts';

export const MIN_PASSWORD_LENGTH = 12;

export async function createVendorAdmin(
  ctx: ServiceContext,
  input: { email: string; name: string; password: string; country: string; city: string },
) {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email)) throw invalid('email', 'Not an e-mail address.');
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw invalid('password', `Use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (!/^[A-Z]{2}$/.test(input.country))
    throw invalid('country', 'Expected an ISO 3166 two-letter country code.');
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, async (trx) => {
    if (await findUserByEmail(trx, emailKey(input.email))) {
      throw new DomainError('invalid-input', 'A user with this e-mail exists.', 'email');
    }
    const now = nowIso(ctx);
    let vendor = await getVendor(trx);
    if (!vendor) {
      const id = newId();
      await insertOrganization(trx, {
        id,
        kind: 'vendor',
        name: ctx.config.vendorName,
        partner_id: null,
        co_sell_ready: 1,
        assessment_approved: 0,
        created_at: now,
      });
      await insertLocation(trx, {
        id: newId(),
        organization_id: id,
        name: `${ctx.config.vendorName} ${input.city}`,
        country: input.country,
        city: input.city,
        created_at: now,
      });
      vendor = await getVendor(trx);
    }
    if (!vendor) throw new Error('the vendor organization could not be created');
    const userId = newId();
    await insertUser(trx, {
      id: userId,
      organization_id: vendor.id,
      tenant_id: null,
      name: input.name,
      email: emailKey(input.email),
      password_hash: passwordHash,
      locale: 'en',
      created_at: now,
      disabled_at: null,
    });
    await insertRoles(trx, [{ id: newId(), user_id: userId, role: 'vendor-admin', location_id: null }]);
    return { userId, organizationId: vendor.id, organizationName: vendor.name };
  });
}
