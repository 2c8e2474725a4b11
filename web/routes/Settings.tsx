import {
  Body1,
  Button,
  Card,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { CopyRegular, KeyRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { formatDateTime } from '../format.ts';
import { useMe } from '../session.ts';
import { label, ROLE_LABELS } from '../terms.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  card: { padding: '20px' },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-end' },
  secret: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  dl: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '6px 16px', margin: 0 },
});

export default function Settings() {
  const { t } = useTranslation();
  const styles = useStyles();
  const me = useMe().data!;
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  const tokens = useQuery({
    queryKey: ['tokens'],
    queryFn: async () => unwrap(await api.GET('/api/v1/tokens')).items,
  });
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/tokens', { body: { name: name.trim() } })),
    onSuccess: (token) => {
      setCreated({ name: token.name, token: token.token });
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });

  return (
    <section className={styles.page} aria-labelledby="settings-title">
      <Title2 as="h1" id="settings-title">
        {t('Settings')}
      </Title2>
      <Card className={styles.card}>
        <Subtitle2 as="h2">{t('Organization')}</Subtitle2>
        <dl className={styles.dl}>
          <dt>{t('Name')}</dt>
          <dd>{me.organization.name}</dd>
          {me.organization.partnerId && (
            <>
              <dt>{t('Partner ID')}</dt>
              <dd>{me.organization.partnerId}</dd>
            </>
          )}
          <dt>{t('Signed in through tenant')}</dt>
          <dd>{me.tenant ? `${me.tenant.name} (${me.tenant.domain})` : '—'}</dd>
          <dt>{t('Linked tenants')}</dt>
          <dd>{me.organization.tenants.map((x) => `${x.name} (${x.domain})`).join(', ') || '—'}</dd>
          <dt>{t('Locations')}</dt>
          <dd>{me.organization.locations.map((l) => `${l.name} (${l.city}, ${l.country})`).join('; ')}</dd>
          <dt>{t('Your roles')}</dt>
          <dd>{me.roles.map((r) => label(t, ROLE_LABELS, r.role)).join(', ')}</dd>
        </dl>
      </Card>
      <Card className={styles.card}>
        <Subtitle2 as="h2">
          <KeyRegular aria-hidden /> {t('API tokens')}
        </Subtitle2>
        <Body1>
          {t(
            'Tokens let your CRM or scripts call the API as you. A token is shown once, right after you create it.',
          )}
        </Body1>
        <form
          className={styles.row}
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Field label={t('Token name')} style={{ flexGrow: 1 }}>
            <Input value={name} onChange={(_e, d) => setName(d.value)} maxLength={100} />
          </Field>
          <Button appearance="primary" type="submit" disabled={!name.trim() || create.isPending}>
            {t('Create token')}
          </Button>
        </form>
        {created && (
          <MessageBar intent="success">
            <MessageBarBody>
              <MessageBarTitle>{t('Copy the token now: it will not be shown again.')}</MessageBarTitle>
              <div className={styles.secret} data-testid="new-token">
                {created.token}
              </div>
              <Button
                size="small"
                icon={<CopyRegular />}
                onClick={() => void navigator.clipboard?.writeText(created.token)}
              >
                {t('Copy')}
              </Button>
            </MessageBarBody>
          </MessageBar>
        )}
        <Table aria-label={t('API tokens')}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('Name')}</TableHeaderCell>
              <TableHeaderCell>{t('Created')}</TableHeaderCell>
              <TableHeaderCell>{t('Last used')}</TableHeaderCell>
              <TableHeaderCell>{t('Status')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {tokens.data?.map((token) => (
              <TableRow key={token.id}>
                <TableCell>{token.name}</TableCell>
                <TableCell>{formatDateTime(token.createdAt)}</TableCell>
                <TableCell>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : t('Never')}</TableCell>
                <TableCell>
                  {token.revokedAt ? (
                    t('Revoked')
                  ) : (
                    <Button size="small" onClick={() => revoke.mutate(token.id)} disabled={revoke.isPending}>
                      {t('Revoke')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Card>
    </section>
  );
}
