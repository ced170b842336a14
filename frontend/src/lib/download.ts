/**
 * Files the API sends as attachments (the reports' Excel workbooks) fetched with the session's
 * token and saved by the browser: a plain link could not send the bearer token, so the file is
 * fetched as a Blob through the app's client (`parseAs: 'blob'`) and saved from an object URL
 * under the name the server gives in `Content-Disposition`.
 */
import { ApiError } from '../api/error';

/** What an openapi-fetch call resolves to (data or error, and the response). */
interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** A fetched file and the name to save it under. */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

/** RFC 8187 `UTF-8''%E6%9C%AA…` → the text, or null when malformed. */
function decodeExtValue(value: string): string | null {
  const match = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value.trim());
  if (!match) return null;
  const [, charset, encoded] = match;
  if (charset!.toLowerCase() !== 'utf-8') return null;
  try {
    return decodeURIComponent(encoded!);
  } catch {
    return null;
  }
}

/**
 * The file name of a `Content-Disposition` header: `filename*` (UTF-8, the Chinese name) when
 * present and readable, else `filename` (quoted or not), else null. Path parts are dropped.
 */
export function contentDispositionFilename(header: string | null | undefined): string | null {
  if (!header) return null;
  let plain: string | null = null;
  let extended: string | null = null;
  // Parameters are `;`-separated; a quoted value may itself hold `;`.
  const params = header.match(/[^;"]+(?:"(?:[^"\\]|\\.)*"[^;"]*)*/g) ?? [];
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    let value = param.slice(eq + 1).trim();
    if (name === 'filename*') {
      extended = decodeExtValue(value);
    } else if (name === 'filename') {
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
        value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      }
      plain = value;
    }
  }
  const chosen = extended ?? plain;
  if (!chosen) return null;
  const base = chosen.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' ? null : base;
}

/**
 * Await an openapi-fetch call made with `parseAs: 'blob'` and return the file with its name
 * (`fallbackName` when the server gave none), or throw an `ApiError` as `unwrap` does.
 */
export async function fetchFile(pending: Promise<FetchResult>, fallbackName: string): Promise<DownloadedFile> {
  let result: FetchResult;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw ApiError.network(cause);
  }
  const { response, data, error } = result;
  if (!response.ok || error !== undefined || !(data instanceof Blob)) {
    throw ApiError.fromResponse(response, error);
  }
  return { blob: data, filename: contentDispositionFilename(response.headers.get('Content-Disposition')) ?? fallbackName };
}

/** Have the browser save `blob` as `filename` (an object URL on a temporary link, released after). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Give the browser a moment to start the download before the URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
