import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, meFixture, mockApi, problem, signIn } from '../test/api';
import { renderAt } from '../test/render';

const ready = () => json({ status: 'ok', database: 'postgres', migrations: 'applied' });

describe('routes', () => {
  it('shows a zh-TW 404 page inside the layout for an unknown path', async () => {
    signIn();
    mockApi({ 'GET /api/v1/me': meFixture(), 'GET /readyz': ready });
    renderAt('/no/such/page');
    expect(await screen.findByText('404')).toBeTruthy();
    expect(screen.getByText(/找不到您要的頁面/)).toBeTruthy();
    expect(screen.getByText('學習歷程檔案 Licheng')).toBeTruthy();
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
