import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App } from 'antd';
import { errorMessage } from '../auth/messages';

export interface ApiMutationOptions<Data, Vars> {
  /** Queries to refetch after success (prefixes: `['role-groups']` covers its members too). */
  invalidate?: readonly QueryKey[];
  /** A success toast. */
  success?: string | ((data: Data, vars: Vars) => string);
  onSuccess?: (data: Data, vars: Vars) => void;
  /** Instead of the default error toast (the problem's zh-TW title). */
  onError?: (error: unknown, vars: Vars) => void;
}

/**
 * A TanStack mutation for an admin action (save, delete, revoke): refreshes the lists it
 * changes and tells the user how it went with antd `message`.
 */
export function useApiMutation<Data, Vars = void>(
  mutationFn: (vars: Vars) => Promise<Data>,
  options: ApiMutationOptions<Data, Vars> = {},
) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn,
    onSuccess: async (data, vars) => {
      const { success } = options;
      if (success) void message.success(typeof success === 'function' ? success(data, vars) : success);
      options.onSuccess?.(data, vars);
      await Promise.all(
        (options.invalidate ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
    },
    onError: (error, vars) => {
      if (options.onError) options.onError(error, vars);
      else void message.error(errorMessage(error).title);
    },
  });
}
