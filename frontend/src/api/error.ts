import { tr } from '../i18n/lang';
import type { components } from './schema';

/** RFC 9457 problem details as the backend sends them (generated from the OpenAPI spec). */
export type Problem = components['schemas']['Problem'];

/** Per-field validation messages: `{ field: [messages] }`. */
export type FieldErrors = Record<string, string[]>;

/** Codes the client itself produces when there is no problem body to read. */
export const CLIENT_ERROR_CODES = {
  network: 'network_error',
  http: 'http_error',
} as const;

/** Every code an ApiError can carry: the backend's known codes (from the spec; `Problem.code` is
 * open to codes a newer server adds, which keep their text) and the client's. */
export type ApiErrorCode =
  | components['schemas']['ErrorCode']
  | (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFieldErrors(value: unknown): FieldErrors {
  const result: FieldErrors = {};
  if (!isRecord(value)) return result;
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) {
      const texts = messages.filter((m): m is string => typeof m === 'string');
      if (texts.length > 0) result[field] = texts;
    } else if (typeof messages === 'string') {
      result[field] = [messages];
    }
  }
  return result;
}

/** Whether a parsed body looks like a problem document (has at least a string `code` or `title`). */
export function isProblem(body: unknown): body is Problem {
  return isRecord(body) && (typeof body.code === 'string' || typeof body.title === 'string');
}

function httpFallbackDetail(status: number): string {
  if (status >= 500) {
    return tr(
      `伺服器暫時無法處理要求（HTTP ${status}），請稍後再試。`,
      `The server cannot handle the request right now (HTTP ${status}). Please try again later.`,
    );
  }
  return tr(`要求未被接受（HTTP ${status}）。`, `The request was not accepted (HTTP ${status}).`);
}

/**
 * Every failed API call becomes an ApiError: `status` (0 when the server was not reached),
 * the stable machine `code`, the human `detail` (in the UI language) and per-field `fieldErrors`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly fieldErrors: FieldErrors;
  /** The problem document as received, when there was one. */
  readonly problem: Problem | undefined;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    title?: string;
    detail?: string;
    type?: string;
    fieldErrors?: FieldErrors;
    problem?: Problem;
    cause?: unknown;
  }) {
    const detail = init.detail ?? init.title ?? init.code;
    super(detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = detail;
    this.type = init.type ?? 'about:blank';
    this.fieldErrors = init.fieldErrors ?? {};
    this.problem = init.problem;
  }

  /**
   * Build from a failed response and its body (already parsed by openapi-fetch: the JSON value,
   * or the raw text when it was not JSON).
   */
  static fromResponse(response: Pick<Response, 'status' | 'statusText'>, body: unknown): ApiError {
    if (isProblem(body)) {
      // The body came off the wire: check every field rather than trust the generated type.
      const raw: Record<string, unknown> = body;
      const status = typeof raw.status === 'number' ? raw.status : response.status;
      const title = typeof raw.title === 'string' ? raw.title : response.statusText;
      const detail = typeof raw.detail === 'string' && raw.detail !== '' ? raw.detail : undefined;
      return new ApiError({
        status,
        code:
          typeof raw.code === 'string' && raw.code !== ''
            ? (raw.code as ApiErrorCode)
            : CLIENT_ERROR_CODES.http,
        title,
        detail: detail ?? (title || httpFallbackDetail(status)),
        type: typeof raw.type === 'string' ? raw.type : undefined,
        fieldErrors: readFieldErrors(raw.errors),
        problem: body,
      });
    }
    return new ApiError({
      status: response.status,
      code: CLIENT_ERROR_CODES.http,
      title: response.statusText,
      detail: httpFallbackDetail(response.status),
    });
  }

  /** The request never got an answer (offline, DNS, CORS, aborted…). */
  static network(cause: unknown): ApiError {
    return new ApiError({
      status: 0,
      code: CLIENT_ERROR_CODES.network,
      title: 'Network error',
      detail: tr(
        '無法連線到伺服器，請檢查網路連線後再試。',
        'Cannot reach the server. Please check your network connection and try again.',
      ),
      cause,
    });
  }

  /** Messages for one form field, for antd `Form.Item` `help`/`validateStatus`. */
  messagesFor(field: string): string[] {
    return this.fieldErrors[field] ?? [];
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }

  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
