/**
 * The signed-in user changes their own password (POST /api/v1/me/password): the current one, the new one
 * twice. The server keeps this session signed in and ends the user's other sessions; its refusals land on
 * their field.
 */
import {
  Button,
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
} from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../api/client.ts';

/** The server's rule (MIN_PASSWORD_LENGTH in core/schemas.ts, which the web app does not load: it brings zod). */
const MIN_PASSWORD_LENGTH = 12;

type FieldName = 'currentPassword' | 'newPassword' | 'repeat';

/** Loaded on demand (the shell's user menu opens it); a default export for React.lazy. */
export default function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const close = () => {
    setCurrent('');
    setNext('');
    setRepeat('');
    setErrors({});
    setFailure(null);
    setDone(false);
    onClose();
  };

  const submit = async () => {
    const found: Partial<Record<FieldName, string>> = {};
    if (!current) found.currentPassword = t('Enter your current password.');
    if (next.length < MIN_PASSWORD_LENGTH)
      found.newPassword = t('At least {{length}} characters.', { length: MIN_PASSWORD_LENGTH });
    else if (next === current) found.newPassword = t('Choose a password other than your current one.');
    if (!found.newPassword && repeat !== next) found.repeat = t('The two new passwords differ.');
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      unwrap(
        await api.POST('/api/v1/me/password', { body: { currentPassword: current, newPassword: next } }),
      );
      setDone(true);
    } catch (error) {
      if (error instanceof ApiError && error.path === 'currentPassword') {
        setErrors({ currentPassword: t('The current password is wrong.') });
      } else if (error instanceof ApiError && error.path === 'newPassword') {
        setErrors({ newPassword: t('Choose a password other than your current one.') });
      } else if (error instanceof ApiError && error.code === 'rate-limited') {
        setFailure(t('Too many wrong passwords. Wait a minute and try again.'));
      } else {
        setFailure(t('Something went wrong. Try again.'));
      }
    } finally {
      setBusy(false);
    }
  };

  const state = (name: FieldName) => (errors[name] ? ('error' as const) : undefined);

  return (
    <Dialog open={open} onOpenChange={(_e, d) => !d.open && close()}>
      <DialogSurface aria-describedby={undefined}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (done) close();
            else void submit();
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>{t('Change password')}</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              {done ? (
                <MessageBar intent="success" data-testid="password-changed">
                  <MessageBarBody>
                    {t(
                      'Your password was changed. You stay signed in here; your other sessions were signed out.',
                    )}
                  </MessageBarBody>
                </MessageBar>
              ) : (
                <>
                  <Field
                    label={t('Current password')}
                    required
                    validationState={state('currentPassword')}
                    validationMessage={errors.currentPassword}
                  >
                    <Input
                      type="password"
                      autoComplete="current-password"
                      value={current}
                      onChange={(_e, d) => setCurrent(d.value)}
                    />
                  </Field>
                  <Field
                    label={t('New password')}
                    required
                    validationState={state('newPassword')}
                    validationMessage={errors.newPassword}
                    hint={t('At least {{length}} characters.', { length: MIN_PASSWORD_LENGTH })}
                  >
                    <Input
                      type="password"
                      autoComplete="new-password"
                      value={next}
                      onChange={(_e, d) => setNext(d.value)}
                    />
                  </Field>
                  <Field
                    label={t('Repeat the new password')}
                    required
                    validationState={state('repeat')}
                    validationMessage={errors.repeat}
                  >
                    <Input
                      type="password"
                      autoComplete="new-password"
                      value={repeat}
                      onChange={(_e, d) => setRepeat(d.value)}
                    />
                  </Field>
                  {failure && (
                    <MessageBar intent="error">
                      <MessageBarBody>{failure}</MessageBarBody>
                    </MessageBar>
                  )}
                </>
              )}
            </DialogContent>
            <DialogActions>
              {done ? (
                <Button appearance="primary" type="submit">
                  {t('Close')}
                </Button>
              ) : (
                <>
                  <Button appearance="secondary" onClick={close}>
                    {t('Cancel')}
                  </Button>
                  <Button appearance="primary" type="submit" disabled={busy}>
                    {t('Change password')}
                  </Button>
                </>
              )}
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
