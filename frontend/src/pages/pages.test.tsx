import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { WorkPeriod } from '../api/types';
import { callsTo, json, meFixture, mockApi, periodFixture, problem, schoolAdminMe, signIn } from '../test/api';
import { queue, queueCourse, certifyPeriod } from './teacher/fixtures';
import { renderAt } from '../test/render';

const failedMails = (failed: number) => ({ failed, items: [], page: 1, per_page: 1, total: failed });
const ready = () => json({ status: 'ok', database: 'postgres', migrations: 'applied' });

describe('routes', () => {
  it('shows a zh-TW 404 page inside the layout for an unknown path', async () => {
    signIn();
    mockApi({ 'GET /api/v1/me': meFixture(), 'GET /readyz': ready });
    renderAt('/no/such/page');
    expect(await screen.findByText('404')).toBeTruthy();
    expect(screen.getByText(/找不到您要的頁面/)).toBeTruthy();
    // Inside the layout: its header, and the app's name as the page heading (no page of that name).
    expect(within(screen.getByRole('banner')).getByText('學習歷程檔案 Licheng')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('學習歷程檔案 Licheng');
    expect(document.title).toBe('學習歷程檔案 Licheng');
    const home = screen.getByRole('link', { name: /回到首頁/ });
    expect(home.getAttribute('href')).toBe('/');
    fireEvent.click(home);
    expect(await screen.findByText('歡迎使用學習歷程檔案系統')).toBeTruthy();
  });

  it('shows the database kind when the server is ready', async () => {
    signIn();
    mockApi({ 'GET /api/v1/me': schoolAdminMe(), 'GET /readyz': ready, 'GET /api/v1/reminders/log': failedMails(0) });
    renderAt('/system-status');
    expect(await screen.findByText('PostgreSQL')).toBeTruthy();
    expect(screen.getByText('正常運作')).toBeTruthy();
    expect(screen.getByRole('link', { name: /API 互動式文件/ }).getAttribute('href')).toBe('/api/docs/');
  });

  it("shows the problem's detail when the server is not ready", async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/reminders/log': failedMails(0),
      'GET /readyz': () => problem(503, 'not_ready', '資料庫連線失敗'),
    });
    renderAt('/system-status');
    expect(await screen.findByText('資料庫連線失敗')).toBeTruthy();
    expect(screen.getByText('系統尚未就緒')).toBeTruthy();
  });
});

const myPeriod = (id: number, item_name: string, overrides: Partial<WorkPeriod>): WorkPeriod =>
  periodFixture({ id, grade: 2, item_name, start_hour: 8, end_hour: 17, starts_at: '2022-04-01T00:00:00Z', ...overrides });

describe('home page: 本學期作業時間', () => {
  it("lists a student's periods with their Taipei start and end, on or not", async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture({ roles: ['student'] }),
      'GET /readyz': ready,
      'GET /api/v1/me/periods': [
        myPeriod(1, '學生上傳及送出學習成果認證時間', { open: true }),
        myPeriod(2, '學生勾選學習成果時間', { semester: 0, start_date: '2099-06-01', starts_at: '2099-05-31T16:00:00Z', end_date: '2099-06-10', end_hour: 23 }),
        myPeriod(3, '學生勾選多元表現時間', { semester: 0 }),
      ],
    });
    renderAt('/');
    const rowOf = async (name: string) => (await screen.findByText(name)).closest('tr')!.textContent;
    expect(await rowOf('學生上傳及送出學習成果認證時間')).toBe('學生上傳及送出學習成果認證時間2 年級111/04/01 08:00111/04/05 17:59進行中');
    expect(await rowOf('學生勾選學習成果時間')).toBe('學生勾選學習成果時間2 年級188/06/01 08:00188/06/10 23:59未開始');
    expect(await rowOf('學生勾選多元表現時間')).toContain('已結束');
  });

  it('shows nothing while a teacher has no period this term', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture(),
      'GET /readyz': ready,
      'GET /api/v1/me/periods': [],
      'GET /api/v1/certification/courses': queue([]),
    });
    renderAt('/');
    // Plain text, not antd's List empty text (too pale: axe color-contrast in the browser suite).
    expect((await screen.findByText('目前沒有待認證的學習成果')).closest('.ant-list-empty-text')).toBeNull();
    await waitFor(() => expect(callsTo(fetchMock, 'GET /api/v1/me/periods')).toHaveLength(1));
    expect(screen.queryByText('本學期作業時間')).toBeNull();
  });
});

// Issue #24 item 1: "System status and developer links only for the platform operator and admins";
// a home page per role that answers "what do I have to do now".
describe('home page per role: what to do now', () => {
  it("gives a student the open periods' time left, rejected results and drafts, and no system status", async () => {
    signIn();
    const endsAt = new Date(Date.now() + 2.5 * 86_400_000).toISOString();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ roles: ['student'] }),
      'GET /readyz': ready,
      'GET /api/v1/me/periods': [
        myPeriod(1, '學生上傳及送出學習成果認證時間', { open: true, end_date: '2022-04-05', ends_at: endsAt }),
        myPeriod(3, '學生勾選多元表現時間', { item: 'select_performances', semester: 0, starts_at: '2099-05-31T16:00:00Z' }),
      ],
      'GET /api/v1/learning-results': (request: Request) => {
        const state = new URL(request.url).searchParams.get('state');
        return json({ items: [], page: 1, per_page: 1, total: state === 'rejected' ? 1 : 2 });
      },
    });
    renderAt('/');
    const todo = await screen.findByTestId('home-todo');
    expect(await within(todo).findByText('學生上傳及送出學習成果認證時間開放中：尚餘 2 天（至 111/04/05 17:59）')).toBeTruthy();
    expect(await within(todo).findByText('1 件學習成果未通過認證，請修改後再送出')).toBeTruthy();
    expect(await within(todo).findByText('2 件學習成果尚未送出認證')).toBeTruthy();
    expect(within(todo).queryByText(/學生勾選多元表現時間/)).toBeNull();
    expect(within(todo).getAllByRole('link', { name: '前往' })[0]!.getAttribute('href')).toBe('/student/results');
    // No system status, no developer links, no API link in the footer.
    expect(screen.queryByText('開發者資源')).toBeNull();
    expect(screen.queryByRole('link', { name: /API/ })).toBeNull();
    expect(callsTo(fetchMock, 'GET /readyz')).toHaveLength(0);
  });

  it('gives a teacher the waiting results per course with the certification deadline', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture(),
      'GET /readyz': ready,
      'GET /api/v1/me/periods': [],
      'GET /api/v1/certification/courses': queue([
        queueCourse(1, { submitted: 3 }),
        queueCourse(2, { subject_name: '物理', submitted: 0 }),
        queueCourse(3, { subject_name: '化學', submitted: 5, can_certify: false }),
        queueCourse(4, { subject_name: '多元選修', class_code: '', submitted: 2, period: certifyPeriod({ open: false }) }),
      ]),
    });
    renderAt('/');
    const todo = await screen.findByTestId('home-todo');
    expect(await within(todo).findByText('數學（201）：3 件待認證，認證期限 111/01/20 23:59')).toBeTruthy();
    expect(within(todo).getByText('多元選修：2 件待認證，認證期限 111/01/20 23:59')).toBeTruthy();
    expect(within(todo).queryByText(/物理|化學/)).toBeNull();
    expect(screen.queryByText('開發者資源')).toBeNull();
  });

  it('gives the school admin the failed reminder mails, the system status and the developer links', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /readyz': ready,
      'GET /api/v1/reminders/log': failedMails(4),
    });
    renderAt('/');
    const todo = await screen.findByTestId('home-todo');
    expect(await within(todo).findByText('4 封提醒信寄送失敗')).toBeTruthy();
    expect(within(todo).getByRole('link', { name: '前往' }).getAttribute('href')).toBe('/admin/reminders');
    const [request] = callsTo(fetchMock, 'GET /api/v1/reminders/log');
    expect(new URL(request!.url).searchParams.get('status')).toBe('failed');
    // System status and the developer links on their own page (issue #24), linked from home.
    expect(screen.queryByText('PostgreSQL')).toBeNull();
    fireEvent.click(screen.getByRole('link', { name: /系統狀態與開發者資源/ }));
    expect(await screen.findByText('PostgreSQL')).toBeTruthy();
    expect(screen.getByText('開發者資源')).toBeTruthy();
    expect(within(screen.getByRole('contentinfo')).getByRole('link', { name: 'API 文件' })).toBeTruthy();
  });

  // Issue #24: the admin's home shows sync health (the last batch per kind) and uncertified counts.
  it('gives the school admin the last batch of each data kind and the results waiting for teachers', async () => {
    signIn();
    const batch = (kind: string, status_code: string) => ({
      id: 1, kind, kind_name: kind, status_code, academic_year: 115, semester: 1, error: null, result: null,
      received_at: '2026-12-01T00:30:00Z', finished_at: '2026-12-01T00:31:00Z',
    });
    mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /readyz': ready,
      'GET /api/v1/reminders/log': failedMails(0),
      'GET /api/v1/sync/batches': (request) => {
        const kind = new URL(request.url).searchParams.get('kind');
        const items = kind === 'students' ? [batch('students', '00')] : kind === 'courses' ? [batch('courses', '99')] : [];
        return json({ items, total: items.length, page: 1, per_page: 1 });
      },
      'GET /api/v1/reports/uncertified-teachers': [
        { teacher_id: 1, account: 't1', name: '王大明', waiting: 3, departed: false, delegate: null },
        { teacher_id: 2, account: 't2', name: '李美玲', waiting: 2, departed: false, delegate: null },
      ],
    });
    renderAt('/');
    const todo = await screen.findByTestId('home-todo');
    expect(await within(todo).findByText('5 件學習成果等待 2 位老師認證')).toBeTruthy();
    expect(await within(todo).findByText('開課資料最近一批：失敗')).toBeTruthy();
    const sync = await screen.findByTestId('home-sync');
    expect(await within(sync).findByText('學生學籍資料')).toBeTruthy();
    expect(within(sync).getByText('成功')).toBeTruthy();
    expect(within(sync).getAllByText('115/12/01 08:30')).toHaveLength(2);
    expect(within(sync).getAllByText('尚無紀錄')).toHaveLength(5);
  });
});
