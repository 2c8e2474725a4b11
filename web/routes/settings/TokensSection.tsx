/** API tokens of the signed-in user (everyone): create (shown once), list, revoke. */
import {
  Body1,
  Button,
  Card,
  Field,
  Input,
  makeStyles,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { KeyRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { formatDateTime } from '../../format.ts';
import { ShownOnce } from './common.tsx';

const useStyles = makeStyles({
  card: { padding: '20px', display: 'flex', flexDirection: 'column', gap: '12px' },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-end' },
});

export function TokensSection() {
  const { t } = useTranslation();
  const styles = useStyles();
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
    <Card className={styles.card} aria-labelledby="tokens-title">
      <Subtitle2 as="h2" id="tokens-title">
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
        <ShownOnce
          title={t('Copy the token now: it will not be shown again.')}
          secret={created.token}
          testId="new-token"
        />
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
  );
}
