import {
  Avatar,
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Divider,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Option,
  Spinner,
  Subtitle2,
  Text,
  Textarea,
  Title2,
  Toolbar,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import {
  AddRegular,
  ArrowLeftRegular,
  CheckmarkCircleRegular,
  CheckmarkRegular,
  ClockRegular,
  DeleteRegular,
  DismissCircleRegular,
  EditRegular,
  ErrorCircleRegular,
  PeopleAddRegular,
  PersonSupportRegular,
  TrophyRegular,
} from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  CLOSE_REASONS,
  checkStageMove,
  type DealType,
  ERROR_REASONS,
  editableFields,
  HELP_TYPES,
  type SalesStage,
  type Status,
  stagesFor,
} from '../../core/lifecycle.ts';
import { type AcceptBody, ApiError, api, type Deal, ifMatch, unwrap } from '../api/client.ts';
import { FavoriteButton } from '../components/FavoriteButton.tsx';
import { InviteDialog } from '../components/InviteDialog.tsx';
import { MoneyField } from '../components/MoneyField.tsx';
import { ReasonDialog } from '../components/ReasonDialog.tsx';
import { RouterLink } from '../components/RouterLink.tsx';
import { SolutionsDialog } from '../components/SolutionsDialog.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useFocusFallback } from '../components/useFocusFallback.ts';
import { formatDate, formatDateTime, formatMoney, timeLeft } from '../format.ts';
import { useMe } from '../session.ts';
import {
  HELP_LABELS,
  label,
  msg,
  REASON_LABELS,
  STAGE_LABELS,
  STATUS_LABELS,
  TYPE_LABELS,
} from '../terms.ts';

const useStyles = makeStyles({
  header: { display: 'flex', flexDirection: 'column', gap: '8px', marginBottom: '16px' },
  titleRow: { display: 'flex', alignItems: 'center', gap: '12px', flexWrap: 'wrap' },
  // The heading takes the focus when an action removes the focused button (useFocusFallback).
  heading: {
    borderRadius: tokens.borderRadiusMedium,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  meta: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  actions: { display: 'flex', gap: '8px', flexWrap: 'wrap', padding: 0 },
  lifecycle: {
    display: 'flex',
    gap: '4px',
    margin: '16px 0',
    padding: '12px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
    overflowX: 'auto',
  },
  stage: {
    flex: '1 1 0',
    minWidth: '110px',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'stretch',
    gap: '4px',
  },
  bar: { height: '6px', borderRadius: '3px', backgroundColor: tokens.colorNeutralStroke2 },
  barDone: { backgroundColor: tokens.colorBrandBackground },
  barWon: { backgroundColor: tokens.colorPaletteGreenBackground3 },
  stageButton: { justifyContent: 'flex-start', minWidth: 0, padding: '2px 4px', height: 'auto' },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(320px, 1fr))',
    gap: '16px',
    alignItems: 'start',
  },
  dl: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: '16px',
    rowGap: '6px',
    margin: 0,
    '& dt': { color: tokens.colorNeutralForeground3 },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  section: { marginTop: '24px' },
  participants: { display: 'flex', gap: '12px', flexWrap: 'wrap' },
  participant: { width: '260px' },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '12px' },
  note: {
    padding: '12px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow2,
  },
  muted: { color: tokens.colorNeutralForeground3 },
  columns: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))', gap: '24px' },
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
});

/** The vendor card's wording of the vendor record's status (SPEC §6). */
const VENDOR_STATUS: Record<string, string> = {
  received: msg('Requested'),
  accepted: msg('Accepted'),
  declined: msg('Declined'),
  expired: msg('No response'),
  won: msg('Won'),
  lost: msg('Lost'),
  error: msg('Closed as error'),
};

const ACTIVITY_LABELS: Record<string, string> = {
  'deal.created': msg('Deal created'),
  'deal.received': msg('Deal received'),
  'deal.updated': msg('Deal updated'),
  'deal.status-changed': msg('Status changed'),
  'deal.note-added': msg('Note added'),
  'deal.reminder': msg('Reminder sent'),
};

/** The fields an activity entry names. */
const FIELD_LABELS: Record<string, string> = {
  status: msg('Status'),
  salesStage: msg('Sales stage'),
  name: msg('Deal name'),
  value: msg('Estimated value'),
  closeDate: msg('Estimated close date'),
  crmId: msg('CRM ID'),
  campaignId: msg('Marketing campaign ID'),
  team: msg('Team'),
  solutions: msg('Solutions'),
  customerContact: msg('Customer contact'),
  reason: msg('Reason'),
  type: msg('Type'),
  help: msg('Help requested'),
};

const headingOfDeal = () => document.getElementById('deal-title');

type Dialogs =
  | 'solutions'
  | 'accept'
  | 'decline'
  | 'lose'
  | 'error'
  | 'edit'
  | 'win'
  | 'invitePartners'
  | 'inviteVendor'
  | null;

export default function DealPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialogs>(null);
  // The dialogs open from these buttons without a trigger of their own: closing one gives the focus back to the
  // button that opened it (keyboard users keep their place).
  const restoreFocusTarget = useRestoreFocusTarget();
  // An action that takes away its own button (Accept, Decline, Mark as won …) leaves the focus on the deal's
  // heading, not on the page's body.
  const focusFallback = useFocusFallback(headingOfDeal);
  const [stale, setStale] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // A new dialog starts without the last one's error.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the dialog changes
  useEffect(() => setFailure(null), [dialog]);

  const deal = useQuery({
    queryKey: ['deal', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/deals/{id}', { params: { path: { id } } })),
  });
  const notes = useQuery({
    queryKey: ['deal', id, 'notes'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/deals/{id}/notes', { params: { path: { id } } })).items,
    enabled: deal.isSuccess,
  });
  const activity = useQuery({
    queryKey: ['deal', id, 'activity'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/deals/{id}/activity', { params: { path: { id } } })).items,
    enabled: deal.isSuccess,
  });

  /** Runs one mutation of the deal with its If-Match; a 412 offers a reload instead of overwriting. */
  const act = useMutation({
    mutationFn: async (run: (d: Deal) => Promise<unknown>) => {
      if (!deal.data) throw new Error('not loaded');
      return run(deal.data);
    },
    onSuccess: (result) => {
      if (result && typeof result === 'object' && 'version' in result) {
        queryClient.setQueryData(['deal', id], result);
      }
      setDialog(null);
      setFailure(null);
      focusFallback.settled();
      void queryClient.invalidateQueries({ queryKey: ['deal', id] });
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 412) {
        setStale(true);
        setDialog(null);
      } else setFailure(error instanceof ApiError ? error.message : t('Something went wrong. Try again.'));
    },
  });
  const run = (fn: (d: Deal) => Promise<unknown>) =>
    act.mutateAsync(fn).then(
      () => undefined,
      () => undefined,
    );

  if (deal.isPending) return <Spinner label={t('Loading…')} />;
  if (deal.isError) {
    const missing = deal.error instanceof ApiError && deal.error.status === 404;
    return (
      <MessageBar intent={missing ? 'warning' : 'error'}>
        <MessageBarBody>
          <MessageBarTitle>
            {missing ? t('Deal not found') : t('The deal could not be loaded.')}
          </MessageBarTitle>
          {missing && t('It does not exist, or your organization does not take part in it.')}{' '}
          <RouterLink to="/">{t('Back to co-sell deals')}</RouterLink>
        </MessageBarBody>
      </MessageBar>
    );
  }
  const d = deal.data;
  const path = { params: { path: { id: d.id } }, headers: ifMatch(d) };
  const ab = d.abilities;
  const left = d.status === 'received' ? timeLeft(d.expiresAt) : null;
  const stages = stagesFor(d.type as DealType).filter(
    (s) => s.id !== (d.direction === 'outbound' ? 'accepted' : 'created'),
  );
  const currentIndex = stages.findIndex((s) => s.id === d.salesStage);
  const wonIndex = d.status === 'won' ? stages.length - 1 : currentIndex;

  const setStage = (stage: string) =>
    run(async () =>
      unwrap(await api.POST('/api/v1/deals/{id}/stage', { ...path, body: { stage: stage as never } })),
    );

  const dl = (entries: [string, ReactNode][]) => (
    <dl className={styles.dl}>
      {entries
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );

  return (
    <article aria-labelledby="deal-title">
      <div className={styles.header}>
        <RouterLink to="/">
          <ArrowLeftRegular aria-hidden /> {t('Co-sell deals')}
        </RouterLink>
        <div className={styles.titleRow}>
          <Title2 as="h1" id="deal-title" tabIndex={-1} className={styles.heading}>
            {d.name}
          </Title2>
          <FavoriteButton id={d.id} name={d.name} favorite={d.favorite} />
        </div>
        <div className={styles.meta}>
          <StatusBadge status={d.status} />
          <Badge appearance="outline" color="informative">
            {label(t, TYPE_LABELS, d.type)}
          </Badge>
          <Badge appearance="outline" color="informative">
            {d.direction === 'inbound' ? t('Inbound') : t('Outbound')}
          </Badge>
          {left && (
            <Text data-testid="time-left">
              <ClockRegular aria-hidden /> {t('Respond {{when}}', { when: left })}
            </Text>
          )}
          {d.reason && (
            <Text>
              {t('Reason')}: {label(t, REASON_LABELS, d.reason)}
              {d.reasonNotes ? ` — ${d.reasonNotes}` : ''}
            </Text>
          )}
        </div>
        <Toolbar className={styles.actions} aria-label={t('Actions')}>
          {ab.accept && (
            <Button
              appearance="primary"
              icon={<CheckmarkRegular />}
              onClick={() => setDialog('accept')}
              {...restoreFocusTarget}
            >
              {t('Accept')}
            </Button>
          )}
          {ab.decline && (
            <Button
              icon={<DismissCircleRegular />}
              onClick={() => setDialog('decline')}
              {...restoreFocusTarget}
            >
              {t('Decline')}
            </Button>
          )}
          {ab.edit && d.status === 'accepted' && (
            <Button icon={<EditRegular />} onClick={() => setDialog('edit')} {...restoreFocusTarget}>
              {t('Edit')}
            </Button>
          )}
          {ab.win && (
            <Button icon={<TrophyRegular />} onClick={() => setDialog('win')} {...restoreFocusTarget}>
              {t('Mark as won')}
            </Button>
          )}
          {ab.lose && (
            <Button icon={<DismissCircleRegular />} onClick={() => setDialog('lose')} {...restoreFocusTarget}>
              {t('Mark as lost')}
            </Button>
          )}
          {ab.invitePartners && (
            <Button
              icon={<PeopleAddRegular />}
              onClick={() => setDialog('invitePartners')}
              {...restoreFocusTarget}
            >
              {t('Invite partners')}
            </Button>
          )}
          {ab.inviteVendor && (
            <Button
              icon={<PersonSupportRegular />}
              onClick={() => setDialog('inviteVendor')}
              {...restoreFocusTarget}
            >
              {t('Ask the vendor for help')}
            </Button>
          )}
          {ab.closeAsError && (
            <Button
              appearance="subtle"
              icon={<ErrorCircleRegular />}
              onClick={() => setDialog('error')}
              {...restoreFocusTarget}
            >
              {t('Close as error')}
            </Button>
          )}
        </Toolbar>
        {stale && (
          <MessageBar intent="warning" data-testid="stale">
            <MessageBarBody>
              <MessageBarTitle>{t('Someone else changed this deal')}</MessageBarTitle>
              {t('Your change was not saved. Reload to see the latest version, then try again.')}
            </MessageBarBody>
            <MessageBarActions>
              <Button
                onClick={() => {
                  setStale(false);
                  void deal.refetch();
                }}
              >
                {t('Reload')}
              </Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {failure && (
          <MessageBar intent="error">
            <MessageBarBody>{failure}</MessageBarBody>
          </MessageBar>
        )}
      </div>

      <nav className={styles.lifecycle} aria-label={t('Sales stages')} data-testid="lifecycle">
        {stages.map((stage, index) => {
          const done = index <= wonIndex && (d.status === 'accepted' || d.status === 'won');
          const isWon = stage.id === 'won';
          const settable =
            ab.setStage &&
            !isWon &&
            index > 0 &&
            stage.id !== d.salesStage &&
            checkStageMove(d.type as DealType, d.salesStage as SalesStage, stage.id).ok;
          const winnable = isWon && ab.win;
          const text = `${label(t, STAGE_LABELS, stage.id)} · ${stage.probability} %`;
          return (
            <div key={stage.id} className={styles.stage}>
              <div
                className={`${styles.bar} ${done ? (isWon && d.status === 'won' ? styles.barWon : styles.barDone) : ''}`}
              />
              <Button
                appearance="transparent"
                size="small"
                className={styles.stageButton}
                // The current stage stays focusable (aria-disabled): setting a stage by keyboard keeps the focus on
                // it, and a screen reader finds where the deal stands.
                disabled={!settable && !winnable && stage.id !== d.salesStage}
                disabledFocusable={!settable && !winnable && stage.id === d.salesStage}
                aria-current={stage.id === d.salesStage ? 'step' : undefined}
                onClick={() => (isWon ? setDialog('win') : void setStage(stage.id))}
                {...restoreFocusTarget}
                data-stage={stage.id}
                icon={done ? <CheckmarkCircleRegular /> : undefined}
              >
                <span style={{ fontWeight: stage.id === d.salesStage ? 600 : 400 }}>{text}</span>
              </Button>
            </div>
          );
        })}
      </nav>

      <div className={styles.grid}>
        <Card>
          <CardHeader header={<Subtitle2 as="h2">{t('Customer')}</Subtitle2>} />
          {dl([
            [t('Name'), d.customer.name],
            [
              t('Address'),
              [
                d.customer.address.addressLine1,
                d.customer.address.postalCode,
                d.customer.address.city,
                d.customer.address.region,
                d.customer.address.country,
              ]
                .filter(Boolean)
                .join(', '),
            ],
            [t('D-U-N-S'), d.customer.duns],
            [t('Website'), d.customer.website],
            [
              t('Directory'),
              d.customer.verified ? t('Verified in the directory') : t('Entered by hand (unverified)'),
            ],
            [
              t('Customer contact'),
              d.customerContact
                ? `${d.customerContact.name} · ${d.customerContact.email} · ${d.customerContact.phone}`
                : null,
            ],
          ])}
        </Card>
        <Card>
          <CardHeader header={<Subtitle2 as="h2">{t('Deal details')}</Subtitle2>} />
          {dl([
            [t('Estimated value'), formatMoney(d.value)],
            [t('Estimated close date'), formatDate(d.closeDate)],
            [t('Location'), `${d.location.name} (${d.location.city}, ${d.location.country})`],
            [t('Sales stage'), label(t, STAGE_LABELS, d.salesStage)],
            [t('Help requested'), label(t, HELP_LABELS, d.help)],
            [t('CRM ID'), d.crmId],
            [t('Marketing campaign ID'), d.campaignId],
            [t('Invited by'), d.invitedBy ? d.invitedBy.organization.name : null],
            [t('Invitation notes'), d.invitedBy?.notes ?? null],
            [t('Created'), formatDateTime(d.createdAt)],
            [t('Updated'), formatDateTime(d.updatedAt)],
          ])}
        </Card>
        <Card>
          <CardHeader header={<Subtitle2 as="h2">{t('Team')}</Subtitle2>} />
          <ul className={styles.list}>
            {d.team.map((m) => (
              <li
                key={`${m.email}-${m.organization.id}`}
                style={{ display: 'flex', gap: 8, alignItems: 'center' }}
              >
                <Avatar name={m.name} size={32} color="colorful" />
                <div>
                  <Text weight="semibold">{m.name}</Text>
                  <Caption1 className={styles.muted} style={{ display: 'block' }}>
                    {m.organization.name} · {m.email} · {m.phone}
                  </Caption1>
                </div>
              </li>
            ))}
          </ul>
        </Card>
        <Card data-testid="solutions">
          <CardHeader
            header={<Subtitle2 as="h2">{t('Solutions')}</Subtitle2>}
            action={
              ab.edit &&
              editableFields(d.type as DealType, d.status as Status, d.direction).includes('solutions') ? (
                <Button
                  appearance="subtle"
                  icon={<EditRegular />}
                  onClick={() => setDialog('solutions')}
                  {...restoreFocusTarget}
                  data-testid="change-solutions"
                >
                  {t('Change solutions')}
                </Button>
              ) : undefined
            }
          />
          <ul className={styles.list}>
            {d.solutions.map((s) => (
              <li key={s.id}>
                <Text weight="semibold">{s.name}</Text>
                <Caption1 className={styles.muted} style={{ display: 'block' }}>
                  {s.publisher.name}
                </Caption1>
              </li>
            ))}
          </ul>
        </Card>
      </div>

      <section className={styles.section} aria-labelledby="participants-title">
        <Subtitle2 as="h2" id="participants-title">
          {t('Participants')}
        </Subtitle2>
        <div className={styles.participants} style={{ marginTop: 8 }}>
          {d.participants.map((p) => (
            <Card key={p.organization.id} className={styles.participant} data-testid="participant">
              <CardHeader
                image={<Avatar name={p.organization.name} shape="square" color="colorful" />}
                header={<Text weight="semibold">{p.organization.name}</Text>}
                description={
                  <Caption1>
                    {p.organization.kind === 'vendor' ? t('Vendor') : t('Partner')} ·{' '}
                    {p.direction === 'outbound' ? t('Created the deal') : t('Invited')}
                  </Caption1>
                }
              />
              <div className={styles.meta}>
                {p.organization.kind === 'vendor' ? (
                  <Badge
                    appearance="tint"
                    style={{ whiteSpace: 'nowrap' }}
                    color={p.status === 'accepted' || p.status === 'won' ? 'success' : 'informative'}
                  >
                    {label(t, VENDOR_STATUS, p.status)}
                  </Badge>
                ) : (
                  <StatusBadge status={p.status} />
                )}
                {p.help !== 'none' && <Caption1>{label(t, HELP_LABELS, p.help)}</Caption1>}
              </div>
            </Card>
          ))}
        </div>
      </section>

      <div className={`${styles.columns} ${styles.section}`}>
        <section aria-labelledby="notes-title">
          <Subtitle2 as="h2" id="notes-title">
            {t('Notes')}
          </Subtitle2>
          {ab.addNote && (
            <NoteForm
              onAdd={(body) =>
                run(async (x) =>
                  unwrap(
                    await api.POST('/api/v1/deals/{id}/notes', {
                      params: { path: { id: x.id } },
                      headers: ifMatch(x),
                      body: { body },
                    }),
                  ),
                )
              }
            />
          )}
          {notes.data?.length === 0 && (
            <Body1 as="p" className={styles.muted}>
              {t('No notes yet.')}
            </Body1>
          )}
          <ul className={styles.list} style={{ marginTop: 12 }}>
            {notes.data?.map((n) => (
              <li key={n.id} className={styles.note}>
                <Caption1 className={styles.muted} style={{ display: 'block' }}>
                  {n.author.name} · {n.author.organization.name} · {formatDateTime(n.createdAt)}
                </Caption1>
                <Body1 as="p" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
                  {n.body}
                </Body1>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="activity-title">
          <Subtitle2 as="h2" id="activity-title">
            {t('Activity')}
          </Subtitle2>
          <ol className={styles.list} style={{ marginTop: 12 }}>
            {activity.data?.map((a) => (
              <li key={a.id} style={{ borderLeft: `2px solid ${tokens.colorBrandStroke2}`, paddingLeft: 12 }}>
                <Text weight="semibold">{label(t, ACTIVITY_LABELS, a.type)}</Text>
                <Caption1 className={styles.muted} style={{ display: 'block' }}>
                  {[a.actor.name, a.actor.organization?.name ?? a.organization.name]
                    .filter(Boolean)
                    .join(' · ')}{' '}
                  · {formatDateTime(a.createdAt)}
                </Caption1>
                {Object.entries(a.changes).map(([field, change]) => (
                  <Caption1 key={field} style={{ display: 'block' }}>
                    {label(t, FIELD_LABELS, field)}: {describe(t, field, change.from)} →{' '}
                    {describe(t, field, change.to)}
                  </Caption1>
                ))}
              </li>
            ))}
          </ol>
        </section>
      </div>

      <Divider style={{ margin: '24px 0' }} />

      {dialog === 'accept' && (
        <AcceptDialog
          deal={d}
          onClose={() => setDialog(null)}
          onAccept={(body) =>
            run(async (x) =>
              unwrap(
                await api.POST('/api/v1/deals/{id}/accept', {
                  params: { path: { id: x.id } },
                  headers: ifMatch(x),
                  body,
                }),
              ),
            )
          }
          busy={act.isPending}
          error={failure}
        />
      )}
      {dialog === 'solutions' && (
        <SolutionsDialog
          deal={d}
          onClose={() => setDialog(null)}
          onSave={(solutionIds) =>
            run(async (x) =>
              unwrap(
                await api.PATCH('/api/v1/deals/{id}', {
                  params: { path: { id: x.id } },
                  headers: ifMatch(x),
                  body: { solutionIds },
                }),
              ),
            )
          }
          busy={act.isPending}
          error={failure}
        />
      )}
      {dialog === 'edit' && (
        <EditDialog
          deal={d}
          onClose={() => setDialog(null)}
          onSave={(body) =>
            run(async (x) =>
              unwrap(
                await api.PATCH('/api/v1/deals/{id}', {
                  params: { path: { id: x.id } },
                  headers: ifMatch(x),
                  body,
                }),
              ),
            )
          }
          busy={act.isPending}
          error={failure}
        />
      )}
      <ReasonDialog
        open={dialog === 'decline'}
        title={t('Decline this deal')}
        intro={t('The organization that sent it is told that you declined, with your reason.')}
        reasons={CLOSE_REASONS}
        confirm={t('Decline')}
        onClose={() => setDialog(null)}
        onConfirm={(body) =>
          run(async (x) =>
            unwrap(
              await api.POST('/api/v1/deals/{id}/decline', {
                params: { path: { id: x.id } },
                headers: ifMatch(x),
                body: body as never,
              }),
            ),
          )
        }
      />
      <ReasonDialog
        open={dialog === 'lose'}
        title={t('Mark as lost')}
        intro={t('The deal moves to Closed and can no longer be edited.')}
        reasons={CLOSE_REASONS}
        confirm={t('Mark as lost')}
        onClose={() => setDialog(null)}
        onConfirm={(body) =>
          run(async (x) =>
            unwrap(
              await api.POST('/api/v1/deals/{id}/lose', {
                params: { path: { id: x.id } },
                headers: ifMatch(x),
                body: body as never,
              }),
            ),
          )
        }
      />
      <ReasonDialog
        open={dialog === 'error'}
        title={t('Close as error')}
        intro={t('Use this for duplicates, tests and data errors. The deal moves to Closed.')}
        reasons={ERROR_REASONS}
        confirm={t('Close as error')}
        onClose={() => setDialog(null)}
        onConfirm={(body) =>
          run(async (x) =>
            unwrap(
              await api.POST('/api/v1/deals/{id}/close-as-error', {
                params: { path: { id: x.id } },
                headers: ifMatch(x),
                body: body as never,
              }),
            ),
          )
        }
      />
      <Dialog open={dialog === 'win'} onOpenChange={(_e, data) => !data.open && setDialog(null)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t('Mark as won')}</DialogTitle>
            <DialogContent>
              {t('Congratulations! The deal moves to Closed as won and can no longer be edited.')}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setDialog(null)}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                disabled={act.isPending}
                onClick={() =>
                  void run(async (x) =>
                    unwrap(
                      await api.POST('/api/v1/deals/{id}/win', {
                        params: { path: { id: x.id } },
                        headers: ifMatch(x),
                        body: {},
                      }),
                    ),
                  )
                }
              >
                {t('Mark as won')}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      {dialog === 'inviteVendor' && (
        <VendorDialog
          onClose={() => setDialog(null)}
          busy={act.isPending}
          onInvite={(vendor) =>
            run(async (x) =>
              unwrap(
                await api.POST('/api/v1/deals/{id}/invitations', {
                  params: { path: { id: x.id } },
                  headers: ifMatch(x),
                  body: { vendor },
                }),
              ),
            )
          }
        />
      )}
      {dialog === 'invitePartners' && (
        <InviteDialog
          deal={d}
          onClose={() => setDialog(null)}
          busy={act.isPending}
          error={failure}
          onInvite={(partners) =>
            run(async (x) =>
              unwrap(
                await api.POST('/api/v1/deals/{id}/invitations', {
                  params: { path: { id: x.id } },
                  headers: ifMatch(x),
                  body: { partners },
                }),
              ),
            )
          }
        />
      )}
    </article>
  );
}

function describe(t: (k: string) => string, field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (field === 'status' && typeof value === 'string') return t(STATUS_LABELS[value] ?? value);
  if (field === 'salesStage' && typeof value === 'string') return t(STAGE_LABELS[value] ?? value);
  if (typeof value === 'object' && value && 'amount' in value && 'currency' in value) {
    return formatMoney(value as { amount: string; currency: string });
  }
  // Lists (team, solutions) read as names, not as raw data.
  if (Array.isArray(value)) {
    const names = value.map((item) =>
      item && typeof item === 'object' && 'name' in item ? String(item.name) : String(item),
    );
    return names.length > 0 ? names.join(', ') : '—';
  }
  if (typeof value === 'object') return JSON.stringify(value).slice(0, 120);
  return String(value);
}

function NoteForm({ onAdd }: { onAdd: (body: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      style={{ display: 'flex', flexDirection: 'column', gap: 8, marginTop: 8 }}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void onAdd(body.trim())
          .then(() => setBody(''))
          .finally(() => setBusy(false));
      }}
    >
      <Field label={t('Add a note for every participant')}>
        <Textarea value={body} onChange={(_e, d) => setBody(d.value)} resize="vertical" />
      </Field>
      <Button type="submit" disabled={!body.trim() || busy} style={{ alignSelf: 'flex-start' }}>
        {t('Add note')}
      </Button>
    </form>
  );
}

function DealFieldsDialog({
  title,
  deal,
  confirm,
  withNotes,
  onClose,
  onSubmit,
  busy,
  error,
}: {
  title: string;
  deal: Deal;
  confirm: string;
  withNotes: boolean;
  onClose: () => void;
  onSubmit: (body: {
    name: string;
    value: { amount: string; currency: string };
    closeDate: string;
    crmId?: string | null;
    campaignId?: string | null;
    notes?: string;
    team?: { name: string; phone: string; email: string }[];
  }) => void;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  const styles = useStyles();
  const me = useMe().data!;
  // The team of this organization's record; the inviter's people on it are kept by the server.
  const ownTeam = deal.team
    .filter((m) => m.organization.id === me.organization.id)
    .map((m) => ({ key: m.email, name: m.name, phone: m.phone, email: m.email }));
  const [team, setTeam] = useState(ownTeam);
  const teamChanged =
    JSON.stringify(team.map(({ key: _k, ...m }) => m)) !==
    JSON.stringify(ownTeam.map(({ key: _k, ...m }) => m));
  const editMember = (index: number, changes: Partial<(typeof team)[number]>) =>
    setTeam(team.map((m, i) => (i === index ? { ...m, ...changes } : m)));
  const [name, setName] = useState(deal.name);
  const [value, setValue] = useState(deal.value);
  const [closeDate, setCloseDate] = useState(deal.closeDate);
  const [crmId, setCrmId] = useState(deal.crmId ?? '');
  const [campaignId, setCampaignId] = useState(deal.campaignId ?? '');
  const [notes, setNotes] = useState('');
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit({
              name: name.trim(),
              value,
              closeDate,
              ...(crmId.trim() ? { crmId: crmId.trim() } : !withNotes && deal.crmId ? { crmId: null } : {}),
              ...(campaignId.trim()
                ? { campaignId: campaignId.trim() }
                : !withNotes && deal.campaignId
                  ? { campaignId: null }
                  : {}),
              ...(withNotes && notes.trim() ? { notes: notes.trim() } : {}),
              ...(teamChanged && team.length > 0
                ? { team: team.map(({ name, phone, email }) => ({ name, phone, email })) }
                : {}),
            });
          }}
        >
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className={styles.form}>
              <Field label={t('Deal name')} required>
                <Input value={name} onChange={(_e, d) => setName(d.value)} />
              </Field>
              <MoneyField
                label={t('Estimated value')}
                amount={value.amount}
                currency={value.currency}
                onChange={setValue}
                required
              />
              <Field label={t('Estimated close date')} required>
                <Input type="date" value={closeDate} onChange={(_e, d) => setCloseDate(d.value)} />
              </Field>
              <Field label={t('CRM ID')}>
                <Input value={crmId} onChange={(_e, d) => setCrmId(d.value)} />
              </Field>
              <Field label={t('Marketing campaign ID')}>
                <Input value={campaignId} onChange={(_e, d) => setCampaignId(d.value)} />
              </Field>
              {withNotes && (
                <Field label={t('Notes')}>
                  <Textarea value={notes} onChange={(_e, d) => setNotes(d.value)} />
                </Field>
              )}
              <fieldset
                style={{ border: 0, padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 8 }}
              >
                <legend>
                  <Subtitle2>{t('Team')}</Subtitle2>
                </legend>
                {team.map((m, i) => (
                  <div
                    key={m.key}
                    style={{
                      display: 'grid',
                      gridTemplateColumns: '1fr 1fr 1fr auto',
                      gap: 8,
                      alignItems: 'end',
                    }}
                  >
                    <Field label={t('Name')}>
                      <Input value={m.name} onChange={(_e, d) => editMember(i, { name: d.value })} />
                    </Field>
                    <Field label={t('Phone')}>
                      <Input
                        type="tel"
                        value={m.phone}
                        onChange={(_e, d) => editMember(i, { phone: d.value })}
                      />
                    </Field>
                    <Field label={t('E-mail')}>
                      <Input
                        type="email"
                        value={m.email}
                        onChange={(_e, d) => editMember(i, { email: d.value })}
                      />
                    </Field>
                    <Button
                      appearance="subtle"
                      icon={<DeleteRegular />}
                      aria-label={t('Remove {{name}}', { name: m.name || t('member') })}
                      disabled={team.length === 1}
                      onClick={() => setTeam(team.filter((_m, j) => j !== i))}
                    />
                  </div>
                ))}
                <Button
                  icon={<AddRegular />}
                  style={{ alignSelf: 'flex-start' }}
                  onClick={() =>
                    setTeam([...team, { key: crypto.randomUUID(), name: '', phone: '', email: '' }])
                  }
                >
                  {t('Add member')}
                </Button>
              </fieldset>
              {error && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{error}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>{t('Cancel')}</Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={
                  busy ||
                  !name.trim() ||
                  team.some((m) => !m.name.trim() || !m.email.trim() || !m.phone.trim())
                }
              >
                {confirm}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function AcceptDialog(props: {
  deal: Deal;
  onClose: () => void;
  onAccept: (body: AcceptBody) => void;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  return (
    <DealFieldsDialog
      title={t('Accept this deal')}
      deal={props.deal}
      confirm={t('Accept')}
      withNotes
      onClose={props.onClose}
      busy={props.busy}
      error={props.error}
      onSubmit={(body) => props.onAccept(body as AcceptBody)}
    />
  );
}

function EditDialog(props: {
  deal: Deal;
  onClose: () => void;
  onSave: (body: never) => void;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  return (
    <DealFieldsDialog
      title={t('Edit deal')}
      deal={props.deal}
      confirm={t('Save')}
      withNotes={false}
      onClose={props.onClose}
      busy={props.busy}
      error={props.error}
      onSubmit={(body) => props.onSave(body as never)}
    />
  );
}

function VendorDialog({
  onClose,
  onInvite,
  busy,
}: {
  onClose: () => void;
  onInvite: (vendor: { help: never; notes?: string }) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const [help, setHelp] = useState('general-or-other');
  const [notes, setNotes] = useState('');
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('Ask the vendor for help')}</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <Field label={t('Help needed')} required>
              <Dropdown
                value={label(t, HELP_LABELS, help)}
                selectedOptions={[help]}
                onOptionSelect={(_e, d) => setHelp(d.optionValue ?? help)}
              >
                {HELP_TYPES.map((h) => (
                  <Option key={h} value={h}>
                    {label(t, HELP_LABELS, h)}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Field label={t('What help do you need?')}>
              <Textarea value={notes} onChange={(_e, d) => setNotes(d.value)} />
            </Field>
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('Cancel')}</Button>
            <Button
              appearance="primary"
              disabled={busy}
              onClick={() =>
                onInvite({ help: help as never, ...(notes.trim() ? { notes: notes.trim() } : {}) })
              }
            >
              {t('Send request')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
