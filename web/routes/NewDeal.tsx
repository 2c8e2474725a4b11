import {
  Body1,
  Button,
  Caption1,
  Card,
  Checkbox,
  Combobox,
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
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  Option,
  Radio,
  RadioGroup,
  Subtitle2,
  Switch,
  Text,
  Textarea,
  Title2,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { AddRegular, CheckmarkCircleFilled, DeleteRegular, PersonAddRegular } from '@fluentui/react-icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ISO_COUNTRY_CODES } from '../../core/countries.ts';
import { HELP_TYPES } from '../../core/lifecycle.ts';
import {
  ApiError,
  api,
  type Company,
  type CreateDeal,
  type DuplicateCandidate,
  unwrap,
} from '../api/client.ts';
import {
  emptyInvitation,
  type InvitationDraft,
  InvitationEditor,
  invitationBody,
  type TeamMember,
} from '../components/InvitationEditor.tsx';
import { MoneyField } from '../components/MoneyField.tsx';
import { RouterLink } from '../components/RouterLink.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatDate, formatMoney, today } from '../format.ts';
import { useMe } from '../session.ts';
import { HELP_LABELS, label, msg } from '../terms.ts';

const STEPS = [msg('Customer'), msg('Deal details'), msg('Team'), msg('Solutions'), msg('Selling type')];

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: '220px minmax(0, 1fr)', gap: '32px', alignItems: 'start' },
  steps: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  stepButton: { width: '100%', justifyContent: 'flex-start' },
  panel: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '760px' },
  row: { display: 'flex', gap: '12px', flexWrap: 'wrap', '& > *': { flex: '1 1 220px' } },
  card: { padding: '20px' },
  nav: { display: 'flex', gap: '8px', justifyContent: 'space-between', marginTop: '8px' },
  suggestion: { display: 'flex', flexDirection: 'column' },
  muted: { color: tokens.colorNeutralForeground3 },
  member: { display: 'grid', gridTemplateColumns: '1fr 1fr 1fr auto', gap: '8px', alignItems: 'end' },
  side: { display: 'flex', flexDirection: 'column', gap: '8px' },
  group: { display: 'flex', flexDirection: 'column', gap: '4px' },
});

interface Form {
  country: string;
  city: string;
  companyQuery: string;
  company: Company | null;
  manual: boolean;
  manualName: string;
  manualAddress: string;
  manualPostal: string;
  contact: boolean;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  consent: boolean;
  name: string;
  locationId: string;
  amount: string;
  currency: string;
  closeDate: string;
  crmId: string;
  campaignId: string;
  notes: string;
  team: (TeamMember & { key: string })[];
  solutionIds: string[];
  selling: 'private' | 'share' | 'help';
  help: string;
  invite: boolean;
  invitations: InvitationDraft[];
}

/** Which step holds the field a server error names. */
function stepOf(path: string): number {
  if (/^(customer|customerContact|consent)/.test(path)) return 0;
  if (/^(name|locationId|value|closeDate|crmId|campaignId|notes)/.test(path)) return 1;
  if (path.startsWith('team')) return 2;
  if (path.startsWith('solutionIds')) return 3;
  return 4;
}

export default function NewDeal() {
  const { t, i18n } = useTranslation();
  const styles = useStyles();
  const me = useMe().data!;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const step = Math.min(4, Math.max(0, Number(params.get('step') ?? 0) || 0));
  const goTo = (n: number) => setParams(n === 0 ? {} : { step: String(n) });

  const scoped = me.roles.flatMap((r) =>
    r.role === 'referrals-admin' || r.role === 'referrals-user'
      ? r.scope === 'company'
        ? me.organization.locations.map((l) => l.id)
        : r.scope.locationIds
      : [],
  );
  const locations = me.organization.locations.filter(
    (l) => me.organization.kind === 'vendor' || scoped.includes(l.id),
  );
  const home = locations[0];
  const isVendor = me.organization.kind === 'vendor';

  const [form, setForm] = useState<Form>({
    country: home?.country ?? 'US',
    city: '',
    companyQuery: '',
    company: null,
    manual: false,
    manualName: '',
    manualAddress: '',
    manualPostal: '',
    contact: false,
    contactName: '',
    contactPhone: '',
    contactEmail: '',
    consent: false,
    name: '',
    locationId: home?.id ?? '',
    amount: '',
    currency: 'USD',
    closeDate: '',
    crmId: '',
    campaignId: '',
    notes: '',
    team: [{ key: crypto.randomUUID(), name: me.user.name, phone: '', email: me.user.email }],
    solutionIds: [],
    selling: 'private',
    help: 'general-or-other',
    // A vendor seller sends the deal to partners: that is the only selling type.
    invite: isVendor,
    invitations: isVendor ? [emptyInvitation({ teamEmails: [me.user.email] })] : [],
  });
  const set = (changes: Partial<Form>) => setForm((f) => ({ ...f, ...changes }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  // Keyboard and screen-reader users: a new step puts the focus on its heading (the button that changed the
  // step would otherwise keep it, below the step's fields), so Tab goes on into the step's first field.
  const formRef = useRef<HTMLFormElement>(null);
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    const heading = formRef.current?.querySelector<HTMLElement>('h2');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [step]);
  // A team member added with "Add member" gets the focus in their name; removing one gives it to "Add member".
  const [newMember, setNewMember] = useState<string | null>(null);
  const addMemberRef = useRef<HTMLButtonElement>(null);
  // The duplicates dialog opens from "Create deal" without a trigger of its own: closing it puts the focus back.
  const restoreFocusTarget = useRestoreFocusTarget();
  useEffect(() => {
    if (!newMember) return;
    formRef.current?.querySelector<HTMLInputElement>(`[data-member="${newMember}"] input`)?.focus();
    setNewMember(null);
  }, [newMember]);

  const regionNames = useMemo(
    () => new Intl.DisplayNames([i18n.language], { type: 'region' }),
    [i18n.language],
  );
  const countries = useMemo(
    () =>
      ISO_COUNTRY_CODES.map((code) => ({ code, name: regionNames.of(code) ?? code })).sort((a, b) =>
        a.name.localeCompare(b.name, i18n.language),
      ),
    [regionNames, i18n.language],
  );

  const suggestions = useQuery({
    queryKey: ['companies', form.country, form.city, form.companyQuery],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/companies', {
          params: {
            query: {
              q: form.companyQuery,
              country: form.country,
              ...(form.city.trim() ? { city: form.city.trim() } : {}),
              limit: 10,
            },
          },
        }),
      ).items,
    enabled: !form.manual && form.companyQuery.trim().length >= 1,
    placeholderData: (previous) => previous,
  });

  const recent = useQuery({
    queryKey: ['recent-contacts'],
    queryFn: async () => {
      const list = unwrap(
        await api.GET('/api/v1/deals', { params: { query: { view: 'outbound', limit: 5 } } }),
      );
      const seen = new Map<string, TeamMember>();
      for (const item of list.items) {
        const deal = unwrap(await api.GET('/api/v1/deals/{id}', { params: { path: { id: item.id } } }));
        for (const m of deal.team) {
          if (m.organization.id === me.organization.id && !seen.has(m.email)) seen.set(m.email, m);
        }
      }
      return [...seen.values()].slice(0, 8);
    },
    enabled: step === 2,
    staleTime: 300_000,
  });

  const kinds = [
    'mine',
    'vendor',
    'partners',
    ...(me.organization.assessmentApproved ? ['assessments'] : []),
  ] as const;
  const solutions = useQuery({
    queryKey: ['solutions', 'all-groups'],
    queryFn: async () => {
      const groups = await Promise.all(
        kinds.map(async (kind) => ({
          kind,
          items: unwrap(await api.GET('/api/v1/solutions', { params: { query: { kind: kind as 'mine' } } }))
            .items,
        })),
      );
      return groups;
    },
    enabled: step >= 3,
  });
  const assessmentIds = new Set(
    solutions.data?.find((g) => g.kind === 'assessments')?.items.map((s) => s.id) ?? [],
  );
  const hasAssessment = form.solutionIds.some((id) => assessmentIds.has(id));

  const vendorInvited = !isVendor && form.selling !== 'private';
  const teamReady = form.team.filter((m) => m.name.trim() && m.email.trim() && m.phone.trim());

  const body = (confirmNotDuplicate: boolean): CreateDeal => {
    const customer = form.manual
      ? {
          name: form.manualName.trim(),
          address: {
            ...(form.manualAddress.trim() ? { addressLine1: form.manualAddress.trim() } : {}),
            city: form.city.trim(),
            ...(form.manualPostal.trim() ? { postalCode: form.manualPostal.trim() } : {}),
            country: form.country,
          },
        }
      : { companyId: form.company?.id ?? '' };
    return {
      customer,
      ...(form.contact
        ? {
            customerContact: { name: form.contactName, phone: form.contactPhone, email: form.contactEmail },
            consent: { shareContactWithVendor: form.consent },
          }
        : {}),
      name: form.name.trim(),
      ...(me.organization.kind === 'partner' ? { locationId: form.locationId } : {}),
      value: { amount: form.amount, currency: form.currency },
      closeDate: form.closeDate,
      ...(form.crmId.trim() ? { crmId: form.crmId.trim() } : {}),
      ...(form.campaignId.trim() ? { campaignId: form.campaignId.trim() } : {}),
      ...(form.notes.trim() ? { notes: form.notes.trim() } : {}),
      team: form.team.map(({ name, phone, email }) => ({ name, phone, email })),
      solutionIds: form.solutionIds,
      vendorHelp: (!isVendor && form.selling === 'help' && !hasAssessment ? form.help : 'none') as never,
      shareWithVendor: !isVendor && form.selling === 'share' && !hasAssessment,
      invitations:
        form.invite && !hasAssessment ? form.invitations.map((d) => invitationBody(d, form.team)) : [],
      confirmNotDuplicate,
    } as CreateDeal;
  };

  const submit = async (confirmNotDuplicate = false) => {
    setBusy(true);
    setFailure(null);
    setErrors({});
    try {
      const deal = unwrap(
        await api.POST('/api/v1/deals', {
          body: body(confirmNotDuplicate),
          headers: { 'idempotency-key': `${idempotencyKey}${confirmNotDuplicate ? '-confirmed' : ''}` },
        }),
      );
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      navigate(`/deals/${deal.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'possible-duplicate') {
        setDuplicates(e.candidates ?? []);
      } else if (e instanceof ApiError && e.path) {
        setErrors({ [e.path]: e.message });
        setFailure(e.message);
        if (e.path.startsWith('customerContact') || e.path.startsWith('consent')) set({ contact: true });
        goTo(stepOf(e.path));
      } else {
        setFailure(e instanceof ApiError ? e.message : t('Something went wrong. Try again.'));
      }
    } finally {
      setBusy(false);
    }
  };

  // What each step needs before Next (the server checks everything again).
  const stepReady = [
    form.manual ? Boolean(form.manualName.trim() && form.city.trim()) : Boolean(form.company),
    Boolean(
      form.name.trim() &&
        form.amount &&
        form.closeDate &&
        (form.locationId || me.organization.kind === 'vendor'),
    ),
    teamReady.length === form.team.length && form.team.length > 0,
    form.solutionIds.length > 0,
    (isVendor
      ? form.invitations.length > 0
      : hasAssessment || !vendorInvited || (form.contact && form.consent)) &&
      (!form.invite ||
        hasAssessment ||
        form.invitations.every(
          (d) =>
            d.partnerId && d.closeDate && d.amount && d.solutionIds.length > 0 && d.teamEmails.length > 0,
        )),
  ];
  const err = (path: string) => errors[path];

  const companyLabel = (c: Company) =>
    [c.address.addressLine1, c.address.postalCode, c.address.city, c.address.region]
      .filter(Boolean)
      .join(', ');

  const panels = [
    // 1. customer
    <Card className={styles.card} key="customer">
      <Subtitle2 as="h2">{t('Who is the customer?')}</Subtitle2>
      <Body1 className={styles.muted}>
        {t('Give the customer’s location, then start typing the name and pick the exact legal entity.')}
      </Body1>
      <div className={styles.row}>
        <Field label={t('Country or region')} required>
          <Combobox
            value={regionNames.of(form.country) ?? form.country}
            selectedOptions={[form.country]}
            onOptionSelect={(_e, d) => d.optionValue && set({ country: d.optionValue, company: null })}
          >
            {countries.map((c) => (
              <Option key={c.code} value={c.code} text={c.name}>
                {c.name}
              </Option>
            ))}
          </Combobox>
        </Field>
        <Field label={t('City')} required={form.manual}>
          <Input value={form.city} onChange={(_e, d) => set({ city: d.value, company: null })} />
        </Field>
      </div>
      {!form.manual ? (
        <Field
          label={t('Customer name')}
          required
          validationMessage={err('customer.companyId') ?? err('customer')}
          hint={t('Suggestions show the address and D-U-N-S number of each entity.')}
        >
          <Combobox
            freeform
            placeholder={t('Start typing the company name')}
            value={form.company ? form.company.name : form.companyQuery}
            selectedOptions={form.company ? [form.company.id] : []}
            onChange={(e) => set({ companyQuery: e.target.value, company: null })}
            onOptionSelect={(_e, d) => {
              const company = suggestions.data?.find((c) => c.id === d.optionValue);
              if (company) set({ company, companyQuery: company.name });
            }}
            data-testid="company-search"
          >
            {(suggestions.data ?? []).map((c) => (
              <Option key={c.id} value={c.id} text={c.name}>
                <div className={styles.suggestion}>
                  <Text weight="semibold">{c.name}</Text>
                  <Caption1 className={styles.muted}>
                    {companyLabel(c)}
                    {c.duns ? ` · D-U-N-S ${c.duns}` : ''}
                  </Caption1>
                </div>
              </Option>
            ))}
            {suggestions.data?.length === 0 && (
              <Option value="" disabled text="">
                {t('No company found here. Check the spelling or enter it by hand.')}
              </Option>
            )}
          </Combobox>
        </Field>
      ) : (
        <>
          <Field label={t('Customer name')} required validationMessage={err('customer.name')}>
            <Input value={form.manualName} onChange={(_e, d) => set({ manualName: d.value })} />
          </Field>
          <div className={styles.row}>
            <Field label={t('Street address')}>
              <Input value={form.manualAddress} onChange={(_e, d) => set({ manualAddress: d.value })} />
            </Field>
            <Field label={t('Postal code')}>
              <Input value={form.manualPostal} onChange={(_e, d) => set({ manualPostal: d.value })} />
            </Field>
          </div>
          <MessageBar intent="info">
            <MessageBarBody>{t('A customer entered by hand is marked unverified.')}</MessageBarBody>
          </MessageBar>
        </>
      )}
      {form.company && (
        <MessageBar intent="success">
          <MessageBarBody>
            {form.company.name} · {companyLabel(form.company)}
            {form.company.duns ? ` · D-U-N-S ${form.company.duns}` : ''}
          </MessageBarBody>
        </MessageBar>
      )}
      <Switch
        checked={form.manual}
        onChange={(_e, d) => set({ manual: d.checked, company: null })}
        label={t('The customer is not in the directory')}
      />
      <Switch
        checked={form.contact}
        onChange={(_e, d) => set({ contact: d.checked })}
        label={t('Add a customer contact')}
      />
      {form.contact && (
        <>
          <div className={styles.row}>
            <Field label={t('Contact name')} required validationMessage={err('customerContact.name')}>
              <Input value={form.contactName} onChange={(_e, d) => set({ contactName: d.value })} />
            </Field>
            <Field label={t('Contact phone')} required validationMessage={err('customerContact.phone')}>
              <Input
                type="tel"
                value={form.contactPhone}
                onChange={(_e, d) => set({ contactPhone: d.value })}
              />
            </Field>
            <Field label={t('Contact e-mail')} required validationMessage={err('customerContact.email')}>
              <Input
                type="email"
                value={form.contactEmail}
                onChange={(_e, d) => set({ contactEmail: d.value })}
              />
            </Field>
          </div>
          <Checkbox
            checked={form.consent}
            onChange={(_e, d) => set({ consent: d.checked === true })}
            label={t('The customer agreed that we share this contact with the vendor')}
          />
          <MessageBar intent="warning">
            <MessageBarBody>
              {t(
                'Share a customer’s contact only with their consent. It is required when you ask the vendor for help or share the deal with the vendor.',
              )}
            </MessageBarBody>
          </MessageBar>
        </>
      )}
    </Card>,
    // 2. details
    <Card className={styles.card} key="details">
      <Subtitle2 as="h2">{t('Deal details')}</Subtitle2>
      <Field
        label={t('Deal name')}
        required
        validationMessage={err('name')}
        hint={t('A friendly name, up to 200 characters.')}
      >
        <Input value={form.name} maxLength={200} onChange={(_e, d) => set({ name: d.value })} />
      </Field>
      {me.organization.kind === 'partner' && (
        <Field
          label={t('Location')}
          required
          validationMessage={err('locationId')}
          hint={t('The location cannot change after the deal is created.')}
        >
          <Dropdown
            value={locations.find((l) => l.id === form.locationId)?.name ?? ''}
            selectedOptions={[form.locationId]}
            onOptionSelect={(_e, d) => set({ locationId: d.optionValue ?? '' })}
          >
            {locations.map((l) => (
              <Option key={l.id} value={l.id}>
                {l.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      <MoneyField
        label={t('Estimated value')}
        amount={form.amount}
        currency={form.currency}
        onChange={(v) => set(v)}
        required
        amountError={err('value.amount') ?? err('value')}
        currencyError={err('value.currency')}
      />
      <Field
        label={t('Estimated close date')}
        required
        validationMessage={err('closeDate')}
        hint={t('Not in the past.')}
      >
        <Input
          type="date"
          min={today()}
          value={form.closeDate}
          onChange={(_e, d) => set({ closeDate: d.value })}
        />
      </Field>
      <div className={styles.row}>
        <Field
          label={t('CRM ID')}
          validationMessage={err('crmId')}
          hint={t('Only your organization sees it.')}
        >
          <Input value={form.crmId} onChange={(_e, d) => set({ crmId: d.value })} />
        </Field>
        <Field
          label={t('Marketing campaign ID')}
          validationMessage={err('campaignId')}
          hint={t('Only your organization sees it.')}
        >
          <Input value={form.campaignId} onChange={(_e, d) => set({ campaignId: d.value })} />
        </Field>
      </div>
      <Field
        label={t('Notes')}
        validationMessage={err('notes')}
        hint={t('Added to the deal’s shared notes.')}
      >
        <Textarea value={form.notes} onChange={(_e, d) => set({ notes: d.value })} />
      </Field>
    </Card>,
    // 3. team
    <div key="team" style={{ display: 'grid', gridTemplateColumns: 'minmax(0,1fr) 240px', gap: 16 }}>
      <Card className={styles.card}>
        <Subtitle2 as="h2">{t('Team')}</Subtitle2>
        <Body1 className={styles.muted}>
          {t('Everyone working on the deal, with name, phone and e-mail.')}
        </Body1>
        {form.team.map((m, i) => (
          <div className={styles.member} key={m.key} data-member={m.key}>
            <Field label={t('Name')} required validationMessage={err(`team.${i}.name`)}>
              <Input
                value={m.name}
                onChange={(_e, d) =>
                  set({ team: form.team.map((x, j) => (j === i ? { ...x, name: d.value } : x)) })
                }
              />
            </Field>
            <Field label={t('Phone')} required validationMessage={err(`team.${i}.phone`)}>
              <Input
                type="tel"
                value={m.phone}
                onChange={(_e, d) =>
                  set({ team: form.team.map((x, j) => (j === i ? { ...x, phone: d.value } : x)) })
                }
              />
            </Field>
            <Field label={t('E-mail')} required validationMessage={err(`team.${i}.email`)}>
              <Input
                type="email"
                value={m.email}
                onChange={(_e, d) =>
                  set({ team: form.team.map((x, j) => (j === i ? { ...x, email: d.value } : x)) })
                }
              />
            </Field>
            <Button
              appearance="subtle"
              icon={<DeleteRegular />}
              aria-label={t('Remove {{name}}', { name: m.name || t('member') })}
              disabled={form.team.length === 1}
              onClick={() => {
                set({ team: form.team.filter((_x, j) => j !== i) });
                addMemberRef.current?.focus();
              }}
            />
          </div>
        ))}
        <Button
          ref={addMemberRef}
          icon={<AddRegular />}
          style={{ alignSelf: 'flex-start' }}
          onClick={() => {
            const key = crypto.randomUUID();
            set({ team: [...form.team, { key, name: '', phone: '', email: '' }] });
            setNewMember(key);
          }}
        >
          {t('Add member')}
        </Button>
      </Card>
      <Card className={styles.card}>
        <Subtitle2 as="h3">{t('Recent contacts')}</Subtitle2>
        <div className={styles.side}>
          {recent.data?.length === 0 && (
            <Caption1 className={styles.muted}>{t('People from your earlier deals appear here.')}</Caption1>
          )}
          {recent.data?.map((m) => {
            const added = form.team.some((x) => x.email === m.email);
            return (
              <Button
                key={m.email}
                appearance="subtle"
                icon={added ? <CheckmarkCircleFilled /> : <PersonAddRegular />}
                disabled={added}
                style={{ justifyContent: 'flex-start' }}
                onClick={() => {
                  const withoutBlank = form.team.filter((x) => x.name || x.email || x.phone);
                  set({
                    team: [
                      ...withoutBlank,
                      { key: crypto.randomUUID(), name: m.name, phone: m.phone, email: m.email },
                    ],
                  });
                }}
              >
                {m.name}
              </Button>
            );
          })}
        </div>
      </Card>
    </div>,
    // 4. solutions
    <Card className={styles.card} key="solutions">
      <Subtitle2 as="h2">{t('Solutions')}</Subtitle2>
      {err('solutionIds') && (
        <MessageBar intent="error">
          <MessageBarBody>{err('solutionIds')}</MessageBarBody>
        </MessageBar>
      )}
      {(solutions.data ?? []).map((group) => (
        <fieldset key={group.kind} className={styles.group} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>
            <Text weight="semibold">
              {t(
                {
                  mine: msg('My company’s solutions'),
                  vendor: msg('Vendor solutions'),
                  partners: msg('Other partners’ solutions'),
                  assessments: msg('Solution assessments'),
                }[group.kind] ?? '',
              )}
            </Text>
          </legend>
          {group.kind === 'assessments' && (
            <Caption1 className={styles.muted}>
              {t('An assessment is the only solution of its deal; it is delivered for the deal’s location.')}
            </Caption1>
          )}
          {group.items.length === 0 && <Caption1 className={styles.muted}>{t('None available.')}</Caption1>}
          {group.items.map((s) => {
            const isAssessment = group.kind === 'assessments';
            return (
              <Checkbox
                key={s.id}
                label={`${s.name}${group.kind === 'partners' ? ` · ${s.publisher.name}` : ''}`}
                checked={form.solutionIds.includes(s.id)}
                onChange={(_e, d) => {
                  if (d.checked)
                    set({
                      solutionIds: isAssessment
                        ? [s.id]
                        : [...form.solutionIds.filter((id) => !assessmentIds.has(id)), s.id],
                    });
                  else set({ solutionIds: form.solutionIds.filter((id) => id !== s.id) });
                }}
              />
            );
          })}
        </fieldset>
      ))}
    </Card>,
    // 5. selling type
    <Card className={styles.card} key="selling">
      <Subtitle2 as="h2">{t('Selling type')}</Subtitle2>
      {hasAssessment ? (
        <MessageBar intent="info">
          <MessageBarBody>{t('A solution assessment is worked by your organization alone.')}</MessageBarBody>
        </MessageBar>
      ) : (
        <>
          {isVendor && (
            <MessageBar intent="info">
              <MessageBarBody>
                {t('Send the deal to one or more partners. Each has 14 days to accept or decline.')}
              </MessageBarBody>
            </MessageBar>
          )}
          {!isVendor && (
            <RadioGroup
              value={form.selling}
              onChange={(_e, d) => set({ selling: d.value as Form['selling'] })}
              aria-label={t('Selling type')}
            >
              <Radio value="private" label={t('Keep it private: the vendor does not see it')} />
              <Radio value="share" label={t('Share with the vendor for visibility, no help needed')} />
              <Radio value="help" label={t('Ask the vendor’s sellers for help (co-sell)')} />
            </RadioGroup>
          )}
          {form.selling === 'help' && (
            <Field
              label={t('Help needed')}
              required
              validationMessage={err('vendorHelp')}
              hint={t('Say in the notes what help you need.')}
            >
              <Dropdown
                value={label(t, HELP_LABELS, form.help)}
                selectedOptions={[form.help]}
                onOptionSelect={(_e, d) => set({ help: d.optionValue ?? form.help })}
              >
                {HELP_TYPES.filter((h) => h !== 'none').map((h) => (
                  <Option key={h} value={h}>
                    {label(t, HELP_LABELS, h)}
                  </Option>
                ))}
              </Dropdown>
            </Field>
          )}
          {vendorInvited && !(form.contact && form.consent) && (
            <MessageBar intent="warning" data-testid="contact-needed">
              <MessageBarBody>
                {t(
                  'The vendor needs a customer contact, shared with the customer’s consent. Add it in the first step.',
                )}
              </MessageBarBody>
              <MessageBarActions>
                <Button
                  onClick={() => {
                    set({ contact: true });
                    goTo(0);
                  }}
                >
                  {t('Add the customer contact')}
                </Button>
              </MessageBarActions>
            </MessageBar>
          )}
          {!isVendor && (
            <Switch
              checked={form.invite}
              onChange={(_e, d) =>
                set({
                  invite: d.checked,
                  invitations:
                    d.checked && form.invitations.length === 0
                      ? [
                          emptyInvitation({
                            closeDate: form.closeDate,
                            currency: form.currency,
                            teamEmails: form.team.map((m) => m.email),
                          }),
                        ]
                      : form.invitations,
                })
              }
              label={t('Invite partners')}
            />
          )}
          {form.invite &&
            form.invitations.map((draft, i) => (
              <InvitationEditor
                key={draft.key}
                index={i}
                draft={draft}
                team={form.team}
                errors={errors}
                onChange={(next) =>
                  set({ invitations: form.invitations.map((d, j) => (j === i ? next : d)) })
                }
                {...(form.invitations.length > 1
                  ? { onRemove: () => set({ invitations: form.invitations.filter((_d, j) => j !== i) }) }
                  : {})}
              />
            ))}
          {form.invite && (
            <Button
              icon={<AddRegular />}
              style={{ alignSelf: 'flex-start' }}
              onClick={() =>
                set({
                  invitations: [
                    ...form.invitations,
                    emptyInvitation({ closeDate: form.closeDate, currency: form.currency }),
                  ],
                })
              }
            >
              {t('Add another partner')}
            </Button>
          )}
        </>
      )}
    </Card>,
  ];

  return (
    <section aria-labelledby="new-deal-title">
      <RouterLink to="/">{t('Co-sell deals')}</RouterLink>
      <Title2 as="h1" id="new-deal-title" style={{ display: 'block', margin: '8px 0 16px' }}>
        {t('New deal')}
      </Title2>
      <div className={styles.layout}>
        <nav aria-label={t('Steps')}>
          <ol className={styles.steps}>
            {STEPS.map((s, i) => (
              <li key={s}>
                <Button
                  appearance={i === step ? 'primary' : 'subtle'}
                  className={styles.stepButton}
                  aria-current={i === step ? 'step' : undefined}
                  disabled={i > step && !stepReady.slice(0, i).every(Boolean)}
                  onClick={() => goTo(i)}
                  icon={i < step ? <CheckmarkCircleFilled /> : <span aria-hidden>{i + 1}</span>}
                >
                  {t(s)}
                </Button>
              </li>
            ))}
          </ol>
        </nav>
        <form
          ref={formRef}
          noValidate
          className={styles.panel}
          onSubmit={(e) => {
            e.preventDefault();
            if (step < 4) goTo(step + 1);
            else void submit();
          }}
          aria-label={t(STEPS[step] ?? '')}
        >
          {failure && (
            <MessageBar intent="error" role="alert">
              <MessageBarBody>{failure}</MessageBarBody>
            </MessageBar>
          )}
          {panels[step]}
          <div className={styles.nav}>
            <Button disabled={step === 0} onClick={() => goTo(step - 1)}>
              {t('Back')}
            </Button>
            {step < 4 ? (
              <Button appearance="primary" type="submit" disabled={!stepReady[step]}>
                {t('Next')}
              </Button>
            ) : (
              <Button
                appearance="primary"
                type="submit"
                disabled={!stepReady.every(Boolean)}
                // While the deal is sent the button keeps the focus (a disabled one would drop it to the page,
                // and the dialog that may follow could not give it back).
                disabledFocusable={busy && stepReady.every(Boolean)}
                {...restoreFocusTarget}
              >
                {t('Create deal')}
              </Button>
            )}
          </div>
        </form>
      </div>
      <Dialog open={duplicates !== null} onOpenChange={(_e, d) => !d.open && setDuplicates(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('This deal may already exist')}</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
              <Body1>
                {t(
                  'You already have open deals for this customer. Open one of them, or create the new deal anyway.',
                )}
              </Body1>
              <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="duplicates">
                {duplicates?.map((c) => (
                  <li key={c.deal.id}>
                    <RouterLink to={`/deals/${c.deal.id}`} target="_blank">
                      {c.deal.name}
                    </RouterLink>{' '}
                    · {c.deal.customer.name} · {formatMoney(c.deal.value)} · {formatDate(c.deal.closeDate)}{' '}
                    <StatusBadge status={c.deal.status} />
                  </li>
                ))}
              </ul>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setDuplicates(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={busy}
                onClick={() => {
                  setDuplicates(null);
                  void submit(true);
                }}
              >
                {t('Create anyway')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </section>
  );
}
