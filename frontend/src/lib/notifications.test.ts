import { describe, expect, it } from 'vitest';
import { meFixture } from '../test/api';
import { bellLabel, hasInbox, isUnread, notificationKind, notificationLink } from './notifications';

describe('notifications', () => {
  it('gives everyone at a school an inbox, not the platform operator', () => {
    expect(hasInbox(undefined)).toBe(false);
    expect(hasInbox(meFixture())).toBe(true);
    expect(hasInbox(meFixture({ roles: ['student'] }))).toBe(true);
    expect(hasInbox(meFixture({ roles: ['platform_operator'], school: null }))).toBe(false);
  });

  it('names the bell with the unread count', () => {
    expect(bellLabel(0)).toBe('通知');
    expect(bellLabel(undefined)).toBe('通知');
    expect(bellLabel(3)).toBe('通知：3 則未讀');
    expect(bellLabel(99)).toBe('通知：99 則未讀');
    expect(bellLabel(120)).toBe('通知：99+ 則未讀（共 120 則）');
  });

  it('reads the kind and whether it was read', () => {
    expect(notificationKind('result_rejected')).toEqual({ label: '認證失敗', color: 'red' });
    expect(notificationKind('result_certified').label).toBe('認證成功');
    expect(notificationKind('selection_dropped').label).toBe('勾選已取消');
    expect(notificationKind('something_new')).toEqual({ label: '通知', color: 'default' });
    expect(isUnread({ read_at: null })).toBe(true);
    expect(isUnread({})).toBe(true);
    expect(isUnread({ read_at: '2021-10-05T09:00:00Z' })).toBe(false);
  });

  it('links one about a learning result to the student’s results page', () => {
    const student = { roles: ['student' as const] };
    expect(notificationLink({ result_id: 12 }, student)).toBe('/student/results');
    expect(notificationLink({ result_id: null }, student)).toBeNull();
    expect(notificationLink({ result_id: 12 }, { roles: ['subject_teacher'] })).toBeNull();
    expect(notificationLink({ result_id: null, kind: 'receipt_pending' }, student)).toBe('/student/receipts');
  });
});
