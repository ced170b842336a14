/**
 * The 查詢 reports' rules as plain functions: which terms and years can be asked for, the two
 * kinds of 勾選情形, and the sums of the usage statistics.
 */
import type { SchoolTerm, UsageTeacher } from '../../api/types';
import { formatTerm, termCode } from '../../lib/roc';
import { tr } from '../../i18n/lang';

export interface Option<Value> {
  value: Value;
  label: string;
}

/**
 * The terms a report may be asked for: the school's terms, newest first, each year followed by
 * its 全學年 (semester 0); the current one marked 「（目前）」.
 */
export function termOptions(terms: readonly Pick<SchoolTerm, 'academic_year' | 'semester' | 'code' | 'is_current'>[]): Option<string>[] {
  const years = [...new Set(terms.map((term) => term.academic_year))].sort((a, b) => b - a);
  const options: Option<string>[] = [];
  for (const year of years) {
    const ofYear = terms
      .filter((term) => term.academic_year === year && term.semester !== 0)
      .sort((a, b) => b.semester - a.semester);
    for (const term of ofYear) {
      options.push({
        value: term.code,
        label: `${formatTerm(term.code) || term.code}${term.is_current ? tr('（目前）', ' (current)') : ''}`,
      });
    }
    const whole = termCode({ year, semester: 0 });
    options.push({ value: whole, label: formatTerm(whole) });
  }
  return options;
}

/** The academic years of the school's terms, newest first (`115學年度`). */
export function yearOptions(terms: readonly Pick<SchoolTerm, 'academic_year'>[]): Option<number>[] {
  return [...new Set(terms.map((term) => term.academic_year))]
    .sort((a, b) => b - a)
    .map((year) => ({ value: year, label: tr(`${year}學年度`, `AY ${year}`) }));
}

/** The two 勾選情形 reports: what they list, their module and title. */
export type SelectionReportKind = 'results' | 'performances';

export const selectionReports: Record<
  SelectionReportKind,
  { title: string; itemName: string; module: string; fileStem: string }
> = {
  // Getters: the title and item name in the current UI language (the file name stays zh-TW).
  results: {
    get title() {
      return tr('查詢學生學習成果勾選情形', "Students' learning result selections");
    },
    get itemName() {
      return tr('課程學習成果', 'course learning results');
    },
    module: 'S0205S',
    fileStem: '學習成果勾選情形',
  },
  performances: {
    get title() {
      return tr('查詢學生多元表現勾選情形', "Students' performance selections");
    },
    get itemName() {
      return tr('多元表現', 'diverse performances');
    },
    module: 'S0206S',
    fileStem: '多元表現勾選情形',
  },
};

/** 勾選數目 as 「3 / 8」: selected out of what the student could select. */
export function selectionCountText(selected: number, available: number): string {
  return `${selected} / ${available}`;
}

/** The teachers' certification work added up, for the table's 合計 row. */
export function sumTeachers(
  teachers: readonly Pick<UsageTeacher, 'certified' | 'rejected' | 'waiting'>[],
): Pick<UsageTeacher, 'certified' | 'rejected' | 'waiting'> {
  return teachers.reduce(
    (sum, teacher) => ({
      certified: sum.certified + teacher.certified,
      rejected: sum.rejected + teacher.rejected,
      waiting: sum.waiting + teacher.waiting,
    }),
    { certified: 0, rejected: 0, waiting: 0 },
  );
}
