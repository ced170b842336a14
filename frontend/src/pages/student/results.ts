/**
 * 課程學習成果 as the student works on them: the states (編輯中 → 認證中 → 認證成功 / 認證失敗), what
 * may be done in each, whether a new one may be uploaded now (period, per-semester and per-subject
 * counts), and the multipart fields of an edit.
 */
import type { EditResultForm, LearningResult, MyCourse, MyCourses, ResultState } from '../../api/types';
import { slotEditFields, type FileChoice } from '../../lib/uploadFiles';

export const resultStateLabels: Record<ResultState, { label: string; color: string }> = {
  editing: { label: '編輯中', color: 'blue' },
  submitted: { label: '認證中', color: 'gold' },
  certified: { label: '認證成功', color: 'green' },
  rejected: { label: '認證失敗', color: 'red' },
};

export const resultStates = Object.keys(resultStateLabels) as ResultState[];

/** A history entry's `action` in words (unknown ones as sent). */
const actionLabels: Record<string, string> = {
  created: '上傳',
  updated: '修改',
  submitted: '送出認證',
  certified: '認證成功',
  rejected: '認證失敗',
  deleted: '刪除',
};

export function historyActionLabel(action: string): string {
  return actionLabels[action] ?? action;
}

/** What the student may do with a result: edit and submit while 編輯中 (inside the upload period), delete while 編輯中 or 認證失敗. */
export interface ResultActions {
  edit: boolean;
  submit: boolean;
  delete: boolean;
}

export function resultActions(result: Pick<LearningResult, 'state'>, uploadOpen: boolean): ResultActions {
  const editing = result.state === 'editing';
  return {
    edit: editing && uploadOpen,
    submit: editing && uploadOpen,
    delete: editing || result.state === 'rejected',
  };
}

/** Why 新增 is not possible now (no period, period not on, the semester's count reached), or null. */
export function uploadBlockReason(courses: MyCourses | undefined): string | null {
  if (!courses) return '尚未取得本學期修課資料';
  const period = courses.upload_period;
  if (!period) return '學校尚未設定本學期的上傳時間';
  if (!period.open) return '目前不在上傳期間';
  if (courses.used >= courses.per_semester_limit) {
    return `本學期已上傳 ${courses.used} 件，已達上限 ${courses.per_semester_limit} 件`;
  }
  if (courses.courses.length === 0) return '本學期沒有修課資料';
  if (courses.courses.every((course) => course.results >= courses.per_subject_limit)) {
    return '每一門課程都已達單科上限';
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
      label: `${course.subject_name}（${course.course_code}）${full ? '－已達單科上限' : ''}`,
      disabled: full,
    };
  });
}

/** What the edit dialog holds. */
export interface ResultEditValues {
  description: string;
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
    description: values.description.trim(),
    ...slotEditFields('document', result.document, values.document),
    ...slotEditFields('video', result.video, values.video),
  };
}
