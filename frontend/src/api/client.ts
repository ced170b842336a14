import { sessionFetch } from '../auth/sessionFetch';
import { createApiClient } from './core';

export type { paths } from './schema';
export { ApiError, isApiError, type FieldErrors, type Problem } from './error';
export {
  API_LANGUAGE,
  apiLanguage,
  bearerMiddleware,
  createApiClient,
  languageMiddleware,
  requestHeadersMiddleware,
  unwrap,
  type ApiClient,
  type ApiClientExtras,
} from './core';

/**
 * The app's shared client. Its requests go through the session (`src/auth/sessionFetch.ts`):
 * an access token about to expire is renewed first, and a request refused with
 * `token_expired` / `invalid_token` is retried once after a refresh.
 */
export const api = createApiClient({ fetch: sessionFetch });
