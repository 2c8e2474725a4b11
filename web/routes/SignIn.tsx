import {
  Body1,
  Button,
  Caption1,
  Card,
  Divider,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Persona,
  Select,
  Subtitle2,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { HandshakeRegular } from '@fluentui/react-icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, api, setCsrfToken, unwrap } from '../api/client.ts';
import { isLanguage, LANGUAGES, type Language, setLanguage } from '../i18n/index.ts';
import { ME_KEY } from '../session.ts';
import { label, ROLE_LABELS } from '../terms.ts';

const useStyles = makeStyles({
  page: {
    minHeight: '100vh',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    gap: '32px',
    flexWrap: 'wrap',
    padding: '32px',
    boxSizing: 'border-box',
    background: 'linear-gradient(135deg, #e8f1fb 0%, #faf9f8 60%)',
  },
  card: { width: '380px', maxWidth: '100%', padding: '32px' },
  brand: { display: 'flex', alignItems: 'center', gap: '8px', color: '#0f6cbd' },
  form: { display: 'flex', flexDirection: 'column', gap: '16px' },
  personas: { width: '420px', maxWidth: '100%', padding: '24px' },
  personaButton: {
    justifyContent: 'flex-start',
    width: '100%',
    padding: '8px',
    height: 'auto',
    textAlign: 'start',
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

const DEMO_PASSWORD = 'cosell-demo';

export default function SignIn() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const demo = useQuery({
    queryKey: ['demo-personas'],
    queryFn: async () => unwrap(await api.GET('/api/v1/demo/personas')),
  });

  const signIn = async (address: string, secret: string) => {
    setBusy(true);
    setError(null);
    try {
      const session = unwrap(
        await api.POST('/api/v1/auth/login', { body: { email: address, password: secret } }),
      );
      setCsrfToken(session.csrfToken);
      queryClient.clear();
      const me = unwrap(await api.GET('/api/v1/me'));
      queryClient.setQueryData(ME_KEY, me);
      // The user's own language, as chosen on any device (kept on the server).
      if (isLanguage(me.user.locale)) await setLanguage(me.user.locale);
      const next = params.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? t('The e-mail address or password is wrong.')
          : e instanceof ApiError && e.status === 429
            ? t('Too many attempts. Wait a moment and try again.')
            : t('Sign-in failed. Try again.'),
      );
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn(email.trim(), password);
  };

  return (
    <div className={styles.page}>
      <Card className={styles.card}>
        <div className={styles.brand}>
          <HandshakeRegular fontSize={32} aria-hidden />
          <Title2 as="h1">cosell</Title2>
        </div>
        <Body1 className={styles.muted}>{t('Sell together with your vendor and partners.')}</Body1>
        <form className={styles.form} onSubmit={submit} aria-label={t('Sign in')}>
          <Field label={t('E-mail address')} required>
            <Input
              type="email"
              autoComplete="username"
              value={email}
              onChange={(_e, d) => setEmail(d.value)}
              name="email"
            />
          </Field>
          <Field label={t('Password')} required>
            <Input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(_e, d) => setPassword(d.value)}
              name="password"
            />
          </Field>
          {error && (
            <MessageBar intent="error" role="alert">
              <MessageBarBody>{error}</MessageBarBody>
            </MessageBar>
          )}
          <Button appearance="primary" type="submit" disabled={busy || !email || !password}>
            {t('Sign in')}
          </Button>
          <Field label={t('Language')}>
            <Select value={i18n.language} onChange={(_e, d) => void setLanguage(d.value as Language)}>
              {LANGUAGES.map((l) => (
                <option key={l.id} value={l.id} lang={l.id}>
                  {l.name}
                </option>
              ))}
            </Select>
          </Field>
        </form>
      </Card>
      {demo.data?.demo && (
        <Card className={styles.personas}>
          <Subtitle2 as="h2">{t('Demo personas')}</Subtitle2>
          <Caption1 className={styles.muted}>
            {t('This server runs with demo data. Pick a persona to sign in (password {{password}}).', {
              password: DEMO_PASSWORD,
            })}
          </Caption1>
          <Divider />
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label={t('Demo personas')}>
            {demo.data.personas.map((p) => (
              <li key={p.email}>
                <Button
                  appearance="subtle"
                  className={styles.personaButton}
                  disabled={busy}
                  onClick={() => void signIn(p.email, DEMO_PASSWORD)}
                  data-email={p.email}
                >
                  <Persona
                    name={p.name}
                    secondaryText={`${p.organization} · ${p.roles.map((r) => label(t, ROLE_LABELS, r)).join(', ')}`}
                    tertiaryText={p.email}
                    avatar={{ color: 'colorful' }}
                  />
                </Button>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
