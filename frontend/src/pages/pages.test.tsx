import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { WorkPeriod } from '../api/types';
import { callsTo, json, meFixture, mockApi, periodFixture, problem, signIn } from '../test/api';
import { renderAt } from '../test/render';

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
    mockApi({ 'GET /api/v1/me': meFixture(), 'GET /readyz': ready });
    renderAt('/');
    expect(await screen.findByText('PostgreSQL')).toBeTruthy();
    expect(screen.getByText('正常運作')).toBeTruthy();
    expect(screen.getByRole('link', { name: /API 互動式文件/ }).getAttribute('href')).toBe('/api/docs/');
  });

  it("shows the problem's detail when the server is not ready", async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture(),
      'GET /readyz': () => problem(503, 'not_ready', '資料庫連線失敗'),
    });
    renderAt('/');
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
    const fetchMock = mockApi({ 'GET /api/v1/me': meFixture(), 'GET /readyz': ready, 'GET /api/v1/me/periods': [] });
    renderAt('/');
    expect(await screen.findByText('PostgreSQL')).toBeTruthy();
    expect(callsTo(fetchMock, 'GET /api/v1/me/periods')).toHaveLength(1);
    expect(screen.queryByText('本學期作業時間')).toBeNull();
  });
});
