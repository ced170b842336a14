import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ConfigProvider, theme as antdTheme } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { clearQueriesOnSignOut } from './auth/session';
import { useAntdLocale } from './lib/locale';

export const theme = {
  token: {
    colorPrimary: '#1677ff',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif",
  },
};

/**
 * The text style antd's `App` gives its content (colour, size, font), for the pages outside the
 * signed-in frame (sign-in, error pages). antd's `App` itself (the context behind `App.useApp()`:
 * message, notification, modal) is in `AppLayout`, loaded after sign-in: it would bring Modal and
 * Notification into the sign-in page's bundle, which uses none of them.
 */
function BaseText({ children }: { children: ReactNode }) {
  const { token } = antdTheme.useToken();
  return (
    <div
      style={{
        color: token.colorText,
        fontSize: token.fontSize,
        lineHeight: token.lineHeight,
        fontFamily: token.fontFamily,
      }}
    >
      {children}
    </div>
  );
}

/**
 * Everything a page needs around it: antd in the UI language (zh-TW or English, `src/i18n/`), TanStack Query (whose cache is dropped
 * whenever the session ends, so the next user never sees the last one's data). antd's App context
 * is added by the signed-in frame (`AppLayout`), the only part of the app that uses it.
 */
export function AppProviders({
  queryClient,
  children,
}: {
  queryClient: QueryClient;
  children: ReactNode;
}) {
  useEffect(() => clearQueriesOnSignOut(queryClient), [queryClient]);
  const locale = useAntdLocale();
  return (
    <ConfigProvider locale={locale} theme={theme}>
      <BaseText>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </BaseText>
    </ConfigProvider>
  );
}
