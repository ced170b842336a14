import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DecisionBody, BatchDecisionBody, LearningResult, LearningResultDetail } from '../../api/types';
import { callsTo, json, meFixture, mockApi, problem, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, dialog, fill, pickOption } from '../../test/ui';
import { mp4, pdf, result } from '../student/fixtures';
import { certifyPeriod, queue, queueCourse } from './fixtures';
// Load the lazily routed page up front, so that no test waits for the chunk.
import './index';

const teacherMe = () => meFixture({ roles: ['subject_teacher'] }, { display_name: '王小明' });

const page = <Row,>(items: Row[], total = items.length) => ({ items, total, page: 1, per_page: 30 });

const submitted = (id: number, overrides: Partial<LearningResult> = {}) =>
  result(id, {
    state: 'submitted',
    submitted_at: '2021-12-02T06:05:00Z',
    course_id: 1,
    course_code: '110-1-001',
    ...overrides,
  });

const detail = (row: LearningResult): LearningResultDetail => ({
  result: row,
  delegates: [],
  history: [
    { action: 'created', state: 'editing', at: '2021-10-01T02:00:00Z', actor_name: row.student_name, actor_account: row.student_account },
    { action: 'submitted', state: 'submitted', at: '2021-12-02T06:05:00Z', actor_name: row.student_name, actor_account: row.student_account },
  ],
});

describe('學習成果認證: an earlier term (meeting 003 #3)', () => {
  it('switches to the term before and asks the queue for it, and course links keep the term', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/terms/current': { term: { academic_year: 116, semester: 1, code: '1161', is_current: true }, on_hold: false, latest: null, previous: null },
      'GET /api/v1/certification/courses': queue([queueCourse(1)]),
    });
    renderAt('/teacher/certification');
    fireEvent.click(await screen.findByText('115學年度第2學期'));
    await waitFor(() => expect(callsTo(fetchMock, 'GET /api/v1/certification/courses').some((r) => new URL(r.url).searchParams.get('term') === '1152')).toBe(true));
    const link = await screen.findByText('數學（110-1-001）');
    expect(link.closest('a')?.getAttribute('href')).toBe('/teacher/certification/1?term=1152');
  });
});

describe('學習成果認證: overview', () => {
  it('groups the courses by class with their counts, periods, co-teachers and the waiting total', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([
        queueCourse(1),
        queueCourse(2, {
          subject_name: '物理',
          class_code: '202',
          can_certify: false,
          submitted: 4,
          teachers: [
            { teacher_id: 7, name: '王小明', can_certify: false },
            { teacher_id: 8, name: '陳老師', can_certify: true },
          ],
          period: null,
        }),
        queueCourse(3, {
          subject_name: '多元選修',
          class_code: '',
          submitted: 2,
          classes: [
            { class_code: '201', submitted: 1, certified: 0, rejected: 0 },
            { class_code: '203', submitted: 1, certified: 4, rejected: 0 },
          ],
          period: certifyPeriod({ open: false, starts_at: '2099-01-01T00:00:00Z' }),
        }),
      ]),
    });
    const { router } = renderAt('/teacher/certification');

    expect(await screen.findByText('數學（110-1-001）')).toBeTruthy();
    // The 教師 menu group.
    expect(screen.getByText('學習成果認證', { selector: 'a' }).getAttribute('href')).toBe('/teacher/certification');
    // Waiting: only the courses this teacher decides (3 + 2, not the co-taught 4).
    const total = screen.getByTestId('waiting-total');
    expect(within(total).getByText('共 5 件等待認證')).toBeTruthy();

    expect(screen.getByText('201 班')).toBeTruthy();
    expect(screen.getByText('202 班')).toBeTruthy();
    expect(screen.getByText('跨班')).toBeTruthy();
    // The classes share the width (issue #24): their sections are columns of one grid row.
    const grid = screen.getByTestId('class-groups');
    expect(grid.classList.contains('ant-row')).toBe(true);
    expect(grid.querySelectorAll(':scope > .ant-col > section')).toHaveLength(3);

    const math = screen.getByTestId('course-1');
    expect(within(math).getByText('認證中 3')).toBeTruthy();
    expect(within(math).getByText('認證成功 2')).toBeTruthy();
    expect(within(math).getByText('認證失敗 1')).toBeTruthy();
    expect(within(math).getByText('110/12/01 08:00')).toBeTruthy();
    expect(within(math).getByText('111/01/20 23:59')).toBeTruthy();
    expect(within(math).getByText('進行中')).toBeTruthy();

    const physics = screen.getByTestId('course-2');
    expect(within(physics).getByText('不審核（僅能查看）')).toBeTruthy();
    expect(within(physics).getByText('審核：否')).toBeTruthy();
    expect(within(physics).getByText('審核：是')).toBeTruthy();
    expect(within(physics).getByText('學校尚未設定認證時間')).toBeTruthy();

    // A mixed-class course lists its students' classes, each a way into the course.
    const mixed = screen.getByTestId('course-3');
    expect(within(mixed).getByText('未開始')).toBeTruthy();
    fireEvent.click(within(mixed).getByLabelText('查看 多元選修（110-1-003） 203 的學習成果'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/teacher/certification/3'));
    expect(router.state.location.search).toBe('?class_code=203');
  });

  it('tells the teacher that certification checks authenticity, not quality (meeting 003 #23), on the overview and on a course', async () => {
    // Meeting 003 #23: 「教師應是認證『真偽』而非好壞」.
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(1)]),
      'GET /api/v1/certification/results': page([]),
    });
    renderAt('/teacher/certification');
    const note = await screen.findByRole('note');
    expect(within(note).getByText('認證的是真偽，不是好壞')).toBeTruthy();
    expect(note.textContent).toContain('確為學生本人的作品（真偽），不是評定作品的好壞');
    cleanup();
    renderAt('/teacher/certification/1');
    expect((await screen.findByRole('note')).textContent).toContain('不是評定作品的好壞');
  });

  it('lists a course the teacher certifies as a named delegate, and shows every naming (meeting 003 #25, 代理人機制)', async () => {
    signIn();
    const delegates = [{ name: '王小明', for_teacher: '李老師', since: '2021-12-01T02:00:00Z' }];
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(1, { as_delegate: true, delegates, teachers: [{ teacher_id: 9, name: '李老師', can_certify: true }] })]),
      'GET /api/v1/certification/results': page([]),
    });
    renderAt('/teacher/certification');
    const math = await screen.findByTestId('course-1');
    expect(within(math).getByText('代理認證')).toBeTruthy();
    expect(within(math).getByText('王小明（代理 李老師）')).toBeTruthy();
    expect(within(math).getByText('自 110/12/01 10:00 起', { exact: false })).toBeTruthy();
    cleanup();
    renderAt('/teacher/certification/1');
    expect(await screen.findByText('王小明（代理 李老師）')).toBeTruthy();
  });

  it('says so when the teacher has no course this term, and shows a refusal', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([]),
    });
    renderAt('/teacher/certification');
    expect(await screen.findByText('本學期沒有任教的課程')).toBeTruthy();
    expect(screen.getByText('目前沒有等待認證的學習成果')).toBeTruthy();
  });

  it('shows the problem when the school has no term', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': () => problem(409, 'conflict', '學校尚未有學年期資料。'),
    });
    renderAt('/teacher/certification');
    expect(await screen.findByText('學校尚未有學年期資料。')).toBeTruthy();
  });
});

describe('學習成果認證: a course', () => {
  it('lists the waiting results (deep link), certifies one and rejects another with a reason', async () => {
    signIn();
    let rows = [
      submitted(11, { student_name: '林小華', student_account: '074313_s001', seat_no: 5, document: pdf, video: mp4 }),
      submitted(12, { student_name: '陳大同', student_account: '074313_s002', seat_no: 6 }),
    ];
    const fetchMock = mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(1)]),
      'GET /api/v1/certification/results': () => json(page(rows)),
      'GET /api/v1/learning-results/11': () => json(detail(rows.find((row) => row.id === 11)!)),
      'GET /api/v1/learning-results/12': () => json(detail(rows.find((row) => row.id === 12)!)),
      'POST /api/v1/learning-results/11/decision': () => {
        const decided = { ...rows[0]!, state: 'certified' as const, decided_by: '王小明', decided_at: '2021-12-03T01:00:00Z' };
        rows = rows.filter((row) => row.id !== 11);
        return json({ result: decided, history: [...detail(decided).history, { action: 'certified', state: 'certified', at: '2021-12-03T01:00:00Z', actor_name: '王小明', actor_account: '074313_t001' }] });
      },
      'POST /api/v1/learning-results/12/decision': async (request) => {
        const body = (await request.clone().json()) as DecisionBody;
        const decided = { ...rows.find((row) => row.id === 12)!, state: 'rejected' as const, reject_reason: body.reason ?? null };
        rows = rows.filter((row) => row.id !== 12);
        return json(detail(decided));
      },
    });
    renderAt('/teacher/certification/1');

    expect(await screen.findByText('林小華')).toBeTruthy();
    const [first] = callsTo(fetchMock, 'GET /api/v1/certification/results');
    const query = new URL(first!.url).searchParams;
    expect([query.get('course_id'), query.get('state'), query.get('per_page')]).toEqual(['1', 'submitted', '30']);
    const row = screen.getByText('林小華').closest('tr')!;
    expect(within(row).getByText('074313_s001')).toBeTruthy();
    expect(within(row).getByText('認證中')).toBeTruthy();
    expect(within(row).getByText('110/12/02 14:05')).toBeTruthy();

    // Open one: its files and history, then 認證通過.
    fireEvent.click(screen.getByLabelText('查看 林小華 的學習成果'));
    const drawer = (await screen.findByText('學習成果認證', { selector: '.ant-drawer-title' })).closest<HTMLElement>('.ant-drawer')!;
    expect(await within(drawer).findByText('專題報告.pdf')).toBeTruthy();
    expect(within(drawer).getByText('成果發表.mp4')).toBeTruthy();
    // The history: 上傳 and 送出認證 by the student.
    expect(within(drawer).getByText('上傳')).toBeTruthy();
    expect(within(drawer).getAllByText('送出認證').length).toBeGreaterThan(0);
    // The batch buttons are out of the way while one result is open.
    expect(screen.queryByText('批次認證通過')).toBeNull();
    fireEvent.click(button('認證通過', drawer));
    expect(await screen.findByText('已認證通過「林小華」的學習成果')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/learning-results/11/decision')[0]!.json()).toEqual({ decision: 'certify' });
    // Now certified: only 改為認證失敗 is left (000 Q6).
    expect(await within(drawer).findByText('改為認證失敗')).toBeTruthy();
    expect(within(drawer).queryByText('認證通過', { selector: 'button *' })).toBeNull();
    fireEvent.click(drawer.querySelector<HTMLElement>('.ant-drawer-close')!);
    await waitFor(() => expect(screen.queryByText('林小華')).toBeNull());

    // Reject the other: a reason is required.
    fireEvent.click(screen.getByLabelText('查看 陳大同 的學習成果'));
    const second = (await screen.findByText('學習成果認證', { selector: '.ant-drawer-title' })).closest<HTMLElement>('.ant-drawer')!;
    fireEvent.click(await within(second).findByText('認證失敗', { selector: 'button *' }));
    const modal = await dialog('認證失敗');
    fireEvent.click(button('確定', modal));
    expect(await within(modal).findByText('請填寫認證失敗原因')).toBeTruthy();
    fill('認證失敗原因', '  檔案無法開啟，請重新上傳。 ');
    fireEvent.click(button('確定', modal));
    expect(await screen.findByText('已將「陳大同」的學習成果設為認證失敗')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/learning-results/12/decision')[0]!.json()).toEqual({
      decision: 'reject',
      reason: '檔案無法開啟，請重新上傳。',
    });
  });

  it('decides the ticked rows at once and lists what was refused, with why', async () => {
    signIn();
    const rows = [
      submitted(11, { student_name: '林小華', student_account: 's001' }),
      submitted(12, { student_name: '陳大同', student_account: 's002' }),
      submitted(13, { student_name: '張三', student_account: 's003', state: 'rejected', reject_reason: '重複上傳' }),
    ];
    const fetchMock = mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(1)]),
      'GET /api/v1/certification/results': page(rows),
      'POST /api/v1/certification/decisions': async (request) => {
        const body = (await request.clone().json()) as BatchDecisionBody;
        return body.decision === 'certify'
          ? json({ decided: [11], refused: [{ id: 12, code: 'invalid_state', detail: '此學習成果已認證成功。' }] })
          : json({ decided: body.ids, refused: [] });
      },
    });
    renderAt('/teacher/certification/1');
    expect(await screen.findByText('林小華')).toBeTruthy();
    expect(button('批次認證通過').disabled).toBe(true);
    // A rejected result cannot be ticked.
    expect(screen.getByLabelText<HTMLInputElement>('選取 張三 的學習成果').disabled).toBe(true);

    fireEvent.click(screen.getByLabelText('選取 林小華 的學習成果'));
    fireEvent.click(screen.getByLabelText('選取 陳大同 的學習成果'));
    expect(screen.getByText('已選 2 件')).toBeTruthy();
    fireEvent.click(button('批次認證通過'));
    const outcome = await screen.findByTestId('batch-outcome');
    expect(within(outcome).getByText('已認證通過 1 件學習成果；另有 1 件未能認證通過：')).toBeTruthy();
    expect(within(outcome).getByText('陳大同（s002）數學：此學習成果已認證成功。')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/certification/decisions')[0]!.json()).toEqual({ ids: [11, 12], decision: 'certify' });
    // The decided one is unticked, the refused one stays ticked.
    expect(screen.getByText('已選 1 件')).toBeTruthy();

    fireEvent.click(button('批次認證失敗'));
    const modal = await dialog('批次認證失敗');
    fill('認證失敗原因', '內容與課程無關');
    fireEvent.click(button('確定', modal));
    expect(await screen.findByText('已將 1 件學習成果設為認證失敗。')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/certification/decisions')[1]!.json()).toEqual({
      ids: [12],
      decision: 'reject',
      reason: '內容與課程無關',
    });
  });

  it('filters by class, state and student', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([
        queueCourse(3, {
          class_code: '',
          classes: [
            { class_code: '201', submitted: 1, certified: 0, rejected: 0 },
            { class_code: '203', submitted: 1, certified: 4, rejected: 0 },
          ],
        }),
      ]),
      'GET /api/v1/certification/results': page([]),
    });
    renderAt('/teacher/certification/3?class_code=203');
    expect(await screen.findByText('沒有符合條件的學習成果')).toBeTruthy();
    const last = () => new URL(callsTo(fetchMock, 'GET /api/v1/certification/results').at(-1)!.url).searchParams;
    expect(last().get('class_code')).toBe('203');
    await pickOption('狀態', '認證成功');
    await waitFor(() => expect(last().get('state')).toBe('certified'));
    fill('搜尋學生', '林');
    fireEvent.keyDown(screen.getByLabelText('搜尋學生'), { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(last().get('q')).toBe('林'));
    expect(last().get('class_code')).toBe('203');
  });

  // Issue #24: 40 results were 40 open/close cycles; 全部 only by clearing the field.
  it('offers 全部, steps to the next and previous result inside the drawer, and certifies with Ctrl+Enter', async () => {
    signIn();
    const rows = [
      submitted(21, { student_name: '林小華', student_account: '074313_s001' }),
      submitted(22, { student_name: '陳大同', student_account: '074313_s002' }),
    ];
    const fetchMock = mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(1)]),
      'GET /api/v1/certification/results': () => json(page(rows)),
      'GET /api/v1/learning-results/21': () => json(detail(rows[0]!)),
      'GET /api/v1/learning-results/22': () => json(detail(rows[1]!)),
      'POST /api/v1/learning-results/22/decision': () => json(detail({ ...rows[1]!, state: 'certified' })),
    });
    renderAt('/teacher/certification/1');
    expect(await screen.findByText('林小華')).toBeTruthy();
    const last = () => new URL(callsTo(fetchMock, 'GET /api/v1/certification/results').at(-1)!.url).searchParams;
    await pickOption('狀態', '全部');
    await waitFor(() => expect(last().get('state')).toBeNull());

    fireEvent.click(screen.getByLabelText('查看 林小華 的學習成果'));
    const drawer = (await screen.findByText('學習成果認證', { selector: '.ant-drawer-title' })).closest<HTMLElement>('.ant-drawer')!;
    expect((await within(drawer).findAllByText('林小華（074313_s001）')).length).toBeGreaterThan(0);
    expect(within(drawer).getByText('第 1 / 2 件')).toBeTruthy();
    expect(button('上一件', drawer).hasAttribute('disabled')).toBe(true);
    fireEvent.click(button('下一件', drawer));
    expect((await within(drawer).findAllByText('陳大同（074313_s002）')).length).toBeGreaterThan(0);
    expect(within(drawer).getByText('第 2 / 2 件')).toBeTruthy();
    expect(button('下一件', drawer).hasAttribute('disabled')).toBe(true);

    fireEvent.keyDown(document, { key: 'Enter', ctrlKey: true });
    expect(await screen.findByText('已認證通過「陳大同」的學習成果')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/learning-results/22/decision')[0]!.json()).toEqual({ decision: 'certify' });
    fireEvent.click(button('上一件', drawer));
    expect((await within(drawer).findAllByText('林小華（074313_s001）')).length).toBeGreaterThan(0);
  });

  it('greys out the decisions with the reason for a co-teacher marked 否 or outside the period', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([
        queueCourse(1, { period: certifyPeriod({ open: false }) }),
        queueCourse(2, { can_certify: false }),
      ]),
      'GET /api/v1/certification/results': page([submitted(11)]),
      'GET /api/v1/learning-results/11': detail(submitted(11)),
    });
    renderAt('/teacher/certification/1');
    expect(await screen.findByText('目前不在認證期間（110/12/01 08:00 ~ 111/01/20 23:59）。')).toBeTruthy();
    expect(button('批次認證通過').disabled).toBe(true);
    fireEvent.click(await screen.findByLabelText('查看 林小華 的學習成果'));
    const drawer = (await screen.findByText('學習成果認證', { selector: '.ant-drawer-title' })).closest<HTMLElement>('.ant-drawer')!;
    await within(drawer).findByText('專題報告.pdf');
    expect(button('認證通過', drawer).disabled).toBe(true);
    expect(button('認證失敗', drawer).disabled).toBe(true);
    expect(within(drawer).getByText('目前不在認證期間（110/12/01 08:00 ~ 111/01/20 23:59）。')).toBeTruthy();
  });

  it('tells a co-teacher marked 否 that they only look, and an unknown course that it is not theirs', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(2, { can_certify: false })]),
      'GET /api/v1/certification/results': page([]),
    });
    const { router } = renderAt('/teacher/certification/2');
    expect(await screen.findByText('學校已將您設定為這門合開課程的「不審核」教師，請由其他授課教師認證。')).toBeTruthy();
    await router.navigate('/teacher/certification/99');
    expect(await screen.findByText('找不到這門課程，或不是您本學期任教的課程。')).toBeTruthy();
  });

  it('shows a refused decision in the drawer', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': teacherMe(),
      'GET /api/v1/certification/courses': queue([queueCourse(1)]),
      'GET /api/v1/certification/results': page([submitted(11)]),
      'GET /api/v1/learning-results/11': detail(submitted(11)),
      'POST /api/v1/learning-results/11/decision': () => problem(403, 'period_closed', '目前不在老師認證學生學習成果時間。'),
    });
    renderAt('/teacher/certification/1');
    fireEvent.click(await screen.findByLabelText('查看 林小華 的學習成果'));
    const drawer = (await screen.findByText('學習成果認證', { selector: '.ant-drawer-title' })).closest<HTMLElement>('.ant-drawer')!;
    await within(drawer).findByText('專題報告.pdf');
    fireEvent.click(button('認證通過', drawer));
    expect(await within(drawer).findByText('目前不在老師認證學生學習成果時間。')).toBeTruthy();
  });
});
