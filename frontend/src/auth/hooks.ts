import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, unwrap } from '../api/client';
import { session, type SessionState } from './session';

/** The session's state; re-renders when it changes (sign-in, sign-out, expiry). */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}

export const meQueryKey = ['me'] as const;

/** Who is signed in: user, school, roles, modules, current term (`GET /api/v1/me`). */
export function useMe() {
  const { status } = useSession();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me', { signal })),
    enabled: status === 'signed_in',
    staleTime: 5 * 60_000,
  });
}
