import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import dayjs from 'dayjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LearningResult, MySelections, Performance } from '../../api/types';
import { callsTo, json, meFixture, mockApi, problem, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, confirm, dialog, fill, pickDate, pickOption } from '../../test/ui';
import { formFields, mockUploads } from '../../test/xhr';
import { categories, course, limits, mp4, myCourses, pdf, performance, period, result, selections } from './fixtures';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './LearningResultsPage';
import './PerformancesPage';
import './SelectionsPage';

afterEach(() => {
  vi.restoreAllMocks();
});

const studentMe = () =>
  meFixture({ roles: ['student'] }, { account: '074313_s001', display_name: '林小華', kind: 'student' });

const page = <Row,>(items: Row[]) => ({ items, total: items.length, page: 1, per_page: 30 });

/** Choose `file` in the dialog's file input for `slot` (0: document, 1: video). */
function chooseFile(modal: HTMLElement, slot: 0 | 1, file: File) {
  const input = modal.querySelectorAll<HTMLInputElement>('input[type=file]')[slot]!;
  fireEvent.change(input, { target: { files: [file] } });
}

/** 上傳學習成果, once the courses are in (the button waits for them). */
async function openUploadDialog() {
  const create = (await screen.findByText('上傳學習成果', { selector: 'button *' })).closest('button')!;
  await waitFor(() => expect(create.disabled).toBe(false));
  fireEvent.click(create);
}

describe('課程學習成果 (student)', () => {
  it("shows the term's courses with the counts and period, and the results with their states", async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([
        result(1),
        result(2, { state: 'rejected', reject_reason: '檔案無法開啟' }),
        result(3, { state: 'certified', selected: true }),
        result(4, { state: 'submitted' }),
      ]),
    });
    renderAt('/student/results');

    expect(await screen.findByText('本學期修課（110學年度第1學期）')).toBeTruthy();
    // The 學生 menu group with its pages.
    expect(screen.getByText('課程學習成果', { selector: 'a' }).getAttribute('href')).toBe('/student/results');
    expect(screen.getByText('勾選提交', { selector: 'a' }).getAttribute('href')).toBe('/student/selections');
    expect(screen.getByText('4 / 10 件')).toBeTruthy();
    expect(screen.getByText('110/09/01 08:00')).toBeTruthy();
    expect(screen.getByText('進行中')).toBeTruthy();
    expect(screen.getByText('國語文').closest('tr')!.textContent).toContain('3 / 3');

    expect(await screen.findByText('編輯中')).toBeTruthy();
    expect(screen.getByText('認證失敗')).toBeTruthy();
    expect(screen.getByText('原因：檔案無法開啟')).toBeTruthy();
    expect(screen.getByText('認證成功')).toBeTruthy();
    expect(screen.getByText('認證中')).toBeTruthy();
    // Submit on the 編輯中 one only; edit and delete on 編輯中 and 認證失敗 (FAQ 004 Q12).
    expect(screen.getAllByText(/^修\s*改$/, { selector: 'button *' })).toHaveLength(2);
    expect(screen.getAllByText('送出認證', { selector: 'button *' })).toHaveLength(1);
    expect(screen.getAllByText(/^刪\s*除$/, { selector: 'button *' })).toHaveLength(2);
  });

  it('uploads a new result as multipart with a progress bar, and shows a refusal in the dialog', async () => {
    signIn();
    let list: LearningResult[] = [];
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': () => json(page(list)),
    });
    let refuse = true;
    const uploads = mockUploads((request) => {
      if (refuse) {
        return {
          status: 409,
          body: { type: 'urn:licheng:problem:limit_reached', title: '已達上限', status: 409, code: 'limit_reached', detail: '「數學」本學期已上傳 3 件，已達學校設定的單科上限 3 件。' },
        };
      }
      list = [result(9, { description: formFields(request.body).description! })];
      return { status: 201, body: list[0] };
    });
    renderAt('/student/results');

    await openUploadDialog();
    const modal = await dialog('上傳學習成果');
    // The full course cannot be chosen.
    await pickOption('課程', '數學（110-1-002）');
    fill('內容簡述', '以函數圖形分析生活中的數據。');
    // A file of the wrong type is refused before anything is sent.
    chooseFile(modal, 0, new File(['x'], 'notes.docx'));
    expect(await within(modal).findByText('文件檔限 PDF、JPG、PNG 格式')).toBeTruthy();
    chooseFile(modal, 0, new File(['%PDF'], '報告.pdf', { type: 'application/pdf' }));
    await waitFor(() => expect(within(modal).queryByText('文件檔限 PDF、JPG、PNG 格式')).toBeNull());
    expect(within(modal).getByText('報告.pdf')).toBeTruthy();

    fireEvent.click(button('上傳', modal));
    expect(await within(modal).findByText('「數學」本學期已上傳 3 件，已達學校設定的單科上限 3 件。')).toBeTruthy();
    expect(formFields(uploads[0]!.body)).toEqual({
      course_id: '2',
      description: '以函數圖形分析生活中的數據。',
      document: 'file:報告.pdf',
    });
    expect(uploads[0]!.method).toBe('POST');
    expect(uploads[0]!.url).toBe('/api/v1/learning-results');

    refuse = false;
    fireEvent.click(button('上傳', modal));
    expect(await screen.findByText('學習成果已上傳（編輯中），確認無誤後請送出認證')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('上傳學習成果', { selector: '.ant-modal-title' })).toBeNull());
    expect(await screen.findByText('編輯中')).toBeTruthy();
  });

  it('uploads a result without a description: it is optional (FAQ 004 Q10: 「文字描述 100 字」非必填)', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([]),
    });
    const uploads = mockUploads(() => ({ status: 201, body: result(9, { description: '' }) }));
    renderAt('/student/results');
    await openUploadDialog();
    const modal = await dialog('上傳學習成果');
    await pickOption('課程', '數學（110-1-002）');
    chooseFile(modal, 0, new File(['%PDF'], '報告.pdf', { type: 'application/pdf' }));
    fireEvent.click(button('上傳', modal));
    expect(await screen.findByText('學習成果已上傳（編輯中），確認無誤後請送出認證')).toBeTruthy();
    expect(formFields(uploads[0]!.body)).toEqual({ course_id: '2', description: '', document: 'file:報告.pdf' });
    expect(within(modal).queryByText('請填寫內容簡述')).toBeNull();
  });

  it('shows the progress while the server stores the files, and stops the upload when the dialog closes', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([]),
    });
    const uploads = mockUploads(() => 'hang');
    renderAt('/student/results');
    await openUploadDialog();
    const modal = await dialog('上傳學習成果');
    await pickOption('課程', '數學（110-1-002）');
    fill('內容簡述', '心得');
    chooseFile(modal, 1, new File(['mp4'], '發表.mp4', { type: 'video/mp4' }));
    fireEvent.click(button('上傳', modal));
    expect(await within(modal).findByText('檔案已送出，伺服器處理中，請稍候…')).toBeTruthy();
    expect(within(modal).getByText('100%')).toBeTruthy();
    expect(uploads).toHaveLength(1);

    fireEvent.click(button('取消', modal));
    await waitFor(() => expect(screen.queryByText('上傳學習成果', { selector: '.ant-modal-title' })).toBeNull());
    expect(uploads[0]!.aborted).toBe(true);
    // Nothing reported for an upload the student stopped.
    expect(screen.queryByText('發生未預期的錯誤，請稍後再試。')).toBeNull();
  });

  it('asks for a file before uploading', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([]),
    });
    const uploads = mockUploads(() => ({ status: 201, body: result(1) }));
    renderAt('/student/results');
    await openUploadDialog();
    const modal = await dialog('上傳學習成果');
    await pickOption('課程', '數學（110-1-002）');
    fill('內容簡述', '心得');
    fireEvent.click(button('上傳', modal));
    expect(await within(modal).findByText('請上傳文件檔或影音檔（至少一個）')).toBeTruthy();
    expect(uploads).toHaveLength(0);
  });

  it('greys out 上傳 outside the upload period', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses({ upload_period: period({ open: false, starts_at: '2099-01-01T00:00:00Z' }) }),
      'GET /api/v1/learning-results': page([result(1)]),
    });
    renderAt('/student/results');
    expect(await screen.findByText('未開始')).toBeTruthy();
    expect(screen.getByText('上傳學習成果', { selector: 'button *' }).closest('button')!.disabled).toBe(true);
    // Nor can a result be edited, submitted or deleted then (only its term's upload period allows it).
    expect(await screen.findByText('編輯中')).toBeTruthy();
    expect(screen.queryByText('送出認證', { selector: 'button *' })).toBeNull();
    expect(screen.queryAllByText(/^刪\s*除$/, { selector: 'button *' })).toHaveLength(0);
  });

  it('edits: replaces the description, removes a file, and sends it as PUT', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([result(1, { document: pdf, video: mp4 })]),
    });
    const uploads = mockUploads(() => ({ status: 200, body: result(1) }));
    renderAt('/student/results');
    fireEvent.click(await screen.findByLabelText('修改 數學 110學年度第1學期'));
    const modal = await dialog('修改學習成果');
    expect(within(modal).getByText('目前：專題報告.pdf')).toBeTruthy();
    fill('內容簡述', '新的簡述');
    fireEvent.click(within(modal).getByLabelText('移除目前的文件檔'));
    fireEvent.click(button('儲存', modal));
    expect(await screen.findByText('學習成果已修改')).toBeTruthy();
    expect(uploads[0]!.method).toBe('PUT');
    expect(uploads[0]!.url).toBe('/api/v1/learning-results/1');
    expect(formFields(uploads[0]!.body)).toEqual({ description: '新的簡述', remove_document: 'true' });
  });

  it('submits and deletes after a confirmation', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([result(1)]),
      'POST /api/v1/learning-results/1/submit': result(1, { state: 'submitted' }),
      'DELETE /api/v1/learning-results/1': () => new Response(null, { status: 204 }),
    });
    renderAt('/student/results');
    fireEvent.click(await screen.findByLabelText('送出認證 數學 110學年度第1學期'));
    await confirm('送出認證？', '送出');
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/learning-results/1/submit')).toHaveLength(1));
    fireEvent.click(screen.getByLabelText('刪除 數學 110學年度第1學期'));
    await confirm('刪除「數學」的學習成果？', '刪除');
    await waitFor(() => expect(callsTo(fetchMock, 'DELETE /api/v1/learning-results/1')).toHaveLength(1));
  });

  it('on a phone (390 px) lists each result in one column: state and actions without sideways scrolling', async () => {
    const viewport = (window as unknown as { happyDOM: { setViewport(size: { width: number; height: number }): void } })
      .happyDOM;
    viewport.setViewport({ width: 390, height: 844 });
    try {
      signIn();
      const fetchMock = mockApi({
        'GET /api/v1/me': studentMe(),
        'GET /api/v1/me/courses': myCourses(),
        'GET /api/v1/learning-results': page([result(1), result(2, { state: 'rejected', reject_reason: '檔案無法開啟' })]),
        'POST /api/v1/learning-results/1/submit': result(1, { state: 'submitted' }),
      });
      renderAt('/student/results');
      const editing = (await screen.findByText('編輯中')).closest('tr')!;
      // One column: no 狀態 / 操作 columns off to the right, no sideways scrolling table.
      const table = editing.closest('table')!;
      expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['學習成果']);
      expect(editing.closest('.ant-table-content')?.getAttribute('style') ?? '').not.toContain('overflow');
      // State, details and actions in the same row, with the same names as on a wide screen.
      expect(within(editing).getByText('數學')).toBeTruthy();
      expect(within(editing).getByText('110學年度第1學期・' + result(1).course_code)).toBeTruthy();
      expect(within(editing).getByLabelText('詳細 數學 110學年度第1學期')).toBeTruthy();
      expect(within(editing).getByLabelText('修改 數學 110學年度第1學期')).toBeTruthy();
      expect(within(editing).getByLabelText('刪除 數學 110學年度第1學期')).toBeTruthy();
      const rejected = screen.getByText('認證失敗').closest('tr')!;
      expect(within(rejected).getByText('原因：檔案無法開啟')).toBeTruthy();

      fireEvent.click(within(editing).getByLabelText('送出認證 數學 110學年度第1學期'));
      await confirm('送出認證？', '送出');
      await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/learning-results/1/submit')).toHaveLength(1));
    } finally {
      viewport.setViewport({ width: 1024, height: 768 });
    }
  });

  it('shows the details: history in ROC dates (Taipei, 24 h) and the file fetched with the token', async () => {
    signIn();
    const scan = { ...pdf, kind: 'png', name: '學習單.png' };
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:preview-1');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/courses': myCourses(),
      'GET /api/v1/learning-results': page([result(2, { state: 'rejected', reject_reason: '內容與課程無關', document: scan })]),
      'GET /api/v1/learning-results/2': {
        result: result(2, { state: 'rejected', reject_reason: '內容與課程無關', document: scan }),
        history: [
          { action: 'created', state: 'editing', at: '2021-10-01T02:00:00Z', actor_name: '林小華（臨時帳號）', actor_account: '074313_tmp0a1b2c', on_behalf_of: '074313_s001' },
          { action: 'submitted', state: 'submitted', at: '2021-10-03T13:30:00Z', actor_name: '林小華', actor_account: '074313_s001' },
          { action: 'rejected', state: 'rejected', at: '2021-10-05T09:00:00Z', actor_name: '陳老師', actor_account: '074313_t001', reason: '內容與課程無關' },
        ],
        // Meeting 003 #25: the delegate certifier the school named is shown to the student.
        delegates: [{ name: '王老師', for_teacher: null, since: '2021-10-04T01:00:00Z' }],
      },
      'GET /api/v1/learning-results/2/files/document': () =>
        new Response(new Blob(['\x89PNG']), { headers: { 'Content-Type': 'image/png' } }),
    });
    renderAt('/student/results');
    fireEvent.click(await screen.findByLabelText('詳細 數學 110學年度第1學期'));
    expect(await screen.findByText('110/10/03 21:30')).toBeTruthy();
    expect(screen.getByText('110/10/05 17:00')).toBeTruthy();
    const drawer = screen.getByText('110/10/05 17:00').closest<HTMLElement>('.ant-drawer')!;
    expect(within(drawer).getByText('送出認證')).toBeTruthy();
    expect(within(drawer).getByText('原因：內容與課程無關')).toBeTruthy();
    expect(within(drawer).getByText('王老師（代理本課程認證）')).toBeTruthy();
    expect(within(drawer).getByText('陳老師（074313_t001）', { exact: false })).toBeTruthy();
    // A temporary account acts on the student's behalf (manual 3.7), and the history says so.
    expect(within(drawer).getByText('林小華（臨時帳號）（074313_tmp0a1b2c），代 074313_s001 操作', { exact: false })).toBeTruthy();

    fireEvent.click(screen.getByLabelText('預覽文件檔'));
    expect((await screen.findByAltText('學習單.png')).getAttribute('src')).toBe('blob:preview-1');
    const [download] = callsTo(fetchMock, 'GET /api/v1/learning-results/2/files/document');
    expect(download!.headers.get('Authorization')).toMatch(/^Bearer /);
    expect(screen.getByText('下載').closest('a')!.getAttribute('download')).toBe('學習單.png');
    expect(createObjectURL).toHaveBeenCalledWith(expect.objectContaining({ type: 'image/png' }));
  });
});

describe('多元表現 (student)', () => {
  const routes = (
    list: Performance[] = [performance(1), performance(2, { selected: true }), performance(3, { academic_year: 109 })],
    yearLimits = limits(),
  ) => ({
    'GET /api/v1/me': studentMe(),
    'GET /api/v1/performance-categories': categories,
    'GET /api/v1/me/performance-limits': yearLimits,
    'GET /api/v1/performances': page(list),
    'GET /api/v1/me/cadre-records': [
      { id: 1, academic_year: 110, semester: 1, unit: '二年一班', position: '班長', level: '班級', start_date: '2021-08-30', end_date: '2022-01-20' },
    ],
  });

  it('shows the limits, the list with its details, and the school cadre records read-only', async () => {
    signIn();
    mockApi(routes());
    renderAt('/student/performances');
    expect(await screen.findByText('2 / 10 件')).toBeTruthy();
    expect(screen.getByText('109/07/01 ~ 111/07/31')).toBeTruthy();
    expect((await screen.findAllByText('競賽等級：全國、獎項：佳作、參與類型：團體')).length).toBe(3);
    expect(screen.getAllByText('111/03/05')).toHaveLength(3);
    // Only this year's unselected one can be changed.
    const editButtons = screen.getAllByLabelText('修改 全國科展') as HTMLButtonElement[];
    expect(editButtons.map((b) => b.disabled)).toEqual([false, true, true]);
    expect(screen.getByText('以下資料來自學校校務系統，僅供查看')).toBeTruthy();
    expect(screen.getByText('班長').closest('tr')!.textContent).toContain('110/08/30 ~ 111/01/20');
  });

  it("builds the form from the category's fields, allows a link only with a video, and sends only those fields", async () => {
    signIn();
    // Bounds around today, where the calendar opens.
    mockApi(routes([], limits({ earliest: '2000-07-01', latest: '2099-07-31', latest_end: '2099-08-29' })));
    const uploads = mockUploads(() => ({ status: 201, body: performance(9) }));
    renderAt('/student/performances');
    const create = await screen.findByText('新增多元表現', { selector: 'button *' });
    await waitFor(() => expect(create.closest('button')!.disabled).toBe(false));
    fireEvent.click(create);
    const modal = await dialog('新增多元表現');

    await pickOption('類別', '競賽參與紀錄');
    expect(await within(modal).findByText('競賽名稱')).toBeTruthy();
    expect(within(modal).getByText('日期')).toBeTruthy();
    expect(within(modal).queryByText('結束日期')).toBeNull();

    await pickOption('類別', '服務學習紀錄');
    expect(await within(modal).findByText('服務時數')).toBeTruthy();
    expect(within(modal).queryByText('競賽名稱')).toBeNull();
    expect(within(modal).getByText('開始日期')).toBeTruthy();
    expect(within(modal).getByText('結束日期')).toBeTruthy();
    fill('服務單位', '海巡署');
    fill('服務時數', '3');

    await pickOption('類別', '競賽參與紀錄');
    await within(modal).findByLabelText('競賽名稱');
    fill('競賽名稱', '全國科展');
    await pickOption('競賽等級', '全國');
    fill('獎項', '佳作');
    fill('內容簡述', '與同學合作研究水質。');
    const link = screen.getByLabelText('外部連結') as HTMLInputElement;
    expect(link.disabled).toBe(true);
    chooseFile(modal, 1, new File(['mp4'], '發表.mp4', { type: 'video/mp4' }));
    await waitFor(() => expect((screen.getByLabelText('外部連結') as HTMLInputElement).disabled).toBe(false));
    fill('外部連結', 'https://youtu.be/abc');
    // No date yet: refused before sending.
    fireEvent.click(button('新增', modal));
    expect(await within(modal).findByText('請選擇日期')).toBeTruthy();
    expect(uploads).toHaveLength(0);

    const today = dayjs().format('YYYY-MM-DD');
    await pickDate('日期', today);
    fireEvent.click(button('新增', modal));
    expect(await screen.findByText('多元表現已新增')).toBeTruthy();
    // The competition's fields only (not the service-learning hours typed before), one date, the link with the video.
    expect(uploads[0]!.url).toBe('/api/v1/performances');
    expect(formFields(uploads[0]!.body)).toEqual({
      category: 'competition',
      title: '全國科展',
      level: '全國',
      award: '佳作',
      start_date: today,
      description: '與同學合作研究水質。',
      external_link: 'https://youtu.be/abc',
      video: 'file:發表.mp4',
    });
  });

  it('deletes after a confirmation; a server refusal is toasted', async () => {
    signIn();
    const fetchMock = mockApi({
      ...routes([performance(1)]),
      'DELETE /api/v1/performances/1': () => problem(409, 'invalid_state', '此多元表現已勾選提交，請先取消勾選再修改或刪除。'),
    });
    renderAt('/student/performances');
    fireEvent.click(await screen.findByLabelText('刪除 全國科展'));
    await confirm('刪除「全國科展」？', '刪除');
    expect(await screen.findByText('此多元表現已勾選提交，請先取消勾選再修改或刪除。')).toBeTruthy();
    expect(callsTo(fetchMock, 'DELETE /api/v1/performances/1')).toHaveLength(1);
  });
});

describe('勾選提交 (student)', () => {
  it("switches this year's certified results and performances on and off, up to the limits", async () => {
    signIn();
    let current: MySelections = selections({
      results: { ...selections().results, selected: [1] },
    });
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/selections': () => json(current),
      'GET /api/v1/learning-results': page([
        result(1, { state: 'certified', subject_name: '國語文' }),
        result(2, { state: 'certified' }),
        result(3, { state: 'certified', academic_year: 109, term: '1092', subject_name: '英語文' }),
      ]),
      'GET /api/v1/performances': page([performance(5)]),
      'PUT /api/v1/me/selections/results/2': () => {
        current = { ...current, results: { ...current.results, selected: [1, 2] } };
        return json(current);
      },
      'PUT /api/v1/me/selections/performances/5': () => problem(403, 'period_closed', '目前不在學生勾選多元表現時間。'),
    });
    renderAt('/student/selections');

    expect(await screen.findByText('勾選提交（110 學年度）')).toBeTruthy();
    expect(await screen.findByText('已勾選 1 / 6')).toBeTruthy();
    expect(screen.getByText('已勾選 0 / 10')).toBeTruthy();
    expect(await screen.findByText('國語文')).toBeTruthy();
    // Last year's result is not offered.
    expect(screen.queryByText('英語文')).toBeNull();
    const [query] = callsTo(fetchMock, 'GET /api/v1/learning-results');
    expect(new URL(query!.url).searchParams.get('state')).toBe('certified');
    expect(new URL(callsTo(fetchMock, 'GET /api/v1/performances')[0]!.url).searchParams.get('academic_year')).toBe('110');

    fireEvent.click(screen.getByLabelText('勾選 數學'));
    expect(await screen.findByText('已勾選 2 / 6')).toBeTruthy();
    expect(callsTo(fetchMock, 'PUT /api/v1/me/selections/results/2')).toHaveLength(1);

    fireEvent.click(await screen.findByLabelText('勾選 全國科展'));
    expect(await screen.findByText('目前不在學生勾選多元表現時間。', { selector: '.ant-alert *' })).toBeTruthy();
  });

  // Issue #24: students could not tell what they had selected for submission.
  it('sums up what is selected against the limits, by name, says it is saved, and prints it', async () => {
    signIn();
    let current: MySelections = selections({ results: { ...selections().results, selected: [1] } });
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/selections': () => json(current),
      'GET /api/v1/learning-results': page([result(1, { state: 'certified', subject_name: '國語文' }), result(2, { state: 'certified', subject_name: '數學' })]),
      'GET /api/v1/performances': page([performance(5)]),
      'PUT /api/v1/me/selections/results/2': () => {
        current = { ...current, results: { ...current.results, selected: [1, 2] } };
        return json(current);
      },
    });
    const print = vi.fn();
    vi.stubGlobal('print', print);
    renderAt('/student/selections');
    // (The page's chunk loads first: slow on a busy machine.)
    const summary = await screen.findByTestId('selection-summary', {}, { timeout: 15_000 });
    expect(within(summary).getByText('勾選摘要（110 學年度）')).toBeTruthy();
    expect(await within(summary).findByText('已勾選 1 件，上限 6 件，尚可勾選 5 件')).toBeTruthy();
    expect(within(summary).getByText('已勾選 0 件，上限 10 件，尚可勾選 10 件')).toBeTruthy();
    expect(await within(summary).findByText(/^國語文（/)).toBeTruthy();
    expect(within(summary).queryByText(/^數學（/)).toBeNull();

    fireEvent.click(screen.getByLabelText('勾選 數學'));
    expect(await within(summary).findByText('已勾選 2 件，上限 6 件，尚可勾選 4 件')).toBeTruthy();
    expect(await within(summary).findByText(/^數學（/)).toBeTruthy();
    expect(await within(screen.getByTestId('selection-saved')).findByText(/^已儲存（\d+\/\d\d\/\d\d \d\d:\d\d）/)).toBeTruthy();

    fireEvent.click(within(summary).getByText('列印或另存勾選清單').closest('button')!);
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('disables the switches when the period is closed or the limit is reached', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/selections': selections({
        results: { limit: 1, imported: [], selected: [1], period: period({ open: true }) },
        performances: { limit: 10, imported: [], selected: [], period: null },
      }),
      'GET /api/v1/learning-results': page([result(1, { state: 'certified', subject_name: '國語文' }), result(2, { state: 'certified' })]),
      'GET /api/v1/performances': page([performance(5)]),
    });
    renderAt('/student/selections');
    expect(await screen.findByText('已勾選 1 / 1')).toBeTruthy();
    const switchOf = async (label: string) => (await screen.findByLabelText(label)) as HTMLButtonElement;
    expect((await switchOf('勾選 國語文')).disabled).toBe(false);
    expect((await switchOf('勾選 數學')).disabled).toBe(true);
    expect((await switchOf('勾選 全國科展')).disabled).toBe(true);
    expect(screen.getByText('學校尚未設定勾選時間')).toBeTruthy();
  });

  it('offers the previous academic year while its selection period is open (meeting 003 #3)', async () => {
    // Meeting 003 #3: schools finish the old year's selections after the school has moved on.
    signIn();
    const closed = { limit: 6, imported: [], selected: [], period: period({ open: false }) };
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/me/selections': (request: Request) =>
        new URL(request.url).searchParams.get('academic_year') === '110'
          ? json(selections({ academic_year: 110, results: { limit: 6, imported: [], selected: [1], period: period({ open: true }) } }))
          : json(selections({ academic_year: 111, results: closed, performances: { ...closed, limit: 10 } })),
      'GET /api/v1/learning-results': page([
        result(1, { state: 'certified', subject_name: '國語文', academic_year: 110 }),
        result(2, { state: 'certified', subject_name: '數學', academic_year: 111 }),
      ]),
      'GET /api/v1/performances': page([]),
    });
    renderAt('/student/selections');
    expect(await screen.findByText('勾選提交（111 學年度）')).toBeTruthy();
    expect(await screen.findByText('數學')).toBeTruthy();
    fireEvent.click(await screen.findByText('110 學年度（勾選期間開放中）'));
    expect(await screen.findByText('勾選提交（110 學年度）')).toBeTruthy();
    expect(await screen.findByText('國語文')).toBeTruthy();
    expect(screen.getByText('已勾選 1 / 6')).toBeTruthy();
    expect(screen.queryByText('數學')).toBeNull();
    expect(callsTo(fetchMock, 'GET /api/v1/performances').some((r) => new URL(r.url).searchParams.get('academic_year') === '110')).toBe(true);
  });
});

describe('課程學習成果: the term before (meeting 003 #3)', () => {
  it("switches to the term before, lists its courses and period, and uploads a new result for one of its courses", async () => {
    // Meeting 003 #3: 「學校必須規劃原學年度多元表現成果上傳、課程學習成果…之時程」 after the school
    // moved on (FAQ 000 二 Q2: 已切換成新學期(如 1091) … 修改上一學期(1082)資料).
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': studentMe(),
      'GET /api/v1/terms/current': { term: { academic_year: 110, semester: 2, code: '1102', is_current: true }, on_hold: false, latest: null, previous: null },
      'GET /api/v1/me/courses': (request: Request) =>
        new URL(request.url).searchParams.get('term') === '1101'
          ? json(myCourses({ used: 0, courses: [course(1, '國語文', 0)] }))
          : json(myCourses({ term: { academic_year: 110, semester: 2 }, used: 0, upload_period: period({ semester: 2, open: false }), courses: [course(5, '物理', 0)] })),
      'GET /api/v1/learning-results': page([]),
    });
    const uploads = mockUploads(() => ({ status: 201, body: result(9, { course_id: 1, subject_name: '國語文' }) }));
    renderAt('/student/results');
    expect(await screen.findByText('本學期修課（110學年度第2學期）')).toBeTruthy();
    // This term's period is closed: no upload.
    const create = (await screen.findByText('上傳學習成果', { selector: 'button *' })).closest('button')!;
    await waitFor(() => expect(create.disabled).toBe(true));
    fireEvent.click(await screen.findByText('110學年度第1學期', { selector: '.ant-segmented-item-label' }));
    expect(await screen.findByText('修課（110學年度第1學期）')).toBeTruthy();
    expect(callsTo(fetchMock, 'GET /api/v1/me/courses').some((r) => new URL(r.url).searchParams.get('term') === '1101')).toBe(true);
    await openUploadDialog();
    const modal = await dialog('上傳學習成果');
    await pickOption('課程', '國語文（110-1-001）');
    chooseFile(modal, 0, new File(['%PDF'], '補交.pdf', { type: 'application/pdf' }));
    fireEvent.click(button('上傳', modal));
    expect(await screen.findByText('學習成果已上傳（編輯中），確認無誤後請送出認證')).toBeTruthy();
    expect(formFields(uploads[0]!.body)).toEqual({ course_id: '1', description: '', document: 'file:補交.pdf' });
  });
});
