import { describe, expect, it } from 'vitest';
import { result } from '../student/fixtures';
import {
  allowsDecision,
  certificationStateOptions,
  courseClassLabel,
  decisionBlockReason,
  groupCoursesByClass,
  outcomeSummary,
  selectable,
  studentClassLabel,
} from './certification';
import { certifyPeriod, queueCourse } from './fixtures';

describe('groupCoursesByClass', () => {
  it('groups by the class a course is opened for, in class order with 跨班 last, and counts what the teacher may decide', () => {
    const groups = groupCoursesByClass([
      queueCourse(1, { class_code: '', subject_name: '多元選修', submitted: 4 }),
      queueCourse(2, { class_code: '202', subject_name: '數學', submitted: 2 }),
      queueCourse(3, { class_code: '201', subject_name: '物理', submitted: 5 }),
      queueCourse(4, { class_code: '201', subject_name: '化學', submitted: 1, can_certify: false }),
      queueCourse(5, { class_code: '1010', subject_name: '數學', submitted: 0 }),
    ]);
    expect(groups.map((group) => [group.label, group.courses.map((course) => course.course_id), group.waiting])).toEqual([
      ['201', [4, 3], 5],
      ['202', [2], 2],
      ['1010', [5], 0],
      ['跨班', [1], 4],
    ]);
    expect(groupCoursesByClass([])).toEqual([]);
  });

  it('names classes: 跨班 for a mixed course, 未編班 for a student without one', () => {
    expect(courseClassLabel('')).toBe('跨班');
    expect(courseClassLabel('301')).toBe('301');
    expect(studentClassLabel(null)).toBe('未編班');
    expect(studentClassLabel('')).toBe('未編班');
    expect(studentClassLabel('301')).toBe('301');
  });
});

describe('decisionBlockReason', () => {
  it('lets a certifying teacher decide inside the period', () => {
    expect(decisionBlockReason(queueCourse(1))).toBeNull();
  });

  it('says why not: co-teacher marked 否, no period, period not open, unknown course', () => {
    expect(decisionBlockReason(queueCourse(1, { can_certify: false }))).toContain('不審核');
    expect(decisionBlockReason(queueCourse(1, { period: null }))).toBe('學校尚未設定此年級的認證時間。');
    expect(decisionBlockReason(queueCourse(1, { period: certifyPeriod({ open: false }) }))).toBe(
      '目前不在認證期間（110/12/01 08:00 ~ 111/01/20 23:59）。',
    );
    expect(decisionBlockReason(undefined)).toContain('找不到這門課程');
  });
});

describe('decisions by state', () => {
  it('certifies 認證中 only; rejects 認證中 and 認證成功 (000 Q6)', () => {
    expect(allowsDecision('submitted', 'certify')).toBe(true);
    expect(allowsDecision('certified', 'certify')).toBe(false);
    expect(allowsDecision('rejected', 'certify')).toBe(false);
    expect(allowsDecision('editing', 'certify')).toBe(false);
    expect(allowsDecision('submitted', 'reject')).toBe(true);
    expect(allowsDecision('certified', 'reject')).toBe(true);
    expect(allowsDecision('rejected', 'reject')).toBe(false);
    expect(selectable({ state: 'submitted' })).toBe(true);
    expect(selectable({ state: 'certified' })).toBe(true);
    expect(selectable({ state: 'rejected' })).toBe(false);
  });

  it('offers the states a teacher sees, 認證中 first', () => {
    expect(certificationStateOptions).toEqual([
      { value: 'submitted', label: '認證中' },
      { value: 'certified', label: '認證成功' },
      { value: 'rejected', label: '認證失敗' },
    ]);
  });
});

describe('outcomeSummary', () => {
  const rows = new Map([
    [1, result(1, { student_name: '林小華', student_account: 's001', subject_name: '數學' })],
    [2, result(2, { student_name: '陳大同', student_account: 's002', subject_name: '數學' })],
  ]);

  it('counts what was decided', () => {
    expect(outcomeSummary({ decided: [1, 2], refused: [] }, 'certify', rows)).toEqual({
      type: 'success',
      title: '已認證通過 2 件學習成果。',
      refusals: [],
    });
    expect(outcomeSummary({ decided: [1], refused: [] }, 'reject', rows).title).toBe('已將 1 件學習成果設為認證失敗。');
  });

  it('lists each refused one with the server’s reason, named when the page knows it', () => {
    const partly = outcomeSummary(
      {
        decided: [1],
        refused: [
          { id: 2, code: 'invalid_state', detail: '此學習成果已認證成功。' },
          { id: 9, code: 'not_found', detail: '找不到資料。' },
        ],
      },
      'certify',
      rows,
    );
    expect(partly.type).toBe('warning');
    expect(partly.title).toBe('已認證通過 1 件學習成果；另有 2 件未能認證通過：');
    expect(partly.refusals).toEqual([
      { id: 2, name: '陳大同（s002）數學', detail: '此學習成果已認證成功。' },
      { id: 9, name: '學習成果 #9', detail: '找不到資料。' },
    ]);
    const none = outcomeSummary({ decided: [], refused: [{ id: 1, code: 'period_closed', detail: '不在認證期間。' }] }, 'reject', rows);
    expect(none.type).toBe('error');
    expect(none.title).toBe('1 件學習成果未能設為認證失敗：');
  });
});
