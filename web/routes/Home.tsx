import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  makeStyles,
  SearchBox,
  Select,
  Spinner,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  ToggleButton,
  Toolbar,
  tokens,
} from '@fluentui/react-components';
import {
  AddRegular,
  ArrowDownloadRegular,
  ClockAlarmRegular,
  DismissRegular,
  DocumentSearchRegular,
} from '@fluentui/react-icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ASSESSMENT_STAGES, DEAL_TYPES, STANDARD_STAGES, STATUSES } from '../../core/lifecycle.ts';
import { api, type DealSummary, type ListParams, unwrap } from '../api/client.ts';
import { RouterLink } from '../components/RouterLink.tsx';
import { useMe, worksDeals } from '../session.ts';
import { label, STAGE_LABELS, STATUS_LABELS, TYPE_LABELS } from '../terms.ts';
import { downloadCsv } from './csv.ts';
import { DealRows } from './DealRows.tsx';

const TABS = ['inbound', 'outbound', 'favorites', 'closed'] as const;
type View = (typeof TABS)[number];
const SORTS = ['updatedAt', 'value', 'closeDate', 'expiresAt'] as const;
const STAGES = [...new Set([...STANDARD_STAGES, ...ASSESSMENT_STAGES].map((s) => s.id))];
const PAGE = 25;
/**
 * The grid's columns and their widths. The table lays out by these widths (table-layout: fixed), not by its
 * content: only the rows near the viewport are drawn (DealRows), and columns sized by the drawn rows would shift
 * while the page scrolls. The deal name takes the width left over.
 */
const COLUMNS = [
  { id: 'favorite', width: '44px' },
  { id: 'name', width: 'auto' },
  { id: 'customer', width: '12%' },
  { id: 'type', width: '7%' },
  { id: 'status', width: '7.5%' },
  { id: 'stage', width: '8.5%' },
  { id: 'value', width: '10%' },
  { id: 'closeDate', width: '7.5%' },
  { id: 'timeLeft', width: '7.5%' },
  { id: 'participants', width: '11%' },
  { id: 'updated', width: '7.5%' },
] as const;

const useStyles = makeStyles({
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '16px' },
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: '8px',
    alignItems: 'center',
    padding: '12px 0',
  },
  filter: { minWidth: '150px' },
  tableWrap: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
    overflowX: 'auto',
  },
  // Below this width the wrapper scrolls sideways instead of squeezing the columns. Separate borders (Fluent
  // collapses them, which is resolved for the whole table whenever a row is drawn): each cell draws its line.
  table: { minWidth: '1180px', borderCollapse: 'separate', borderSpacing: 0 },
  headerRow: { '& > th': { borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` } },
  empty: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    gap: '12px',
    padding: '48px 16px',
    textAlign: 'center',
  },
  more: { display: 'flex', justifyContent: 'center', padding: '12px', gap: '12px', alignItems: 'center' },
});

function useListParams() {
  const [params, setParams] = useSearchParams();
  const view = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as View)
    : 'inbound';
  const sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '')
    ? (params.get('sort') as (typeof SORTS)[number])
    : 'updatedAt';
  const query: ListParams = {
    view,
    sort,
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    limit: PAGE,
  };
  const status = params.get('status');
  if (status && (STATUSES as readonly string[]).includes(status)) query.status = status as never;
  const type = params.get('type');
  if (type && (DEAL_TYPES as readonly string[]).includes(type)) query.type = type as never;
  const stage = params.get('stage');
  if (stage && (STAGES as string[]).includes(stage)) query.salesStage = stage as never;
  const location = params.get('location');
  if (location) query.locationId = location;
  const q = params.get('q');
  if (q?.trim()) query.q = q.trim();
  if (params.get('expiring') === '1') query.expiringWithinDays = 7;
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };
  return { view, query, params, update };
}

export function Home() {
  const { t } = useTranslation();
  const styles = useStyles();
  const me = useMe().data!;
  const { view, query, params, update } = useListParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [favorites, setFavorites] = useState<Record<string, boolean>>({});
  const navigate = useNavigate();

  // The search box writes to the URL after a short pause, so every keystroke does not reload.
  useEffect(() => {
    const current = params.get('q') ?? '';
    if (search === current) return;
    const timer = setTimeout(() => update({ q: search || null }), 300);
    return () => clearTimeout(timer);
  }, [search, params, update]);
  useEffect(() => setSearch(params.get('q') ?? ''), [params]);

  const list = useInfiniteQuery({
    queryKey: ['deals', view, query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/deals', { params: { query: { ...query, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: worksDeals(me),
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const filtered = ['status', 'type', 'stage', 'location', 'q', 'expiring'].some((k) => params.get(k));
  const onFavorite = useCallback(
    (id: string, favorite: boolean) => setFavorites((current) => ({ ...current, [id]: favorite })),
    [],
  );
  const showTimeLeft = view !== 'outbound';
  const columns = showTimeLeft ? COLUMNS.length : COLUMNS.length - 1;

  if (!worksDeals(me)) {
    return (
      <div className={styles.empty}>
        <Title2 as="h1">{t('Welcome, {{name}}', { name: me.user.name })}</Title2>
        <Body1>
          {t(
            'Your roles do not include working deals. Your organization’s admin can give you a referrals role under Settings.',
          )}
        </Body1>
        <RouterLink to="/settings">{t('Settings')}</RouterLink>
      </div>
    );
  }

  const sortHeader = (key: (typeof SORTS)[number] | null, text: string, className?: string): ReactNode => {
    if (!key) return <TableHeaderCell className={className}>{text}</TableHeaderCell>;
    const active = query.sort === key;
    const direction = active ? (query.order === 'asc' ? 'ascending' : 'descending') : undefined;
    return (
      <TableHeaderCell
        className={className}
        sortable
        sortDirection={direction}
        aria-sort={direction ?? 'none'}
        onClick={() => update({ sort: key, order: active && query.order === 'desc' ? 'asc' : 'desc' })}
      >
        {text}
      </TableHeaderCell>
    );
  };

  const exportCsv = async () => {
    const all: DealSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(
        await api.GET('/api/v1/deals', { params: { query: { ...query, limit: 100, cursor } } }),
      );
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && all.length < 10_000);
    downloadCsv(
      `cosell-${view}-${new Date().toISOString().slice(0, 10)}.csv`,
      [
        t('Deal name'),
        t('Customer'),
        t('City'),
        t('Country'),
        t('Type'),
        t('Status'),
        t('Sales stage'),
        t('Value'),
        t('Currency'),
        t('Close date'),
        t('Respond by'),
        t('Location'),
        t('Participants'),
      ],
      all.map((d) => [
        d.name,
        d.customer.name,
        d.customer.city,
        d.customer.country,
        label(t, TYPE_LABELS, d.type),
        label(t, STATUS_LABELS, d.status),
        label(t, STAGE_LABELS, d.salesStage),
        d.value.amount,
        d.value.currency,
        d.closeDate,
        d.expiresAt ?? '',
        d.location.name,
        d.participants.map((p) => p.organization.name).join('; '),
      ]),
    );
  };

  const emptyText: Record<View, string> = {
    inbound: t(
      'No deals have been sent to you yet. When the vendor or a partner invites your organization to a deal, it appears here and you have 14 days to accept or decline.',
    ),
    outbound: t(
      'You have not created any deals yet. Record a deal you are working on, keep it private or ask the vendor for help.',
    ),
    favorites: t('No favorites yet. Select the heart next to a deal in any tab to find it here.'),
    closed: t('Won, lost, declined, expired and erroneous deals are kept here, read-only.'),
  };

  const filterDropdown = (
    key: string,
    text: string,
    values: readonly string[],
    table: Record<string, string>,
  ) => (
    <Select
      className={styles.filter}
      aria-label={text}
      value={params.get(key) ?? ''}
      onChange={(_e, d) => update({ [key]: d.value || null })}
      data-testid={`filter-${key}`}
    >
      <option value="">
        {text}: {t('All')}
      </option>
      {values.map((v) => (
        <option key={v} value={v}>
          {label(t, table, v)}
        </option>
      ))}
    </Select>
  );

  const statusValues =
    view === 'closed' ? ['won', 'lost', 'declined', 'expired', 'error'] : ['received', 'accepted'];
  const locationLabels = Object.fromEntries(me.organization.locations.map((l) => [l.id, l.name]));

  return (
    <section aria-labelledby="home-title">
      <div className={styles.head}>
        <Title2 as="h1" id="home-title">
          {t('Co-sell deals')}
        </Title2>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          as="a"
          href="/deals/new"
          onClick={(e) => {
            if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
            e.preventDefault();
            navigate('/deals/new');
          }}
        >
          {t('New deal')}
        </Button>
      </div>
      <TabList
        selectedValue={view}
        onTabSelect={(_e, d) => update({ tab: d.value as string, status: null, cursor: null })}
        aria-label={t('Deal views')}
      >
        <Tab value="inbound">{t('Inbound')}</Tab>
        <Tab value="outbound">{t('Outbound')}</Tab>
        <Tab value="favorites">{t('Favorites')}</Tab>
        <Tab value="closed">{t('Closed')}</Tab>
      </TabList>
      <Toolbar className={styles.toolbar} aria-label={t('Filters')}>
        <SearchBox
          aria-label={t('Search deals')}
          placeholder={t('Search deal, customer or notes')}
          value={search}
          onChange={(_e, d) => setSearch(d.value)}
          style={{ minWidth: 300 }}
        />
        {filterDropdown('status', t('Status'), statusValues, STATUS_LABELS)}
        {filterDropdown('type', t('Type'), DEAL_TYPES, TYPE_LABELS)}
        {filterDropdown('stage', t('Sales stage'), STAGES, STAGE_LABELS)}
        {me.organization.locations.length > 1 &&
          filterDropdown(
            'location',
            t('Location'),
            me.organization.locations.map((l) => l.id),
            locationLabels,
          )}
        {view !== 'closed' && (
          <ToggleButton
            icon={<ClockAlarmRegular />}
            checked={params.get('expiring') === '1'}
            onClick={() => update({ expiring: params.get('expiring') === '1' ? null : '1' })}
          >
            {t('Expiring soon')}
          </ToggleButton>
        )}
        {filtered && (
          <Button
            appearance="subtle"
            icon={<DismissRegular />}
            onClick={() =>
              update({ status: null, type: null, stage: null, location: null, q: null, expiring: null })
            }
          >
            {t('Clear filters')}
          </Button>
        )}
        <div style={{ flexGrow: 1 }} />
        <Button icon={<ArrowDownloadRegular />} onClick={() => void exportCsv()} disabled={rows.length === 0}>
          {t('Export CSV')}
        </Button>
      </Toolbar>
      {list.isError && (
        <MessageBar intent="error">
          <MessageBarBody>{t('The deals could not be loaded. Try again.')}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.tableWrap}>
        <Table
          aria-label={t('Deals')}
          aria-rowcount={rows.length + 1}
          size="medium"
          data-testid="deal-grid"
          className={styles.table}
        >
          <colgroup>
            {COLUMNS.filter((column) => showTimeLeft || column.id !== 'timeLeft').map((column) => (
              <col key={column.id} style={{ width: column.width }} />
            ))}
          </colgroup>
          <TableHeader>
            <TableRow aria-rowindex={1} className={styles.headerRow}>
              <TableHeaderCell>
                <span className="sr-only" style={{ position: 'absolute', left: -9999 }}>
                  {t('Favorite')}
                </span>
              </TableHeaderCell>
              {sortHeader(null, t('Deal name'))}
              {sortHeader(null, t('Customer'))}
              {sortHeader(null, t('Type'))}
              {sortHeader(null, t('Status'))}
              {sortHeader(null, t('Sales stage'))}
              {sortHeader('value', t('Value'))}
              {sortHeader('closeDate', t('Close date'))}
              {showTimeLeft && sortHeader('expiresAt', t('Time left to respond'))}
              {sortHeader(null, t('Participants'))}
              {sortHeader('updatedAt', t('Updated'))}
            </TableRow>
          </TableHeader>
          {list.isPending ? (
            <TableBody>
              <TableRow>
                <TableCell colSpan={columns}>
                  <Spinner size="tiny" label={t('Loading…')} />
                </TableCell>
              </TableRow>
            </TableBody>
          ) : (
            <DealRows
              rows={rows}
              favorites={favorites}
              onFavorite={onFavorite}
              showTimeLeft={showTimeLeft}
              columns={columns}
              t={t}
            />
          )}
        </Table>
        {list.isSuccess && rows.length === 0 && (
          <div className={styles.empty} data-testid="empty">
            <DocumentSearchRegular fontSize={48} color={tokens.colorBrandForeground1} aria-hidden />
            <Text weight="semibold" size={400}>
              {filtered ? t('No deals match these filters.') : t('Nothing here yet')}
            </Text>
            <Body1 style={{ maxWidth: 520 }}>
              {filtered ? t('Change or clear the filters to see more deals.') : emptyText[view]}
            </Body1>
            {!filtered && view === 'outbound' && (
              <RouterLink to="/deals/new">{t('Create your first deal')}</RouterLink>
            )}
          </div>
        )}
        {rows.length > 0 && (
          <div className={styles.more}>
            <Caption1>{t('{{count}} deals shown', { count: rows.length })}</Caption1>
            {list.hasNextPage && (
              <Button onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {t('Load more')}
              </Button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
