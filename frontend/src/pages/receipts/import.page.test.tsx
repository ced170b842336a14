import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReceiptCategoryPlan, ReceiptImportResult } from '../../api/types';
import { mockApi, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { formFields, mockUploads } from '../../test/xhr';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

afterEach(() => {
  vi.restoreAllMocks();
});

const plan = (category: ReceiptCategoryPlan['category'], held: string | null): ReceiptCategoryPlan => ({
  category,
  outcome: 'new',
  rosters: [{ roster: '26', name: `074313_110_1_${category}`, file_name: `074313_110_1_${category}.zip`, version: 1, sha256: 'ab'.repeat(32) }],
  students: 3,
  unmatched: 0,
  reset: 0,
  window_start: '2021-03-26T03:00:00Z',
  window_end: '2021-03-29T03:00:00Z',
  message: '新增',
  held,
});

describe('上傳及設定學生回報時間 (8.1.1)', () => {
  it('offers course records and cadre this semester and holds back learning results with the reason', async () => {
    // Manual 8.1.1: 「修課紀錄、幹部經歷為每學期匯入」「學習成果、多元表現則為下學期才會進行匯入」.
    signIn();
    mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/terms': [],
      'GET /api/v1/receipts/imports': [],
    });
    const reason = '學習成果、多元表現則為下學期才會進行匯入：1101 學期收訖明細的課程學習成果須於下學期（1102）起匯入';
    const dry: ReceiptImportResult = {
      academic_year: 110,
      semester: 1,
      file_name: 'receipt.zip',
      dry_run: true,
      categories: [plan('course_records', null), plan('results', reason), plan('cadre', null)],
    };
    const requests = mockUploads((request) => (formFields(request.body).dry_run === 'true' ? { status: 200, body: dry } : { status: 202, body: { job_id: 4 } }));
    renderAt('/admin/receipts');

    const file = new File([new Uint8Array([80, 75, 3, 4])], 'receipt.zip', { type: 'application/zip' });
    fireEvent.change(await screen.findByLabelText('選擇收訖明細'), { target: { files: [file] } });
    fireEvent.change(screen.getByLabelText('請輸入解壓縮密碼'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('button', { name: /讀取收訖明細/ }));

    expect(await screen.findByText(reason)).toBeTruthy();
    const box = (cat: string) => screen.getByTestId(`plan-${cat}`).querySelector('input[type="checkbox"]') as HTMLInputElement;
    expect(box('results').disabled).toBe(true);
    expect(box('results').checked).toBe(false);
    expect(box('course_records').checked).toBe(true);
    expect(box('cadre').checked).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: /^匯\s*入$/ }));
    await waitFor(() => expect(requests.length).toBe(2));
    expect(formFields(requests[1]!.body).categories).toBe('course_records,cadre');
  });
});
