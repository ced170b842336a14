import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/error';

/** The app's query defaults: no retry on 4xx (a retry cannot fix it), at most two otherwise. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          if (isApiError(error) && error.isClientError) return false;
          return failureCount < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
