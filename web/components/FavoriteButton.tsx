import { ToggleButton } from '@fluentui/react-components';
import { HeartFilled, HeartRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';

interface Props {
  id: string;
  name: string;
  favorite: boolean;
  onChange?: (favorite: boolean) => void;
}

/** The heart: toggles the caller's favorite in place, optimistically. */
export function FavoriteButton(props: Props) {
  const { t } = useTranslation();
  return <FavoriteToggle {...props} t={t} />;
}

/**
 * The heart with the caller's translation function. The co-sell home draws one in every row, so it holds no
 * translation hook and no mutation observer of its own: a click sends the change, reports it through onChange
 * at once and takes it back if the server refuses.
 */
export function FavoriteToggle({ id, name, favorite, onChange, t }: Props & { t: TFunction }) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const toggle = async () => {
    const next = !favorite;
    setPending(true);
    onChange?.(next);
    try {
      const params = { params: { path: { id } } };
      unwrap(
        next
          ? await api.PUT('/api/v1/deals/{id}/favorite', params)
          : await api.DELETE('/api/v1/deals/{id}/favorite', params),
      );
    } catch {
      onChange?.(!next);
    } finally {
      setPending(false);
      void queryClient.invalidateQueries({ queryKey: ['deals', 'favorites'] });
      void queryClient.invalidateQueries({ queryKey: ['deal', id] });
    }
  };
  const text = favorite
    ? t('Remove {{name}} from favorites', { name })
    : t('Add {{name}} to favorites', { name });
  return (
    <ToggleButton
      aria-label={text}
      title={text}
      appearance="transparent"
      checked={favorite}
      icon={favorite ? <HeartFilled color="#c50f1f" /> : <HeartRegular />}
      onClick={() => void toggle()}
      disabled={pending}
      data-testid="favorite"
    />
  );
}
