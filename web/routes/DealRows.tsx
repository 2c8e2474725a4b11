/**
 * The rows of the co-sell home grid, virtualized against the page's own scroll: only the rows in and near the
 * viewport are in the DOM (a tab may hold hundreds of deals after "Load more"), the rest is spacer rows that keep
 * the table's height. Each row is measured once it is drawn (rows wrap to different heights), so the scrollbar
 * and the spacers follow the real layout.
 *
 * What keeps a scroll smooth: the drawn rows move in steps of several rows, not one row a frame, so most frames
 * change nothing in the DOM; rows coming into view are rendered in the background (useDeferredValue) while the
 * rows already drawn cover the view; a row that stays drawn is not rendered again (memoized); and rows passing
 * under a resting pointer take no hover while the page scrolls. What keeps a tab switch cheap: rows are keyed by
 * their place, so another list updates the drawn rows' text instead of building new rows, and a row is plain
 * table markup with class names, the heart too (a plain button: a Fluent ToggleButton per row was built anew for
 * each deal, with its focus handling and style insertion); one click handler on the body serves all links and
 * hearts.
 *
 * Accessibility: the table keeps its native roles; it states all its rows in aria-rowcount and each drawn row its
 * place in aria-rowindex (the header row is 1). A row that holds the keyboard focus stays drawn while the page
 * scrolls away from it, so focus is never dropped; tabbing down reaches each next row because the rows just past
 * the viewport are always drawn and the browser scrolls the focused control into view. */
import { createCustomFocusIndicatorStyle, makeStyles, shorthands, tokens } from '@fluentui/react-components';
import { HeartFilled, HeartRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  defaultRangeExtractor,
  type Range,
  useWindowVirtualizer,
  type VirtualItem,
} from '@tanstack/react-virtual';
import type { TFunction } from 'i18next';
import {
  type FocusEvent,
  type MouseEvent,
  memo,
  type Ref,
  useCallback,
  useDeferredValue,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useNavigate } from 'react-router';
import type { DealSummary } from '../api/client.ts';
import { HEART_COLOR, sendFavorite } from '../components/FavoriteButton.tsx';
import { StatusBadgeOf } from '../components/StatusBadge.tsx';
import { daysLeft, formatDate, formatMoney, timeLeft } from '../format.ts';
import { STAGE_LABELS, STATUS_LABELS, TYPE_LABELS } from '../terms.ts';

/** A row's height before it is measured (a two-line name or customer). */
const ROW_ESTIMATE = 56;
/** Rows drawn beyond each edge of the viewport when the drawn rows move (about 450 px). */
const OVERSCAN = 8;
/** The drawn rows move once the view comes this close to their first or last. */
const EDGE = 2;
/** Where the grid's first row was last: a grid drawn again (another tab) starts with it. */
let lastTop = 0;

const useStyles = makeStyles({
  // The look of Fluent's TableRow and TableCell (medium), without their per-cell hooks and positioned cells.
  row: {
    color: tokens.colorNeutralForeground1,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
  },
  // The line under a row is drawn by its cells: the table's borders stay separate (Home), since collapsed
  // borders are resolved for the whole table whenever a row is drawn or removed.
  cell: {
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    height: '44px',
    padding: `0 ${tokens.spacingHorizontalS}`,
    verticalAlign: 'middle',
    overflowWrap: 'break-word',
  },
  // Fluent's Link (a brand-coloured link underlined on hover) and Caption1, as class names: a row holds no
  // component of its own but the status badge (memoized: a row that shows another deal with the same status keeps
  // it) and the heart's icon.
  name: {
    color: tokens.colorBrandForegroundLink,
    fontWeight: tokens.fontWeightSemibold,
    textDecorationLine: 'none',
    ':hover': { textDecorationLine: 'underline', color: tokens.colorBrandForegroundLinkHover },
    ':active': { textDecorationLine: 'underline', color: tokens.colorBrandForegroundLinkPressed },
    ':focus-visible': {
      outlineStyle: 'none',
      textDecorationLine: 'underline',
      textDecorationStyle: 'double',
      textDecorationColor: tokens.colorStrokeFocus2,
    },
  },
  secondary: {
    color: tokens.colorNeutralForeground3,
    display: 'block',
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
  urgent: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  // The heart: the look of Fluent's transparent icon-only ToggleButton (medium), as one button with class names.
  heart: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    boxSizing: 'border-box',
    verticalAlign: 'middle',
    width: '32px',
    height: '32px',
    margin: 0,
    padding: '5px',
    overflow: 'hidden',
    fontSize: '20px',
    color: tokens.colorNeutralForeground2,
    backgroundColor: tokens.colorTransparentBackground,
    border: `${tokens.strokeWidthThin} solid transparent`,
    borderRadius: tokens.borderRadiusMedium,
    outlineStyle: 'none',
    cursor: 'pointer',
    ':hover': {
      color: tokens.colorNeutralForeground2BrandHover,
      backgroundColor: tokens.colorTransparentBackgroundHover,
    },
    ':hover:active': {
      color: tokens.colorNeutralForeground2BrandPressed,
      backgroundColor: tokens.colorTransparentBackgroundPressed,
    },
    '@media (forced-colors: active)': { ':hover': { color: 'Highlight' } },
  },
  heartFocus: createCustomFocusIndicatorStyle({
    ...shorthands.borderColor(tokens.colorStrokeFocus2),
    outlineWidth: tokens.strokeWidthThick,
    outlineStyle: 'solid',
    outlineColor: tokens.colorTransparentStroke,
    boxShadow: `0 0 0 ${tokens.strokeWidthThin} ${tokens.colorStrokeFocus2} inset`,
    zIndex: 1,
  }),
  nowrap: { whiteSpace: 'nowrap' },
  spacer: { padding: 0, border: 'none' },
  // While the page scrolls, rows passing under a resting pointer do not take hover: no restyle, repaint or pointer
  // events per frame. Pointer input resumes as soon as the scroll stops.
  scrolling: { pointerEvents: 'none' },
});

type Classes = ReturnType<typeof useStyles>;

/** A label of a lifecycle table in the UI language, each translated once per language (a row shows three). */
type Term = (table: Record<string, string>, value: string | null | undefined) => string;

interface RowProps {
  deal: DealSummary;
  index: number;
  favorite: boolean;
  showTimeLeft: boolean;
  t: TFunction;
  term: Term;
  classes: Classes;
  measure: Ref<HTMLTableRowElement>;
}

const DealRow = memo(function DealRow({
  deal,
  index,
  favorite,
  showTimeLeft,
  t,
  term,
  classes,
  measure,
}: RowProps) {
  const cell = classes.cell;
  const nowrap = `${cell} ${classes.nowrap}`;
  const left = deal.status === 'received' ? timeLeft(deal.expiresAt) : null;
  const days = daysLeft(deal.expiresAt);
  const heart = favorite
    ? t('Remove {{name}} from favorites', { name: deal.name })
    : t('Add {{name}} to favorites', { name: deal.name });
  return (
    <tr
      ref={measure}
      className={classes.row}
      data-deal-id={deal.id}
      data-index={index}
      aria-rowindex={index + 2}
    >
      <td className={cell}>
        {/* One handler for all the hearts (DealRows): the button says which deal and what it would make it. */}
        <button
          type="button"
          className={`${classes.heart} ${classes.heartFocus}`}
          aria-pressed={favorite}
          aria-label={heart}
          title={heart}
          data-testid="favorite"
          data-favorite={favorite ? 'remove' : 'add'}
        >
          {favorite ? <HeartFilled color={HEART_COLOR} /> : <HeartRegular />}
        </button>
      </td>
      <td className={cell}>
        <a href={`/deals/${deal.id}`} className={classes.name}>
          {deal.name}
        </a>
        <span className={classes.secondary}>{deal.location.name}</span>
      </td>
      <td className={cell}>
        {deal.customer.name}
        <span className={classes.secondary}>
          {deal.customer.city}, {deal.customer.country}
        </span>
      </td>
      <td className={cell}>{term(TYPE_LABELS, deal.type)}</td>
      <td className={cell}>
        <StatusBadgeOf status={deal.status} text={term(STATUS_LABELS, deal.status)} />
      </td>
      <td className={cell}>{term(STAGE_LABELS, deal.salesStage)}</td>
      <td className={nowrap} data-testid="value">
        {formatMoney(deal.value)}
      </td>
      <td className={nowrap}>{formatDate(deal.closeDate)}</td>
      {showTimeLeft && (
        <td className={`${nowrap} ${days !== null && days < 3 ? classes.urgent : ''}`}>{left ?? '—'}</td>
      )}
      <td className={cell}>{deal.participants.map((p) => p.organization.name).join(', ')}</td>
      <td className={nowrap}>{formatDate(deal.updatedAt)}</td>
    </tr>
  );
});

function sameItems(a: VirtualItem[], b: VirtualItem[]) {
  return (
    a.length === b.length &&
    a.every((item, i) => item.index === b[i]?.index && item.start === b[i]?.start && item.end === b[i]?.end)
  );
}

export function DealRows({
  rows,
  favorites,
  onFavorite,
  showTimeLeft,
  columns,
  t,
}: {
  rows: DealSummary[];
  /** Favorites toggled on this page, by deal id, until the list is read again. */
  favorites: Record<string, boolean>;
  onFavorite: (id: string, favorite: boolean) => void;
  showTimeLeft: boolean;
  columns: number;
  t: TFunction;
}) {
  const classes = useStyles();
  const term = useMemo<Term>(() => {
    const translated = new Map<string, string>();
    return (table, value) => {
      if (!value) return '';
      const key = table[value] ?? value;
      let text = translated.get(key);
      if (text === undefined) {
        text = t(key);
        translated.set(key, text);
      }
      return text;
    };
  }, [t]);
  const body = useRef<HTMLTableSectionElement>(null);
  // Where the first row starts in the document: the virtualizer works in the page's scroll coordinates.
  const [top, setTop] = useState(() => lastTop);
  useLayoutEffect(() => {
    const element = body.current;
    if (!element) return;
    const measure = () => {
      const next = Math.round(element.getBoundingClientRect().top + window.scrollY);
      lastTop = next;
      setTop((current) => (current === next ? current : next));
    };
    measure();
    // What stands above the grid (filters wrapping, a message) changes its place without a scroll.
    const observer = new ResizeObserver(measure);
    const section = element.closest('section');
    if (section) observer.observe(section);
    return () => observer.disconnect();
  }, []);

  // The drawn rows change in steps: while the rows in view stay inside the drawn ones, the same rows stay drawn,
  // so most frames of a scroll change nothing in the DOM and repaint nothing; once the view comes within EDGE
  // rows of an edge, the rows OVERSCAN beyond each side of the view are drawn. At least EDGE rows past the view
  // are always drawn, so that tabbing down reaches the next row (the browser scrolls it into view, which draws
  // more). The row that holds the focus stays
  // drawn too (by deal id: a new sort or page moves its index).
  const drawnRange = useRef<{ from: number; to: number; rows: DealSummary[] } | null>(null);
  const focused = useRef<string | null>(null);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const { startIndex, endIndex, count } = range;
      let drawn = drawnRange.current;
      const fresh = drawn?.rows !== rows;
      if (
        !drawn ||
        fresh ||
        startIndex < drawn.from + (drawn.from > 0 ? EDGE : 0) ||
        endIndex > drawn.to - (drawn.to < count - 1 ? EDGE : 0)
      ) {
        // New rows (another tab, sort or page) draw the view and a few rows past it; a scroll then draws ahead.
        const beyond = fresh ? EDGE + 1 : OVERSCAN;
        drawn = {
          from: Math.max(0, startIndex - beyond),
          to: Math.min(count - 1, endIndex + beyond),
          rows,
        };
        drawnRange.current = drawn;
      }
      const indexes = defaultRangeExtractor({
        ...range,
        startIndex: drawn.from,
        endIndex: drawn.to,
        overscan: 0,
      });
      const id = focused.current;
      if (id === null) return indexes;
      const index = rows.findIndex((deal) => deal.id === id);
      if (index < 0 || indexes.includes(index)) return indexes;
      return [...indexes, index].sort((a, b) => a - b);
    },
    [rows],
  );
  // A plain click on a deal's link opens it inside the app (one handler for all rows); a click with a modifier,
  // or another button, is left to the browser (a new tab or window).
  const navigate = useNavigate();
  // A heart sends the change and shows it at once (onFavorite), and takes it back if the server refuses; a second
  // click on the same deal's heart waits until the first is answered. The button stays where it is and keeps the
  // focus.
  const queryClient = useQueryClient();
  const sending = useRef(new Set<string>());
  const toggleFavorite = async (id: string, next: boolean) => {
    if (sending.current.has(id)) return;
    sending.current.add(id);
    onFavorite(id, next);
    const ok = await sendFavorite(queryClient, id, next);
    sending.current.delete(id);
    if (!ok) onFavorite(id, !next);
  };
  const onClick = (event: MouseEvent<HTMLTableSectionElement>) => {
    const heart = (event.target as HTMLElement).closest('button[data-favorite]');
    if (heart) {
      const id = heart.closest('tr')?.getAttribute('data-deal-id');
      if (id) void toggleFavorite(id, heart.getAttribute('data-favorite') === 'add');
      return;
    }
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as HTMLElement).closest('a');
    const href = link?.getAttribute('href');
    if (!href?.startsWith('/')) return;
    event.preventDefault();
    navigate(href);
  };
  const onFocus = (event: FocusEvent<HTMLTableSectionElement>) => {
    focused.current = (event.target as HTMLElement).closest('tr')?.getAttribute('data-deal-id') ?? null;
  };
  const onBlur = (event: FocusEvent<HTMLTableSectionElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) focused.current = null;
  };

  const getItemKey = useCallback((index: number) => rows[index]?.id ?? index, [rows]);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 0,
    scrollMargin: top,
    getItemKey,
    rangeExtractor,
    // The window's size from the start, so that the first render already draws the rows in view.
    initialRect: { width: window.innerWidth, height: window.innerHeight },
  });
  // Newly drawn rows are rendered in the background (React yields to the browser between rows), so a scroll never
  // waits for them; the rows drawn so far cover the view until then.
  // The virtualizer hands out new items whenever the rows in view change; the drawn rows often stay the same
  // (they move in steps), and then the same items are kept, so no background render follows.
  const latest = virtualizer.getVirtualItems();
  const kept = useRef(latest);
  if (!sameItems(kept.current, latest)) kept.current = latest;
  const items = useDeferredValue(kept.current);

  // A drawn row keeps its element when another deal takes its place (rows are keyed by place). The resize
  // observer reports the element only if its height changed; until it does, the new deal has the height the
  // element had, which the virtualizer learns here without reading the layout.
  const previous = useRef<{ rows: DealSummary[]; drawn: Set<number> } | null>(null);
  useLayoutEffect(() => {
    const before = previous.current;
    if (before && before.rows !== rows) {
      for (const item of items) {
        const was = before.drawn.has(item.index) ? before.rows[item.index] : undefined;
        const now = rows[item.index];
        if (!was || !now || was.id === now.id || virtualizer.itemSizeCache.has(now.id)) continue;
        const size = virtualizer.itemSizeCache.get(was.id);
        if (size !== undefined) virtualizer.resizeItem(item.index, size);
      }
    }
    previous.current = { rows, drawn: new Set(items.map((item) => item.index)) };
  });

  // The drawn rows with a spacer row for each gap before them and after the last, so the table keeps the height
  // of all its rows and every drawn row sits where it would without virtualization.
  const spacer = (key: string, height: number) =>
    height > 0 ? (
      // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holds no control and no content
      <tr key={key} aria-hidden="true" style={{ height }}>
        <td colSpan={columns} className={classes.spacer} />
      </tr>
    ) : null;
  const drawn = [];
  let end = top;
  for (const item of items) {
    const deal = rows[item.index];
    if (!deal) continue;
    drawn.push(spacer(`gap-${item.index}`, item.start - end));
    drawn.push(
      <DealRow
        // Keyed by place, not by deal: a row element stays when another list fills its place (another tab, sort
        // or filter), so that showing other deals updates the drawn rows' text instead of building them again.
        key={item.index}
        deal={deal}
        index={item.index}
        favorite={favorites[deal.id] ?? deal.favorite}
        showTimeLeft={showTimeLeft}
        t={t}
        term={term}
        classes={classes}
        measure={virtualizer.measureElement}
      />,
    );
    end = item.end;
  }
  drawn.push(spacer('end', top + virtualizer.getTotalSize() - end));

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Enter on a focused link is a click on it, handled here too
    <tbody
      ref={body}
      className={virtualizer.isScrolling ? classes.scrolling : undefined}
      onClick={onClick}
      onFocus={onFocus}
      onBlur={onBlur}
    >
      {drawn}
    </tbody>
  );
}
