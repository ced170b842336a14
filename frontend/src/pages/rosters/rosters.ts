/**
 * The roster screens' rules as plain functions: which lines a screen shows, the grade set in
 * words (一、二、三), a job's progress in percent, and sizes.
 */
import type { Job, RosterKind, RosterLine } from '../../api/types';
import { tr } from '../../i18n/lang';

/** 匯出提交名冊 shows learning results and performances; 匯出幹部名冊 the cadre rosters. */
export const submissionKinds: readonly RosterKind[] = ['results', 'performances'];
export const cadreKinds: readonly RosterKind[] = ['cadre'];

export function linesOf(lines: readonly RosterLine[], kinds: readonly RosterKind[]): RosterLine[] {
  return lines.filter((line) => kinds.includes(line.kind));
}

/** `1-3` → 「一、二、三」 (the manual's 匯出年級). */
export function gradesText(grades: string): string {
  const words: Record<string, [string, string]> = {
    '1-3': ['一、二、三', '1, 2, 3'],
    '1-2': ['一、二', '1, 2'],
    '3': ['三', '3'],
  };
  const found = words[grades];
  return found ? tr(found[0], found[1]) : grades;
}

/** 項目 of a roster kind. */
export function kindText(kind: RosterKind): string {
  switch (kind) {
    case 'results':
      return tr('學習成果', 'Learning results');
    case 'performances':
      return tr('多元表現', 'Performances');
    default:
      return tr('幹部經歷', 'Cadre records');
  }
}

/** 0–100; a job that has not counted its work yet is at 0. */
export function percent(job: Pick<Job, 'done' | 'total' | 'state'>): number {
  if (job.state === 'succeeded') return 100;
  if (job.total <= 0) return 0;
  return Math.min(100, Math.floor((job.done * 100) / job.total));
}

/** Whether the job has ended (stop polling). */
export function finished(job: Pick<Job, 'state'> | undefined): boolean {
  return job?.state === 'succeeded' || job?.state === 'failed';
}

/** 1536 → 「1.5 KB」. */
export function sizeText(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
