import { ToggleButton } from '@fluentui/react-components';
import { HeartFilled, HeartRegular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';

/** The heart: toggles the caller's favorite in place, optimistically. */
export function FavoriteButton({
  id,
  name,
  favorite,
  onChange,
}: {
  id: string;
  name: string;
  favorite: boolean;
  onChange?: (favorite: boolean) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async (next: boolean) => {
      const params = { params: { path: { id } } };
      unwrap(
        next
          ? await api.PUT('/api/v1/deals/{id}/favorite', params)
          : await api.DELETE('/api/v1/deals/{id}/favorite', params),
      );
      return next;
    },
    onMutate: (next) => onChange?.(next),
    onError: (_e, next) => onChange?.(!next),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['deals', 'favorites'] });
      void queryClient.invalidateQueries({ queryKey: ['deal', id] });
    },
  });
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
      onClick={() => mutation.mutate(!favorite)}
      disabled={mutation.isPending}
      data-testid="favorite"
    />
  );
}
