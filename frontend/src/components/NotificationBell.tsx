import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Dropdown, Typography, type MenuProps } from 'antd';
import { useNavigate } from 'react-router';
import type { AppNotification } from '../api/types';
import { useMe } from '../auth/hooks';
import { useT } from '../i18n';
import { formatApiDateTime } from '../lib/roc';
import {
  BADGE_OVERFLOW,
  bellLabel,
  isUnread,
  markAllNotificationsRead,
  markNotificationRead,
  notificationLink,
  notificationsKey,
  useNotificationSummary,
} from '../lib/notifications';

function NotificationLine({ notification }: { notification: AppNotification }) {
  const unread = isUnread(notification);
  return (
    <div style={{ maxWidth: 300, whiteSpace: 'normal', lineHeight: 1.5, padding: '2px 0' }}>
      <Typography.Text strong={unread}>
        {unread && <Badge status="processing" style={{ marginInlineEnd: 4 }} />}
        <span>{notification.title}</span>
      </Typography.Text>
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0, fontSize: 12 }}>
        {notification.body}
      </Typography.Paragraph>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatApiDateTime(notification.created_at)}
      </Typography.Text>
    </div>
  );
}

/**
 * The header's bell: the unread count (asked again every minute) and a dropdown of the latest
 * notifications; choosing one marks it read and opens what it is about, or the 通知 page.
 * Nothing for users without an inbox (the platform operator).
 */
export function NotificationBell() {
  const navigate = useNavigate();
  const t = useT();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const summary = useNotificationSummary();
  const refresh = () => queryClient.invalidateQueries({ queryKey: notificationsKey });
  const markRead = useMutation({ mutationFn: markNotificationRead, onSettled: refresh });
  const markAll = useMutation({ mutationFn: markAllNotificationsRead, onSettled: refresh });

  if (!summary.enabled) return null;
  const unread = summary.data?.unread ?? 0;
  const latest = summary.data?.items ?? [];

  const open = (notification: AppNotification) => {
    if (isUnread(notification)) markRead.mutate(notification.id);
    void navigate(notificationLink(notification, me) ?? '/notifications');
  };

  const items: MenuProps['items'] = [
    {
      type: 'group',
      key: 'latest',
      label: summary.isError ? t('無法取得通知', 'Cannot load notifications') : t('最新通知', 'Latest notifications'),
      children:
        latest.length > 0
          ? latest.map((notification) => ({
              key: `notification-${notification.id}`,
              label: <NotificationLine notification={notification} />,
              onClick: () => open(notification),
            }))
          : [{ key: 'none', label: summary.isPending ? t('載入中…', 'Loading…') : t('目前沒有通知', 'No notifications'), disabled: true }],
    },
    { type: 'divider' },
    { key: 'read-all', label: t('全部標為已讀', 'Mark all as read'), disabled: unread === 0, onClick: () => markAll.mutate() },
    { key: 'all', label: t('查看全部通知', 'See all notifications'), onClick: () => void navigate('/notifications') },
  ];

  return (
    <Dropdown menu={{ items, style: { width: 320, maxWidth: 'calc(100vw - 16px)' } }} trigger={['click']}>
      <Button type="text" aria-label={bellLabel(unread)} data-testid="notification-bell" style={{ color: '#fff' }}>
        <Badge count={unread} overflowCount={BADGE_OVERFLOW} size="small" offset={[4, -2]}>
          <BellOutlined style={{ color: '#fff', fontSize: 18 }} />
        </Badge>
      </Button>
    </Dropdown>
  );
}
