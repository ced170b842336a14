/**
 * The receipt screens' rules as plain functions (docs/receipts.md): category and state names,
 * the manual's default window and the national minimum (mirrors `api/src/receipts`), and the
 * Taipei wall-clock form of the window inputs.
 */
import type { ReceiptAnswerState, ReceiptCategory } from '../../api/types';
import { tr } from '../../i18n/lang';

export const categories: readonly ReceiptCategory[] = ['course_records', 'results', 'performances', 'cadre'];

export function categoryText(category: ReceiptCategory): string {
  switch (category) {
    case 'course_records':
      return tr('修課紀錄', 'Course records');
    case 'results':
      return tr('課程學習成果', 'Learning results');
    case 'performances':
      return tr('多元表現', 'Performances');
    default:
      return tr('校內幹部經歷', 'School cadre records');
  }
}

/** 待確認 / 已確認 / 錯誤回報; `-` when the student is not in the category's receipt. */
export function stateText(state: ReceiptAnswerState | null | undefined): string {
  switch (state) {
    case 'pending':
      return tr('待確認', 'To confirm');
    case 'confirmed':
      return tr('已確認', 'Confirmed');
    case 'reported':
      return tr('錯誤回報', 'Reported');
    default:
      return '-';
  }
}

export type ReportKind = 'extra' | 'missing' | 'wrong';

export function kindText(kind: ReportKind): string {
  switch (kind) {
    case 'extra':
      return tr('資料有多', 'Extra data');
    case 'missing':
      return tr('資料有少', 'Missing data');
    default:
      return tr('資料有誤', 'Wrong data');
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TAIPEI = 8 * HOUR;

/** The manual's defaults: the next whole hour one day later, to three days later (3/25 10:27 → 3/26 11:00 – 3/28 11:00). */
export function defaultWindow(now: Date): { start: Date; end: Date } {
  const hour = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
  return { start: new Date(hour + DAY), end: new Date(hour + 3 * DAY) };
}

function taipeiDay(d: Date): number {
  return Math.floor((d.getTime() + TAIPEI) / DAY);
}

/** The national minimum: the end after the start, covering at least 3 Taipei dates. */
export function windowTooShort(start: Date, end: Date): boolean {
  return end.getTime() <= start.getTime() || taipeiDay(end) - taipeiDay(start) + 1 < 3;
}

/** A UTC instant as the `datetime-local` input shows it in Taipei: `2026-12-08T11:00`. */
export function toTaipeiInput(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Date(d.getTime() + TAIPEI).toISOString().slice(0, 16);
}

/** The input's Taipei wall-clock time as RFC 3339: `2026-12-08T11:00:00+08:00`. */
export function fromTaipeiInput(value: string): string {
  return `${value}:00+08:00`;
}

/** A window in words, Taipei time: `2026-12-08 11:00 – 2026-12-10 11:00`. */
export function windowText(start: string, end: string): string {
  return `${toTaipeiInput(start).replace('T', ' ')} – ${toTaipeiInput(end).replace('T', ' ')}`;
}
