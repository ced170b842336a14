import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/error';
import { contentDispositionFilename, fetchFile } from './download';

describe('contentDispositionFilename', () => {
  it('prefers the UTF-8 name, then the plain one', () => {
    expect(
      contentDispositionFilename(
        `attachment; filename="____________1101.xlsx"; filename*=UTF-8''${encodeURIComponent('未認證教師狀況表_1101.xlsx')}`,
      ),
    ).toBe('未認證教師狀況表_1101.xlsx');
    expect(contentDispositionFilename('attachment; filename="report.xlsx"')).toBe('report.xlsx');
    expect(contentDispositionFilename('attachment; filename=report.xlsx')).toBe('report.xlsx');
    expect(contentDispositionFilename('attachment; filename="a;b.xlsx"')).toBe('a;b.xlsx');
  });

  it('falls back to the plain name when the extended one is unreadable, and drops paths', () => {
    expect(contentDispositionFilename(`attachment; filename="ok.xlsx"; filename*=UTF-8''%E0%A4%A`)).toBe('ok.xlsx');
    expect(contentDispositionFilename('attachment; filename="../../etc/x.xlsx"')).toBe('x.xlsx');
  });

  it('has no name without the parameter', () => {
    expect(contentDispositionFilename(null)).toBeNull();
    expect(contentDispositionFilename('attachment')).toBeNull();
    expect(contentDispositionFilename('attachment; filename=""')).toBeNull();
  });
});

describe('fetchFile', () => {
  it('returns the blob with the server’s name, or the fallback', async () => {
    const blob = new Blob(['xlsx']);
    const named = await fetchFile(
      Promise.resolve({
        data: blob,
        response: new Response(null, { headers: { 'Content-Disposition': "attachment; filename*=UTF-8''%E7%B5%B1%E8%A8%88.xlsx" } }),
      }),
      'fallback.xlsx',
    );
    expect(named).toEqual({ blob, filename: '統計.xlsx' });
    const unnamed = await fetchFile(Promise.resolve({ data: blob, response: new Response(null) }), 'fallback.xlsx');
    expect(unnamed.filename).toBe('fallback.xlsx');
  });

  it('throws the problem of a refusal, and a network error when unreachable', async () => {
    const refused = fetchFile(
      Promise.resolve({
        error: { type: 'x', title: '權限不足', status: 403, code: 'module_required', detail: '需要模組 S0216S 的權限。' },
        response: new Response(null, { status: 403 }),
      }),
      'x.xlsx',
    );
    await expect(refused).rejects.toMatchObject({ code: 'module_required', detail: '需要模組 S0216S 的權限。' });
    const unreachable = fetchFile(Promise.reject(new TypeError('Failed to fetch')), 'x.xlsx');
    await expect(unreachable).rejects.toBeInstanceOf(ApiError);
    await expect(unreachable).rejects.toMatchObject({ status: 0 });
  });
});
