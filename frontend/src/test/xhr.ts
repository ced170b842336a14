/**
 * A fake `XMLHttpRequest` for the multipart uploads (`src/lib/upload.ts`): records each request
 * (method, URL, headers, FormData), reports the body's progress in two steps, then answers with
 * what the handler returns. `mockApi` (fetch) does not see these requests.
 */
import { vi } from 'vitest';

export interface FakeUploadRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: FormData;
  /** Stopped by the page (`xhr.abort()`) before an answer. */
  aborted?: boolean;
}

export interface FakeUploadAnswer {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON (e.g. a proxy's HTML page). */
  text?: string;
  statusText?: string;
}

export type UploadHandler = (request: FakeUploadRequest) => FakeUploadAnswer | 'network-error' | 'hang';

type Listener = ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null;

/** Stub `XMLHttpRequest`; returns the requests as they arrive, and the progress reported. */
export function mockUploads(handler: UploadHandler) {
  const requests: FakeUploadRequest[] = [];

  class FakeXhr {
    upload: { onprogress: Listener; onload: (() => void) | null } = { onprogress: null, onload: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    statusText = '';
    responseText = '';
    private request: FakeUploadRequest = { method: '', url: '', headers: {}, body: new FormData() };
    private done = false;

    open(method: string, url: string) {
      this.request = { method, url, headers: {}, body: new FormData() };
    }

    setRequestHeader(name: string, value: string) {
      this.request.headers[name] = value;
    }

    send(body: FormData) {
      this.request.body = body;
      requests.push(this.request);
      setTimeout(() => {
        if (this.done) return;
        this.upload.onprogress?.({ loaded: 40, total: 100, lengthComputable: true });
        this.upload.onprogress?.({ loaded: 100, total: 100, lengthComputable: true });
        this.upload.onload?.();
        const answer = handler(this.request);
        if (answer === 'hang') return;
        this.done = true;
        if (answer === 'network-error') {
          this.onerror?.();
          return;
        }
        this.status = answer.status;
        this.statusText = answer.statusText ?? '';
        this.responseText = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
        this.onload?.();
      }, 0);
    }

    abort() {
      if (this.done) return;
      this.done = true;
      this.request.aborted = true;
      this.onabort?.();
    }
  }

  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return requests;
}

/** The text fields of a sent FormData (files as their names), for assertions. */
export function formFields(body: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  body.forEach((value, name) => {
    fields[name] = typeof value === 'string' ? value : `file:${value.name}`;
  });
  return fields;
}
