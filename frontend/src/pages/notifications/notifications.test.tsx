import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppNotification, NotificationPage } from '../../api/types';
import { callsTo, json, meFixture, mockApi, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button } from '../../test/ui';
import { setLang } from '../../i18n/lang';
import { myCourses } from '../student/fixtures';
// Load the lazily routed page up front, so that no test waits for the chunk.
import './index';

const studentMe = () =>
  meFixture({ roles: ['student'] }, { account: '074313_s001', display_name: '林小華', kind: 'student' });

const notification = (id: number, overrides: Partial<AppNotification> = {}): AppNotification => ({
  id,
  kind: 'result_rejected',
  title: '學習成果認證失敗：數學',
  body: '陳老師：檔案無法開啟，請重新上傳。',
  result_id: 11,
  read_at: null,
  created_at: '2021-12-03T01:00:00Z',
  ...overrides,
});

const inbox = (items: AppNotification[], unread: number, total = items.length): NotificationPage => ({
  items,
  total,
  page: 1,
  per_page: 30,
  unread,
});

describe('通知', () => {
  it('shows the unread count on the bell, the latest in its dropdown, and opens one about a result', async () => {
    signIn();
    let unread = 2;
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/notifications': () =>
        json(
          inbox(
            [
              notification(2),
              notification(1, { kind: 'result_certified', title: '學習成果認證成功：國語文', read_at: unread > 1 ? null : '2021-12-03T02:00:00Z' }),
            ],
            unread,
          ),
        ),
      'POST /api/v1/me/notifications/2/read': () => {
        unread = 1;
        return new Response(null, { status: 204 });
      },
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': () => json({ items: [], total: 0, page: 1, per_page: 30 }),
    });
    const { router } = renderAt('/');

    const bell = await screen.findByLabelText('通知：2 則未讀');
    const [summary] = callsTo(fetchMock, 'GET /api/v1/me/notifications');
    expect(new URL(summary!.url).searchParams.get('per_page')).toBe('5');
    // The student's home page says so too.
    expect(within(await screen.findByTestId('home-unread')).getByText('您有 2 則未讀通知')).toBeTruthy();
    // 通知 is in the menu.
    expect(screen.getByText('通知', { selector: 'a' }).getAttribute('href')).toBe('/notifications');

    fireEvent.click(bell);
    // (In the dropdown; the home page's notice names the latest too.)
    fireEvent.click(await screen.findByText('學習成果認證失敗：數學', { selector: '.ant-dropdown span' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/student/results'));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/me/notifications/2/read')).toHaveLength(1));
    expect(await screen.findByLabelText('通知：1 則未讀')).toBeTruthy();
  });

  it('lists them page by page, only the unread ones, and marks one or all read', async () => {
    signIn();
    let read = new Set<number>();
    const all = [notification(3), notification(2, { kind: 'selection_dropped', title: '勾選已取消', result_id: null }), notification(1, { read_at: '2021-12-01T00:00:00Z' })];
    const current = () => all.map((n) => (read.has(n.id) ? { ...n, read_at: '2021-12-04T00:00:00Z' } : n));
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/notifications': (request) => {
        const onlyUnread = new URL(request.url).searchParams.get('unread') === 'true';
        const items = current().filter((n) => !onlyUnread || n.read_at === null);
        return json(inbox(items, current().filter((n) => n.read_at === null).length));
      },
      'POST /api/v1/me/notifications/3/read': () => {
        read.add(3);
        return new Response(null, { status: 204 });
      },
      'POST /api/v1/me/notifications/read-all': () => {
        read = new Set(all.map((n) => n.id));
        return new Response(null, { status: 204 });
      },
    });
    renderAt('/notifications');

    expect(await screen.findByText('勾選已取消', { selector: '.ant-tag' })).toBeTruthy();
    expect(screen.getAllByText('認證失敗', { selector: '.ant-tag' })).toHaveLength(2);
    expect(screen.getAllByText('未讀')).toHaveLength(2);
    // Taipei time.
    expect(screen.getAllByText('110/12/03 09:00').length).toBeGreaterThan(0);
    // One about a result links to the student's results.
    expect(screen.getAllByText('查看學習成果')[0]!.closest('a')!.getAttribute('href')).toBe('/student/results');

    fireEvent.click(screen.getByText('未讀（2）'));
    await waitFor(() =>
      expect(new URL(callsTo(fetchMock, 'GET /api/v1/me/notifications').at(-1)!.url).searchParams.get('unread')).toBe('true'),
    );

    fireEvent.click(screen.getByLabelText('標為已讀 學習成果認證失敗：數學'));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/me/notifications/3/read')).toHaveLength(1));
    expect(await screen.findByText('未讀（1）')).toBeTruthy();

    fireEvent.click(button('全部標為已讀'));
    expect(await screen.findByText('已將全部通知標為已讀')).toBeTruthy();
    expect(callsTo(fetchMock, 'POST /api/v1/me/notifications/read-all')).toHaveLength(1);
    expect(await screen.findByText('沒有未讀通知')).toBeTruthy();
    await waitFor(() => expect(button('全部標為已讀').disabled).toBe(true));
  });

  it('shows them as the server wrote them in the UI language, and asks again when it is switched', async () => {
    signIn();
    // The server renders title and body in the request's language (issue #17 item 7).
    const written = (request: Request) =>
      request.headers.get('Accept-Language') === 'en'
        ? notification(1, { kind: 'self_directed_plan_returned', title: 'Self-directed learning plan “校園植物” returned', body: 'Returned at the homeroom teacher stage: 請補充. Please revise it and submit it again.', result_id: null })
        : notification(1, { kind: 'self_directed_plan_returned', title: '自主學習計畫「校園植物」已被退回', body: '「導師」階段退回：請補充。請修改後再送出。', result_id: null });
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/notifications': (request) => json(inbox([written(request)], 1)),
    });
    renderAt('/notifications');
    expect((await screen.findAllByText('自主學習計畫「校園植物」已被退回')).length).toBeGreaterThan(0);
    expect(screen.getByText('自主學習計畫退回', { selector: '.ant-tag' })).toBeTruthy();

    act(() => setLang('en'));
    expect((await screen.findAllByText('Self-directed learning plan “校園植物” returned')).length).toBeGreaterThan(0);
    expect(screen.getByText('Returned at the homeroom teacher stage: 請補充. Please revise it and submit it again.')).toBeTruthy();
    expect(screen.getByText('Plan returned', { selector: '.ant-tag' })).toBeTruthy();
    expect(screen.queryByText('自主學習計畫「校園植物」已被退回')).toBeNull();
    const asked = callsTo(fetchMock, 'GET /api/v1/me/notifications').map((r) => r.headers.get('Accept-Language'));
    expect(asked).toContain('en');
  });

  it('has no bell and no menu entry for the platform operator', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ roles: ['platform_operator'], school: null }, { kind: 'operator', display_name: '平臺管理者' }),
    });
    renderAt('/');
    expect(await screen.findByTestId('header-user')).toBeTruthy();
    expect(screen.queryByTestId('notification-bell')).toBeNull();
    expect(screen.queryByText('通知', { selector: 'a' })).toBeNull();
    expect(callsTo(fetchMock, 'GET /api/v1/me/notifications')).toHaveLength(0);
  });
});
