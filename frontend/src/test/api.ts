/** Test helpers: a fake backend at the `fetch` level, and fixtures typed by the generated spec. */
import { vi } from 'vitest';
import type { Me, TokenPair, WorkPeriod } from '../api/types';
import { session } from '../auth/session';

export type Handler = (request: Request) => Response | Promise<Response>;

/** A JSON response (`status` 200 unless given). */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/** An RFC 9457 problem response. */
export function problem(
  status: number,
  code: string,
  detail = code,
  extra: Record<string, unknown> = {},
): Response {
  return new Response(
    JSON.stringify({ type: `urn:licheng:problem:${code}`, title: code, status, detail, code, ...extra }),
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

/**
 * Stub `fetch` with handlers keyed `"METHOD /path"` (query string ignored). A handler that is
 * not a function is sent as JSON. Unknown routes answer 404 `route_not_found`.
 */
export function mockApi(routes: Record<string, Handler | Record<string, unknown> | unknown[]>) {
  const fetchMock = vi.fn(async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const { pathname } = new URL(request.url, 'http://localhost');
    const route = routes[`${request.method} ${pathname}`];
    if (route === undefined) return problem(404, 'route_not_found', `no mock for ${request.method} ${pathname}`);
    return typeof route === 'function' ? (route as Handler)(request) : json(route);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The requests a mock received for `"METHOD /path"`. */
export function callsTo(fetchMock: ReturnType<typeof mockApi>, key: string): Request[] {
  return fetchMock.mock.calls
    .map(([input]) => input as Request)
    .filter((request) => `${request.method} ${new URL(request.url, 'http://localhost').pathname}` === key);
}

let tokenSerial = 0;

export function tokenPair(overrides: Partial<TokenPair> = {}): TokenPair {
  tokenSerial += 1;
  return {
    access_token: `access-${tokenSerial}`,
    token_type: 'Bearer',
    expires_in: 900,
    refresh_token: `refresh-${tokenSerial}`,
    must_change_password: false,
    needs_backup_email: false,
    ...overrides,
  };
}

export function meFixture(overrides: Partial<Me> = {}, user: Partial<Me['user']> = {}): Me {
  return {
    user: {
      id: 7,
      account: '074313_t001',
      display_name: '王小明',
      kind: 'staff',
      email: 'wang@example.edu.tw',
      backup_email: 'wang@example.com',
      must_change_password: false,
      ...user,
    },
    school: { id: 1, code: '074313', name: '臺北市立示範高級中學' },
    roles: ['subject_teacher'],
    modules: [],
    current_term: { academic_year: 110, semester: 1, code: '1101' },
    needs_backup_email: false,
    ...overrides,
  };
}

/** `GET /api/v1/me` of the school admin (every module). */
export const schoolAdminMe = (overrides: Partial<Me> = {}): Me =>
  meFixture({ roles: ['school_admin'], ...overrides }, { account: '074313', display_name: '學校管理者' });

/** Start the test signed in (as after sign-in), without any request. */
export function signIn(overrides: Partial<TokenPair> = {}): TokenPair {
  const pair = tokenPair(overrides);
  session.apply(pair);
  return pair;
}

/** A work period (110 學年度第2學期, 1 年級 upload, 111/04/01 00:00 – 111/04/05 23:59 Taipei, over). */
export const periodFixture = (overrides: Partial<WorkPeriod> = {}): WorkPeriod => ({
  id: 1,
  academic_year: 110,
  semester: 2,
  grade: 1,
  item: 'upload_results',
  item_name: '學生上傳及送出學習成果認證時間',
  start_date: '2022-04-01',
  start_hour: 0,
  end_date: '2022-04-05',
  end_hour: 23,
  starts_at: '2022-03-31T16:00:00Z',
  ends_at: '2022-04-05T16:00:00Z',
  open: false,
  ...overrides,
});
