/**
 * 通知 (the signed-in user's inbox): what the header's bell, the home page and the 通知 page share —
 * query keys, the polled summary (unread count and the latest five), and how a notification reads
 * (its kind as a tag, where it leads). The server stores a notification as its kind and
 * parameters and writes its title and body in the language the request asks for
 * (`Accept-Language`, the UI language): the SPA shows them as they come, and asks again when the
 * language is switched (the language is part of the query keys).
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { AppNotification, Me, NotificationKind, NotificationPage } from '../api/types';
import { useMe } from '../auth/hooks';
import { useLang } from '../i18n';
import { tr } from '../i18n/lang';

/** Every notifications query (invalidate this after marking some read). */
export const notificationsKey = ['me', 'notifications'] as const;
/** The bell's (and the home page's) summary. */
export const notificationSummaryKey = [...notificationsKey, 'summary'] as const;
/** The 通知 page's list (filters and page appended). */
export const notificationListKey = [...notificationsKey, 'list'] as const;

/** How many of the latest the bell's dropdown lists. */
export const SUMMARY_SIZE = 5;
/** How often the unread count is asked again. */
export const SUMMARY_REFETCH_MS = 60_000;
/** Above this the badge shows 「99+」 (antd Badge `overflowCount`). */
export const BADGE_OVERFLOW = 99;

/** Whether the user has an inbox: everyone signed in at a school (not the platform operator). */
export function hasInbox(me: Pick<Me, 'roles' | 'school'> | undefined): boolean {
  if (!me || me.roles.includes('platform_operator')) return false;
  return me.school !== null && me.school !== undefined;
}

/** The bell's accessible name: 「通知」, with the unread count when there are some. */
export function bellLabel(unread: number | undefined): string {
  if (!unread || unread <= 0) return tr('通知', 'Notifications');
  // The count as the badge shows it is part of the name (WCAG 2.5.3, label in name), outside
  // brackets (which read as an aside); over 99 the badge shows 「99+」 and the name both.
  if (unread > BADGE_OVERFLOW) {
    return tr(`通知：${BADGE_OVERFLOW}+ 則未讀（共 ${unread} 則）`, `Notifications: ${BADGE_OVERFLOW}+ unread (${unread} in all)`);
  }
  return tr(`通知：${unread} 則未讀`, `Notifications: ${unread} unread`);
}

/** The kinds the server sends, as tags (unknown kinds as a plain 通知). */
export const notificationKindLabels: Record<NotificationKind, { label: string; en: string; color: string }> = {
  result_certified: { label: '認證成功', en: 'Certified', color: 'green' },
  result_rejected: { label: '認證失敗', en: 'Not certified', color: 'red' },
  selection_dropped: { label: '勾選已取消', en: 'Selection withdrawn', color: 'orange' },
  receipt_pending: { label: '收訖明細待確認', en: 'Receipt to confirm', color: 'blue' },
  self_directed_plan_approved: { label: '自主學習計畫通過階段', en: 'Plan passed a stage', color: 'cyan' },
  self_directed_plan_returned: { label: '自主學習計畫退回', en: 'Plan returned', color: 'red' },
  self_directed_plan_certified: { label: '自主學習計畫通過', en: 'Plan certified', color: 'green' },
  self_directed_result_approved: { label: '自主學習成果通過階段', en: 'Results passed a stage', color: 'cyan' },
  self_directed_result_returned: { label: '自主學習成果退回', en: 'Results returned', color: 'red' },
  self_directed_result_certified: { label: '自主學習成果通過', en: 'Results certified', color: 'green' },
};

/** A kind's label (in the UI language) and tag colour. */
export function notificationKind(kind: string): { label: string; color: string } {
  const known = (notificationKindLabels as Record<string, { label: string; en: string; color: string } | undefined>)[kind];
  if (!known) return { label: tr('通知', 'Notification'), color: 'default' };
  return { label: tr(known.label, known.en), color: known.color };
}

export function isUnread(notification: Pick<AppNotification, 'read_at'>): boolean {
  return notification.read_at === null || notification.read_at === undefined;
}

/**
 * Where a notification leads: one about a learning result opens the student's 課程學習成果 (the
 * student is the one told about their results), a receipt reminder their 收訖明細; others lead
 * nowhere.
 */
export function notificationLink(
  notification: Pick<AppNotification, 'result_id'> & { kind?: string },
  me: Pick<Me, 'roles'> | undefined,
): string | null {
  // A receipt reminder (收訖明細) opens the student's receipt page.
  if (notification.kind === 'receipt_pending') return me?.roles.includes('student') ? '/student/receipts' : null;
  if (notification.result_id === null || notification.result_id === undefined) return null;
  return me?.roles.includes('student') ? '/student/results' : null;
}

/** The unread count and the latest notifications, asked again every minute (none without an inbox). */
export function useNotificationSummary() {
  const { data: me } = useMe();
  const lang = useLang();
  const enabled = hasInbox(me);
  const query = useQuery<NotificationPage>({
    // Written by the server in the UI language: asked again when it is switched.
    queryKey: [...notificationSummaryKey, lang],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/me/notifications', { params: { query: { per_page: SUMMARY_SIZE } }, signal })),
    enabled,
    refetchInterval: enabled ? SUMMARY_REFETCH_MS : false,
    // The count should be fresh when the bell is looked at again.
    staleTime: 0,
  });
  return { ...query, enabled };
}

/** Mark one notification read (again is fine). */
export function markNotificationRead(id: number) {
  return unwrap(api.POST('/api/v1/me/notifications/{id}/read', { params: { path: { id } } }));
}

/** Mark every notification read. */
export function markAllNotificationsRead() {
  return unwrap(api.POST('/api/v1/me/notifications/read-all'));
}
