/** Locations (admins only): add, rename or move, and delete those nothing uses. */
import {
  Badge,
  Body1,
  Button,
  Card,
  Combobox,
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
  makeStyles,
  Option,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { AddRegular, LocationRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { ME_KEY } from '../../session.ts';
import { errorText, LOCATIONS_KEY, type OrgLocation, USERS_KEY, useCountries } from './common.tsx';

const useStyles = makeStyles({
  card: { padding: '20px', display: 'flex', flexDirection: 'column', gap: '12px' },
  toolbar: { display: 'flex', justifyContent: 'flex-end' },
  actions: { display: 'flex', gap: '4px', alignItems: 'center', flexWrap: 'wrap' },
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
});

export function LocationsSection() {
  const { t } = useTranslation();
  const styles = useStyles();
  // Dialogs opened from the buttons below give the focus back to their button when they close.
  const restoreFocusTarget = useRestoreFocusTarget();
  const queryClient = useQueryClient();
  const countries = useCountries();
  const [editing, setEditing] = useState<OrgLocation | 'new' | null>(null);
  const [deleting, setDeleting] = useState<OrgLocation | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const locations = useQuery({
    queryKey: LOCATIONS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/locations')).items,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: LOCATIONS_KEY });
    void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    void queryClient.invalidateQueries({ queryKey: ME_KEY });
  };
  const remove = useMutation({
    mutationFn: async (location: OrgLocation) =>
      unwrap(await api.DELETE('/api/v1/locations/{id}', { params: { path: { id: location.id } } })),
    onMutate: () => setFailure(null),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
    onError: (error) => {
      setDeleting(null);
      setFailure(errorText(t, error));
    },
  });

  return (
    <Card className={styles.card} aria-labelledby="locations-title">
      <Subtitle2 as="h2" id="locations-title">
        <LocationRegular aria-hidden /> {t('Locations')}
      </Subtitle2>
      <Body1>
        {t(
          'Deals belong to a location, and referrals roles can be limited to some locations. A location in use cannot be deleted; rename it instead.',
        )}
      </Body1>
      <div className={styles.toolbar}>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          onClick={() => setEditing('new')}
          {...restoreFocusTarget}
        >
          {t('Add location')}
        </Button>
      </div>
      {failure && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      )}
      <Table aria-label={t('Locations')} data-testid="locations">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('Name')}</TableHeaderCell>
            <TableHeaderCell>{t('City')}</TableHeaderCell>
            <TableHeaderCell>{t('Country or region')}</TableHeaderCell>
            <TableHeaderCell>{t('Actions')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(locations.data ?? []).map((location, index) => (
            <TableRow key={location.id} data-location-id={location.id}>
              <TableCell>
                {location.name}{' '}
                {index === 0 && (
                  <Badge appearance="outline" color="informative">
                    {t('Default')}
                  </Badge>
                )}
              </TableCell>
              <TableCell>{location.city}</TableCell>
              <TableCell>{countries.name(location.country)}</TableCell>
              <TableCell>
                <div className={styles.actions}>
                  <Button
                    size="small"
                    onClick={() => setEditing(location)}
                    {...restoreFocusTarget}
                    aria-label={t('Edit {{name}}', { name: location.name })}
                  >
                    {t('Edit')}
                  </Button>
                  {location.inUse ? (
                    <Badge appearance="tint" color="informative">
                      {t('In use')}
                    </Badge>
                  ) : (
                    <Button
                      size="small"
                      disabled={(locations.data?.length ?? 0) <= 1}
                      onClick={() => setDeleting(location)}
                      {...restoreFocusTarget}
                      aria-label={t('Delete {{name}}', { name: location.name })}
                    >
                      {t('Delete')}
                    </Button>
                  )}
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      {editing && (
        <LocationDialog
          location={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setFailure(null);
            refresh();
          }}
        />
      )}
      <Dialog open={deleting !== null} onOpenChange={(_e, d) => !d.open && setDeleting(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('Delete {{name}}?', { name: deleting?.name ?? '' })}</DialogTitle>
            <DialogContent>{t('Nothing uses this location. Deleting it cannot be undone.')}</DialogContent>
            <DialogActions>
              <Button onClick={() => setDeleting(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={remove.isPending}
                onClick={() => deleting && remove.mutate(deleting)}
              >
                {t('Delete')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </Card>
  );
}

function LocationDialog({
  location,
  onClose,
  onSaved,
}: {
  location: OrgLocation | null;
  onClose: () => void;
  onSaved: (location: OrgLocation) => void;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const countries = useCountries();
  const [name, setName] = useState(location?.name ?? '');
  const [country, setCountry] = useState(location?.country ?? '');
  const [countryText, setCountryText] = useState(location ? countries.name(location.country) : '');
  const [city, setCity] = useState(location?.city ?? '');
  const [failure, setFailure] = useState<{ text: string; path?: string | undefined } | null>(null);

  const save = useMutation({
    mutationFn: async () => {
      const body = { name: name.trim(), country, city: city.trim() };
      return location
        ? unwrap(await api.PATCH('/api/v1/locations/{id}', { params: { path: { id: location.id } }, body }))
        : unwrap(await api.POST('/api/v1/locations', { body }));
    },
    onSuccess: onSaved,
    onError: (error) => setFailure({ text: errorText(t, error), path: (error as { path?: string }).path }),
  });
  const at = (path: string) => (failure?.path === path ? failure.text : undefined);
  const matching = countries.list.filter((c) =>
    c.name.toLocaleLowerCase().includes(countryText.trim().toLocaleLowerCase()),
  );

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
            <DialogTitle>
              {location ? t('Change {{name}}', { name: location.name }) : t('Add location')}
            </DialogTitle>
            <DialogContent className={styles.form}>
              <Field label={t('Name')} required validationMessage={at('name')}>
                <Input value={name} onChange={(_e, d) => setName(d.value)} maxLength={200} />
              </Field>
              <Field label={t('Country or region')} required validationMessage={at('country')}>
                <Combobox
                  value={countryText}
                  selectedOptions={country ? [country] : []}
                  onChange={(e) => setCountryText(e.target.value)}
                  onOptionSelect={(_e, d) => {
                    if (!d.optionValue) return;
                    setCountry(d.optionValue);
                    setCountryText(d.optionText ?? d.optionValue);
                  }}
                >
                  {matching.map((c) => (
                    <Option key={c.code} value={c.code} text={c.name}>
                      {c.name}
                    </Option>
                  ))}
                </Combobox>
              </Field>
              <Field label={t('City')} required validationMessage={at('city')}>
                <Input value={city} onChange={(_e, d) => setCity(d.value)} maxLength={100} />
              </Field>
              {failure && !['name', 'country', 'city'].includes(failure.path ?? '') && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{failure.text}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={!name.trim() || !country || !city.trim() || save.isPending}
              >
                {location ? t('Save') : t('Add location')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
