import { ApiOutlined } from '@ant-design/icons';
import { Card, Space, Typography } from 'antd';
import { MyPeriodsCard } from '../components/MyPeriodsCard';
import { SystemStatus } from '../components/SystemStatus';
import { externalLinks } from '../navigation';

export function HomePage() {
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        歡迎使用學習歷程檔案系統
      </Typography.Title>
      <MyPeriodsCard />
      <SystemStatus />
      <Card title="開發者資源">
        <Space orientation="vertical">
          <a href={externalLinks.apiDocs}>
            <ApiOutlined /> API 互動式文件
          </a>
          <a href={externalLinks.openApiSpec}>OpenAPI 規格（openapi.json）</a>
        </Space>
      </Card>
    </Space>
  );
}
