/**
 * 學習成果認證 as the subject teacher works through it: the courses grouped by class, whether the
 * teacher may decide now (co-teacher marked 否, no or closed period), which decision a result
 * allows, and what a batch decision did.
 */
import type {
  BatchOutcome,
  CertificationPeriod,
  Decision,
  LearningResult,
  QueueCourse,
  ResultState,
} from '../../api/types';
import { periodEndText, periodStartText } from '../../lib/periods';
import { resultStateLabels } from '../student/results';
import { tr } from '../../i18n/lang';

/** The states a teacher sees (a result 編輯中 is the student's own): 認證中, 認證成功, 認證失敗. */
export const certificationStates: readonly ResultState[] = ['submitted', 'certified', 'rejected'];

export const certificationStateOptions = certificationStates.map((state) => ({
  value: state,
  // A getter: read in the UI language of the moment (not the one this module loaded in).
  get label() {
    return resultStateLabels[state].label;
  },
}));

/** The state the list starts on: what waits for the teacher. */
export const DEFAULT_STATE: ResultState = 'submitted';

/** A course's class: `201`, or 跨班 for a course open to several classes (empty code). */
export function courseClassLabel(classCode: string | null | undefined): string {
  return classCode ? classCode : tr('跨班', 'Cross-class');
}

/** A student's class in the counts: `201`, or 未編班 when the student has none. */
export function studentClassLabel(classCode: string | null | undefined): string {
  return classCode ? classCode : tr('未編班', 'No class');
}

/** 「數學（110-1-002）」. */
export function courseTitle(course: Pick<QueueCourse, 'subject_name' | 'course_code'>): string {
  return `${course.subject_name}（${course.course_code}）`;
}

/** The teacher's courses of one class (the class a course is opened for). */
export interface ClassGroup {
  /** The course's class code ('' for 跨班). */
  classCode: string;
  label: string;
  courses: QueueCourse[];
  /** Results waiting in these courses that this teacher may decide. */
  waiting: number;
}

/**
 * The courses grouped by their class, classes in order and 跨班 last; within a class by subject
 * and course code. A course the teacher may not decide does not count as waiting.
 */
export function groupCoursesByClass(courses: readonly QueueCourse[]): ClassGroup[] {
  const groups = new Map<string, ClassGroup>();
  for (const course of courses) {
    const classCode = course.class_code ?? '';
    let group = groups.get(classCode);
    if (!group) {
      group = { classCode, label: courseClassLabel(classCode), courses: [], waiting: 0 };
      groups.set(classCode, group);
    }
    group.courses.push(course);
    if (course.can_certify) group.waiting += course.submitted;
  }
  const sorted = [...groups.values()].sort((a, b) => {
    if (a.classCode === '' || b.classCode === '') return a.classCode === '' ? (b.classCode === '' ? 0 : 1) : -1;
    return a.classCode.localeCompare(b.classCode, 'zh-Hant', { numeric: true });
  });
  for (const group of sorted) {
    group.courses.sort(
      (a, b) => a.subject_name.localeCompare(b.subject_name, 'zh-Hant') || a.course_code.localeCompare(b.course_code),
    );
  }
  return sorted;
}

/** 「115/11/01 08:00 ~ 115/11/30 23:59」. */
export function periodRangeText(period: CertificationPeriod): string {
  return `${periodStartText(period)} ~ ${periodEndText(period)}`;
}

/**
 * Why this teacher cannot decide the course's results now, or null: a co-teacher the school
 * marked 否 (不審核), no certification period for the course's grade, or the period not open.
 */
export function decisionBlockReason(course: Pick<QueueCourse, 'can_certify' | 'period'> | undefined): string | null {
  if (!course) return tr('找不到這門課程，或不是您本學期任教的課程。', 'This course was not found, or you do not teach it this term.');
  if (!course.can_certify) return tr('學校已將您設定為這門合開課程的「不審核」教師，請由其他授課教師認證。', 'The school set you as a non-certifying teacher of this co-taught course; another of its teachers certifies.');
  const period = course.period;
  if (!period) return tr('學校尚未設定此年級的認證時間。', 'The school has not set the certification period for this grade.');
  if (!period.open) {
    return tr(`目前不在認證期間（${periodRangeText(period)}）。`, `Not in the certification period (${periodRangeText(period)}).`);
  }
  return null;
}

/** Whether `decision` applies to a result in its state: certify 認證中 ones; reject 認證中 and 認證成功 ones (000 Q6). */
export function allowsDecision(state: ResultState, decision: Decision): boolean {
  if (decision === 'certify') return state === 'submitted';
  return state === 'submitted' || state === 'certified';
}

/** Whether a row may be ticked for a batch (some decision applies to it). */
export function selectable(result: Pick<LearningResult, 'state'>): boolean {
  return allowsDecision(result.state, 'certify') || allowsDecision(result.state, 'reject');
}

export const decisionLabels: Record<Decision, string> = {
  get certify() {
    return tr('認證通過', 'Certify');
  },
  get reject() {
    return tr('認證失敗', 'Not certified');
  },
};

/** The longest reason the server takes for 認證失敗. */
export const REASON_MAX = 200;

/** A refused result of a batch, named for the teacher. */
export interface RefusalLine {
  id: number;
  name: string;
  detail: string;
}

/** What a batch decision did, for an Alert above the list. */
export interface OutcomeSummary {
  type: 'success' | 'warning' | 'error';
  title: string;
  refusals: RefusalLine[];
}

/** 「林小華（074313_s001）數學」 for a result the page knows, else 「學習成果 #12」. */
function resultName(id: number, rows: ReadonlyMap<number, Pick<LearningResult, 'student_name' | 'student_account' | 'subject_name'>>): string {
  const row = rows.get(id);
  return row ? `${row.student_name}（${row.student_account}）${row.subject_name}` : tr(`學習成果 #${id}`, `Learning result #${id}`);
}

/**
 * A batch's outcome in words: how many were decided, and each refused one with the server's
 * reason (e.g. 已不在認證期間, 狀態已改變). All refused → error, some → warning.
 */
export function outcomeSummary(
  outcome: BatchOutcome,
  decision: Decision,
  rows: ReadonlyMap<number, Pick<LearningResult, 'student_name' | 'student_account' | 'subject_name'>>,
): OutcomeSummary {
  const decided = outcome.decided.length;
  const refused = outcome.refused.length;
  const refusals = outcome.refused.map((refusal) => ({
    id: refusal.id,
    name: resultName(refusal.id, rows),
    detail: refusal.detail,
  }));
  const done =
    decision === 'certify'
      ? tr(`已認證通過 ${decided} 件學習成果`, `Certified ${decided} learning result(s)`)
      : tr(`已將 ${decided} 件學習成果設為認證失敗`, `Marked ${decided} learning result(s) as not certified`);
  const verb = decision === 'certify' ? tr('認證通過', 'be certified') : tr('設為認證失敗', 'be marked as not certified');
  if (refused === 0) return { type: 'success', title: tr(`${done}。`, `${done}.`), refusals };
  if (decided === 0) {
    return { type: 'error', title: tr(`${refused} 件學習成果未能${verb}：`, `${refused} learning result(s) could not ${verb}:`), refusals };
  }
  return {
    type: 'warning',
    title: tr(`${done}；另有 ${refused} 件未能${verb}：`, `${done}; ${refused} more could not ${verb}:`),
    refusals,
  };
}
