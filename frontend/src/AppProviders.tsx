import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ConfigProvider, theme as antdTheme, type ThemeConfig } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { clearQueriesOnSignOut } from './auth/session';
import { useAntdLocale } from './lib/locale';

/**
 * Colours that text can be read in (WCAG 2.1 AA: at least 4.5:1 against its background; the
 * end-to-end audit checks every screen with axe-core). antd's defaults fall short: its blue
 * (#1677ff, 4.1:1 on white) for links, menus and primary buttons, its grey for secondary text,
 * descriptions and placeholders (#8c8c8c, 3.4:1; #bfbfbf, 1.8:1), its red for errors and danger
 * buttons (#ff4d4f, 3.3:1) and the green, gold and orange of tags on their light backgrounds.
 */
export const theme: ThemeConfig = {
  token: {
    // antd blue-7: 6.2:1 on white, 5.6:1 on the footer's grey.
    colorPrimary: '#0958d9',
    colorInfo: '#0958d9',
    colorLink: '#0958d9',
    // antd red-7: 5.6:1 (form errors, danger buttons).
    colorError: '#cf1322',
    // Secondary texts (descriptions, form notes, labels of details, empty lists): 5.7:1.
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    // Placeholders are text to read too: 4.7:1 (still lighter than a value, 0.88).
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    // Typography type="success" / "warning".
    colorSuccessText: '#237804',
    colorWarningText: '#874d00',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif",
  },
  components: {
    // Tags write in their colour on a light tint of it: the darker shades used here (green-8,
    // gold-9, orange-8) read at 5:1 or more on those tints; the status colours likewise.
    Tag: {
      colorSuccess: '#237804',
      colorWarning: '#874d00',
      green7: '#237804',
      gold7: '#874d00',
      orange7: '#ad4e00',
    },
    // An empty table says so in the disabled grey (#bfbfbf): as legible as other secondary text.
    Table: { colorTextDisabled: 'rgba(0, 0, 0, 0.6)' },
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
