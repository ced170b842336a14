import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BatchLog, CurrentTerm, SchoolTerm } from '../../api/types';
import { callsTo, json, meFixture, mockApi, problem, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, confirm } from '../../test/ui';
import { resultText, rowErrors, batchProblem } from './syncLog';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

function batch(id: number, overrides: Partial<BatchLog> = {}): BatchLog {
  return {
    id,
    kind: 'enrolments',
    kind_name: '學生修課資料',
    academic_year: 110,
    semester: 2,
    status_code: '00',
    result: { total: 9288, status_code: '00', inserted: 12, updated: 3, unchanged: 9273, deactivated: 2 },
    error: null,
    received_at: '2022-02-13T00:09:05Z',
    finished_at: '2022-02-13T00:09:07Z',
    ...overrides,
  };
}

const rowsInvalid = {
  type: 'urn:licheng:problem:sync_rows_invalid',
  title: '同步資料有誤',
  status: 422,
  code: 'sync_rows_invalid',
  detail: '同步資料有錯誤的列，整批未寫入；請依各列錯誤修正後重送。',
  errors: {
    'rows[10].national_id': ['身分證統一編號格式或檢查碼錯誤'],
    'rows[3].course_code': ['課程代碼須為 23 碼英數字'],
  },
};

describe('receiving log helpers', () => {
  it('writes the result compactly, and reads the stored problem', () => {
    expect(resultText(batch(1).result)).toBe('共 9288 筆：新增 12、更新 3、未變 9273、停用 2');
    expect(resultText({ total: 46, status_code: '01' })).toBe('共 46 筆');
    expect(resultText(null)).toBe('');
    expect(batchProblem({})).toBeNull();
    expect(batchProblem(null)).toBeNull();
    const problem = batchProblem(rowsInvalid)!;
    expect(problem.title).toBe('同步資料有誤');
    expect(rowErrors(problem).map(([field]) => field)).toEqual(['rows[3].course_code', 'rows[10].national_id']);
  });
});

describe('學校查詢接收紀錄 (4.3)', () => {
  it('is open to a teacher granted S0201S1: statuses, results, times, and the rows in error', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({
        modules: [{ code: 'S0201S1', name: '學校查詢接收紀錄', can_create: false, can_update: false, can_delete: false }],
      }),
      'GET /api/v1/sync/batches': (request) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        const items =
          page === 1
            ? [
                batch(3, { status_code: 'received', result: null, finished_at: null, kind: 'students', kind_name: '學生學籍資料' }),
                batch(2, { status_code: '01', result: { total: 46, status_code: '01' }, error: rowsInvalid, kind: 'courses', kind_name: '開課資料' }),
                batch(1),
              ]
            : [batch(4, { status_code: '02', kind: 'staff', kind_name: '教職員資料' })];
        return json({ items, total: 31, page, per_page: 30 });
      },
    });
    renderAt('/admin/receiving-log');

    expect(await screen.findByText('共 9288 筆：新增 12、更新 3、未變 9273、停用 2')).toBeTruthy();
    // The menu: 查詢 with this page, nothing of the school admin's.
    expect(screen.getByText('學校查詢接收紀錄', { selector: 'a' }).getAttribute('href')).toBe('/admin/receiving-log');
    expect(screen.queryByText('帳號管理')).toBeNull();
    expect(screen.queryByText('設定學校學年期')).toBeNull();

    expect(screen.getByText('成功')).toBeTruthy();
    expect(screen.getByText('資料有誤')).toBeTruthy();
    expect(screen.getByText('處理中')).toBeTruthy();
    expect(screen.getByText('共 46 筆')).toBeTruthy();
    expect(screen.getAllByText('110學年度第2學期')).toHaveLength(3);
    // Taipei time, with seconds.
    expect(screen.getAllByText('111/02/13 08:09:05', { selector: 'td' })).toHaveLength(3);
    expect(screen.getAllByText('111/02/13 08:09:07', { selector: 'td' })).toHaveLength(2);
    expect(screen.getByText('同步資料有誤（2 項）')).toBeTruthy();

    // Only the refused batch expands, to its detail and its rows in order.
    const refused = screen.getByText('資料有誤').closest('tr')!;
    expect(screen.getByText('成功').closest('tr')!.querySelector('.ant-table-row-expand-icon-spaced')).toBeTruthy();
    fireEvent.click(refused.querySelector('button.ant-table-row-expand-icon')!);
    const detail = await screen.findByTestId('batch-error');
    expect(within(detail).getByText(rowsInvalid.detail)).toBeTruthy();
    expect([...detail.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'rows[3].course_code 課程代碼須為 23 碼英數字',
      'rows[10].national_id 身分證統一編號格式或檢查碼錯誤',
    ]);

    const [first] = callsTo(fetchMock, 'GET /api/v1/sync/batches');
    expect(new URL(first!.url).searchParams.get('per_page')).toBe('30');
    fireEvent.click(screen.getByTitle('2'));
    expect(await screen.findByText('學年期切換中')).toBeTruthy();

    // A kind filter goes back to page 1 and asks the server.
    fireEvent.mouseDown(screen.getByLabelText('資料類型'));
    fireEvent.click(await screen.findByText('教職員資料', { selector: '.ant-select-item-option-content' }));
    await waitFor(() => {
      const last = new URL(callsTo(fetchMock, 'GET /api/v1/sync/batches').at(-1)!.url).searchParams;
      expect([last.get('kind'), last.get('page')]).toEqual(['staff', '1']);
    });
  });
});

function term(code: string, is_current: boolean): SchoolTerm {
  return { academic_year: Number(code.slice(0, 3)), semester: Number(code.slice(3)), code, is_current };
}

describe('設定學校學年期 (FAQ 二)', () => {
  it('switches back to the previous term after the warning, then shows the hold and a refused switch forward', async () => {
    signIn();
    let state: CurrentTerm = { term: term('1102', true), on_hold: false, latest: term('1102', true) };
    const currentCode = () => state.term!.code;
    const fetchMock = mockApi({
      'GET /api/v1/me': () =>
        json(schoolAdminMe({ current_term: { academic_year: 110, semester: Number(currentCode().slice(3)), code: currentCode() } })),
      'GET /api/v1/terms/current': () => json(state),
      'GET /api/v1/terms': () => json([term('1102', currentCode() === '1102'), term('1101', currentCode() === '1101')]),
      'POST /api/v1/terms/switch': async (request) => {
        const { to } = (await request.clone().json()) as { to: string };
        if (to === 'latest') return problem(409, 'conflict', '目前已是最新學期。');
        state = { term: term('1101', true), on_hold: true, latest: term('1102', false) };
        return json(state);
      },
    });
    renderAt('/admin/term');

    expect(await screen.findByText('依校務資料自動升級')).toBeTruthy();
    expect(screen.getByTestId('header-term').textContent).toBe('110學年度第2學期');

    fireEvent.click(button('切換至前一學期'));
    // The FAQ's warning, before anything happens.
    expect(await screen.findByText('全校所有使用者的畫面都會回到 110學年度第1學期。')).toBeTruthy();
    expect(screen.getByText('切換期間 110學年度第2學期 與 110學年度第1學期 的校務資料都不會同步。')).toBeTruthy();
    expect(screen.getByText('學年期不會再自動升級，須由校管理者在此手動切回 110學年度第2學期。')).toBeTruthy();
    expect(callsTo(fetchMock, 'POST /api/v1/terms/switch')).toHaveLength(0);
    await confirm('切換至前一學期（110學年度第1學期）？', '切換');

    expect(await screen.findByText('目前已切換至前一學期（110學年度第1學期）')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/terms/switch')[0]!.json()).toEqual({ to: 'previous' });
    // The header follows (`me` refreshed), the list marks the held and the latest term.
    await waitFor(() => expect(screen.getByTestId('header-term').textContent).toBe('110學年度第1學期'));
    expect(screen.getByText('最新學年期', { selector: '.ant-tag' })).toBeTruthy();
    expect(screen.queryByText('切換至前一學期')).toBeNull();

    fireEvent.click(button('切回最新學期'));
    await confirm('切回最新學期（110學年度第2學期）？', '切回');
    expect(await screen.findByText('目前已是最新學期。')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/terms/switch')[1]!.json()).toEqual({ to: 'latest' });
  });
});
