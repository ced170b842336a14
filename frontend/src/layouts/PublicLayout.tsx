import { Card, Layout, Typography } from 'antd';
import { Outlet } from 'react-router';
import { externalLinks } from '../navigation';
import { APP_TITLE } from '../appInfo';

/** The frame of the public account pages (sign-in, forgot/reset password): one centred card. */
export function PublicLayout() {
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Content
        style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', padding: '48px 16px' }}
      >
        <Typography.Title level={2} style={{ marginBottom: 24 }}>
          {APP_TITLE}
        </Typography.Title>
        <Card style={{ width: '100%', maxWidth: 440 }}>
          <main>
            <Outlet />
          </main>
        </Card>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>
        學習歷程檔案 Licheng ・ <a href={externalLinks.apiDocs}>API 文件</a>
      </Layout.Footer>
    </Layout>
  );
}
