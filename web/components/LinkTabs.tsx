/**
 * A row of tabs that are links (open in a new tab works), in the look of Fluent's TabList (medium, transparent):
 * the selected tab in semibold with the brand-coloured line under it, a grey line under a tab on hover.
 *
 * Why not Fluent's TabList: its selected-tab indicator slides from the previous tab, and to know where from, every
 * Tab reads both tabs' positions (getBoundingClientRect) while React renders. On the co-sell home that forced a
 * layout of the page in the middle of rendering the grid, about a tenth of a tab switch's CPU time; these tabs show
 * the new selection with class names only. They also are real links to the view's address.
 *
 * Keyboard, as Fluent's TabList: one tab stop (the selected tab); Left/Right (Up/Down) move the focus to the
 * previous/next tab, Home/End to the first/last; Enter or Space opens the focused tab.
 */
import {
  createCustomFocusIndicatorStyle,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { type KeyboardEvent, type MouseEvent, memo } from 'react';

const useStyles = makeStyles({
  list: { display: 'flex', flexShrink: 0, flexWrap: 'nowrap', position: 'relative' },
  tab: {
    position: 'relative',
    display: 'grid',
    alignItems: 'center',
    justifyContent: 'center',
    flexShrink: 0,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalMNudge}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorTransparentBackground,
    color: tokens.colorNeutralForeground2,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    fontWeight: tokens.fontWeightRegular,
    textDecorationLine: 'none',
    cursor: 'pointer',
    outlineStyle: 'none',
    overflow: 'hidden',
    ':hover': {
      backgroundColor: tokens.colorTransparentBackgroundHover,
      color: tokens.colorNeutralForeground2Hover,
    },
    ':active': {
      backgroundColor: tokens.colorTransparentBackgroundPressed,
      color: tokens.colorNeutralForeground2Pressed,
    },
    // The line under a tab: grey on hover, the brand colour on the selected tab.
    '::after': {
      content: '""',
      position: 'absolute',
      bottom: 0,
      left: tokens.spacingHorizontalM,
      right: tokens.spacingHorizontalM,
      height: tokens.strokeWidthThicker,
      borderRadius: tokens.borderRadiusCircular,
      backgroundColor: tokens.colorTransparentStroke,
    },
    ':hover::after': { backgroundColor: tokens.colorNeutralStroke1Hover },
    ':active::after': { backgroundColor: tokens.colorNeutralStroke1Pressed },
    '@media (forced-colors: active)': {
      ':hover::after': { backgroundColor: 'Highlight' },
    },
    ...createCustomFocusIndicatorStyle(
      {
        outlineWidth: tokens.strokeWidthThick,
        outlineColor: 'transparent',
        outlineStyle: 'solid',
        boxShadow: `${tokens.shadow4}, 0 0 0 ${tokens.strokeWidthThick} ${tokens.colorStrokeFocus2}`,
        zIndex: 1,
      },
      { enableOutline: true },
    ),
  },
  selected: {
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
    ':hover': { color: tokens.colorNeutralForeground1Hover },
    ':active': { color: tokens.colorNeutralForeground1Pressed },
    '::after': { backgroundColor: tokens.colorCompoundBrandStroke },
    ':hover::after': { backgroundColor: tokens.colorCompoundBrandStrokeHover },
    ':active::after': { backgroundColor: tokens.colorCompoundBrandStrokePressed },
    '@media (forced-colors: active)': {
      '::after': { backgroundColor: 'ButtonText' },
      ':hover::after': { backgroundColor: 'ButtonText' },
    },
  },
  // The text and, hidden in the same grid cell, its semibold width: selecting a tab does not move the others.
  text: { gridArea: '1 / 1', padding: `0 ${tokens.spacingHorizontalXXS}` },
  reserve: {
    gridArea: '1 / 1',
    padding: `0 ${tokens.spacingHorizontalXXS}`,
    fontWeight: tokens.fontWeightSemibold,
    visibility: 'hidden',
  },
});

export interface LinkTab {
  value: string;
  label: string;
  href: string;
}

export const LinkTabs = memo(function LinkTabs({
  tabs,
  selected,
  onSelect,
  label,
}: {
  tabs: readonly LinkTab[];
  selected: string;
  /** A plain click, Enter or Space on a tab; a click with a modifier key is left to the browser. */
  onSelect: (value: string) => void;
  label: string;
}) {
  const styles = useStyles();
  const onClick = (event: MouseEvent<HTMLAnchorElement>, value: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (value !== selected) onSelect(value);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('[role="tab"]')];
    const at = items.indexOf(event.target as HTMLAnchorElement);
    if (at < 0) return;
    let next: number | null = null;
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = (at + 1) % items.length;
    else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp')
      next = (at - 1 + items.length) % items.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = items.length - 1;
    else if (event.key === ' ') {
      event.preventDefault();
      items[at]?.click();
      return;
    }
    if (next === null) return;
    event.preventDefault();
    items[next]?.focus();
  };
  return (
    <div
      role="tablist"
      aria-label={label}
      aria-orientation="horizontal"
      className={styles.list}
      onKeyDown={onKeyDown}
    >
      {tabs.map((tab) => {
        const isSelected = tab.value === selected;
        return (
          <a
            key={tab.value}
            role="tab"
            href={tab.href}
            aria-selected={isSelected}
            tabIndex={isSelected ? 0 : -1}
            className={mergeClasses(styles.tab, isSelected && styles.selected)}
            onClick={(event) => onClick(event, tab.value)}
            data-value={tab.value}
          >
            <span className={styles.text}>{tab.label}</span>
            <span className={styles.reserve} aria-hidden="true">
              {tab.label}
            </span>
          </a>
        );
      })}
    </div>
  );
});
