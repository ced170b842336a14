import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SchoolTerm, SelectionStatusRow, UsageReport } from '../../api/types';
import { callsTo, json, meFixture, mockApi, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, pickOption } from '../../test/ui';
import { performance as performanceFixture, result } from '../student/fixtures';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';
import type { ModuleCode, ModuleGrant } from '../../api/types';

afterEach(() => {
  vi.restoreAllMocks();
});

const terms: SchoolTerm[] = [
  { academic_year: 110, semester: 1, code: '1101', is_current: true },
  { academic_year: 109, semester: 2, code: '1092', is_current: false },
];

const grant = (code: ModuleCode): ModuleGrant => ({ code, name: code, can_create: false, can_update: false, can_delete: false });

/** Catch the saved file: the object URL's blob and the link's name. */
function catchDownloads() {
  const saved: { blob: Blob; name: string }[] = [];
  let last: Blob | null = null;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    last = blob as Blob;
    return 'blob:download-1';
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ blob: last!, name: this.download });
  });
  return saved;
}

const xlsx = (name: string) => () =>
  new Response(new Blob(['PK']), {
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="report.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });

describe('未認證教師狀況表 (S0216S)', () => {
  it('lists the teachers, drills down to their students, changes term and exports with the token', async () => {
    signIn();
    const saved = catchDownloads();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ roles: ['homeroom_teacher'], modules: [grant('S0216S')] }),
      'GET /api/v1/terms': terms,
      'GET /api/v1/reports/uncertified-teachers': [
        { teacher_id: 8, account: '074313_t008', name: '陳老師', waiting: 5, departed: false, delegate: null },
        { teacher_id: 9, account: '074313_t009', name: '李老師', waiting: 1, departed: false, delegate: null },
        // Meeting 003 #25: a teacher who left, whose results wait for a delegate.
        { teacher_id: 10, account: '074313_t010', name: '張老師', waiting: 2, departed: true, delegate: null },
      ],
      'GET /api/v1/reports/uncertified-teachers/8/students': [
        { student_id: 1, account: 's001', number: '110001', name: '林小華', class_code: '201', seat_no: 5, course_id: 2, subject_name: '數學', waiting: 3 },
        { student_id: 2, account: 's002', number: null, name: '陳大同', class_code: '201', seat_no: 6, course_id: 2, subject_name: '數學', waiting: 2 },
      ],
      'GET /api/v1/reports/uncertified-teachers.xlsx': xlsx('未認證教師狀況表_1092.xlsx'),
      // Meeting 003 #25: a course whose results wait for nobody.
      'GET /api/v1/reports/uncertified-courses': [{ course_id: 3, course_code: '110-1-003', subject_name: '國語文', class_code: '201', waiting: 4 }],
    });
    renderAt('/admin/reports/uncertified');

    expect(await screen.findByText('陳老師')).toBeTruthy();
    // 查詢 › 未認證教師狀況表 only.
    expect(screen.getByText('未認證教師狀況表', { selector: 'a' }).getAttribute('href')).toBe('/admin/reports/uncertified');
    expect(screen.queryByText('學習成果使用統計', { selector: 'a' })).toBeNull();
    expect(screen.getByText('點選左側教師，查看其未認證學生清單')).toBeTruthy();
    const departed = screen.getByText('張老師').closest('tr')!;
    expect(departed.textContent).toContain('已離職');
    expect(departed.textContent).toContain('尚未指定代理認證教師');
    expect(screen.getByText('陳老師').closest('tr')!.textContent).not.toContain('已離職');
    expect(await screen.findByText('下列課程的學習成果無人可認證，請至「代理認證教師」指定代理人')).toBeTruthy();
    expect(screen.getByText('國語文（201）待認證 4 件')).toBeTruthy();

    fireEvent.click(screen.getByLabelText('查看 陳老師 的未認證學生'));
    expect(await screen.findByText('未認證學生清單：陳老師')).toBeTruthy();
    const row = (await screen.findByText('林小華')).closest('tr')!;
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['201', '5', '林小華110001', '數學', '3']);
    expect(screen.getByText('陳大同').closest('tr')!.textContent).toContain('s002');

    await pickOption('學年期', '109學年度第2學期');
    await waitFor(() =>
      expect(new URL(callsTo(fetchMock, 'GET /api/v1/reports/uncertified-teachers').at(-1)!.url).searchParams.get('term')).toBe('1092'),
    );
    // A new term closes the drill-down.
    expect(screen.queryByText('未認證學生清單：陳老師')).toBeNull();

    fireEvent.click(button('匯出 Excel'));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('未認證教師狀況表_1092.xlsx');
    const [download] = callsTo(fetchMock, 'GET /api/v1/reports/uncertified-teachers.xlsx');
    expect(download!.headers.get('Authorization')).toMatch(/^Bearer /);
    expect(new URL(download!.url).searchParams.get('term')).toBe('1092');
  });
});

describe('勾選情形 (S0205S, S0206S)', () => {
  const row = (student_id: number, overrides: Partial<SelectionStatusRow> = {}): SelectionStatusRow => ({
    student_id,
    account: `s00${student_id}`,
    number: `11000${student_id}`,
    name: '林小華',
    class_code: '201',
    seat_no: student_id,
    selected: 2,
    available: 5,
    ...overrides,
  });

  it('lists the students’ learning-result selections, searches, and shows one student’s results', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/terms': terms,
      'GET /api/v1/reports/selection-status': (request) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        return json({ items: page === 1 ? [row(1), row(2, { name: '陳大同', selected: 0, available: 0 })] : [row(3)], total: 31, page, per_page: 30 });
      },
      'GET /api/v1/learning-results': {
        items: [
          result(1, { state: 'certified', selected: true, subject_name: '數學' }),
          result(2, { state: 'certified', subject_name: '國語文' }),
          result(3, { state: 'certified', academic_year: 109, term: '1092', subject_name: '歷史' }),
        ],
        total: 3,
        page: 1,
        per_page: 200,
      },
    });
    renderAt('/admin/reports/selection-results');

    expect(await screen.findByText('陳大同')).toBeTruthy();
    const first = new URL(callsTo(fetchMock, 'GET /api/v1/reports/selection-status')[0]!.url).searchParams;
    expect([first.get('kind'), first.get('per_page')]).toEqual(['results', '30']);
    expect(screen.getByText('林小華').closest('tr')!.textContent).toContain('2 / 5');
    expect(screen.getByText('110001')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('學號或姓名'), { target: { value: '陳' } });
    fireEvent.keyDown(screen.getByLabelText('學號或姓名'), { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() =>
      expect(new URL(callsTo(fetchMock, 'GET /api/v1/reports/selection-status').at(-1)!.url).searchParams.get('q')).toBe('陳'),
    );

    fireEvent.click(screen.getByLabelText('查看 林小華 的課程學習成果'));
    expect(await screen.findByText('林小華（110001）的課程學習成果')).toBeTruthy();
    expect(await screen.findByText('國語文')).toBeTruthy();
    const [items] = callsTo(fetchMock, 'GET /api/v1/learning-results');
    expect(new URL(items!.url).searchParams.get('student_id')).toBe('1');
    // This academic year's only (110), the selected one first.
    expect(screen.queryByText('歷史')).toBeNull();
    const drawer = screen.getByText('國語文').closest<HTMLElement>('.ant-drawer')!;
    const rows = [...drawer.querySelectorAll('tr.ant-table-row')].map((tr) => tr.textContent);
    expect(rows[0]).toContain('數學');
    expect(rows[0]).toContain('已勾選');
    expect(rows[1]).toContain('未勾選');
  });

  it('filters by seat number next to the class, also in the Excel export', async () => {
    signIn();
    const saved = catchDownloads();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/terms': terms,
      'GET /api/v1/reports/selection-status': { items: [row(1)], total: 1, page: 1, per_page: 30 },
      'GET /api/v1/reports/selection-status.xlsx': xlsx('學習成果勾選情形_110.xlsx'),
    });
    renderAt('/admin/reports/selection-results');
    expect(await screen.findByText('林小華')).toBeTruthy();
    const lastQuery = () => new URL(callsTo(fetchMock, 'GET /api/v1/reports/selection-status').at(-1)!.url).searchParams;
    const enter = (label: string, value: string) => {
      fireEvent.change(screen.getByLabelText(label), { target: { value } });
      fireEvent.keyDown(screen.getByLabelText(label), { key: 'Enter', code: 'Enter', keyCode: 13 });
      // (antd takes one Enter per key press.)
      fireEvent.keyUp(screen.getByLabelText(label), { key: 'Enter', code: 'Enter', keyCode: 13 });
    };
    // Between 班級 and 學號或姓名.
    const filters = [...document.querySelectorAll('input[aria-label]')].map((input) => input.getAttribute('aria-label'));
    expect(filters.slice(filters.indexOf('班級'), filters.indexOf('班級') + 3)).toEqual(['班級', '座號', '學號或姓名']);

    enter('班級', '201');
    enter('座號', ' 5 ');
    await waitFor(() => expect([lastQuery().get('class_code'), lastQuery().get('seat_no')]).toEqual(['201', '5']));
    const asked = callsTo(fetchMock, 'GET /api/v1/reports/selection-status').length;

    // Not a seat number: marked, and nothing asked.
    enter('座號', '五');
    expect(screen.getByLabelText('座號').getAttribute('aria-invalid')).toBe('true');
    enter('座號', '0');
    expect(screen.getByLabelText('座號').getAttribute('aria-invalid')).toBe('true');
    expect(callsTo(fetchMock, 'GET /api/v1/reports/selection-status')).toHaveLength(asked);
    expect(lastQuery().get('seat_no')).toBe('5');

    fireEvent.click(button('匯出 Excel'));
    await waitFor(() => expect(saved).toHaveLength(1));
    const exported = new URL(callsTo(fetchMock, 'GET /api/v1/reports/selection-status.xlsx')[0]!.url).searchParams;
    expect([exported.get('class_code'), exported.get('seat_no'), exported.get('kind')]).toEqual(['201', '5', 'results']);

    // Cleared: every seat again.
    enter('座號', '');
    expect(screen.getByLabelText('座號').getAttribute('aria-invalid')).toBeNull();
    await waitFor(() => expect(lastQuery().has('seat_no')).toBe(false));
    expect(lastQuery().get('class_code')).toBe('201');
  });

  it('lists the performance selections with the student’s performances of the year', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ roles: ['homeroom_teacher'], modules: [grant('S0206S')] }),
      'GET /api/v1/terms': terms,
      'GET /api/v1/reports/selection-status': { items: [row(1)], total: 1, page: 1, per_page: 30 },
      'GET /api/v1/performances': { items: [performanceFixture(4, { selected: true })], total: 1, page: 1, per_page: 200 },
    });
    renderAt('/admin/reports/selection-performances');
    expect(await screen.findByText('查詢學生多元表現勾選情形', { selector: '.ant-card-head-title' })).toBeTruthy();
    fireEvent.click(await screen.findByLabelText('查看 林小華 的多元表現'));
    expect(await screen.findByText('全國科展')).toBeTruthy();
    const query = new URL(callsTo(fetchMock, 'GET /api/v1/performances')[0]!.url).searchParams;
    expect([query.get('student_id'), query.get('academic_year')]).toEqual(['1', '110']);
    expect(new URL(callsTo(fetchMock, 'GET /api/v1/reports/selection-status')[0]!.url).searchParams.get('kind')).toBe('performances');
    expect(screen.getByText('111/03/05')).toBeTruthy();
  });
});

describe('學習成果使用統計 (S0215S)', () => {
  it('shows the totals, the classes and subjects with a 合計 row, and the teachers', async () => {
    signIn();
    const saved = catchDownloads();
    const report: UsageReport = {
      term: '1101',
      totals: { editing: 4, submitted: 3, certified: 10, rejected: 1, total: 18, students_uploading: 9 },
      by_class_subject: [
        { grade: 2, class_code: '201', subject_name: '數學', editing: 1, submitted: 2, certified: 6, rejected: 1, total: 10 },
        { grade: 2, class_code: '', subject_name: '多元選修', editing: 3, submitted: 1, certified: 4, rejected: 0, total: 8 },
      ],
      by_teacher: [
        { teacher_id: 8, account: 't008', name: '陳老師', certified: 6, rejected: 1, waiting: 2 },
        { teacher_id: 9, account: 't009', name: '李老師', certified: 4, rejected: 0, waiting: 1 },
      ],
    };
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/terms': terms,
      'GET /api/v1/reports/usage': report,
      'GET /api/v1/reports/usage.xlsx': xlsx('學習成果使用統計_1101.xlsx'),
    });
    renderAt('/admin/reports/usage');

    expect(await screen.findByText('多元選修')).toBeTruthy();
    const totals = screen.getByTestId('usage-totals');
    expect(within(totals).getByText('使用人數')).toBeTruthy();
    expect(within(totals).getByText('9')).toBeTruthy();
    expect(within(totals).getByText('18')).toBeTruthy();
    expect(screen.getByText('跨班')).toBeTruthy();
    const summaries = [...document.querySelectorAll('.ant-table-summary tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(summaries).toEqual([
      ['合計', '4', '3', '10', '1', '18'],
      ['合計', '10', '1', '3'],
    ]);

    fireEvent.click(button('匯出 Excel'));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('學習成果使用統計_1101.xlsx');
    expect(callsTo(fetchMock, 'GET /api/v1/reports/usage.xlsx')).toHaveLength(1);
  });

  it('shows a refused export as a message', async () => {
    signIn();
    catchDownloads();
    mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/terms': terms,
      'GET /api/v1/reports/usage': { term: null, totals: { editing: 0, submitted: 0, certified: 0, rejected: 0, total: 0, students_uploading: 0 }, by_class_subject: [], by_teacher: [] },
      'GET /api/v1/reports/usage.xlsx': () =>
        new Response(JSON.stringify({ type: 'x', title: '權限不足', status: 403, code: 'module_required', detail: '需要「學習成果使用統計」的權限。' }), {
          status: 403,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
    });
    renderAt('/admin/reports/usage');
    expect(await screen.findByText('學校尚未有學年期資料。')).toBeTruthy();
    expect(screen.getByText('沒有學習成果資料')).toBeTruthy();
    fireEvent.click(button('匯出 Excel'));
    expect(await screen.findByText('需要「學習成果使用統計」的權限。')).toBeTruthy();
  });
});
