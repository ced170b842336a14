import { Badge, Button, Radio, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { AppNotification, NotificationPage, NotificationsQuery } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import {
  hasInbox,
  isUnread,
  markAllNotificationsRead,
  markNotificationRead,
  notificationKind,
  notificationLink,
  notificationListKey,
  notificationsKey,
} from '../../lib/notifications';
import { formatApiDateTime } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { useLang, useT } from '../../i18n';

type NotificationFilters = Pick<NotificationsQuery, 'unread'>;

/**
 * 通知: the signed-in user's notifications, newest first, 30 a page, all or only the unread ones;
 * 標為已讀 one at a time or 全部標為已讀. One about a learning result links to 課程學習成果.
 */
export function NotificationsPage() {
  const t = useT();
  const lang = useLang();
  const { data: me } = useMe();
  const [filters, update] = useFilters<NotificationFilters>({});
  const list = usePagedQuery({
    // Written by the server in the UI language: asked again when it is switched.
    queryKey: [...notificationListKey, lang],
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/me/notifications', { params: { query }, signal })),
    enabled: hasInbox(me),
  });
  // The list answers with the unread count over all pages as well.
  const unread = (list.query.data as NotificationPage | undefined)?.unread ?? 0;

  const markRead = useApiMutation((notification: AppNotification) => markNotificationRead(notification.id), {
    invalidate: [notificationsKey],
  });
  const markAll = useApiMutation(markAllNotificationsRead, {
    invalidate: [notificationsKey],
    success: t('已將全部通知標為已讀', 'All notifications marked as read'),
  });

  if (me && !hasInbox(me)) {
    return (
      <PageCard title={t('通知', 'Notifications')}>
        <Typography.Text type="secondary">{t('此帳號沒有通知。', 'This account has no notifications.')}</Typography.Text>
      </PageCard>
    );
  }

  const columns: TableProps<AppNotification>['columns'] = [
    {
      title: t('通知', 'Notifications'),
      key: 'content',
      render: (_, notification) => {
        const kind = notificationKind(notification.kind);
        const unreadOne = isUnread(notification);
        return (
          <div style={{ minWidth: 180 }}>
            <Space wrap size={4}>
              {unreadOne && <Badge status="processing" text={t('未讀', 'Unread')} />}
              <Tag color={kind.color}>{kind.label}</Tag>
              <Typography.Text strong={unreadOne} id={`notification-${notification.id}-title`}>
                {notification.title}
              </Typography.Text>
            </Space>
            <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
              {notification.body}
            </Typography.Paragraph>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatApiDateTime(notification.created_at)}
            </Typography.Text>
          </div>
        );
      },
    },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      width: 120,
      render: (_, notification) => {
        const link = notificationLink(notification, me);
        return (
          <Space orientation="vertical" size={0} align="start">
            {link && (
              <Link
                to={link}
                onClick={() => {
                  if (isUnread(notification)) markRead.mutate(notification);
                }}
              >
                {t('查看學習成果', 'View learning result')}
              </Link>
            )}
            {isUnread(notification) && (
              <Button
                type="link"
                style={{ padding: 0 }}
                onClick={() => markRead.mutate(notification)}
                loading={markRead.isPending && markRead.variables?.id === notification.id}
                // Named 「標為已讀」 and the notification's title.
                aria-labelledby={`notification-${notification.id}-read notification-${notification.id}-title`}
              >
                <span id={`notification-${notification.id}-read`}>{t('標為已讀', 'Mark as read')}</span>
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <PageCard title={t('通知', 'Notifications')} intro={t('學習成果認證結果與勾選異動等系統通知，由新到舊排列；時間為臺灣時間。', 'System notifications such as certification results and selection changes, newest first; times are Taiwan time.')}>
      <ErrorAlert error={list.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Radio.Group
          aria-label={t('顯示通知', 'Show notifications')}
          optionType="button"
          value={filters.unread ? 'unread' : 'all'}
          onChange={(event) => update({ unread: event.target.value === 'unread' ? true : undefined })}
          options={[
            { value: 'all', label: t('全部', 'All') },
            { value: 'unread', label: t(`未讀${unread > 0 ? `（${unread}）` : ''}`, `Unread${unread > 0 ? ` (${unread})` : ''}`) },
          ]}
        />
        <Button onClick={() => markAll.mutate()} disabled={unread === 0} loading={markAll.isPending}>
          {t('全部標為已讀', 'Mark all as read')}
        </Button>
      </Space>
      <Table<AppNotification>
        rowKey="id"
        size="middle"
        columns={columns}
        scroll={{ x: true }}
        rowClassName={(notification) => (isUnread(notification) ? 'licheng-row-unread' : '')}
        locale={{ emptyText: filters.unread ? t('沒有未讀通知', 'No unread notifications') : t('目前沒有通知', 'No notifications') }}
        {...list.tableProps}
      />
    </PageCard>
  );
}
