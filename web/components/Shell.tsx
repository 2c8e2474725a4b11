import {
  Avatar,
  Badge,
  Button,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  makeStyles,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import {
  AddRegular,
  BuildingRegular,
  GlobeRegular,
  HandshakeRegular,
  PasswordRegular,
  SettingsRegular,
  SignOutRegular,
} from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, memo, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type NavigateFunction, useLocation, useNavigate } from 'react-router';
import { api, type Me, setCsrfToken } from '../api/client.ts';
import i18next, { isLanguage, LANGUAGES, type Language, setLanguage } from '../i18n/index.ts';
import { ME_KEY, worksDeals } from '../session.ts';
import { label, ROLE_LABELS } from '../terms.ts';

const ChangePasswordDialog = lazy(() => import('./ChangePasswordDialog.tsx'));

const useStyles = makeStyles({
  root: { minHeight: '100vh', display: 'flex', flexDirection: 'column', backgroundColor: '#faf9f8' },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: '12px',
    height: '48px',
    padding: '0 16px',
    backgroundColor: '#0f548c',
    color: tokens.colorNeutralForegroundOnBrand,
    flexShrink: 0,
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    gap: '8px',
    color: 'inherit',
    textDecoration: 'none',
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase400,
    marginRight: '8px',
  },
  nav: { display: 'flex', gap: '4px', flexGrow: 1, minWidth: 0 },
  navLink: {
    color: 'inherit',
    textDecoration: 'none',
    padding: '6px 10px',
    borderRadius: tokens.borderRadiusMedium,
    whiteSpace: 'nowrap',
    ':hover': { backgroundColor: 'rgba(0,0,0,0.2)' },
    ':focus-visible': { outline: '2px solid white' },
  },
  navActive: { backgroundColor: 'rgba(0,0,0,0.25)', boxShadow: 'inset 0 -2px 0 white' },
  org: { display: 'flex', alignItems: 'center', gap: '6px', whiteSpace: 'nowrap', overflow: 'hidden' },
  headerButton: { color: tokens.colorNeutralForegroundOnBrand, minWidth: 'auto' },
  main: { flexGrow: 1, padding: '24px 32px', maxWidth: '1600px', width: '100%', boxSizing: 'border-box' },
  tenantBadge: { maxWidth: '220px', overflow: 'hidden', textOverflow: 'ellipsis' },
});

export function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useTranslation();
  const styles = useStyles();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [changingPassword, setChangingPassword] = useState(false);
  const changePassword = useCallback(() => setChangingPassword(true), []);

  // The language is a per-user choice kept on the server: it follows the user to every browser.
  const serverLocale = me.user.locale;
  useEffect(() => {
    if (isLanguage(serverLocale) && serverLocale !== i18next.language) void setLanguage(serverLocale);
  }, [serverLocale]);

  return (
    <div className={styles.root}>
      <a href="#main" className="skip-link" style={{ position: 'absolute', left: -9999 }}>
        {t('Skip to content')}
      </a>
      <Header me={me} pathname={pathname} navigate={navigate} onChangePassword={changePassword} />
      {changingPassword && (
        <Suspense fallback={null}>
          <ChangePasswordDialog open onClose={() => setChangingPassword(false)} />
        </Suspense>
      )}
      <main id="main" className={styles.main}>
        {children}
      </main>
    </div>
  );
}

/**
 * The header with the organization, language and user menus. It depends on the path, not on the query string:
 * a change of the co-sell home's tab, filters or sort does not render its menus again.
 */
const Header = memo(function Header({
  me,
  pathname,
  navigate,
  onChangePassword,
}: {
  me: Me;
  pathname: string;
  navigate: NavigateFunction;
  onChangePassword: () => void;
}) {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const queryClient = useQueryClient();
  // The password dialog opens from the user menu, which closes: closing the dialog gives the focus to its button.
  const restoreFocusTarget = useRestoreFocusTarget();

  const signOut = async () => {
    await api.POST('/api/v1/auth/logout');
    setCsrfToken(null);
    queryClient.clear();
    navigate('/sign-in');
  };

  const chooseLanguage = async (language: Language) => {
    queryClient.setQueryData(ME_KEY, { ...me, user: { ...me.user, locale: language } });
    await setLanguage(language);
    const result = await api.PATCH('/api/v1/me', { body: { locale: language } });
    if (result.data) queryClient.setQueryData(ME_KEY, result.data);
  };

  const navItem = (to: string, text: string, icon: ReactNode) => {
    const active = to === '/' ? pathname === '/' : pathname.startsWith(to);
    return (
      <a
        href={to}
        className={`${styles.navLink} ${active ? styles.navActive : ''}`}
        aria-current={active ? 'page' : undefined}
        onClick={(event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          navigate(to);
        }}
      >
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
          {icon}
          {text}
        </span>
      </a>
    );
  };

  const tenant = me.tenant ?? me.organization.tenants[0] ?? null;

  return (
    <header className={styles.header}>
      <a
        href="/"
        className={styles.brand}
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        <HandshakeRegular fontSize={22} aria-hidden />
        cosell
      </a>
      <nav className={styles.nav} aria-label={t('Main')}>
        {worksDeals(me) && navItem('/', t('Co-sell deals'), null)}
        {worksDeals(me) && navItem('/deals/new', t('New deal'), <AddRegular aria-hidden />)}
        {navItem('/settings', t('Settings'), <SettingsRegular aria-hidden />)}
      </nav>
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button
            appearance="transparent"
            className={styles.headerButton}
            icon={<BuildingRegular />}
            data-testid="org"
          >
            <span className={styles.org}>
              {me.organization.name}
              {tenant && (
                <Badge appearance="tint" color="informative" className={styles.tenantBadge}>
                  {tenant.name}
                </Badge>
              )}
            </span>
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuGroup>
              <MenuGroupHeader>
                {t('You are signed in through the tenant {{tenant}}.', {
                  tenant: tenant ? `${tenant.name} (${tenant.domain})` : '—',
                })}
              </MenuGroupHeader>
            </MenuGroup>
            <MenuDivider />
            <MenuGroup>
              <MenuGroupHeader>
                {t('Linked tenants (everything is visible from each of them):')}
              </MenuGroupHeader>
              {me.organization.tenants.map((x) => (
                <MenuItem key={x.id} disabled>
                  {x.name} ({x.domain})
                </MenuItem>
              ))}
            </MenuGroup>
          </MenuList>
        </MenuPopover>
      </Menu>
      <Menu
        checkedValues={{ language: [i18n.language] }}
        onCheckedValueChange={(_e, data) => {
          const next = data.checkedItems[0] as Language | undefined;
          if (next) void chooseLanguage(next);
        }}
      >
        <MenuTrigger disableButtonEnhancement>
          <Button
            appearance="transparent"
            className={styles.headerButton}
            icon={<GlobeRegular />}
            data-testid="language-menu"
            title={t('Language')}
          >
            {LANGUAGES.find((l) => l.id === i18n.language)?.name}
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            {LANGUAGES.map((language) => (
              <MenuItemRadio key={language.id} name="language" value={language.id} lang={language.id}>
                {language.name}
              </MenuItemRadio>
            ))}
          </MenuList>
        </MenuPopover>
      </Menu>
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button
            appearance="transparent"
            className={styles.headerButton}
            data-testid="user-menu"
            {...restoreFocusTarget}
            icon={
              <span aria-hidden="true" style={{ display: 'inline-flex' }}>
                <Avatar name={me.user.name} size={24} color="colorful" aria-hidden />
              </span>
            }
          >
            {me.user.name}
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuGroup>
              <MenuGroupHeader>{me.user.name}</MenuGroupHeader>
              <MenuItem disabled>{me.user.email}</MenuItem>
              {me.roles.map((r) => (
                <MenuItem disabled key={`${r.role}-${JSON.stringify(r.scope)}`}>
                  {label(t, ROLE_LABELS, r.role)}
                  {r.scope === 'company'
                    ? ` · ${t('Entire company')}`
                    : ` · ${r.scope.locationIds
                        .map((id) => me.organization.locations.find((l) => l.id === id)?.name ?? id)
                        .join(', ')}`}
                </MenuItem>
              ))}
            </MenuGroup>
            <MenuDivider />
            <MenuItem icon={<PasswordRegular />} onClick={onChangePassword} data-testid="change-password">
              {t('Change password')}
            </MenuItem>
            <MenuItem icon={<SignOutRegular />} onClick={() => void signOut()}>
              {t('Sign out')}
            </MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
    </header>
  );
});
