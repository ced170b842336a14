import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../api/types';
import {
  charCount,
  descriptionProblems,
  fileProblem,
  formatBytes,
  keepsFile,
  kindMime,
  previewKind,
  slotEditFields,
} from './uploadFiles';

const MB = 1024 * 1024;
const stored: FileInfo = { id: 1, sha256: 'ab', size: 1000, kind: 'pdf', name: '報告.pdf' };
const file = (name: string, size = 10) => new File([new Uint8Array(size)], name);

describe('file rules', () => {
  it('takes pdf/jpg/png documents up to 4 MB and mp3/mp4 videos up to 10 MB', () => {
    expect(fileProblem('document', { name: '報告.PDF', size: 4 * MB })).toBeNull();
    expect(fileProblem('document', { name: 'photo.jpeg', size: 1 })).toBeNull();
    expect(fileProblem('document', { name: 'scan.png', size: 1 })).toBeNull();
    expect(fileProblem('document', { name: '報告.pdf', size: 4 * MB + 1 })).toBe('文件檔不可超過 4 MB（此檔 4 MB）');
    expect(fileProblem('document', { name: 'notes.docx', size: 1 })).toBe('文件檔限 PDF、JPG、PNG 格式');
    expect(fileProblem('document', { name: 'noextension', size: 1 })).toBe('文件檔限 PDF、JPG、PNG 格式');
    expect(fileProblem('document', { name: 'empty.pdf', size: 0 })).toBe('文件檔沒有內容');
    expect(fileProblem('video', { name: 'talk.mp4', size: 10 * MB })).toBeNull();
    expect(fileProblem('video', { name: 'song.mp3', size: 1 })).toBeNull();
    expect(fileProblem('video', { name: 'clip.mov', size: 1 })).toBe('影音檔限 MP3、MP4 格式');
    expect(fileProblem('video', { name: 'talk.mp4', size: 12.5 * MB })).toBe('影音檔不可超過 10 MB（此檔 12.5 MB）');
  });

  it('writes sizes for people', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(320 * 1024)).toBe('320 KB');
    expect(formatBytes(1.5 * MB)).toBe('1.5 MB');
    expect(formatBytes(4 * MB)).toBe('4 MB');
  });

  it('knows how to show each stored kind', () => {
    expect(kindMime('pdf')).toBe('application/pdf');
    expect(kindMime('JPG')).toBe('image/jpeg');
    expect(kindMime('zip')).toBe('application/octet-stream');
    expect(['pdf', 'png', 'mp3', 'mp4', 'zip'].map(previewKind)).toEqual(['pdf', 'image', 'audio', 'video', null]);
  });
});

describe('file choices on edit', () => {
  it('keeps a file when one is chosen, or the current one is not removed', () => {
    expect(keepsFile(null, undefined)).toBe(false);
    expect(keepsFile(stored, undefined)).toBe(true);
    expect(keepsFile(stored, null)).toBe(false);
    expect(keepsFile(null, file('a.pdf'))).toBe(true);
    expect(keepsFile(stored, file('b.pdf'))).toBe(true);
  });

  it('sends a new file, or remove_… only for a file that is there', () => {
    const next = file('新.pdf');
    expect(slotEditFields('document', stored, next)).toEqual({ document: next });
    expect(slotEditFields('document', stored, null)).toEqual({ remove_document: true });
    expect(slotEditFields('video', null, null)).toEqual({});
    expect(slotEditFields('video', stored, undefined)).toEqual({});
  });
});

describe('descriptionProblems', () => {
  it('asks for 1–100 characters (code points) without links, as the server does', () => {
    expect(descriptionProblems('我在專題中負責資料分析。')).toEqual([]);
    expect(descriptionProblems('字'.repeat(100))).toEqual([]);
    expect(descriptionProblems('  ')).toEqual(['請填寫內容簡述']);
    expect(descriptionProblems(undefined)).toEqual(['請填寫內容簡述']);
    expect(descriptionProblems('字'.repeat(101))).toEqual(['簡述最多 100 字（目前 101 字）']);
    expect(descriptionProblems('請看 https://example.com')).toEqual(['簡述不可包含外部連結']);
    expect(descriptionProblems('見 WWW.example.com')).toEqual(['簡述不可包含外部連結']);
    // A learning result's is optional (FAQ 004 Q10); given, the same limits hold.
    expect(descriptionProblems('  ', true)).toEqual([]);
    expect(descriptionProblems(undefined, true)).toEqual([]);
    expect(descriptionProblems('字'.repeat(101), true)).toEqual(['簡述最多 100 字（目前 101 字）']);
    // An emoji is one character, though two UTF-16 units.
    expect(charCount('😀'.repeat(100))).toBe(100);
    expect(descriptionProblems('😀'.repeat(100))).toEqual([]);
  });
});
