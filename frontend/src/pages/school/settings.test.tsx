import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import type { CoTaughtRow, Parameters, ParametersView } from '../../api/types';
import { callsTo, json, meFixture, mockApi, periodFixture, problem, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, dialog, fill, pickDate, pickOption } from '../../test/ui';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

const values: Parameters = {
  results_per_semester: 6,
  results_per_subject: 3,
  teacher_reminder_hour: 16,
  remind_results_selection_days: 3,
  remind_performances_selection_days: 3,
  remind_submit_days: 3,
  performances_per_year: 20,
};

const labels: [keyof Parameters, string, string][] = [
  ['results_per_semester', '學生學習成果上傳數量', '件'],
  ['results_per_subject', '學生單科學習成果上傳數量', '件'],
  ['teacher_reminder_hour', '學生未認證學習成果 Email 通知教師時間', '時'],
  ['remind_results_selection_days', '通知學生勾選學習成果', '天'],
  ['remind_performances_selection_days', '通知學生勾選多元表現', '天'],
  ['remind_submit_days', '通知學生學習成果送出認證截止日', '天'],
  ['performances_per_year', '學生多元表現上傳數量', '件'],
];

const parametersView = (current: Parameters, updated_at: string | null = null): ParametersView => ({
  values: current,
  items: labels.map(([key, label, unit]) => ({ key, label, unit, value: current[key] ?? null, explanation: `${label}說明` })),
  updated_at,
});

describe('設定功能參數 (3.3)', () => {
  it("saves the table, and shows a refused value on its row; the hour may be emptied (不寄送)", async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/settings/parameters': parametersView(values),
      'PUT /api/v1/settings/parameters': async (request) => {
        const body = (await request.clone().json()) as Parameters;
        if (body.results_per_semester < 6) {
          return problem(422, 'validation_failed', '欄位內容不正確', {
            errors: { results_per_semester: ['須介於 6 到 100（國教署規定不可低於 6 件）'] },
          });
        }
        return json(parametersView(body, '2022-04-01T06:05:00Z'));
      },
    });
    renderAt('/admin/parameters');

    expect(await screen.findByText('學生學習成果上傳數量說明')).toBeTruthy();
    expect(screen.getByText('目前使用預設值')).toBeTruthy();
    fill('學生學習成果上傳數量', '5');
    fill('學生未認證學習成果 Email 通知教師時間', '');
    fireEvent.click(button('儲存'));

    const message = await screen.findByText('須介於 6 到 100（國教署規定不可低於 6 件）');
    // On the row of its item.
    expect(message.closest('tr')!.textContent).toContain('學生學習成果上傳數量');
    expect(await callsTo(fetchMock, 'PUT /api/v1/settings/parameters')[0]!.json()).toEqual({
      ...values,
      results_per_semester: 5,
      teacher_reminder_hour: null,
    });

    fill('學生學習成果上傳數量', '8');
    fireEvent.click(button('儲存'));
    expect(await screen.findByText('上次更新：111/04/01 14:05')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('須介於 6 到 100（國教署規定不可低於 6 件）')).toBeNull());
  });
});

const period = periodFixture;

describe('設定學校作業時間 (3.6)', () => {
  it('shows the national window and the periods; a selection item forces 全學年; a duplicate is refused', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe({ current_term: { academic_year: 110, semester: 2, code: '1102' } }),
      'GET /api/v1/national-windows': [
        { academic_year: 110, results_start: '2021-08-01', results_end: '2022-11-30', performances_start: '2021-08-01', performances_end: '2022-10-31' },
      ],
      'GET /api/v1/work-periods': [
        period({ id: 2, semester: 0, item: 'select_results', item_name: '學生勾選學習成果時間', open: true }),
        period(),
      ],
      'POST /api/v1/work-periods': () =>
        problem(409, 'conflict', '110 學年度全學年 1 年級已有「學生勾選多元表現時間」。'),
    });
    renderAt('/admin/work-periods');

    expect(await screen.findByText('學習成果作業時間：110/08/01 ~ 111/11/30')).toBeTruthy();
    expect(screen.getByText('多元表現作業時間：110/08/01 ~ 111/10/31')).toBeTruthy();
    // Semester 2 before the whole year; Taipei dates and hours, the end hour to its last minute.
    const rows = [...document.querySelectorAll('tbody tr.ant-table-row')].map((row) => row.textContent);
    expect(rows[0]).toContain('第2學期學生上傳及送出學習成果認證時間1 年級111/04/01 00:00111/04/05 23:59已結束');
    expect(rows[1]).toContain('全學年學生勾選學習成果時間');
    expect(rows[1]).toContain('進行中');
    expect(new URL(callsTo(fetchMock, 'GET /api/v1/work-periods')[0]!.url).searchParams.get('academic_year')).toBe('110');

    fireEvent.click(button('新增作業時間'));
    const form = await dialog('新增作業時間');
    // A new upload period starts in the current semester.
    expect(within(form).getByText('第2學期')).toBeTruthy();
    await pickOption('項目', '學生勾選多元表現時間');
    await waitFor(() => expect(within(form).getByText('全學年')).toBeTruthy());
    const month = dayjs().format('YYYY-MM');
    await pickDate('開始日期', `${month}-10`);
    await pickDate('結束日期', `${month}-20`);
    fireEvent.click(button('儲存', form));

    expect(await within(form).findByText('110 學年度全學年 1 年級已有「學生勾選多元表現時間」。')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/work-periods')[0]!.json()).toEqual({
      academic_year: 110,
      semester: 0,
      grade: 1,
      item: 'select_performances',
      start_date: `${month}-10`,
      start_hour: 0,
      end_date: `${month}-20`,
      end_hour: 23,
    });
  });

  it('warns when the year has no national window, and offers only the granted actions', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture({
        modules: [{ code: 'S0203S', name: '設定學校作業時間', can_create: false, can_update: true, can_delete: false }],
      }),
      'GET /api/v1/national-windows': [],
      'GET /api/v1/work-periods': [period({ academic_year: 110, semester: 1 })],
    });
    renderAt('/admin/work-periods');

    expect(await screen.findByText('110 學年度尚未設定國教署作業期間')).toBeTruthy();
    expect(await screen.findByText('第1學期')).toBeTruthy();
    expect(screen.getByLabelText('修改 學生上傳及送出學習成果認證時間 1 年級')).toBeTruthy();
    expect(screen.queryByLabelText('刪除 學生上傳及送出學習成果認證時間 1 年級')).toBeNull();
    expect(screen.queryByText('新增作業時間')).toBeNull();
  });
});

const coTaught = (assignment_id: number, overrides: Partial<CoTaughtRow> = {}): CoTaughtRow => ({
  assignment_id,
  course_id: 40,
  academic_year: 110,
  semester: 2,
  class_code: '101',
  course_code: `1110201001H0010100000${assignment_id}`,
  subject_name: '城市裏的文學與文化',
  teacher_id: 100 + assignment_id,
  teacher_account: `t${assignment_id}`,
  teacher_name: `教師${assignment_id}`,
  can_certify: true,
  ...overrides,
});

describe('合開課程設定審核老師 (3.5)', () => {
  it('saves only the switches moved, in one request, and says how many', async () => {
    signIn();
    let rows = [coTaught(1), coTaught(2, { class_code: '' }), coTaught(3, { can_certify: false })];
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/co-taught': () => json({ items: rows, total: rows.length, page: 1, per_page: 30 }),
      'PUT /api/v1/co-taught': async (request) => {
        const { changes } = (await request.clone().json()) as { changes: { assignment_id: number; can_certify: boolean }[] };
        rows = rows.map((row) => ({ ...row, can_certify: changes.find((c) => c.assignment_id === row.assignment_id)?.can_certify ?? row.can_certify }));
        return json(rows.filter((row) => changes.some((c) => c.assignment_id === row.assignment_id)));
      },
    });
    renderAt('/admin/co-taught');

    const toggle = async (n: number) => fireEvent.click(await screen.findByLabelText(`是否審核 教師${n} 城市裏的文學與文化`));
    expect(await screen.findByText('跨班')).toBeTruthy();
    expect(button('儲存變更').disabled).toBe(true);

    await toggle(1);
    await toggle(3);
    // Moved and moved back: no change.
    await toggle(2);
    await toggle(2);
    expect(screen.getByText('尚有 2 筆變更未儲存')).toBeTruthy();
    expect(screen.getAllByText('未儲存', { selector: '.ant-tag' })).toHaveLength(2);
    expect(document.querySelectorAll('tr.licheng-row-changed')).toHaveLength(2);

    fireEvent.click(button('儲存變更'));
    expect(await screen.findByText('已儲存 2 筆變更')).toBeTruthy();
    const puts = callsTo(fetchMock, 'PUT /api/v1/co-taught');
    expect(puts).toHaveLength(1);
    expect(await puts[0]!.json()).toEqual({
      changes: [
        { assignment_id: 1, can_certify: false },
        { assignment_id: 3, can_certify: true },
      ],
    });
    await waitFor(() => expect(document.querySelectorAll('tr.licheng-row-changed')).toHaveLength(0));
    expect(screen.getByLabelText('是否審核 教師1 城市裏的文學與文化').getAttribute('aria-checked')).toBe('false');

    // The keyword goes to the server.
    fireEvent.change(screen.getByLabelText('關鍵字'), { target: { value: '教師2' } });
    fireEvent.keyDown(screen.getByLabelText('關鍵字'), { key: 'Enter', keyCode: 13 });
    await waitFor(() =>
      expect(new URL(callsTo(fetchMock, 'GET /api/v1/co-taught').at(-1)!.url).searchParams.get('q')).toBe('教師2'),
    );
  });
});
