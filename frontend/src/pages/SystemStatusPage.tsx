import { ApiOutlined } from '@ant-design/icons';
import { Card, Space } from 'antd';
import { SystemStatus } from '../components/SystemStatus';
import { externalLinks } from '../navigation';
import { useT } from '../i18n';

/**
 * 系統狀態 (platform operator and school admins; issue #24 item 1: "system status … on their own
 * page"): the server's readiness (database, schema) and the developer links, off the home page.
 */
export function SystemStatusPage() {
  const t = useT();
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <SystemStatus />
      <Card title={t('開發者資源', 'For developers')}>
        <Space orientation="vertical">
          <a href={externalLinks.apiDocs}>
            <ApiOutlined /> {t('API 互動式文件', 'Interactive API docs')}
          </a>
          <a href={externalLinks.openApiSpec}>{t('OpenAPI 規格（openapi.json）', 'OpenAPI spec (openapi.json)')}</a>
        </Space>
      </Card>
    </Space>
  );
}
