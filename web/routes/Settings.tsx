/**
 * Settings: the organization as the user sees it and their API tokens (everyone); for the organization's admin
 * (partner-admin; vendor: vendor-admin) also its users and roles, locations and tenants.
 */
import { Body1, Card, makeStyles, Subtitle2, Title2 } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';
import { useMe } from '../session.ts';
import { label, ROLE_LABELS } from '../terms.ts';
import { isOrganizationAdmin } from './settings/common.tsx';
import { LocationsSection } from './settings/LocationsSection.tsx';
import { grantText } from './settings/RolesEditor.tsx';
import { TenantsSection } from './settings/TenantsSection.tsx';
import { TokensSection } from './settings/TokensSection.tsx';
import { UsersSection } from './settings/UsersSection.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '1080px' },
  card: { padding: '20px' },
  dl: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '6px 16px', margin: 0 },
  dd: { margin: 0 },
});

export default function Settings() {
  const { t } = useTranslation();
  const styles = useStyles();
  const me = useMe().data!;
  const admin = isOrganizationAdmin(me);

  return (
    <section className={styles.page} aria-labelledby="settings-title">
      <Title2 as="h1" id="settings-title">
        {t('Settings')}
      </Title2>
      <Card className={styles.card} aria-labelledby="organization-title">
        <Subtitle2 as="h2" id="organization-title">
          {t('Organization')}
        </Subtitle2>
        <dl className={styles.dl}>
          <dt>{t('Name')}</dt>
          <dd className={styles.dd}>{me.organization.name}</dd>
          {me.organization.partnerId && (
            <>
              <dt>{t('Partner ID')}</dt>
              <dd className={styles.dd}>{me.organization.partnerId}</dd>
            </>
          )}
          <dt>{t('Signed in through tenant')}</dt>
          <dd className={styles.dd} data-testid="signed-in-tenant">
            {me.tenant ? `${me.tenant.name} (${me.tenant.domain})` : '—'}
          </dd>
          <dt>{t('Linked tenants')}</dt>
          <dd className={styles.dd}>
            {me.organization.tenants.map((x) => `${x.name} (${x.domain})`).join(', ') || '—'}
          </dd>
          <dt>{t('Locations')}</dt>
          <dd className={styles.dd}>
            {me.organization.locations.map((l) => `${l.name} (${l.city}, ${l.country})`).join('; ')}
          </dd>
          <dt>{t('Your roles')}</dt>
          <dd className={styles.dd} data-testid="your-roles">
            {me.roles.map((r) => grantText(t, r, me.organization.locations)).join('; ') || '—'}
          </dd>
        </dl>
        {!admin && (
          <Body1>
            {t('Your organization’s admin ({{role}}) manages its users, locations and tenants.', {
              role: label(
                t,
                ROLE_LABELS,
                me.organization.kind === 'vendor' ? 'vendor-admin' : 'partner-admin',
              ),
            })}
          </Body1>
        )}
      </Card>
      {admin && (
        <>
          <UsersSection me={me} />
          <LocationsSection />
          <TenantsSection />
        </>
      )}
      <TokensSection />
    </section>
  );
}
