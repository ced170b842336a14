import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, unwrap } from '../api/client';
import { ApiError } from '../api/error';
import { getAccessToken } from '../api/token';
import { callsTo, json, meFixture, mockApi, problem, signIn, tokenPair } from '../test/api';
import { REFRESH_TOKEN_KEY, session } from './session';

const bearerOf = (request: Request) => request.headers.get('Authorization');

afterEach(() => {
  vi.useRealTimers();
});

describe('session refresh and retry', () => {
  it('refreshes once on token_expired and retries the request with the new token', async () => {
    signIn({ access_token: 'old', refresh_token: 'r1' });
    const fetchMock = mockApi({
      'GET /api/v1/me': (request) =>
        bearerOf(request) === 'Bearer new' ? json(meFixture()) : problem(401, 'token_expired'),
      'POST /api/v1/auth/refresh': async (request) => {
        expect(await request.json()).toEqual({ refresh_token: 'r1' });
        return json(tokenPair({ access_token: 'new', refresh_token: 'r2' }));
      },
    });

    const me = await unwrap(api.GET('/api/v1/me'));

    expect(me.user.display_name).toBe('王小明');
    const meCalls = callsTo(fetchMock, 'GET /api/v1/me');
    expect(meCalls.map(bearerOf)).toEqual(['Bearer old', 'Bearer new']);
    const refreshCalls = callsTo(fetchMock, 'POST /api/v1/auth/refresh');
    expect(refreshCalls).toHaveLength(1);
    // The refresh itself never carries the (expired) access token.
    expect(bearerOf(refreshCalls[0]!)).toBeNull();
    // Refresh tokens rotate: the new one is kept.
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('r2');
    expect(getAccessToken()).toBe('new');
  });

  it('retries a request with a body (the body is sent again)', async () => {
    signIn({ access_token: 'old' });
    const fetchMock = mockApi({
      'PUT /api/v1/me/email': async (request) => {
        if (bearerOf(request) !== 'Bearer new') return problem(401, 'invalid_token');
        const body = (await request.json()) as { email: string | null };
        return json(meFixture({}, { email: body.email }));
      },
      'POST /api/v1/auth/refresh': () => json(tokenPair({ access_token: 'new' })),
    });

    const me = await unwrap(
      api.PUT('/api/v1/me/email', {
        body: { email: 'a@example.com', backup_email: null, current_password: 'pass-1234' },
      }),
    );

    expect(me.user.email).toBe('a@example.com');
    expect(callsTo(fetchMock, 'PUT /api/v1/me/email')).toHaveLength(2);
  });

  it('shares one refresh among concurrent requests', async () => {
    signIn({ access_token: 'old' });
    let releaseRefresh: () => void = () => {};
    const refreshGate = new Promise<void>((resolve) => {
      releaseRefresh = resolve;
    });
    const fetchMock = mockApi({
      'GET /api/v1/me': (request) =>
        bearerOf(request) === 'Bearer new' ? json(meFixture()) : problem(401, 'token_expired'),
      'POST /api/v1/auth/refresh': async () => {
        await refreshGate;
        return json(tokenPair({ access_token: 'new' }));
      },
    });

    const pending = Promise.all([1, 2, 3].map(() => unwrap(api.GET('/api/v1/me'))));
    await vi.waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/auth/refresh')).toHaveLength(1));
    releaseRefresh();
    const results = await pending;

    expect(results).toHaveLength(3);
    expect(callsTo(fetchMock, 'POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(callsTo(fetchMock, 'GET /api/v1/me')).toHaveLength(6);
  });

  it('ends the session when the refresh is refused, and returns the original 401', async () => {
    signIn({ access_token: 'old', refresh_token: 'r1' });
    const fetchMock = mockApi({
      'GET /api/v1/me': () => problem(401, 'token_expired', '登入已逾時'),
      'POST /api/v1/auth/refresh': () => problem(401, 'refresh_token_reused'),
    });

    const error = await unwrap(api.GET('/api/v1/me')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('token_expired');
    expect(session.getState()).toMatchObject({ status: 'signed_out', reason: 'expired' });
    expect(getAccessToken()).toBeNull();
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    // Not retried after the failed refresh.
    expect(callsTo(fetchMock, 'GET /api/v1/me')).toHaveLength(1);
  });

  it('does not refresh for other 401s or for requests without the session token', async () => {
    signIn({ access_token: 'old' });
    const fetchMock = mockApi({
      'GET /api/v1/me': () => problem(401, 'unauthenticated'),
      'GET /api/v1/auth/options': () => problem(401, 'token_expired'),
    });

    await expect(unwrap(api.GET('/api/v1/me'))).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(
      unwrap(api.GET('/api/v1/auth/options', { headers: { Authorization: 'Bearer lc_key' } })),
    ).rejects.toMatchObject({ code: 'token_expired' });
    expect(callsTo(fetchMock, 'POST /api/v1/auth/refresh')).toHaveLength(0);
    expect(session.getState().status).toBe('signed_in');
  });

  it('renews an access token about to expire before sending the request', async () => {
    signIn({ access_token: 'old', expires_in: 5 });
    const fetchMock = mockApi({
      'GET /api/v1/me': (request) =>
        bearerOf(request) === 'Bearer new' ? json(meFixture()) : problem(401, 'token_expired'),
      'POST /api/v1/auth/refresh': () => json(tokenPair({ access_token: 'new' })),
    });

    await unwrap(api.GET('/api/v1/me'));

    expect(callsTo(fetchMock, 'GET /api/v1/me').map(bearerOf)).toEqual(['Bearer new']);
  });

  it('renews in the background a minute before the access token expires', async () => {
    vi.useFakeTimers();
    signIn({ access_token: 'old', expires_in: 900 });
    const fetchMock = mockApi({
      'POST /api/v1/auth/refresh': () => json(tokenPair({ access_token: 'new' })),
    });

    await vi.advanceTimersByTimeAsync(839_000);
    expect(callsTo(fetchMock, 'POST /api/v1/auth/refresh')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(callsTo(fetchMock, 'POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(getAccessToken()).toBe('new');
  });

  it('flags the session when the server requires a password change', async () => {
    signIn();
    mockApi({ 'GET /api/v1/me': () => problem(403, 'password_change_required') });

    await expect(unwrap(api.GET('/api/v1/me'))).rejects.toMatchObject({
      status: 403,
      code: 'password_change_required',
    });
    expect(session.getState().mustChangePassword).toBe(true);
  });
});

describe('session lifecycle', () => {
  it('restores a session after a reload from the refresh token in sessionStorage', async () => {
    sessionStorage.setItem(REFRESH_TOKEN_KEY, 'stored');
    session.resetForTests(); // as after a reload
    expect(session.getState().status).toBe('restoring');
    const fetchMock = mockApi({
      'POST /api/v1/auth/refresh': () =>
        json(tokenPair({ access_token: 'restored', refresh_token: 'next', must_change_password: true })),
    });

    await expect(session.restore()).resolves.toBe(true);

    expect(callsTo(fetchMock, 'POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(session.getState()).toMatchObject({ status: 'signed_in', mustChangePassword: true });
    expect(getAccessToken()).toBe('restored');
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('next');
  });

  it('keeps the stored token when the server cannot be reached while restoring', async () => {
    sessionStorage.setItem(REFRESH_TOKEN_KEY, 'stored');
    session.resetForTests();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );

    await expect(session.restore()).resolves.toBe(false);

    expect(session.getState()).toMatchObject({ status: 'signed_out', reason: 'unreachable' });
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('stored');
  });

  it('signs in and keeps the tokens where they belong', async () => {
    mockApi({
      'POST /api/v1/auth/sign-in': () =>
        json(tokenPair({ access_token: 'a1', refresh_token: 'r1', needs_backup_email: true })),
    });

    const pair = await session.signIn({ school: '074313', account: 'x', password: 'y' });

    expect(pair.needs_backup_email).toBe(true);
    expect(getAccessToken()).toBe('a1');
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('r1');
    // The access token is never written to storage.
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('a1');
    expect(JSON.stringify({ ...localStorage })).not.toContain('a1');
  });

  it('signs out: revokes the refresh token on the server and forgets everything', async () => {
    signIn({ access_token: 'a1', refresh_token: 'r1' });
    const fetchMock = mockApi({ 'POST /api/v1/auth/sign-out': () => new Response(null, { status: 204 }) });

    await session.signOut();

    const [call] = callsTo(fetchMock, 'POST /api/v1/auth/sign-out');
    expect(call).toBeDefined();
    expect(bearerOf(call!)).toBeNull();
    expect(await call!.json()).toEqual({ refresh_token: 'r1' });
    expect(session.getState()).toMatchObject({ status: 'signed_out', reason: 'signed_out' });
    expect(getAccessToken()).toBeNull();
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});
