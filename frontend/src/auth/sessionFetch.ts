/**
 * The `fetch` behind the app's API client. For a request that carries the session's access
 * token it:
 * - renews the token first when it is expired or about to expire (a laptop waking from sleep);
 * - on `401` with `token_expired` / `invalid_token`, refreshes once (shared with any other
 *   request doing the same) and retries the request with the new token; when the refresh is
 *   refused the session ends and the 401 is returned (the route guard then shows /login);
 * - on `403 password_change_required`, flags the session so the guard sends the user to
 *   /change-password.
 * Requests without the session's token (public endpoints, API keys) pass through untouched.
 */
import { getAccessToken } from '../api/token';
import { session, type Session } from './session';

const RETRY_CODES = new Set(['token_expired', 'invalid_token']);

/**
 * Read a refusal's problem `code`. The body is read once and the response rebuilt from it
 * (rather than `clone()`d, which some fetch implementations do not tee reliably).
 */
async function readRefusal(response: Response): Promise<{ code: string | undefined; response: Response }> {
  const text = await response.text();
  let code: string | undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'code' in body) {
      const value = (body as { code: unknown }).code;
      if (typeof value === 'string') code = value;
    }
  } catch {
    // Not JSON: no code.
  }
  const rebuilt = new Response(text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  return { code, response: rebuilt };
}

const bearer = (token: string) => `Bearer ${token}`;

export function createSessionFetch(target: Session = session) {
  return async function sessionFetch(request: Request, init?: RequestInit): Promise<Response> {
    const token = getAccessToken();
    if (token === null || request.headers.get('Authorization') !== bearer(token)) {
      return globalThis.fetch(request, init);
    }

    if (target.accessTokenStale()) {
      await target.refresh();
      const renewed = getAccessToken();
      // No token any more: the session ended; send as is and let the server answer 401.
      if (renewed) request.headers.set('Authorization', bearer(renewed));
    }

    const sentWith = request.headers.get('Authorization');
    // Keep an unsent copy (the body can only be read once) in case it has to be retried.
    const spare = request.clone();
    const response = await globalThis.fetch(request, init);
    if (response.status !== 401 && response.status !== 403) return response;
    const refusal = await readRefusal(response);

    if (response.status === 401 && RETRY_CODES.has(refusal.code ?? '')) {
      const current = getAccessToken();
      // Another request may have renewed the token while this one was on the wire.
      const fresh =
        current !== null && bearer(current) !== sentWith ? true : await target.refresh();
      const next = getAccessToken();
      if (fresh && next) {
        spare.headers.set('Authorization', bearer(next));
        return globalThis.fetch(spare, init);
      }
    }

    if (response.status === 403 && refusal.code === 'password_change_required') {
      target.markPasswordChangeRequired();
    }
    return refusal.response;
  };
}

export const sessionFetch = createSessionFetch();
