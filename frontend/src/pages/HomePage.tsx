import { ApiOutlined, BellOutlined } from '@ant-design/icons';
import { Alert, Card, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { useMe } from '../auth/hooks';
import { MyPeriodsCard } from '../components/MyPeriodsCard';
import { SystemStatus } from '../components/SystemStatus';
import { useNotificationSummary } from '../lib/notifications';
import { externalLinks } from '../navigation';

/** A student's unread notifications (results certified or rejected…), with the way to them; nothing when all are read. */
function UnreadNotices() {
  const { data: me } = useMe();
  const summary = useNotificationSummary();
  const unread = summary.data?.unread ?? 0;
  if (!me?.roles.includes('student') || unread === 0) return null;
  return (
    <Alert
      type="info"
      showIcon
      icon={<BellOutlined />}
      data-testid="home-unread"
      title={`您有 ${unread} 則未讀通知`}
      description={summary.data?.items[0] ? `最新：${summary.data.items[0].title}` : undefined}
      action={<Link to="/notifications">查看通知</Link>}
    />
  );
}

export function HomePage() {
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        歡迎使用學習歷程檔案系統
      </Typography.Title>
      <UnreadNotices />
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
