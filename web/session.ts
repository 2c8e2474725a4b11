import { useQuery } from '@tanstack/react-query';
import { api, type Me, unwrap } from './api/client.ts';

export const ME_KEY = ['me'] as const;

/** The signed-in user; `null` when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      const result = await api.GET('/api/v1/me');
      if (result.response.status === 401) return null;
      return unwrap(result);
    },
    staleTime: 60_000,
  });
}

export function hasRole(me: Me, ...roles: Me['roles'][number]['role'][]): boolean {
  return me.roles.some((r) => roles.includes(r.role));
}

/** Whether the user works deals at all (partner-admin and solutions-admin do not, by role alone). */
export const worksDeals = (me: Me) =>
  hasRole(me, 'referrals-admin', 'referrals-user', 'vendor-admin', 'vendor-seller');
