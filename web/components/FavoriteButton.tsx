import { ToggleButton } from '@fluentui/react-components';
import { HeartFilled, HeartRegular } from '@fluentui/react-icons';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';

interface Props {
  id: string;
  name: string;
  favorite: boolean;
}

/** The heart's colour when the deal is a favorite. */
export const HEART_COLOR = '#c50f1f';

/**
 * Makes a deal the caller's favorite or not; true when the server took it. The favorites tab and the deal are read
 * again either way.
 */
export async function sendFavorite(
  queryClient: QueryClient,
  id: string,
  favorite: boolean,
): Promise<boolean> {
  try {
    const params = { params: { path: { id } } };
    unwrap(
      favorite
        ? await api.PUT('/api/v1/deals/{id}/favorite', params)
        : await api.DELETE('/api/v1/deals/{id}/favorite', params),
    );
    return true;
  } catch {
    return false;
  } finally {
    void queryClient.invalidateQueries({ queryKey: ['deals', 'favorites'] });
    void queryClient.invalidateQueries({ queryKey: ['deal', id] });
  }
}

/**
 * The heart of a deal page: toggles the caller's favorite in place, at once, and takes it back if the server
 * refuses. While the change is sent the button stays focusable (aria-disabled), so a keyboard user keeps their
 * place. (The co-sell home's grid draws its hearts as plain buttons: routes/DealRows.tsx.)
 */
export function FavoriteButton({ id, name, favorite }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  // What the user chose while the deal is read again, by deal (another deal's page starts from its own).
  const [chosen, setChosen] = useState<{ id: string; favorite: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  const shown = chosen?.id === id ? chosen.favorite : favorite;
  // Once the deal read again says the same, it is the deal's word again (another tab may change it later).
  useEffect(() => {
    if (!pending && chosen?.favorite === favorite) setChosen(null);
  }, [pending, chosen, favorite]);
  const toggle = async () => {
    if (pending) return;
    const next = !shown;
    setPending(true);
    setChosen({ id, favorite: next });
    const ok = await sendFavorite(queryClient, id, next);
    if (!ok) setChosen({ id, favorite: !next });
    setPending(false);
  };
  const text = shown
    ? t('Remove {{name}} from favorites', { name })
    : t('Add {{name}} to favorites', { name });
  return (
    <ToggleButton
      aria-label={text}
      title={text}
      appearance="transparent"
      checked={shown}
      icon={shown ? <HeartFilled color={HEART_COLOR} /> : <HeartRegular />}
      onClick={() => void toggle()}
      disabledFocusable={pending}
      data-testid="favorite"
    />
  );
}
