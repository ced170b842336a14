import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ReminderMail } from '../../api/types';
import { callsTo, json, mockApi, problem, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, pickOption } from '../../test/ui';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

const mail = (id: number, overrides: Partial<ReminderMail> = {}): ReminderMail => ({
  id,
  reason: 'teacher_uncertified',
  day: '2021-12-10',
  user_id: 7,
  account: '074313_t001',
  name: '王小明',
  recipient: 'wang@example.edu.tw',
  subject: '【學習歷程】您有 3 件學習成果等待認證',
  status: 'sent',
  attempts: 1,
  last_error: null,
  next_attempt_at: null,
  sent_at: '2021-12-10T00:05:00Z',
  created_at: '2021-12-10T00:00:00Z',
  ...overrides,
});

describe('提醒信紀錄', () => {
  it('lists the mails with their reasons and failures, warns of failures, and runs the reminders', async () => {
    signIn();
    let configured = false;
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/reminders/log': () =>
        json({
          items: [
            mail(2, {
              reason: 'submit_results',
              name: '林小華',
              account: '074313_s001',
              recipient: 's001@example.edu.tw',
              status: 'failed',
              attempts: 3,
              last_error: '550 mailbox unavailable',
              next_attempt_at: '2021-12-10T06:30:00Z',
              sent_at: null,
            }),
            mail(1),
          ],
          total: 2,
          page: 1,
          per_page: 30,
          failed: 1,
        }),
      'POST /api/v1/reminders/run': () =>
        configured
          ? json({ planned: 3, sent: 2, failed: 1 })
          : problem(409, 'mail_not_configured', '學校尚未設定郵件伺服器，無法寄送提醒信。'),
    });
    renderAt('/admin/reminders');

    expect(await screen.findByText('550 mailbox unavailable')).toBeTruthy();
    // The menu: 帳號管理 › 提醒信紀錄.
    expect(screen.getByText('提醒信紀錄', { selector: 'a' }).getAttribute('href')).toBe('/admin/reminders');
    expect(screen.getByText('共有 1 封提醒信寄送失敗')).toBeTruthy();
    const failedRow = screen.getByText('林小華（074313_s001）').closest('tr')!;
    expect(within(failedRow).getByText('學生送出認證提醒')).toBeTruthy();
    expect(within(failedRow).getByText('s001@example.edu.tw')).toBeTruthy();
    expect(within(failedRow).getByText('寄送失敗')).toBeTruthy();
    expect(within(failedRow).getByText('110/12/10')).toBeTruthy();
    expect(within(failedRow).getByText('110/12/10 14:30')).toBeTruthy();
    const sentRow = screen.getByText('王小明（074313_t001）').closest('tr')!;
    expect(within(sentRow).getByText('教師未認證提醒')).toBeTruthy();
    expect(within(sentRow).getByText('已寄出')).toBeTruthy();

    // Filters go to the server.
    await pickOption('狀態', '寄送失敗');
    await pickOption('原因', '學生勾選多元表現提醒');
    await waitFor(() => {
      const query = new URL(callsTo(fetchMock, 'GET /api/v1/reminders/log').at(-1)!.url).searchParams;
      expect([query.get('status'), query.get('reason')]).toEqual(['failed', 'select_performances']);
    });

    // Without a mail server: the detail and the way to the settings.
    fireEvent.click(button('立即執行'));
    expect(await screen.findByText('學校尚未設定郵件伺服器，無法寄送提醒信。')).toBeTruthy();
    expect(screen.getByText('前往設定郵件伺服器').closest('a')!.getAttribute('href')).toBe('/admin/mail');

    configured = true;
    fireEvent.click(button('立即執行'));
    expect(await screen.findByText('已執行：新排入 3 封、寄出 2 封、失敗 1 封。')).toBeTruthy();
    expect(screen.queryByText('前往設定郵件伺服器')).toBeNull();
  });
});
