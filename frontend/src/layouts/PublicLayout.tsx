import { Layout, theme, Typography } from 'antd';
import { Outlet } from 'react-router';
import { APP_TITLE, APP_TITLE_EN, externalLinks } from '../appInfo';
import { useT } from '../i18n';
import { LanguageSwitch } from '../i18n/LanguageSwitch';

/**
 * The frame of the public account pages (sign-in, forgot/reset password): one centred card,
 * with the language switch above it.
 * The card is a plain box drawn with antd's tokens rather than antd's Card, which brings Tabs,
 * Skeleton and their dependencies into the first bundle for a border and a padding.
 */
export function PublicLayout() {
  const { token } = theme.useToken();
  const t = useT();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <div style={{ display: 'flex', justifyContent: 'flex-end', padding: '8px 16px 0' }}>
        <LanguageSwitch />
      </div>
      <Layout.Content
        style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', padding: '24px 16px 48px' }}
      >
        <Typography.Title level={2} style={{ marginBottom: 24 }}>
          {t(APP_TITLE, APP_TITLE_EN)}
        </Typography.Title>
        <div
          className="licheng-public-card"
          style={{
            boxSizing: 'border-box',
            width: '100%',
            maxWidth: 440,
            padding: token.paddingLG,
            background: token.colorBgContainer,
            border: `${token.lineWidth}px ${token.lineType} ${token.colorBorderSecondary}`,
            borderRadius: token.borderRadiusLG,
            color: token.colorText,
            fontSize: token.fontSize,
            lineHeight: token.lineHeight,
          }}
        >
          {/* (Inside antd's Content, the page's one <main> landmark.) */}
          <Outlet />
        </div>
      </Layout.Content>
      <Layout.Footer className="licheng-footer" style={{ textAlign: 'center' }}>
        {t(APP_TITLE, APP_TITLE_EN)} ・ <a href={externalLinks.apiDocs}>{t('API 文件', 'API docs')}</a>
      </Layout.Footer>
    </Layout>
  );
}
