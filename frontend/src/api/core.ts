import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import { ApiError } from './error';
import type { paths } from './schema';
import { getLang } from '../i18n/lang';
import { getAccessToken } from './token';

export type ApiClient = Client<paths>;

/** The default language the backend writes `detail` and messages in. */
export const API_LANGUAGE = 'zh-TW';

/** The language to ask the backend for now: the UI's (`zh-TW` or `en`, `src/i18n/`). */
export function apiLanguage(): string {
  return getLang();
}

/** Adds `Accept-Language` (the UI language) unless the caller chose another language. */
export const languageMiddleware: Middleware = {
  onRequest({ request }) {
    if (!request.headers.has('Accept-Language')) {
      request.headers.set('Accept-Language', apiLanguage());
    }
    return request;
  },
};

/** Adds `Authorization: Bearer <access token>` when signed in (and the caller set none). */
export const bearerMiddleware: Middleware = {
  onRequest({ request }) {
    const token = getAccessToken();
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`);
    }
    return request;
  },
};

/** Both of the above: what every app request carries. */
export const requestHeadersMiddleware: Middleware = {
  async onRequest(options) {
    await languageMiddleware.onRequest?.(options);
    await bearerMiddleware.onRequest?.(options);
    return options.request;
  },
};

export interface ApiClientExtras {
  /** Send the access token (default). The session's own calls (sign-in, refresh) do not. */
  withToken?: boolean;
}

/** A typed client for the Licheng API. Same origin by default (`baseUrl: ''`). */
export function createApiClient(options: ClientOptions = {}, extras: ApiClientExtras = {}): ApiClient {
  const client = createClient<paths>({
    baseUrl: '',
    // Look `fetch` up at call time (not at creation) so tests and polyfills can replace it.
    fetch: (input: Request, init?: RequestInit) => globalThis.fetch(input, init),
    ...options,
  });
  client.use(extras.withToken === false ? languageMiddleware : requestHeadersMiddleware);
  return client;
}

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
