import {
  Button,
  Checkbox,
  Combobox,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Option,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HELP_TYPES } from '../../core/lifecycle.ts';
import { api, unwrap } from '../api/client.ts';
import { HELP_LABELS, label } from '../terms.ts';
import { MoneyField } from './MoneyField.tsx';

export interface TeamMember {
  name: string;
  phone: string;
  email: string;
}

export interface InvitationDraft {
  /** A stable key for the form's list. */
  key: string;
  partnerId: string;
  partnerName: string;
  closeDate: string;
  amount: string;
  currency: string;
  notes: string;
  help: string;
  solutionIds: string[];
  teamEmails: string[];
}

export const emptyInvitation = (defaults: Partial<InvitationDraft> = {}): InvitationDraft => ({
  key: crypto.randomUUID(),
  partnerId: '',
  partnerName: '',
  closeDate: '',
  amount: '',
  currency: 'USD',
  notes: '',
  help: 'none',
  solutionIds: [],
  teamEmails: [],
  ...defaults,
});

/** The API's invitation body from a draft. */
export function invitationBody(draft: InvitationDraft, team: TeamMember[]) {
  return {
    partnerId: draft.partnerId,
    closeDate: draft.closeDate,
    value: { amount: draft.amount, currency: draft.currency },
    ...(draft.notes.trim() ? { notes: draft.notes.trim() } : {}),
    team: team
      .filter((m) => draft.teamEmails.includes(m.email))
      .map((m) => ({ name: m.name, phone: m.phone, email: m.email })),
    solutionIds: draft.solutionIds,
    help: draft.help as never,
  };
}

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    padding: '16px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  head: { display: 'flex', justifyContent: 'space-between', alignItems: 'center' },
  checks: { display: 'flex', flexDirection: 'column' },
});

/** One invited partner: who, close date and value of their part, notes, our people, solutions, help. */
export function InvitationEditor({
  index,
  draft,
  onChange,
  onRemove,
  team,
  errors = {},
}: {
  index: number;
  draft: InvitationDraft;
  onChange: (draft: InvitationDraft) => void;
  onRemove?: () => void;
  team: TeamMember[];
  errors?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const [query, setQuery] = useState(draft.partnerName);
  const partners = useQuery({
    queryKey: ['partners', query],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/partners', { params: { query: query ? { q: query } : {} } })).items,
  });
  // The invited partner brings its own co-sell-ready solutions.
  const offered = useQuery({
    queryKey: ['solutions', 'partners', 100],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/solutions', { params: { query: { kind: 'partners', limit: 100 } } }))
        .items,
  });
  const solutions = (offered.data ?? []).filter((s) => s.publisher.id === draft.partnerId);
  const set = (changes: Partial<InvitationDraft>) => onChange({ ...draft, ...changes });
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...new Set([...list, value])] : list.filter((v) => v !== value);
  const prefix = `invitations.${index}`;
  return (
    <fieldset className={styles.box} style={{ margin: 0 }}>
      <div className={styles.head}>
        <legend>
          <Subtitle2>{t('Invited partner {{n}}', { n: index + 1 })}</Subtitle2>
        </legend>
        {onRemove && (
          <Button appearance="subtle" icon={<DeleteRegular />} onClick={onRemove}>
            {t('Remove')}
          </Button>
        )}
      </div>
      <Field label={t('Partner')} required validationMessage={errors[`${prefix}.partnerId`]}>
        <Combobox
          placeholder={t('Search co-sell-ready partners by name')}
          value={query}
          selectedOptions={draft.partnerId ? [draft.partnerId] : []}
          onChange={(e) => {
            setQuery(e.target.value);
            if (draft.partnerId) set({ partnerId: '', partnerName: '', solutionIds: [] });
          }}
          onOptionSelect={(_e, d) => {
            const partner = partners.data?.find((p) => p.id === d.optionValue);
            if (partner) {
              setQuery(partner.name);
              set({ partnerId: partner.id, partnerName: partner.name, solutionIds: [] });
            }
          }}
          data-testid="partner-search"
        >
          {(partners.data ?? []).map((p) => (
            <Option key={p.id} value={p.id} text={p.name}>
              {p.name}
              {p.partnerId ? ` · ${p.partnerId}` : ''}
            </Option>
          ))}
        </Combobox>
      </Field>
      <Field
        label={t('Estimated close date for this partner')}
        required
        validationMessage={errors[`${prefix}.closeDate`]}
      >
        <Input type="date" value={draft.closeDate} onChange={(_e, d) => set({ closeDate: d.value })} />
      </Field>
      <MoneyField
        label={t('Estimated value of this partner’s part')}
        amount={draft.amount}
        currency={draft.currency}
        onChange={(v) => set(v)}
        required
        amountError={errors[`${prefix}.value.amount`] ?? errors[`${prefix}.value`]}
        currencyError={errors[`${prefix}.value.currency`]}
      />
      <Field label={t('Help needed from this partner')}>
        <Dropdown
          value={label(t, HELP_LABELS, draft.help)}
          selectedOptions={[draft.help]}
          onOptionSelect={(_e, d) => set({ help: d.optionValue ?? 'none' })}
        >
          {HELP_TYPES.map((h) => (
            <Option key={h} value={h}>
              {label(t, HELP_LABELS, h)}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label={t('Why we invite them')}>
        <Textarea value={draft.notes} onChange={(_e, d) => set({ notes: d.value })} />
      </Field>
      <Field label={t('Our people who work with them')} validationMessage={errors[`${prefix}.team`]}>
        <div className={styles.checks}>
          {team.map((m) => (
            <Checkbox
              key={m.email}
              label={`${m.name} (${m.email})`}
              checked={draft.teamEmails.includes(m.email)}
              onChange={(_e, d) => set({ teamEmails: toggle(draft.teamEmails, m.email, d.checked === true) })}
            />
          ))}
        </div>
      </Field>
      <Field label={t('Solutions we want them to bring')} validationMessage={errors[`${prefix}.solutionIds`]}>
        <div className={styles.checks} data-testid="invite-solutions">
          {!draft.partnerId && <span>{t('Choose the partner first.')}</span>}
          {solutions.map((s) => (
            <Checkbox
              key={s.id}
              label={s.name}
              checked={draft.solutionIds.includes(s.id)}
              onChange={(_e, d) => set({ solutionIds: toggle(draft.solutionIds, s.id, d.checked === true) })}
            />
          ))}
        </div>
      </Field>
    </fieldset>
  );
}
