/**
 * Multipart uploads with a progress bar. `fetch` cannot report how much of a request body has
 * been sent, so the upload endpoints (learning results, performances) are called through
 * `XMLHttpRequest` and its `upload.onprogress`. Everything else about the request is as the API
 * client does it (`src/api/client.ts` and `src/auth/sessionFetch.ts`): `Accept-Language` (the UI language),
 * the session's bearer token, renewed first when it is about to expire and once more when the
 * server answers `401 token_expired` / `invalid_token`; a refusal becomes an `ApiError` read from
 * the `application/problem+json` body, so `ProblemAlert` and `applyFieldErrors` show it as any other.
 */
import { apiLanguage } from '../api/core';
import { ApiError, type ApiErrorCode } from '../api/error';
import { getAccessToken } from '../api/token';
import { session, type Session } from '../auth/session';
import { tr } from '../i18n/lang';

export type UploadMethod = 'POST' | 'PUT';

/** How far the request body is: bytes sent, bytes in all (0 when unknown), whole percent. */
export interface UploadProgress {
  loaded: number;
  total: number;
  percent: number;
}

export interface UploadOptions {
  /** Aborting rejects with a `DOMException` named `AbortError` (as `fetch` does). */
  signal?: AbortSignal;
  /** The session to take the token from and renew (tests). */
  session?: Session;
}

/** Whole percent of `loaded` out of `total`, 0–100 (0 while the total is unknown). */
export function progressPercent(loaded: number, total: number): number {
  if (!(total > 0) || !(loaded > 0)) return 0;
  return Math.min(100, Math.floor((loaded / total) * 100));
}

/** The response of one XHR round, as read off the request. */
export interface UploadAnswer {
  status: number;
  statusText: string;
  text: string;
}

function readJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The problem `code` of an answer (to decide on a token renewal), if it has one. */
export function answerCode(answer: UploadAnswer): string | undefined {
  const body = readJson(answer.text);
  if (typeof body === 'object' && body !== null && 'code' in body) {
    const code = (body as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A refused upload as an `ApiError`: the problem document when there is one (code, detail,
 * per-field `errors`); otherwise the HTTP status, with a clear word for a 413 that a proxy in
 * front of the server answered (no problem body).
 */
export function uploadError(answer: UploadAnswer): ApiError {
  const body = readJson(answer.text);
  const error = ApiError.fromResponse({ status: answer.status, statusText: answer.statusText }, body);
  if (error.problem === undefined && answer.status === 413) {
    return new ApiError({
      status: 413,
      code: 'payload_too_large' satisfies ApiErrorCode,
      title: answer.statusText,
      detail: tr('檔案過大，伺服器拒絕接收。', 'The file is too large; the server refused it.'),
    });
  }
  return error;
}

/** The data of a successful answer (parsed JSON; `undefined` for an empty body, e.g. 204). */
export function uploadData<Data>(answer: UploadAnswer): Data {
  return readJson(answer.text) as Data;
}

const abortError = () => new DOMException('The upload was aborted.', 'AbortError');

function sendOnce(
  method: UploadMethod,
  url: string,
  body: FormData,
  token: string | null,
  onProgress: ((progress: UploadProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open(method, url);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Accept-Language', apiLanguage());
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    // No Content-Type: the browser writes multipart/form-data with its boundary.
    if (onProgress) {
      xhr.upload.onprogress = (event) => {
        const total = event.lengthComputable ? event.total : 0;
        onProgress({ loaded: event.loaded, total, percent: progressPercent(event.loaded, total) });
      };
      xhr.upload.onload = () => {
        // All sent: the server is now storing the files (shown as 100 %).
        onProgress({ loaded: 1, total: 1, percent: 100 });
      };
    }
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, statusText: xhr.statusText, text: xhr.responseText ?? '' });
    };
    xhr.onerror = () => {
      done();
      reject(ApiError.network(new TypeError('The upload could not reach the server.')));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort);
    xhr.send(body);
  });
}

const RETRY_CODES = new Set(['token_expired', 'invalid_token']);

/**
 * Send `formData` to `url` (same origin, e.g. `/api/v1/learning-results`) as multipart/form-data
 * and resolve with the answer's JSON, reporting the body's progress on the way. Rejects with an
 * `ApiError` (refused, or the server not reached) or an `AbortError`.
 */
export async function uploadForm<Data>(
  method: UploadMethod,
  url: string,
  formData: FormData,
  onProgress?: (progress: UploadProgress) => void,
  { signal, session: target = session }: UploadOptions = {},
): Promise<Data> {
  let token = getAccessToken();
  if (token !== null && target.accessTokenStale()) {
    await target.refresh();
    token = getAccessToken();
  }
  let answer = await sendOnce(method, url, formData, token, onProgress, signal);
  let code = answer.status === 401 || answer.status === 403 ? answerCode(answer) : undefined;

  if (answer.status === 401 && token !== null && RETRY_CODES.has(code ?? '')) {
    const current = getAccessToken();
    // Another request may have renewed the token while this one was on the wire.
    const fresh = current !== null && current !== token ? true : await target.refresh();
    const next = getAccessToken();
    if (fresh && next) {
      onProgress?.({ loaded: 0, total: 0, percent: 0 });
      answer = await sendOnce(method, url, formData, next, onProgress, signal);
      code = answer.status === 403 ? answerCode(answer) : undefined;
    }
  }
  if (answer.status === 403 && code === 'password_change_required') target.markPasswordChangeRequired();

  if (answer.status < 200 || answer.status >= 300) throw uploadError(answer);
  return uploadData<Data>(answer);
}

/** Whether an error is an aborted request (the user closed the dialog mid-upload). */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** What a multipart field may carry: text (numbers and flags written out) or a file. */
export type MultipartValue = string | number | boolean | Blob | null | undefined;

/**
 * A `FormData` of the fields of an upload form (names checked against the spec's form type):
 * `null` and `undefined` are left out (the server reads an absent field as "not given"), numbers
 * and flags are written as text, files keep their names.
 */
export function multipartBody<Form extends object>(fields: { [K in keyof Form]?: MultipartValue }): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields) as [string, MultipartValue][]) {
    if (value === null || value === undefined) continue;
    if (value instanceof Blob) {
      if (value instanceof File) body.append(name, value, value.name);
      else body.append(name, value);
    } else {
      body.append(name, String(value));
    }
  }
  return body;
}
