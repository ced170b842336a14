import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { callsTo, json, meFixture, mockApi, schoolAdminMe, signIn } from '../test/api';
import { renderAt } from '../test/render';

const hash = 'a3f1'.repeat(16);
const routes = {
  'GET /readyz': () => json({ status: 'ok', database: 'sqlite', migrations: 'applied' }),
  'GET /api/v1/reminders/log': { failed: 0, items: [], page: 1, per_page: 1, total: 0 },
  'GET /api/v1/history/head': { seq: 1234, hash },
};

describe('home page: 歷程紀錄鏈 (issue #26)', () => {
  it("shows the school admin the chain's head and what it means", async () => {
    signIn();
    mockApi({ 'GET /api/v1/me': schoolAdminMe(), ...routes });
    renderAt('/');
    expect((await screen.findByTestId('history-chain-hash')).textContent).toContain(hash);
    expect(screen.getByText('歷程紀錄鏈（防竄改）')).toBeTruthy();
    expect(screen.getByText('1,234')).toBeTruthy();
    expect(screen.getByText(/保存在系統以外/)).toBeTruthy();
  });

  it('is not asked for by anyone else', async () => {
    signIn();
    const fetchMock = mockApi({ 'GET /api/v1/me': meFixture({ roles: ['platform_operator'] }), ...routes });
    renderAt('/');
    expect(await screen.findByText('系統狀態')).toBeTruthy();
    expect(screen.queryByTestId('history-chain-head')).toBeNull();
    expect(callsTo(fetchMock, 'GET /api/v1/history/head')).toHaveLength(0);
  });
});
