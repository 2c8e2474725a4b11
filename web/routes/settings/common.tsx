/** What the Settings sections share: types, who administers, error texts, a secret shown once, countries. */
import { Button, MessageBar, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ISO_COUNTRY_CODES } from '../../../core/countries.ts';
import { ApiError, type Me } from '../../api/client.ts';
import type { components } from '../../api/schema.d.ts';
import { msg } from '../../terms.ts';

export type OrgUser = components['schemas']['OrganizationUser'];
export type OrgLocation = components['schemas']['Location'];
export type Tenant = components['schemas']['Tenant'];
export type RoleGrant = components['schemas']['RoleGrant'];
export type Role = RoleGrant['role'];

export const USERS_KEY = ['organization', 'users'] as const;
export const LOCATIONS_KEY = ['organization', 'locations'] as const;
export const TENANTS_KEY = ['organization', 'tenants'] as const;

/** The partner-admin of a partner organization, the vendor-admin of the vendor (the server decides the same). */
export const isOrganizationAdmin = (me: Me) =>
  me.roles.some((r) => r.role === (me.organization.kind === 'vendor' ? 'vendor-admin' : 'partner-admin'));

const ERROR_TEXT: Record<string, string> = {
  'user-exists': msg('A user with this e-mail address exists already.'),
  'own-account': msg('You cannot do this to your own account. Ask another admin.'),
  'user-active': msg('Disable the user before deleting them.'),
  'last-admin': msg(
    'Your organization must keep at least one active admin. Make someone else an admin first.',
  ),
  'location-in-use': msg(
    'Deals, role scopes, solutions or routing rules use this location, so it cannot be deleted. Rename it instead.',
  ),
  'last-location': msg('Your organization must keep at least one location.'),
  'location-name-taken': msg('Your organization has a location with this name already.'),
  'tenant-already-linked': msg('This tenant is linked to an organization already.'),
  'current-tenant': msg('You are signed in through this tenant, so you cannot unlink it.'),
  'last-tenant': msg('Your organization must keep at least one linked tenant.'),
  'tenant-in-use': msg(
    'Users sign in through this tenant. Move them to another tenant or disable them first.',
  ),
  forbidden: msg('Your role does not allow this.'),
};

/** A refusal in the user's language where the code is known; the server's (English) message otherwise. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const known = ERROR_TEXT[error.code];
    if (known) return t(known);
    return t('The change was refused: {{reason}}', { reason: error.message });
  }
  return t('Something went wrong. Try again.');
}

/** A secret (a token, a password) shown once, with a copy button. */
export function ShownOnce({ title, secret, testId }: { title: string; secret: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <MessageBar intent="success">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <div
          style={{ fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere', margin: '4px 0' }}
          data-testid={testId}
        >
          {secret}
        </div>
        <Button
          size="small"
          icon={<CopyRegular />}
          onClick={() => void navigator.clipboard?.writeText(secret)}
        >
          {t('Copy')}
        </Button>
      </MessageBarBody>
    </MessageBar>
  );
}

/** ISO 3166 countries named in the UI language, sorted by name. */
export function useCountries() {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const names = new Intl.DisplayNames([i18n.language], { type: 'region' });
    const name = (code: string) => names.of(code) ?? code;
    const list = ISO_COUNTRY_CODES.map((code) => ({ code, name: name(code) })).sort((a, b) =>
      a.name.localeCompare(b.name, i18n.language),
    );
    return { list, name };
  }, [i18n.language]);
}
