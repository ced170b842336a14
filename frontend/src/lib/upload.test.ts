import { afterEach, describe, expect, it, vi } from 'vitest';
import { isApiError } from '../api/error';
import { getAccessToken } from '../api/token';
import { session } from '../auth/session';
import { problem, signIn, tokenPair } from '../test/api';
import { formFields, mockUploads } from '../test/xhr';
import {
  answerCode,
  isAbortError,
  multipartBody,
  progressPercent,
  uploadData,
  uploadError,
  uploadForm,
  type UploadProgress,
} from './upload';

const validation = {
  type: 'urn:licheng:problem:validation_failed',
  title: '資料驗證失敗',
  status: 422,
  detail: '部分欄位內容不正確，請依欄位說明修正。',
  code: 'validation_failed',
  errors: { description: ['簡述最多 100 字（目前 120 字）'], document: ['請上傳文件檔或影音檔（至少一個）'] },
};

describe('progressPercent', () => {
  it('is a whole percent, 0 while the total is unknown, never over 100', () => {
    expect(progressPercent(0, 100)).toBe(0);
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(2_999_999, 3_000_000)).toBe(99);
    expect(progressPercent(100, 100)).toBe(100);
    expect(progressPercent(150, 100)).toBe(100);
    expect(progressPercent(50, 0)).toBe(0);
  });
});

describe('uploadError', () => {
  it('reads a problem document as the API client does: code, detail, per-field errors', () => {
    const error = uploadError({ status: 422, statusText: 'Unprocessable Entity', text: JSON.stringify(validation) });
    expect(isApiError(error)).toBe(true);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    expect(error.detail).toBe(validation.detail);
    expect(error.fieldErrors).toEqual(validation.errors);
  });

  it('keeps the refusals of uploads: limit reached, period closed, file too large', async () => {
    for (const [status, code, detail] of [
      [409, 'limit_reached', '本學期已上傳 10 件學習成果，已達學校設定的上限 10 件。'],
      [403, 'period_closed', '目前不在上傳期間。'],
      [413, 'file_too_large', '文件檔不可超過 4 MB。'],
    ] as const) {
      const text = await problem(status, code, detail).text();
      expect(uploadError({ status, statusText: '', text })).toMatchObject({ status, code, detail });
    }
  });

  it('says a file was too large when a proxy refused the body without a problem', () => {
    const error = uploadError({ status: 413, statusText: 'Request Entity Too Large', text: '<html>413</html>' });
    expect(error.code).toBe('payload_too_large');
    expect(error.detail).toBe('檔案過大，伺服器拒絕接收。');
  });

  it('falls back to the HTTP status for other bodies that are not problems', () => {
    const error = uploadError({ status: 502, statusText: 'Bad Gateway', text: 'bad gateway' });
    expect(error.code).toBe('http_error');
    expect(error.detail).toContain('HTTP 502');
    expect(error.fieldErrors).toEqual({});
  });

  it('answerCode reads the code only from JSON bodies', () => {
    expect(answerCode({ status: 401, statusText: '', text: '{"code":"token_expired"}' })).toBe('token_expired');
    expect(answerCode({ status: 401, statusText: '', text: 'nope' })).toBeUndefined();
    expect(uploadData({ status: 204, statusText: '', text: '' })).toBeUndefined();
    expect(uploadData({ status: 201, statusText: '', text: '{"id":3}' })).toEqual({ id: 3 });
  });
});

describe('multipartBody', () => {
  it('leaves out null and undefined, writes numbers and flags as text, keeps file names', () => {
    const file = new File(['%PDF-1.7'], '報告.pdf', { type: 'application/pdf' });
    const body = multipartBody<{ course_id: number; description: string; document?: string | null; remove_video?: boolean | null; video?: string | null }>({
      course_id: 12,
      description: '專題報告',
      document: file,
      remove_video: true,
      video: null,
    });
    expect(formFields(body)).toEqual({ course_id: '12', description: '專題報告', document: 'file:報告.pdf', remove_video: 'true' });
  });
});

describe('uploadForm', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sends the form with the language and the bearer token, reports progress, resolves the JSON', async () => {
    signIn({ access_token: 'token-1' });
    const requests = mockUploads(() => ({ status: 201, body: { id: 5, state: 'editing' } }));
    const progress: UploadProgress[] = [];
    const body = multipartBody({ description: '心得' });
    const data = await uploadForm<{ id: number }>('POST', '/api/v1/learning-results', body, (p) => progress.push(p));
    expect(data).toEqual({ id: 5, state: 'editing' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/v1/learning-results' });
    expect(requests[0]!.headers).toMatchObject({ Authorization: 'Bearer token-1', 'Accept-Language': 'zh-TW' });
    expect(requests[0]!.headers['Content-Type']).toBeUndefined();
    expect(progress.map((p) => p.percent)).toEqual([40, 100, 100]);
  });

  it('rejects with an ApiError carrying the field errors', async () => {
    signIn();
    mockUploads(() => ({ status: 422, body: validation }));
    const error = await uploadForm('PUT', '/api/v1/learning-results/5', new FormData()).catch((e: unknown) => e);
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(isApiError(error) && error.messagesFor('document')).toEqual(['請上傳文件檔或影音檔（至少一個）']);
  });

  it('renews an expired token once and sends the form again', async () => {
    signIn({ access_token: 'old' });
    const refresh = vi.spyOn(session, 'refresh').mockImplementation(async () => {
      session.apply(tokenPair({ access_token: 'new' }));
      return true;
    });
    const requests = mockUploads((request) =>
      request.headers.Authorization === 'Bearer old'
        ? { status: 401, body: { code: 'token_expired', title: 'expired', status: 401, detail: '', type: '' } }
        : { status: 200, body: { id: 1 } },
    );
    await expect(uploadForm('PUT', '/api/v1/performances/1', new FormData())).resolves.toEqual({ id: 1 });
    expect(refresh).toHaveBeenCalledOnce();
    expect(requests.map((r) => r.headers.Authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(getAccessToken()).toBe('new');
  });

  it('flags a required password change', async () => {
    signIn();
    mockUploads(() => ({ status: 403, body: { code: 'password_change_required', title: '', status: 403, detail: '請先變更密碼', type: '' } }));
    await expect(uploadForm('POST', '/api/v1/performances', new FormData())).rejects.toMatchObject({ code: 'password_change_required' });
    expect(session.getState().mustChangePassword).toBe(true);
  });

  it('is a network error when the server cannot be reached, an AbortError when aborted', async () => {
    signIn();
    mockUploads(() => 'network-error');
    await expect(uploadForm('POST', '/api/v1/performances', new FormData())).rejects.toMatchObject({ status: 0, code: 'network_error' });

    mockUploads(() => 'hang');
    const controller = new AbortController();
    const pending = uploadForm('POST', '/api/v1/performances', new FormData(), undefined, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(isApiError(error)).toBe(false);
  });
});
