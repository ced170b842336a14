/**
 * The files and descriptions of learning results and performances (FAQ 004): one document
 * (pdf, jpg, png, at most 4 MB) and/or one video (mp3, mp4, at most 10 MB) per item, a
 * description of at most 100 characters without links. The server checks all of it again (the
 * type by the file's content); these checks only spare a long upload bound to be refused.
 */
import type { FileInfo } from '../api/types';
import { tr } from '../i18n/lang';

/** The two file slots of an item, as the multipart fields and the download URLs name them. */
export type FileSlot = 'document' | 'video';

export const fileSlots: readonly FileSlot[] = ['document', 'video'];

const MB = 1024 * 1024;

export interface FileRule {
  /** 文件檔 / 影音檔. */
  label: string;
  extensions: readonly string[];
  /** The server's default limit (its `LICHENG_MAX_DOCUMENT_BYTES` / `…_VIDEO_BYTES`). */
  maxBytes: number;
  /** For the file input's `accept`. */
  accept: string;
  /** Under the picker: what may be chosen. */
  hint: string;
}

export const fileRules: Record<FileSlot, FileRule> = {
  document: {
    get label() {
      return tr('文件檔', 'Document');
    },
    extensions: ['pdf', 'jpg', 'jpeg', 'png'],
    maxBytes: 4 * MB,
    accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
    get hint() {
      return tr('限 PDF、JPG、PNG，4 MB 以內。', 'PDF, JPG or PNG, up to 4 MB.');
    },
  },
  video: {
    get label() {
      return tr('影音檔', 'Audio/video');
    },
    extensions: ['mp3', 'mp4'],
    maxBytes: 10 * MB,
    accept: '.mp3,.mp4,audio/mpeg,video/mp4',
    get hint() {
      return tr('限 MP3、MP4，10 MB 以內。', 'MP3 or MP4, up to 10 MB.');
    },
  },
};

/** `1.5 MB`, `320 KB`, `12 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Why `file` cannot go into `slot` (wrong type by its name, empty, too large), or null. */
export function fileProblem(slot: FileSlot, file: Pick<File, 'name' | 'size'>): string | null {
  const rule = fileRules[slot];
  if (!rule.extensions.includes(extensionOf(file.name))) {
    const types = rule.extensions.filter((ext) => ext !== 'jpeg').map((ext) => ext.toUpperCase());
    return tr(`${rule.label}限 ${types.join('、')} 格式`, `${rule.label}: only ${types.join(', ')}`);
  }
  if (file.size === 0) return tr(`${rule.label}沒有內容`, `${rule.label}: the file is empty`);
  if (file.size > rule.maxBytes) {
    return tr(
      `${rule.label}不可超過 ${formatBytes(rule.maxBytes)}（此檔 ${formatBytes(file.size)}）`,
      `${rule.label}: at most ${formatBytes(rule.maxBytes)} (this file: ${formatBytes(file.size)})`,
    );
  }
  return null;
}

/**
 * A slot's value in an upload form: a new `File` to send; `null` to remove the item's current
 * file (on edit); `undefined` to leave it as it is (or none, on create).
 */
export type FileChoice = File | null | undefined;

/** Whether the slot holds a file once the form is saved. */
export function keepsFile(current: FileInfo | null | undefined, choice: FileChoice): boolean {
  if (choice instanceof File) return true;
  return choice === undefined && current !== null && current !== undefined;
}

/** The multipart fields of one slot on edit: the new file, or `remove_…` for a removed one. */
export function slotEditFields(
  slot: FileSlot,
  current: FileInfo | null | undefined,
  choice: FileChoice,
): Record<string, File | boolean> {
  if (choice instanceof File) return { [slot]: choice };
  if (choice === null && current) return { [`remove_${slot}`]: true };
  return {};
}

/** The MIME type of a stored file's kind (the server names kinds by content). */
export function kindMime(kind: string): string {
  switch (kind.toLowerCase()) {
    case 'pdf':
      return 'application/pdf';
    case 'jpg':
    case 'jpeg':
      return 'image/jpeg';
    case 'png':
      return 'image/png';
    case 'mp3':
      return 'audio/mpeg';
    case 'mp4':
      return 'video/mp4';
    default:
      return 'application/octet-stream';
  }
}

export type PreviewKind = 'image' | 'pdf' | 'audio' | 'video';

/** How a file can be shown in the page, or null (download only). */
export function previewKind(kind: string): PreviewKind | null {
  const mime = kindMime(kind);
  if (mime.startsWith('image/')) return 'image';
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return null;
}

/** Most characters of a description (內容簡述). */
export const DESCRIPTION_MAX = 100;

const LINK_MARKS = ['http://', 'https://', 'www.', 'ftp://'];

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

/**
 * What is wrong with a description, as the server would say (empty: nothing). A learning
 * result's is optional (FAQ 004 Q10: 「文字描述 100 字」非必填); a performance's is required.
 */
export function descriptionProblems(text: string | undefined, optional = false): string[] {
  const trimmed = (text ?? '').trim();
  const problems: string[] = [];
  if (trimmed === '') return optional ? [] : [tr('請填寫內容簡述', 'Please write a short description')];
  const count = charCount(trimmed);
  if (count > DESCRIPTION_MAX) problems.push(
      tr(
        `簡述最多 ${DESCRIPTION_MAX} 字（目前 ${count} 字）`,
        `At most ${DESCRIPTION_MAX} characters (now ${count})`,
      ),
    );
  const lower = trimmed.toLowerCase();
  if (LINK_MARKS.some((mark) => lower.includes(mark))) problems.push(tr('簡述不可包含外部連結', 'The description must not contain links'));
  return problems;
}
