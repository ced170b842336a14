import { BellOutlined, DashboardOutlined } from '@ant-design/icons';
import { Alert, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { useMe } from '../auth/hooks';
import { EmailReminder } from '../components/EmailReminder';
import { HomeTodo } from '../components/HomeTodo';
import { isOperatorOrAdmin, useIsSchoolAdmin } from '../lib/roles';
import { MyPeriodsCard } from '../components/MyPeriodsCard';
import { HistoryChainHead } from '../components/HistoryChainHead';
import { useNotificationSummary } from '../lib/notifications';
import { useT } from '../i18n';
import { HomeNews } from './news/HomeNews';

/** A student's unread notifications (results certified or rejected…), with the way to them; nothing when all are read. */
function UnreadNotices() {
  const t = useT();
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
      title={t(`您有 ${unread} 則未讀通知`, `You have ${unread} unread notification${unread === 1 ? '' : 's'}`)}
      description={
        summary.data?.items[0] ? (
          <>
            {t('最新：', 'Latest: ')}
            <span>{summary.data.items[0].title}</span>
          </>
        ) : undefined
      }
      action={<Link to="/notifications">{t('查看通知', 'See notifications')}</Link>}
    />
  );
}

export function HomePage() {
  const t = useT();
  const { data: me } = useMe();
  const schoolAdmin = useIsSchoolAdmin();
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('歡迎使用學習歷程檔案系統', 'Welcome to the Licheng learning portfolio')}
      </Typography.Title>
      <EmailReminder />
      <UnreadNotices />
      <HomeNews />
      <HomeTodo />
      <MyPeriodsCard />
      {/* System status and developer links are for the platform operator and school admins only,
          on their own page (issue #24 item 1): the home page says what to do. */}
      {schoolAdmin && <HistoryChainHead />}
      {isOperatorOrAdmin(me) && (
        <Typography.Paragraph style={{ margin: 0 }}>
          <Link to="/system-status">
            <DashboardOutlined /> {t('系統狀態與開發者資源', 'System status and developer resources')}
          </Link>
        </Typography.Paragraph>
      )}
    </Space>
  );
}
