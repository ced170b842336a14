import { Layout, theme, Typography } from 'antd';
import { Outlet } from 'react-router';
import { APP_TITLE, externalLinks } from '../appInfo';

/**
 * The frame of the public account pages (sign-in, forgot/reset password): one centred card.
 * The card is a plain box drawn with antd's tokens rather than antd's Card, which brings Tabs,
 * Skeleton and their dependencies into the first bundle for a border and a padding.
 */
export function PublicLayout() {
  const { token } = theme.useToken();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Content
        style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', padding: '48px 16px' }}
      >
        <Typography.Title level={2} style={{ marginBottom: 24 }}>
          {APP_TITLE}
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
          <main>
            <Outlet />
          </main>
        </div>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>
        學習歷程檔案 Licheng ・ <a href={externalLinks.apiDocs}>API 文件</a>
      </Layout.Footer>
    </Layout>
  );
}
