import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import { ApiError } from './error';
import type { paths } from './schema';
import { getAccessToken } from './token';

export type { paths } from './schema';
export { ApiError, isApiError, type FieldErrors, type Problem } from './error';

export type ApiClient = Client<paths>;

/** The language the backend writes `detail` and messages in. */
export const API_LANGUAGE = 'zh-TW';

/** Adds `Accept-Language` and, when signed in, `Authorization: Bearer <token>`. */
export const requestHeadersMiddleware: Middleware = {
  onRequest({ request }) {
    if (!request.headers.has('Accept-Language')) {
      request.headers.set('Accept-Language', API_LANGUAGE);
    }
    const token = getAccessToken();
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`);
    }
    return request;
  },
};

/** A typed client for the Licheng API. Same origin by default (`baseUrl: ''`). */
export function createApiClient(options: ClientOptions = {}): ApiClient {
  const client = createClient<paths>({
    baseUrl: '',
    // Look `fetch` up at call time (not at creation) so tests and polyfills can replace it.
    fetch: (input: Request, init?: RequestInit) => globalThis.fetch(input, init),
    ...options,
  });
  client.use(requestHeadersMiddleware);
  return client;
}

/** The app's shared client. */
export const api = createApiClient();

interface FetchResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * Await an openapi-fetch call and return its data, or throw an ApiError for a failed response
 * (problem+json or otherwise) or an unreachable server. Fits TanStack Query's `queryFn`:
 *
 *     useQuery({ queryKey: ['readyz'], queryFn: () => unwrap(api.GET('/readyz')) })
 */
export async function unwrap<D>(pending: Promise<FetchResult<D>>): Promise<D> {
  let result: FetchResult<D>;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    // An abort from TanStack Query's cancellation should stay an abort.
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw ApiError.network(cause);
  }
  if (!result.response.ok || result.error !== undefined) {
    throw ApiError.fromResponse(result.response, result.error);
  }
  return result.data as D;
}
