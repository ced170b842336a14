/** Queries of the public account pages (no session needed). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { useDebouncedValue } from '../lib/useDebouncedValue';

/** Whether sign-in and forgot-password ask for a captcha. */
export function useAuthOptions() {
  return useQuery({
    queryKey: ['auth', 'options'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/options', { signal })),
    staleTime: 5 * 60_000,
  });
}

export const captchaQueryKey = ['auth', 'captcha'] as const;

/**
 * A captcha challenge, fetched only when `enabled`, renewed by itself just before it expires.
 * `refetch()` gets a new one (after a failed attempt: each challenge is good for one try).
 */
export function useCaptcha(enabled: boolean) {
  return useQuery({
    queryKey: captchaQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/captcha', { signal })),
    enabled,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchInterval: (query) => {
      const seconds = query.state.data?.expires_in;
      return seconds && seconds > 5 ? (seconds - 2) * 1000 : false;
    },
  });
}

export const SCHOOL_LOOKUP_DEBOUNCE_MS = 250;

/** Schools whose code starts with, or whose name contains, what was typed (debounced). */
export function useSchoolSuggestions(text: string) {
  const q = useDebouncedValue(text.trim(), SCHOOL_LOOKUP_DEBOUNCE_MS);
  return useQuery({
    queryKey: ['schools', 'lookup', q],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/schools/lookup', { params: { query: { q } }, signal })),
    enabled: q.length > 0,
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
}
