/**
 * The student's upload calls. Lists, details and selections go through the typed client; the
 * multipart creates and edits through `uploadForm` (XMLHttpRequest, for the progress bar), with
 * their fields typed by the spec's form schemas; files are fetched as Blobs with the token.
 */
import { api, unwrap } from '../../api/client';
import type {
  EditResultForm,
  LearningResult,
  NewResultForm,
  Performance,
  PerformanceForm,
  SelectionKind,
} from '../../api/types';
import { multipartBody, uploadForm, type MultipartValue } from '../../lib/upload';
import type { FileSlot } from '../../lib/uploadFiles';
import type { UploadCall } from '../../lib/useUpload';

type Fields<Form> = { [K in keyof Form]?: MultipartValue };

export function createResult(fields: Fields<NewResultForm>, { onProgress, signal }: UploadCall = {}) {
  return uploadForm<LearningResult>('POST', '/api/v1/learning-results', multipartBody(fields), onProgress, { signal });
}

export function updateResult(id: number, fields: Fields<EditResultForm>, { onProgress, signal }: UploadCall = {}) {
  return uploadForm<LearningResult>('PUT', `/api/v1/learning-results/${id}`, multipartBody(fields), onProgress, { signal });
}

export function createPerformance(fields: Fields<PerformanceForm>, { onProgress, signal }: UploadCall = {}) {
  return uploadForm<Performance>('POST', '/api/v1/performances', multipartBody(fields), onProgress, { signal });
}

export function updatePerformance(id: number, fields: Fields<PerformanceForm>, { onProgress, signal }: UploadCall = {}) {
  return uploadForm<Performance>('PUT', `/api/v1/performances/${id}`, multipartBody(fields), onProgress, { signal });
}

export function loadResultFile(id: number, slot: FileSlot, signal: AbortSignal): Promise<Blob> {
  return unwrap(
    api.GET('/api/v1/learning-results/{id}/files/{slot}', { params: { path: { id, slot } }, parseAs: 'blob', signal }),
  );
}

export function loadPerformanceFile(id: number, slot: FileSlot, signal: AbortSignal): Promise<Blob> {
  return unwrap(api.GET('/api/v1/performances/{id}/files/{slot}', { params: { path: { id, slot } }, parseAs: 'blob', signal }));
}

export function selectItem(kind: SelectionKind, itemId: number) {
  return unwrap(api.PUT('/api/v1/me/selections/{kind}/{item_id}', { params: { path: { kind, item_id: itemId } } }));
}

export function unselectItem(kind: SelectionKind, itemId: number) {
  return unwrap(api.DELETE('/api/v1/me/selections/{kind}/{item_id}', { params: { path: { kind, item_id: itemId } } }));
}
