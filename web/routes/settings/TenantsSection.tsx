/**
 * Tenants (admins only): which tenant you are in, said plainly; the linked tenants with their users; link
 * another; unlink one that nobody active signs in through (not yours, not the last).
 */
import {
  Badge,
  Body1,
  Button,
  Card,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
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
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { LinkRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { formatNumber } from '../../format.ts';
import { ME_KEY } from '../../session.ts';
import { errorText, TENANTS_KEY, type Tenant, USERS_KEY } from './common.tsx';

const useStyles = makeStyles({
  card: { padding: '20px', display: 'flex', flexDirection: 'column', gap: '12px' },
  form: { display: 'flex', gap: '8px', alignItems: 'flex-start', flexWrap: 'wrap' },
  // Level with the inputs below their labels.
  submit: { marginTop: '26px' },
  grow: { flexGrow: 1, minWidth: '220px' },
});

export function TenantsSection() {
  const { t } = useTranslation();
  const styles = useStyles();
  // Dialogs opened from the buttons below give the focus back to their button when they close.
  const restoreFocusTarget = useRestoreFocusTarget();
  const queryClient = useQueryClient();
  const [domain, setDomain] = useState('');
  const [name, setName] = useState('');
  const [unlinking, setUnlinking] = useState<Tenant | null>(null);
  const [failure, setFailure] = useState<{ text: string; path?: string | undefined } | null>(null);

  const tenants = useQuery({
    queryKey: TENANTS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/tenants')).items,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: TENANTS_KEY });
    void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    void queryClient.invalidateQueries({ queryKey: ME_KEY });
  };
  const link = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/tenants', {
          body: { domain: domain.trim(), ...(name.trim() ? { name: name.trim() } : {}) },
        }),
      ),
    onMutate: () => setFailure(null),
    onSuccess: () => {
      setDomain('');
      setName('');
      refresh();
    },
    onError: (error) => setFailure({ text: errorText(t, error), path: (error as { path?: string }).path }),
  });
  const unlink = useMutation({
    mutationFn: async (tenant: Tenant) =>
      unwrap(await api.DELETE('/api/v1/tenants/{id}', { params: { path: { id: tenant.id } } })),
    onMutate: () => setFailure(null),
    onSuccess: () => {
      setUnlinking(null);
      refresh();
    },
    onError: (error) => {
      setUnlinking(null);
      setFailure({ text: errorText(t, error) });
    },
  });

  const list = tenants.data ?? [];
  const current = list.find((x) => x.current);

  return (
    <Card className={styles.card} aria-labelledby="tenants-title">
      <Subtitle2 as="h2" id="tenants-title">
        <LinkRegular aria-hidden /> {t('Tenants')}
      </Subtitle2>
      {tenants.isSuccess && (
        <MessageBar intent={current ? 'info' : 'warning'} data-testid="current-tenant">
          <MessageBarBody>
            <MessageBarTitle>
              {current
                ? t('You are signed in through the tenant {{tenant}}.', {
                    tenant: `${current.name} (${current.domain})`,
                  })
                : t('You are not signed in through a linked tenant.')}
            </MessageBarTitle>
            {t('Everything your organization sees is visible from each linked tenant.')}
          </MessageBarBody>
        </MessageBar>
      )}
      <Table aria-label={t('Linked tenants')} data-testid="tenants">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('Name')}</TableHeaderCell>
            <TableHeaderCell>{t('Domain')}</TableHeaderCell>
            <TableHeaderCell>{t('Active users')}</TableHeaderCell>
            <TableHeaderCell>{t('Actions')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {list.map((tenant) => (
            <TableRow key={tenant.id} data-tenant-id={tenant.id}>
              <TableCell>
                {tenant.name}{' '}
                {tenant.current && (
                  <Badge appearance="filled" color="brand">
                    {t('You are here')}
                  </Badge>
                )}
              </TableCell>
              <TableCell>{tenant.domain}</TableCell>
              <TableCell>{formatNumber(tenant.activeUsers)}</TableCell>
              <TableCell>
                {!tenant.current && list.length > 1 && (
                  <Button
                    size="small"
                    onClick={() => setUnlinking(tenant)}
                    {...restoreFocusTarget}
                    aria-label={t('Unlink {{name}}', { name: tenant.name })}
                  >
                    {t('Unlink')}
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {tenants.isSuccess && list.length === 0 && <Body1>{t('No tenant is linked yet.')}</Body1>}
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          link.mutate();
        }}
      >
        <Field
          label={t('Tenant domain')}
          className={styles.grow}
          hint={t('For example contoso.onmicrosoft.com')}
          validationMessage={failure?.path === 'domain' ? failure.text : undefined}
        >
          <Input value={domain} onChange={(_e, d) => setDomain(d.value)} maxLength={253} />
        </Field>
        <Field
          label={t('Display name (optional)')}
          className={styles.grow}
          validationMessage={failure?.path === 'name' ? failure.text : undefined}
        >
          <Input value={name} onChange={(_e, d) => setName(d.value)} maxLength={100} />
        </Field>
        <Button
          appearance="primary"
          type="submit"
          className={styles.submit}
          disabled={!domain.trim() || link.isPending}
        >
          {t('Link tenant')}
        </Button>
      </form>
      {failure && failure.path !== 'domain' && failure.path !== 'name' && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{failure.text}</MessageBarBody>
        </MessageBar>
      )}
      <Dialog open={unlinking !== null} onOpenChange={(_e, d) => !d.open && setUnlinking(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('Unlink {{name}}?', { name: unlinking?.name ?? '' })}</DialogTitle>
            <DialogContent>
              {t(
                'People who sign in through this tenant will no longer reach your organization. Users still assigned to it must be moved first.',
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setUnlinking(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={unlink.isPending}
                onClick={() => unlinking && unlink.mutate(unlinking)}
              >
                {t('Unlink')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </Card>
  );
}
