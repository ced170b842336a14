import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ApiError, createApiClient, isApiError, unwrap } from './client';
import { CLIENT_ERROR_CODES } from './error';
import { clearAccessToken, setAccessToken } from './token';

function problemResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

const validationProblem = {
  type: 'https://licheng.example/problems/validation',
  title: 'Validation failed',
  status: 422,
  detail: '資料格式有誤',
  code: 'validation_failed',
  errors: { description: ['說明最多 100 字'], file: ['檔案過大', '格式不支援'] },
};

describe('ApiError.fromResponse', () => {
  it('reads a problem document', () => {
    const error = ApiError.fromResponse({ status: 422, statusText: 'Unprocessable Entity' }, validationProblem);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_failed');
    expect(error.detail).toBe('資料格式有誤');
    expect(error.message).toBe('資料格式有誤');
    expect(error.title).toBe('Validation failed');
    expect(error.type).toBe('https://licheng.example/problems/validation');
    expect(error.fieldErrors).toEqual(validationProblem.errors);
    expect(error.messagesFor('file')).toEqual(['檔案過大', '格式不支援']);
    expect(error.messagesFor('other')).toEqual([]);
    expect(error.isClientError).toBe(true);
    expect(error.problem).toBe(validationProblem);
  });

  it('falls back to the title when there is no detail, and ignores malformed field errors', () => {
    const error = ApiError.fromResponse(
      { status: 409, statusText: 'Conflict' },
      { title: '衝突', status: 409, code: 'conflict', errors: { a: 'one', b: [1, 'two'], c: 3 } },
    );
    expect(error.detail).toBe('衝突');
    expect(error.fieldErrors).toEqual({ a: ['one'], b: ['two'] });
  });

  it('handles a body that is not a problem', () => {
    const error = ApiError.fromResponse({ status: 502, statusText: 'Bad Gateway' }, '<html>bad gateway</html>');
    expect(error.status).toBe(502);
    expect(error.code).toBe(CLIENT_ERROR_CODES.http);
    expect(error.detail).toContain('HTTP 502');
    expect(error.fieldErrors).toEqual({});
    expect(error.problem).toBeUndefined();
    expect(error.isClientError).toBe(false);
  });

  it('builds a network error', () => {
    const cause = new TypeError('Failed to fetch');
    const error = ApiError.network(cause);
    expect(error.status).toBe(0);
    expect(error.isNetworkError).toBe(true);
    expect(error.code).toBe('network_error');
    expect(error.cause).toBe(cause);
    expect(isApiError(error)).toBe(true);
    expect(isApiError(cause)).toBe(false);
  });
});

describe('api client', () => {
  afterEach(() => {
    clearAccessToken();
    vi.unstubAllGlobals();
  });

  it('returns typed data on success and sends Accept-Language', async () => {
    const fetchMock = vi.fn(async (_req: Request) =>
      Response.json({ status: 'ok', database: 'sqlite', migrations: 'applied' }),
    );
    const client = createApiClient({ baseUrl: 'http://licheng.test', fetch: fetchMock });
    const data = await unwrap(client.GET('/readyz'));
    expectTypeOf(data.database).toEqualTypeOf<'sqlite' | 'postgres'>();
    expect(data.database).toBe('sqlite');
    const request = fetchMock.mock.calls[0]![0];
    expect(request.url).toBe('http://licheng.test/readyz');
    expect(request.headers.get('Accept-Language')).toBe('zh-TW');
    expect(request.headers.get('Authorization')).toBeNull();
  });

  it('adds the bearer token when one is set', async () => {
    const fetchMock = vi.fn(async (_req: Request) => Response.json({ status: 'ok' }));
    const client = createApiClient({ baseUrl: 'http://licheng.test', fetch: fetchMock });
    setAccessToken('abc.def');
    await unwrap(client.GET('/healthz'));
    expect(fetchMock.mock.calls[0]![0].headers.get('Authorization')).toBe('Bearer abc.def');
    clearAccessToken();
    await unwrap(client.GET('/healthz'));
    expect(fetchMock.mock.calls[1]![0].headers.get('Authorization')).toBeNull();
  });

  it('throws an ApiError for a problem+json response', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: '資料庫尚未就緒',
      code: 'not_ready',
    };
    const client = createApiClient({
      baseUrl: 'http://licheng.test',
      fetch: async () => problemResponse(problem, 503),
    });
    const error = await unwrap(client.GET('/readyz')).catch((e: unknown) => e);
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, code: 'not_ready', detail: '資料庫尚未就緒' });
  });

  it('throws a network ApiError when fetch fails', async () => {
    const client = createApiClient({
      baseUrl: 'http://licheng.test',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(unwrap(client.GET('/healthz'))).rejects.toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });

  it('uses the global fetch at call time by default', async () => {
    const fetchMock = vi.fn(async (_req: Request) => Response.json({ status: 'ok' }));
    vi.stubGlobal('fetch', fetchMock);
    const client = createApiClient({ baseUrl: 'http://licheng.test' });
    await expect(unwrap(client.GET('/healthz'))).resolves.toEqual({ status: 'ok' });
    expect(fetchMock).toHaveBeenCalledOnce();
  });
});
