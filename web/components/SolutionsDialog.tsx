import {
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
} from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Deal, unwrap } from '../api/client.ts';
import { msg } from '../terms.ts';

const GROUPS = {
  mine: msg('My company’s solutions'),
  vendor: msg('Vendor solutions'),
  partners: msg('Other partners’ solutions'),
} as const;

/**
 * Changes the solutions of an accepted deal: the groups of the wizard's solutions step, without assessments
 * (an assessment makes a deal of its own). Solutions already on the deal that no group lists any more (e.g.
 * a partner's solution no longer co-sell ready) stay listed, so that keeping them is a choice.
 */
export function SolutionsDialog({
  deal,
  onClose,
  onSave,
  busy,
  error,
}: {
  deal: Deal;
  onClose: () => void;
  onSave: (solutionIds: string[]) => void;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>(deal.solutions.map((s) => s.id));
  const groups = useQuery({
    queryKey: ['solutions', 'editable-groups'],
    queryFn: async () =>
      Promise.all(
        (Object.keys(GROUPS) as (keyof typeof GROUPS)[]).map(async (kind) => ({
          kind,
          items: unwrap(await api.GET('/api/v1/solutions', { params: { query: { kind } } })).items,
        })),
      ),
  });
  // A solution appears in its first group only (a vendor's own solutions are also the vendor's).
  const seen = new Set<string>();
  const listed = (groups.data ?? []).map((group) => ({
    ...group,
    items: group.items.filter((s) => !seen.has(s.id) && seen.add(s.id)),
  }));
  const unlisted = deal.solutions.filter((s) => groups.isSuccess && !seen.has(s.id));
  const toggle = (id: string, on: boolean) =>
    setChosen(on ? [...chosen.filter((c) => c !== id), id] : chosen.filter((c) => c !== id));
  const changed =
    chosen.length !== deal.solutions.length || deal.solutions.some((s) => !chosen.includes(s.id));
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSave(chosen);
          }}
        >
          <DialogBody>
            <DialogTitle>{t('Change solutions')}</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              {groups.isPending && <Spinner size="small" label={t('Loading…')} />}
              {unlisted.length > 0 && (
                <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
                  <legend>
                    <Text weight="semibold">{t('On this deal')}</Text>
                  </legend>
                  {unlisted.map((s) => (
                    <Checkbox
                      key={s.id}
                      label={`${s.name} · ${s.publisher.name}`}
                      checked={chosen.includes(s.id)}
                      onChange={(_e, d) => toggle(s.id, d.checked === true)}
                    />
                  ))}
                </fieldset>
              )}
              {listed.map((group) => (
                <fieldset key={group.kind} style={{ border: 0, padding: 0, margin: 0 }}>
                  <legend>
                    <Text weight="semibold">{t(GROUPS[group.kind])}</Text>
                  </legend>
                  {group.items.length === 0 && <Caption1>{t('None available.')}</Caption1>}
                  {group.items.map((s) => (
                    <Checkbox
                      key={s.id}
                      label={`${s.name}${group.kind === 'partners' ? ` · ${s.publisher.name}` : ''}`}
                      checked={chosen.includes(s.id)}
                      onChange={(_e, d) => toggle(s.id, d.checked === true)}
                    />
                  ))}
                </fieldset>
              ))}
              {chosen.length === 0 && (
                <Caption1 role="status">{t('A deal needs at least one solution.')}</Caption1>
              )}
              {error && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{error}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('Cancel')}</Button>
              <Button appearance="primary" type="submit" disabled={busy || chosen.length === 0 || !changed}>
                {t('Save')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
