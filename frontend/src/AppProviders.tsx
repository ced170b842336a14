import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { clearQueriesOnSignOut } from './auth/session';
import { antdLocale } from './lib/locale';

export const theme = {
  token: {
    colorPrimary: '#1677ff',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif",
  },
};

/**
 * Everything a page needs around it: antd in zh-TW, antd's App context, TanStack Query (whose
 * cache is dropped whenever the session ends, so the next user never sees the last one's data).
 */
export function AppProviders({
  queryClient,
  children,
}: {
  queryClient: QueryClient;
  children: ReactNode;
}) {
  useEffect(() => clearQueriesOnSignOut(queryClient), [queryClient]);
  return (
    <ConfigProvider locale={antdLocale} theme={theme}>
      <AntdApp>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </AntdApp>
    </ConfigProvider>
  );
}
