import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportedItem, TransferExport, TransferImport } from '../../api/types';
import { callsTo, json, meFixture, mockApi, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { dialog } from '../../test/ui';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

afterEach(() => {
  vi.restoreAllMocks();
});

const made: TransferExport = {
  id: 4,
  job_id: 9,
  created_at: '2022-02-25T03:38:07Z',
  students: [
    { id: 1, number: '71', name: '王○翔', national_id: 'F13XX51101' },
    { id: 2, number: '71', name: '曾○稷', national_id: 'J12XX07715' },
  ],
  state: 'succeeded',
  done: 3,
  total: 3,
  error: null,
  file_name: '666666_2022_02_25_11_38_07.zip',
  size: 2967,
  md5: '016fc8b51be7f5a674e69b8c862b627c',
  password: 'c9cc0e47-84bf-4291-ba3f-f30f8614eb04',
  download_url: '/api/v1/transfers/exports/4/download',
};

describe('匯出學生學習歷程資料 (manual 6.1)', () => {
  it('searches, builds the list and shows 檔案資訊 with the password and MD5', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ roles: ['school_admin'] }),
      'GET /api/v1/transfers/students': [{ id: 1, number: '71', name: '王○翔', birth_date: '2002-09-23', national_id: 'F13XX51101', grade: 2, class_code: '201', seat_no: 7 }],
      'GET /api/v1/transfers/exports': [made],
      'POST /api/v1/transfers/exports': () => json({ ...made, state: 'queued', md5: null, size: null, download_url: null }, 202),
    });
    renderAt('/admin/transfer-export');
    fireEvent.change(await screen.findByLabelText('選擇匯出學生'), { target: { value: '71' } });
    fireEvent.click(screen.getByRole('button', { name: /查詢/ }));
    // "學生學號 學生姓名 出生日期 身分證字號" with the ID masked.
    expect(await screen.findByText('F13XX51101')).toBeTruthy();
    expect(screen.getByText('91/09/23')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '加入清單' }));
    expect((screen.getByRole('button', { name: '加入清單' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '產生匯出檔案' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/transfers/exports')).toHaveLength(1));
    expect(await callsTo(fetchMock, 'POST /api/v1/transfers/exports')[0]!.json()).toEqual({ student_ids: [1] });
    // 資料產生紀錄 → 檔案資訊.
    fireEvent.click(await screen.findByRole('button', { name: /檔案資訊/ }));
    const info = await dialog('訊息');
    expect(within(info).getByText('666666_2022_02_25_11_38_07.zip')).toBeTruthy();
    expect(within(info).getByText('c9cc0e47-84bf-4291-ba3f-f30f8614eb04')).toBeTruthy();
    expect(within(info).getByText('016fc8b51be7f5a674e69b8c862b627c')).toBeTruthy();
  });
});

describe('匯入學生學習歷程資料 (manual 6.2)', () => {
  it('lists 匯入時間, 檔名, 匯入結果 and 明細', async () => {
    const record: TransferImport = {
      id: 1,
      created_at: '2022-01-27T07:19:45Z',
      file_name: '666666_2022_01_27_15_13_25.zip',
      md5: '016fc8b51be7f5a674e69b8c862b627c',
      source_school_code: '666666',
      source_school_name: '示範高中',
      students_total: 1,
      students_matched: 1,
      items_added: 3,
      result: '匯入1人，完成1人',
      message: '匯入完畢，更新1位學生',
      students: [{ national_id: 'N22XX33636', name: '劉○琪', matched: true, student_id: 5, added: 3, already: 0 }],
    };
    signIn();
    mockApi({ 'GET /api/v1/me': meFixture({ roles: ['school_admin'] }), 'GET /api/v1/transfers/imports': [record] });
    renderAt('/admin/transfer-import');
    expect(await screen.findByText('匯入1人，完成1人')).toBeTruthy();
    expect(screen.getByText('111/01/27 15:19:45')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /檢\s?視/ }));
    const detail = await dialog('明細');
    expect(within(detail).getByText('N22XX33636')).toBeTruthy();
    expect((screen.getByRole('button', { name: /^import 匯入$|^匯入$/ }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('轉入的學習歷程 (student)', () => {
  it('marks each item with its original school', async () => {
    const item: ImportedItem = {
      id: 8,
      student_id: 5,
      kind: 'result',
      origin_school_code: '666666',
      origin_school_name: '示範高中',
      academic_year: 110,
      semester: 1,
      course_code: '110666666H11101C1010001',
      title: '國語文',
      state: 'certified',
      record: {},
      document: null,
      video: null,
      read_only: true,
      imported_at: '2022-01-27T07:19:45Z',
    };
    signIn();
    mockApi({ 'GET /api/v1/me': meFixture({ roles: ['student'] }), 'GET /api/v1/transfers/items': [item] });
    renderAt('/student/transferred');
    expect(await screen.findByText('示範高中（666666）')).toBeTruthy();
    expect(screen.getByText('認證成功')).toBeTruthy();
  });
});
