/**
 * Work periods (設定學校作業時間, manual 3.6) as people read them: item names, 學期 and 年級, the
 * Taipei start and end with their hours, and whether a period is on now.
 */
import type { PeriodItem, Role, WorkPeriod } from '../api/types';
import { formatRocDate, parseApiDateTime } from './roc';
import { getLang, tr } from '../i18n/lang';

/** The items in the manual's order, by the names the server gives them (`item_name`). */
// Getters: each read gives the label in the current UI language.
export const periodItemLabels: Record<PeriodItem, string> = {
  get upload_results() {
    return tr('學生上傳及送出學習成果認證時間', 'Students upload and submit results for certification');
  },
  get certify_results() {
    return tr('老師認證學生學習成果時間', "Teachers certify students' results");
  },
  get select_results() {
    return tr('學生勾選學習成果時間', 'Students select learning results');
  },
  get select_performances() {
    return tr('學生勾選多元表現時間', 'Students select diverse performances');
  },
  get upload_performances() {
    return tr('學生上傳多元表現時間', 'Students upload diverse performances');
  },
  get self_directed_plans() {
    return tr('學生送出自主學習計畫時間', 'Students submit self-directed learning plans');
  },
  get self_directed_results() {
    return tr('學生送出自主學習成果時間', 'Students submit self-directed learning results');
  },
};

export const periodItems = Object.keys(periodItemLabels) as PeriodItem[];

/**
 * A period's item as the UI language has it: the server's name (`item_name`, zh-TW) or, in
 * English, the item's English label (the server's name for an item this app does not know).
 */
export function periodItemName(period: Pick<WorkPeriod, 'item' | 'item_name'>): string {
  return getLang() === 'en' && period.item in periodItemLabels ? periodItemLabels[period.item] : period.item_name;
}

/**
 * The selections and performance uploads run over the whole academic year (semester 0; FAQ 004
 * Q13: 「多元表現的上傳是全學年開放的」); learning-result uploads and certification per semester.
 */
export function isWholeYearItem(item: PeriodItem): boolean {
  return item === 'select_results' || item === 'select_performances' || item === 'upload_performances';
}

/** 學期 of a period: 0 → 全學年. */
export function periodSemesterText(semester: number): string {
  return semester === 0 ? tr('全學年', 'Whole year') : tr(`第${semester}學期`, `Semester ${semester}`);
}

/** `08` for hour 8. */
export const hourText = (hour: number) => String(hour).padStart(2, '0');

/** A start hour as the time it begins: 8 → `08:00`. */
export const startHourText = (hour: number) => `${hourText(hour)}:00`;

/** An end hour as the last minute it covers (a period lasts until the end of its end hour): 23 → `23:59`. */
export const endHourText = (hour: number) => `${hourText(hour)}:59`;

type PeriodBounds = Pick<WorkPeriod, 'start_date' | 'start_hour' | 'end_date' | 'end_hour'>;

/** `111/04/01 08:00`: the Taipei date and hour the period begins. */
export const periodStartText = (period: PeriodBounds) =>
  `${formatRocDate(period.start_date)} ${startHourText(period.start_hour)}`;

/** `111/04/05 23:59`: up to the end of the end hour. */
export const periodEndText = (period: PeriodBounds) => `${formatRocDate(period.end_date)} ${endHourText(period.end_hour)}`;

export type PeriodStatus = 'open' | 'upcoming' | 'ended';

export const periodStatusLabels: Record<PeriodStatus, { label: string; color: string }> = {
  open: {
    get label() {
      return tr('進行中', 'Open');
    },
    color: 'success',
  },
  upcoming: {
    get label() {
      return tr('未開始', 'Not started');
    },
    color: 'default',
  },
  ended: {
    get label() {
      return tr('已結束', 'Ended');
    },
    color: 'default',
  },
};

/** Whether the period is on (the server's `open`), still to come, or over, at `now`. */
export function periodStatus(period: Pick<WorkPeriod, 'open' | 'starts_at'>, now: Date = new Date()): PeriodStatus {
  if (period.open) return 'open';
  const start = parseApiDateTime(period.starts_at);
  return start && start.getTime() > now.getTime() ? 'upcoming' : 'ended';
}

/** The order of the school's table: 第1學期, 第2學期, 全學年; items in the manual's order; grades up. */
export function comparePeriods(a: WorkPeriod, b: WorkPeriod): number {
  const semesterRank = (semester: number) => (semester === 0 ? 3 : semester);
  return (
    a.academic_year - b.academic_year ||
    semesterRank(a.semester) - semesterRank(b.semester) ||
    periodItems.indexOf(a.item) - periodItems.indexOf(b.item) ||
    a.grade - b.grade
  );
}

/** Whose periods `GET /api/v1/me/periods` returns: a student's, and a subject teacher's certification. */
export const periodRoles: readonly Role[] = ['student', 'subject_teacher'];

/** TanStack key of `GET /api/v1/me/periods` (refreshed when the school changes its periods). */
export const myPeriodsKey = ['me', 'periods'] as const;
