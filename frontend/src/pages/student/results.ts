/**
 * 課程學習成果 as the student works on them: the states (編輯中 → 認證中 → 認證成功 / 認證失敗), what
 * may be done in each, whether a new one may be uploaded now (period, per-semester and per-subject
 * counts), and the multipart fields of an edit.
 */
import type { EditResultForm, LearningResult, MyCourse, MyCourses, ResultAction, ResultState } from '../../api/types';
import { slotEditFields, type FileChoice } from '../../lib/uploadFiles';
import { tr } from '../../i18n/lang';
import { termCode, type Term } from '../../lib/roc';

export const resultStateLabels: Record<ResultState, { label: string; color: string }> = {
  editing: {
    get label() {
      return tr('編輯中', 'Editing');
    },
    color: 'blue',
  },
  submitted: {
    get label() {
      return tr('認證中', 'Under certification');
    },
    color: 'gold',
  },
  certified: {
    get label() {
      return tr('認證成功', 'Certified');
    },
    color: 'green',
  },
  rejected: {
    get label() {
      return tr('認證失敗', 'Not certified');
    },
    color: 'red',
  },
};

export const resultStates = Object.keys(resultStateLabels) as ResultState[];

/** A history entry's `action` in words: every `ResultAction` of the API has one. */
const actionLabels: Record<ResultAction, string> = {
  get created() {
    return tr('上傳', 'Uploaded');
  },
  get updated() {
    return tr('修改', 'Edited');
  },
  get submitted() {
    return tr('送出認證', 'Submitted for certification');
  },
  get certified() {
    return tr('認證成功', 'Certified');
  },
  get rejected() {
    return tr('認證失敗', 'Not certified');
  },
  get deleted() {
    return tr('刪除', 'Deleted');
  },
  // A certified result turned rejected leaves the student's selection (FAQ 000 Q6).
  get unselected() {
    return tr('已取消勾選', 'Unselected');
  },
};

/** The action in words; one the app does not know yet (a newer server) as 「其他異動」, never its code. */
export function historyActionLabel(action: string): string {
  return (actionLabels as Record<string, string | undefined>)[action] ?? tr('其他異動', 'Other change');
}

/**
 * What the student may do with a result, inside the upload period of the result's own term only
 * (FAQ 004 Q5): edit while 編輯中 or 認證失敗 (FAQ 004 Q12: 「就可以再重新編輯，重新上傳認證資料」),
 * submit while 編輯中, delete while 編輯中 or 認證失敗.
 */
export interface ResultActions {
  edit: boolean;
  submit: boolean;
  delete: boolean;
}

/** `openTerm`: the term code (e.g. `1151`) whose upload period is open now, or null. */
export function resultActions(result: Pick<LearningResult, 'state' | 'term'>, openTerm: string | null): ResultActions {
  const inPeriod = openTerm !== null && result.term === openTerm;
  const changeable = result.state === 'editing' || result.state === 'rejected';
  return {
    edit: changeable && inPeriod,
    submit: result.state === 'editing' && inPeriod,
    delete: changeable && inPeriod,
  };
}

/** The current term's code (`1151`) when its upload period is open now, else null. */
export function openUploadTerm(courses: MyCourses | undefined): string | null {
  if (!courses?.upload_period?.open) return null;
  return termCode({ year: courses.term.academic_year, semester: courses.term.semester as Term['semester'] });
}

/** Why 新增 is not possible now (no period, period not on, the semester's count reached), or null. */
export function uploadBlockReason(courses: MyCourses | undefined): string | null {
  if (!courses) return tr('尚未取得本學期修課資料', "This term's courses are not available yet");
  const period = courses.upload_period;
  if (!period) return tr('學校尚未設定本學期的上傳時間', "The school has not set this term's upload period");
  if (!period.open) return tr('目前不在上傳期間', 'Not in the upload period now');
  if (courses.used >= courses.per_semester_limit) {
    return tr(
      `本學期已上傳 ${courses.used} 件，已達上限 ${courses.per_semester_limit} 件`,
      `${courses.used} uploaded this term: the limit of ${courses.per_semester_limit} is reached`,
    );
  }
  if (courses.courses.length === 0) return tr('本學期沒有修課資料', 'No courses this term');
  if (courses.courses.every((course) => course.results >= courses.per_subject_limit)) {
    return tr('每一門課程都已達單科上限', 'Every course has reached its limit');
  }
  return null;
}

/** Whether a course has reached the per-subject count this semester. */
export function courseFull(course: Pick<MyCourse, 'results'>, perSubjectLimit: number): boolean {
  return course.results >= perSubjectLimit;
}

/** The course choices of the upload dialog; full ones shown but not choosable. */
export function courseOptions(courses: MyCourses) {
  return courses.courses.map((course) => {
    const full = courseFull(course, courses.per_subject_limit);
    return {
      value: course.id,
      label: `${course.subject_name}（${course.course_code}）${full ? tr('－已達單科上限', ' – course limit reached') : ''}`,
      disabled: full,
    };
  });
}

/** What the edit dialog holds. */
export interface ResultEditValues {
  description?: string;
  document?: FileChoice;
  video?: FileChoice;
}

/**
 * The multipart fields of an edit: the description (trimmed), a new file per slot or
 * `remove_…` for a removed one; slots left alone are not sent (they stay).
 */
export function resultEditFields(
  result: Pick<LearningResult, 'document' | 'video'>,
  values: ResultEditValues,
): { [K in keyof EditResultForm]?: string | boolean | File } {
  return {
    description: (values.description ?? '').trim(),
    ...slotEditFields('document', result.document, values.document),
    ...slotEditFields('video', result.video, values.video),
  };
}
