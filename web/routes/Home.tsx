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
import type { TFunction } from 'i18next';
import {
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { type NavigateFunction, useNavigate, useSearchParams } from 'react-router';
import { ASSESSMENT_STAGES, DEAL_TYPES, STANDARD_STAGES, STATUSES } from '../../core/lifecycle.ts';
import { api, type DealSummary, type ListParams, type Me, unwrap } from '../api/client.ts';
import { type LinkTab, LinkTabs } from '../components/LinkTabs.tsx';
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

/** The filters kept in the query string besides the tab: a tab switch leaves them as they are. */
const FILTER_KEYS = ['status', 'type', 'stage', 'location', 'q', 'expiring'] as const;

function useListParams() {
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const view = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as View)
    : 'inbound';
  // The same query object while the address stays the same: the parts of the page that take it are not rendered
  // again for nothing.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query follows the address, which `search` is
  const query = useMemo(() => {
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
    return query;
  }, [search, view]);
  // One function for the page's lifetime that changes the address from the latest one (the toolbar, the tabs and
  // the column headers keep it, so they are not rendered again when only the address changes).
  const latest = useRef({ params, setParams });
  useLayoutEffect(() => {
    latest.current = { params, setParams };
  });
  const update = useCallback((changes: Record<string, string | null>) => {
    const next = new URLSearchParams(latest.current.params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    latest.current.setParams(next);
  }, []);
  return { view, query, params, update };
}

type Update = ReturnType<typeof useListParams>['update'];

/** The page's title and its "New deal" button. */
const HomeHead = memo(function HomeHead({
  t,
  navigate,
  className,
}: {
  t: TFunction;
  navigate: NavigateFunction;
  className: string;
}) {
  return (
    <div className={className}>
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
  );
});

/** The views as tabs that are links: the address of each keeps the filters, search and sort. */
const ViewTabs = memo(function ViewTabs({
  view,
  kept,
  update,
  t,
}: {
  view: View;
  /** The query string without the tab, status and cursor (what a tab switch keeps). */
  kept: string;
  update: Update;
  t: TFunction;
}) {
  const tabs = useMemo<LinkTab[]>(() => {
    const labels: Record<View, string> = {
      inbound: t('Inbound'),
      outbound: t('Outbound'),
      favorites: t('Favorites'),
      closed: t('Closed'),
    };
    return TABS.map((value) => {
      const search = new URLSearchParams(kept);
      search.set('tab', value);
      return { value, label: labels[value], href: `/?${search}` };
    });
  }, [kept, t]);
  const onSelect = useCallback(
    (value: string) => update({ tab: value, status: null, cursor: null }),
    [update],
  );
  return <LinkTabs tabs={tabs} selected={view} onSelect={onSelect} label={t('Deal views')} />;
});

interface FilterProps {
  t: TFunction;
  me: Me;
  /** The closed tab filters by the closed statuses and has no "Expiring soon". */
  closed: boolean;
  values: Record<(typeof FILTER_KEYS)[number], string>;
  search: string;
  setSearch: (value: string) => void;
  update: Update;
  exportCsv: () => void;
  canExport: boolean;
  toolbarClass: string;
  filterClass: string;
}

/** The search box, the filters and the CSV export; a tab switch leaves them as they are. */
const Filters = memo(function Filters({
  t,
  me,
  closed,
  values,
  search,
  setSearch,
  update,
  exportCsv,
  canExport,
  toolbarClass,
  filterClass,
}: FilterProps) {
  const filtered = FILTER_KEYS.some((k) => values[k]);
  const filterDropdown = (
    key: (typeof FILTER_KEYS)[number],
    text: string,
    options: readonly string[],
    table: Record<string, string>,
  ) => (
    <Select
      className={filterClass}
      aria-label={text}
      value={values[key]}
      onChange={(_e, d) => update({ [key]: d.value || null })}
      data-testid={`filter-${key}`}
    >
      <option value="">
        {text}: {t('All')}
      </option>
      {options.map((v) => (
        <option key={v} value={v}>
          {label(t, table, v)}
        </option>
      ))}
    </Select>
  );
  const statusValues = closed ? ['won', 'lost', 'declined', 'expired', 'error'] : ['received', 'accepted'];
  const locationLabels = Object.fromEntries(me.organization.locations.map((l) => [l.id, l.name]));
  return (
    <Toolbar className={toolbarClass} aria-label={t('Filters')}>
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
      {!closed && (
        <ToggleButton
          icon={<ClockAlarmRegular />}
          checked={values.expiring === '1'}
          onClick={() => update({ expiring: values.expiring === '1' ? null : '1' })}
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
      <Button icon={<ArrowDownloadRegular />} onClick={exportCsv} disabled={!canExport}>
        {t('Export CSV')}
      </Button>
    </Toolbar>
  );
});

/** The grid's column widths and its header row, with the sortable columns. */
const GridHead = memo(function GridHead({
  t,
  sort,
  order,
  showTimeLeft,
  update,
  className,
}: {
  t: TFunction;
  sort: string;
  order: 'asc' | 'desc';
  showTimeLeft: boolean;
  update: Update;
  className: string;
}) {
  const sortHeader = (key: (typeof SORTS)[number] | null, text: string): ReactNode => {
    if (!key) return <TableHeaderCell>{text}</TableHeaderCell>;
    const active = sort === key;
    const direction = active ? (order === 'asc' ? 'ascending' : 'descending') : undefined;
    return (
      <TableHeaderCell
        sortable
        sortDirection={direction}
        aria-sort={direction ?? 'none'}
        onClick={() => update({ sort: key, order: active && order === 'desc' ? 'asc' : 'desc' })}
      >
        {text}
      </TableHeaderCell>
    );
  };
  return (
    <>
      <colgroup>
        {COLUMNS.filter((column) => showTimeLeft || column.id !== 'timeLeft').map((column) => (
          <col key={column.id} style={{ width: column.width }} />
        ))}
      </colgroup>
      <TableHeader>
        <TableRow aria-rowindex={1} className={className}>
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
    </>
  );
});

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
  const values = {} as Record<(typeof FILTER_KEYS)[number], string>;
  for (const key of FILTER_KEYS) values[key] = params.get(key) ?? '';
  const valuesKey = FILTER_KEYS.map((key) => values[key]).join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the same values while their text stays the same
  const filterValues = useMemo(() => values, [valuesKey]);
  const filtered = FILTER_KEYS.some((k) => values[k]);
  const kept = new URLSearchParams(params);
  for (const key of ['tab', 'status', 'cursor']) kept.delete(key);
  const onFavorite = useCallback(
    (id: string, favorite: boolean) => setFavorites((current) => ({ ...current, [id]: favorite })),
    [],
  );
  const showTimeLeft = view !== 'outbound';
  const columns = showTimeLeft ? COLUMNS.length : COLUMNS.length - 1;

  // The export reads the current view when it is clicked: one function for the page's lifetime.
  const exporting = useRef({ query, view, t });
  useLayoutEffect(() => {
    exporting.current = { query, view, t };
  });
  const exportCsv = useCallback(() => {
    const { query, view, t } = exporting.current;
    void (async () => {
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
    })();
  }, []);

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

  return (
    <section aria-labelledby="home-title">
      <HomeHead t={t} navigate={navigate} className={styles.head} />
      <ViewTabs view={view} kept={kept.toString()} update={update} t={t} />
      <Filters
        t={t}
        me={me}
        closed={view === 'closed'}
        values={filterValues}
        search={search}
        setSearch={setSearch}
        update={update}
        exportCsv={exportCsv}
        canExport={rows.length > 0}
        toolbarClass={styles.toolbar}
        filterClass={styles.filter}
      />
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
          <GridHead
            t={t}
            sort={query.sort ?? 'updatedAt'}
            order={query.order === 'asc' ? 'asc' : 'desc'}
            showTimeLeft={showTimeLeft}
            update={update}
            className={styles.headerRow}
          />
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
