/**
 * Users and roles (admins only): the organization's users with their roles and scopes, found by name or
 * e-mail; add a user (their first password is shown once), change their roles, language and tenant, reset
 * their password, disable or enable them, and delete a disabled one.
 */
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Option,
  Radio,
  RadioGroup,
  SearchBox,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { PeopleRegular, PersonAddRegular } from '@fluentui/react-icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Me, unwrap } from '../../api/client.ts';
import { LANGUAGES, type Language } from '../../i18n/index.ts';
import { ME_KEY } from '../../session.ts';
import {
  errorText,
  LOCATIONS_KEY,
  type OrgUser,
  type RoleGrant,
  ShownOnce,
  TENANTS_KEY,
  USERS_KEY,
} from './common.tsx';
import { grantsComplete, grantText, RolesEditor } from './RolesEditor.tsx';

const useStyles = makeStyles({
  card: { padding: '20px', display: 'flex', flexDirection: 'column', gap: '12px' },
  toolbar: { display: 'flex', gap: '8px', alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', gap: '4px', flexWrap: 'wrap' },
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
  roles: { display: 'flex', flexDirection: 'column', gap: '2px' },
});

const NO_TENANT = '';
const PAGE = 50;

type Draft = {
  name: string;
  email: string;
  locale: string;
  tenantId: string;
  roles: RoleGrant[];
  password: 'generate' | 'set';
  chosenPassword: string;
};

export function UsersSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const styles = useStyles();
  // Dialogs opened from the buttons below give the focus back to their button when they close.
  const restoreFocusTarget = useRestoreFocusTarget();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [editing, setEditing] = useState<OrgUser | 'new' | null>(null);
  const [confirmDisable, setConfirmDisable] = useState<OrgUser | null>(null);
  const [confirmReset, setConfirmReset] = useState<OrgUser | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<OrgUser | null>(null);
  const [deleted, setDeleted] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ title: string; password: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const users = useInfiniteQuery({
    queryKey: [...USERS_KEY, q],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/api/v1/users', {
          params: {
            query: { limit: PAGE, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
  const locations = useQuery({
    queryKey: LOCATIONS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/locations')).items,
  });
  const tenants = useQuery({
    queryKey: TENANTS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/tenants')).items,
  });

  const refresh = (user?: { id: string }) => {
    void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    void queryClient.invalidateQueries({ queryKey: TENANTS_KEY });
    void queryClient.invalidateQueries({ queryKey: LOCATIONS_KEY });
    if (!user || user.id === me.user.id) void queryClient.invalidateQueries({ queryKey: ME_KEY });
  };

  const setDisabled = useMutation({
    mutationFn: async ({ user, disabled }: { user: OrgUser; disabled: boolean }) =>
      unwrap(
        await api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { disabled } }),
      ),
    onMutate: () => setFailure(null),
    onSuccess: (user) => {
      setConfirmDisable(null);
      refresh(user);
    },
    onError: (error) => {
      setConfirmDisable(null);
      setFailure(errorText(t, error));
    },
  });
  const remove = useMutation({
    mutationFn: async (user: OrgUser) =>
      unwrap(await api.DELETE('/api/v1/users/{id}', { params: { path: { id: user.id } } })),
    onMutate: () => {
      setFailure(null);
      setDeleted(null);
    },
    onSuccess: (_result, user) => {
      setConfirmDelete(null);
      setDeleted(t('{{name}} was deleted.', { name: user.name }));
      refresh(user);
    },
    onError: (error) => {
      setConfirmDelete(null);
      setFailure(errorText(t, error));
    },
  });
  const reset = useMutation({
    mutationFn: async (user: OrgUser) =>
      unwrap(await api.POST('/api/v1/users/{id}/reset-password', { params: { path: { id: user.id } } })),
    onMutate: () => setFailure(null),
    onSuccess: (result, user) => {
      setConfirmReset(null);
      setSecret({
        title: t('New password for {{name}}. Copy it now: it will not be shown again.', { name: user.name }),
        password: result.initialPassword,
      });
      refresh(user);
    },
    onError: (error) => {
      setConfirmReset(null);
      setFailure(errorText(t, error));
    },
  });

  const items = users.data?.pages.flatMap((page) => page.items) ?? [];
  const locationList = locations.data ?? me.organization.locations;

  return (
    <Card className={styles.card} aria-labelledby="users-title">
      <Subtitle2 as="h2" id="users-title">
        <PeopleRegular aria-hidden /> {t('Users and roles')}
      </Subtitle2>
      <Body1>
        {t(
          'Who works in your organization, what each of them may do, and for which locations. A disabled user can no longer sign in, and their API tokens stop working.',
        )}
      </Body1>
      <div className={styles.toolbar}>
        <Field label={t('Find a user')} className={styles.grow}>
          <SearchBox
            value={search}
            onChange={(_e, d) => setSearch(d.value)}
            placeholder={t('Name or e-mail')}
            maxLength={200}
          />
        </Field>
        <Button
          appearance="primary"
          icon={<PersonAddRegular />}
          onClick={() => setEditing('new')}
          {...restoreFocusTarget}
        >
          {t('Add user')}
        </Button>
      </div>
      {secret && <ShownOnce title={secret.title} secret={secret.password} testId="initial-password" />}
      {failure && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      )}
      {deleted && (
        <MessageBar intent="success" role="status" data-testid="user-deleted">
          <MessageBarBody>{deleted}</MessageBarBody>
        </MessageBar>
      )}
      <Table aria-label={t('Users and roles')} data-testid="users">
        <TableHeader>
          <TableRow>
            <TableHeaderCell style={{ width: '24%' }}>{t('Name')}</TableHeaderCell>
            <TableHeaderCell style={{ width: '28%' }}>{t('Roles')}</TableHeaderCell>
            <TableHeaderCell style={{ width: '12%' }}>{t('Tenant')}</TableHeaderCell>
            <TableHeaderCell style={{ width: '10%' }}>{t('Status')}</TableHeaderCell>
            <TableHeaderCell style={{ width: '26%' }}>{t('Actions')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((user) => (
            <TableRow key={user.id} data-user-id={user.id}>
              <TableCell>
                <div>{user.name}</div>
                <Caption1 className={styles.muted}>{user.email}</Caption1>
              </TableCell>
              <TableCell>
                <div className={styles.roles}>
                  {user.roles.map((grant) => (
                    <span key={grant.role}>{grantText(t, grant, locationList)}</span>
                  ))}
                </div>
              </TableCell>
              <TableCell>{user.tenant ? user.tenant.name : '—'}</TableCell>
              <TableCell>
                {user.disabled ? (
                  <Badge appearance="tint" color="danger">
                    {t('Disabled')}
                  </Badge>
                ) : (
                  <Badge appearance="tint" color="success">
                    {t('Active')}
                  </Badge>
                )}
              </TableCell>
              <TableCell>
                <div className={styles.actions}>
                  <Button
                    size="small"
                    onClick={() => setEditing(user)}
                    {...restoreFocusTarget}
                    aria-label={t('Edit {{name}}', { name: user.name })}
                  >
                    {t('Edit')}
                  </Button>
                  {user.id !== me.user.id &&
                    (user.disabled ? (
                      <Button
                        size="small"
                        disabled={setDisabled.isPending}
                        onClick={() => setDisabled.mutate({ user, disabled: false })}
                        aria-label={t('Enable {{name}}', { name: user.name })}
                      >
                        {t('Enable')}
                      </Button>
                    ) : (
                      <Button
                        size="small"
                        onClick={() => setConfirmDisable(user)}
                        {...restoreFocusTarget}
                        aria-label={t('Disable {{name}}', { name: user.name })}
                      >
                        {t('Disable')}
                      </Button>
                    ))}
                  {user.id !== me.user.id && user.disabled && (
                    <Button
                      size="small"
                      onClick={() => setConfirmDelete(user)}
                      {...restoreFocusTarget}
                      aria-label={t('Delete {{name}}', { name: user.name })}
                    >
                      {t('Delete')}
                    </Button>
                  )}
                  {user.id !== me.user.id && (
                    <Button
                      size="small"
                      onClick={() => setConfirmReset(user)}
                      {...restoreFocusTarget}
                      aria-label={t('Reset password for {{name}}', { name: user.name })}
                    >
                      {t('Reset password')}
                    </Button>
                  )}
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {users.isSuccess && items.length === 0 && (
        <Body1 className={styles.muted}>{t('No users found.')}</Body1>
      )}
      {users.hasNextPage && (
        <Button onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          {t('Show more')}
        </Button>
      )}

      {editing && (
        <UserDialog
          me={me}
          user={editing === 'new' ? null : editing}
          locations={locationList}
          tenants={tenants.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={(user, password) => {
            setEditing(null);
            setFailure(null);
            setSecret(
              password
                ? {
                    title: t('{{name}} was added. Copy the password now: it will not be shown again.', {
                      name: user.name,
                    }),
                    password,
                  }
                : null,
            );
            refresh(user);
          }}
        />
      )}
      <Dialog open={confirmDisable !== null} onOpenChange={(_e, d) => !d.open && setConfirmDisable(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('Disable {{name}}?', { name: confirmDisable?.name ?? '' })}</DialogTitle>
            <DialogContent>
              {t(
                'They are signed out at once, and their API tokens stop working until you enable them again.',
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirmDisable(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={setDisabled.isPending}
                onClick={() => confirmDisable && setDisabled.mutate({ user: confirmDisable, disabled: true })}
              >
                {t('Disable')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      <Dialog open={confirmDelete !== null} onOpenChange={(_e, d) => !d.open && setConfirmDelete(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('Delete {{name}}?', { name: confirmDelete?.name ?? '' })}</DialogTitle>
            <DialogContent>
              {t(
                'Their roles, API tokens, favorites and notifications are deleted, and their e-mail address can be given to someone else. Notes and activity keep their name. This cannot be undone.',
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirmDelete(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={remove.isPending}
                onClick={() => confirmDelete && remove.mutate(confirmDelete)}
              >
                {t('Delete')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      <Dialog open={confirmReset !== null} onOpenChange={(_e, d) => !d.open && setConfirmReset(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>
              {t('Reset the password of {{name}}?', { name: confirmReset?.name ?? '' })}
            </DialogTitle>
            <DialogContent>
              {t(
                'They get a new password, which you see once and hand over. Their current sessions end; their API tokens keep working.',
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirmReset(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={reset.isPending}
                onClick={() => confirmReset && reset.mutate(confirmReset)}
              >
                {t('Reset password')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </Card>
  );
}

/** Add a user, or change one: name, language, tenant, roles and scopes. */
function UserDialog({
  me,
  user,
  locations,
  tenants,
  onClose,
  onSaved,
}: {
  me: Me;
  user: OrgUser | null;
  locations: readonly { id: string; name: string }[];
  tenants: { id: string; name: string; domain: string; current: boolean }[];
  onClose: () => void;
  onSaved: (user: OrgUser, password: string | null) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [draft, setDraft] = useState<Draft>(() => ({
    name: user?.name ?? '',
    email: user?.email ?? '',
    locale: user?.locale ?? me.user.locale,
    tenantId: user
      ? (user.tenant?.id ?? NO_TENANT)
      : (tenants.find((x) => x.current)?.id ?? tenants[0]?.id ?? NO_TENANT),
    roles: user?.roles ?? [],
    password: 'generate',
    chosenPassword: '',
  }));
  const [failure, setFailure] = useState<{ text: string; path?: string | undefined } | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = useMutation({
    mutationFn: async () => {
      const common = {
        name: draft.name.trim(),
        locale: draft.locale as Language,
        tenantId: draft.tenantId === NO_TENANT ? null : draft.tenantId,
        roles: draft.roles,
      };
      if (user) {
        const saved = unwrap(
          await api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: common }),
        );
        return { user: saved, password: null };
      }
      const created = unwrap(
        await api.POST('/api/v1/users', {
          body: {
            ...common,
            email: draft.email.trim(),
            ...(draft.password === 'set' ? { password: draft.chosenPassword } : {}),
          },
        }),
      );
      return { user: created, password: created.initialPassword };
    },
    onSuccess: ({ user: saved, password }) => onSaved(saved, password),
    onError: (error) => setFailure({ text: errorText(t, error), path: (error as { path?: string }).path }),
  });

  const passwordOk = draft.password === 'generate' || draft.chosenPassword.length >= 12;
  const ready =
    draft.name.trim() !== '' &&
    (user || draft.email.trim() !== '') &&
    grantsComplete(draft.roles) &&
    (user || passwordOk);
  const invalidAt = (path: string) => (failure?.path === path ? failure.text : undefined);

  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setFailure(null);
            save.mutate();
          }}
        >
          <DialogBody>
            <DialogTitle>{user ? t('Change {{name}}', { name: user.name }) : t('Add user')}</DialogTitle>
            <DialogContent className={styles.form}>
              <Field label={t('Name')} required validationMessage={invalidAt('name')}>
                <Input value={draft.name} onChange={(_e, d) => set({ name: d.value })} maxLength={200} />
              </Field>
              {user ? (
                <Field label={t('E-mail')}>
                  <Input value={draft.email} readOnly />
                </Field>
              ) : (
                <Field label={t('E-mail')} required validationMessage={invalidAt('email')}>
                  <Input
                    type="email"
                    value={draft.email}
                    onChange={(_e, d) => set({ email: d.value })}
                    maxLength={254}
                  />
                </Field>
              )}
              <Field label={t('Language')}>
                <Dropdown
                  value={LANGUAGES.find((l) => l.id === draft.locale)?.name ?? draft.locale}
                  selectedOptions={[draft.locale]}
                  onOptionSelect={(_e, d) => d.optionValue && set({ locale: d.optionValue })}
                >
                  {LANGUAGES.map((language) => (
                    <Option key={language.id} value={language.id} lang={language.id}>
                      {language.name}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <Field label={t('Tenant')} hint={t('The linked tenant this user signs in through.')}>
                <Dropdown
                  value={
                    draft.tenantId === NO_TENANT
                      ? t('No tenant')
                      : (tenants.find((x) => x.id === draft.tenantId)?.name ?? '')
                  }
                  selectedOptions={[draft.tenantId]}
                  onOptionSelect={(_e, d) => set({ tenantId: d.optionValue ?? NO_TENANT })}
                >
                  <Option value={NO_TENANT}>{t('No tenant')}</Option>
                  {tenants.map((tenant) => (
                    <Option key={tenant.id} value={tenant.id} text={tenant.name}>
                      {`${tenant.name} (${tenant.domain})`}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <RolesEditor
                kind={me.organization.kind}
                locations={locations}
                value={draft.roles}
                onChange={(roles) => set({ roles })}
              />
              {!user && (
                <>
                  <RadioGroup
                    aria-label={t('First password')}
                    value={draft.password}
                    onChange={(_e, d) => set({ password: d.value as Draft['password'] })}
                  >
                    <Radio value="generate" label={t('Generate a password and show it to me once')} />
                    <Radio value="set" label={t('Set a password myself')} />
                  </RadioGroup>
                  {draft.password === 'set' && (
                    <Field
                      label={t('Password')}
                      required
                      hint={t('At least 12 characters.')}
                      validationMessage={invalidAt('password')}
                    >
                      <Input
                        type="password"
                        autoComplete="new-password"
                        value={draft.chosenPassword}
                        onChange={(_e, d) => set({ chosenPassword: d.value })}
                        maxLength={1024}
                      />
                    </Field>
                  )}
                </>
              )}
              {failure && !['name', 'email', 'password'].includes(failure.path ?? '') && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{failure.text}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('Cancel')}</Button>
              <Button appearance="primary" type="submit" disabled={!ready || save.isPending}>
                {user ? t('Save') : t('Add user')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
