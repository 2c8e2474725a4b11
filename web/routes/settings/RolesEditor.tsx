/**
 * The roles of a user with their scopes: one checkbox per role the organization's users can hold; the roles
 * that take a scope (referrals-admin, referrals-user) choose the entire company or some of its locations.
 */
import { Caption1, Checkbox, makeStyles, Radio, RadioGroup, tokens } from '@fluentui/react-components';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { PARTNER_ROLES, SCOPED_ROLES, VENDOR_ROLES } from '../../../core/lifecycle.ts';
import { label, msg, ROLE_LABELS } from '../../terms.ts';
import type { Role, RoleGrant } from './common.tsx';

const useStyles = makeStyles({
  fieldset: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '8px 12px 12px',
    margin: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
  },
  legend: { padding: '0 4px', fontWeight: tokens.fontWeightSemibold },
  role: { display: 'flex', flexDirection: 'column' },
  hint: { color: tokens.colorNeutralForeground3, marginLeft: '32px' },
  scope: { marginLeft: '32px', display: 'flex', flexDirection: 'column', gap: '2px' },
  locations: {
    display: 'flex',
    flexDirection: 'column',
    marginLeft: '24px',
    border: 'none',
    padding: 0,
    minWidth: 0,
  },
  locationsLegend: { padding: 0, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
});

const ROLE_HINTS: Record<Role, string> = {
  'partner-admin': msg(
    'Manages the organization: users and roles, locations, tenants. No deals by this role alone.',
  ),
  'referrals-admin': msg('Sees and works every deal of the locations in scope.'),
  'referrals-user': msg('Sees and works the deals in scope that they are on the team of.'),
  'solutions-admin': msg('Publishes and edits the organization’s solutions.'),
  'vendor-admin': msg('Every deal the vendor takes part in, program settings, and this page.'),
  'vendor-seller': msg('The deals the vendor takes part in that they are on the team of.'),
};

/** Whether the grants can be saved: at least one role, and a location scope names at least one location. */
export const grantsComplete = (grants: readonly RoleGrant[]) =>
  grants.length > 0 && grants.every((g) => g.scope === 'company' || g.scope.locationIds.length > 0);

export function RolesEditor({
  kind,
  locations,
  value,
  onChange,
}: {
  kind: 'partner' | 'vendor';
  locations: readonly { id: string; name: string }[];
  value: readonly RoleGrant[];
  onChange: (grants: RoleGrant[]) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const id = useId();
  const roles: readonly Role[] = kind === 'vendor' ? VENDOR_ROLES : PARTNER_ROLES;
  const grantOf = (role: Role) => value.find((g) => g.role === role);
  const replace = (role: Role, grant: RoleGrant | null) => {
    const others = value.filter((g) => g.role !== role);
    const next = grant ? [...others, grant] : others;
    // Kept in the order the roles are listed.
    onChange(roles.flatMap((r) => next.filter((g) => g.role === r)));
  };

  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>{t('Roles')}</legend>
      {roles.map((role) => {
        const grant = grantOf(role);
        const name = label(t, ROLE_LABELS, role);
        const scoped = (SCOPED_ROLES as readonly Role[]).includes(role);
        const selected = grant && grant.scope !== 'company' ? grant.scope.locationIds : null;
        return (
          <div key={role} className={styles.role} data-role={role}>
            <Checkbox
              label={name}
              checked={Boolean(grant)}
              aria-describedby={`${id}-${role}-hint`}
              onChange={(_e, d) => replace(role, d.checked ? { role, scope: 'company' } : null)}
            />
            <Caption1 id={`${id}-${role}-hint`} className={styles.hint}>
              {t(ROLE_HINTS[role])}
            </Caption1>
            {grant && scoped && (
              <div className={styles.scope}>
                <RadioGroup
                  aria-label={t('Scope of {{role}}', { role: name })}
                  value={selected ? 'locations' : 'company'}
                  onChange={(_e, d) =>
                    replace(role, {
                      role,
                      scope: d.value === 'company' ? 'company' : { locationIds: [] },
                    })
                  }
                >
                  <Radio value="company" label={t('Entire company')} />
                  <Radio value="locations" label={t('Selected locations')} />
                </RadioGroup>
                {selected && (
                  <fieldset className={styles.locations}>
                    <legend className={styles.locationsLegend}>
                      {t('Locations in the scope of {{role}}', { role: name })}
                    </legend>
                    {locations.map((location) => (
                      <Checkbox
                        key={location.id}
                        label={location.name}
                        checked={selected.includes(location.id)}
                        onChange={(_e, d) =>
                          replace(role, {
                            role,
                            scope: {
                              locationIds: d.checked
                                ? [...selected, location.id]
                                : selected.filter((x) => x !== location.id),
                            },
                          })
                        }
                      />
                    ))}
                    {selected.length === 0 && (
                      <Caption1 role="status">{t('Choose at least one location.')}</Caption1>
                    )}
                  </fieldset>
                )}
              </div>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** A grant for a table cell: the role and, when limited, the names of its locations. */
export function grantText(
  t: ReturnType<typeof useTranslation>['t'],
  grant: RoleGrant,
  locations: readonly { id: string; name: string }[],
): string {
  const role = label(t, ROLE_LABELS, grant.role);
  if (grant.scope === 'company') return role;
  const names = grant.scope.locationIds.map((id) => locations.find((l) => l.id === id)?.name ?? id);
  return t('{{role}}: {{locations}}', { role, locations: names.join(', ') });
}
