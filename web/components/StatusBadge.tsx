import { Badge, type BadgeProps } from '@fluentui/react-components';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { label, STATUS_LABELS } from '../terms.ts';

const COLORS: Record<string, BadgeProps['color']> = {
  received: 'warning',
  accepted: 'brand',
  won: 'success',
  lost: 'danger',
  declined: 'subtle',
  expired: 'subtle',
  error: 'severe',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <StatusBadgeOf status={status} text={label(t, STATUS_LABELS, status)} />;
}

/**
 * The badge with its label given (the home grid draws one per row and translates each label once). A row that
 * shows another deal with the same status keeps its badge as it is.
 */
export const StatusBadgeOf = memo(function StatusBadgeOf({ status, text }: { status: string; text: string }) {
  return (
    <Badge
      appearance="tint"
      color={COLORS[status] ?? 'informative'}
      data-status={status}
      style={{ whiteSpace: 'nowrap', flexShrink: 0 }}
    >
      {text}
    </Badge>
  );
});
