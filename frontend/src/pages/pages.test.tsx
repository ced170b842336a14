import { fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '../AppProviders';
import { createQueryClient } from '../lib/queryClient';
import { routes } from '../routes';

function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('routes', () => {
  it('shows a zh-TW 404 page inside the layout for an unknown path', async () => {
    renderAt('/no/such/page');
    expect(await screen.findByText('404')).toBeTruthy();
    expect(screen.getByText(/找不到您要的頁面/)).toBeTruthy();
    expect(screen.getByText('學習歷程檔案 Licheng')).toBeTruthy();
    const home = screen.getByRole('link', { name: /回到首頁/ });
    expect(home.getAttribute('href')).toBe('/');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ status: 'ok', database: 'sqlite', migrations: 'applied' })),
    );
    fireEvent.click(home);
    expect(await screen.findByText('歡迎使用學習歷程檔案系統')).toBeTruthy();
  });

  it('shows the database kind when the server is ready', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ status: 'ok', database: 'postgres', migrations: 'applied' })),
    );
    renderAt('/');
    expect(await screen.findByText('PostgreSQL')).toBeTruthy();
    expect(screen.getByText('正常運作')).toBeTruthy();
    expect(screen.getByRole('link', { name: /API 互動式文件/ }).getAttribute('href')).toBe('/api/docs/');
  });

  it("shows the problem's detail when the server is not ready", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({
              type: 'about:blank',
              title: 'Service Unavailable',
              status: 503,
              detail: '資料庫連線失敗',
              code: 'not_ready',
            }),
            { status: 503, headers: { 'Content-Type': 'application/problem+json' } },
          ),
      ),
    );
    renderAt('/');
    expect(await screen.findByText('資料庫連線失敗')).toBeTruthy();
    expect(screen.getByText('系統尚未就緒')).toBeTruthy();
  });
});
