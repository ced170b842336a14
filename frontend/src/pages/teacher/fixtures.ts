/** Fixtures of 學習成果認證, typed by the generated spec. */
import type { CertificationPeriod, CertificationQueue, QueueCourse } from '../../api/types';

/** The certification period of grade 2 (110 學年度第1學期, 110/12/01 08:00 – 111/01/20 23:59 Taipei), open. */
export const certifyPeriod = (overrides: Partial<CertificationPeriod> = {}): CertificationPeriod => ({
  id: 21,
  academic_year: 110,
  semester: 1,
  grade: 2,
  item: 'certify_results',
  item_name: '老師認證學生學習成果時間',
  start_date: '2021-12-01',
  start_hour: 8,
  end_date: '2022-01-20',
  end_hour: 23,
  starts_at: '2021-12-01T00:00:00Z',
  ends_at: '2022-01-20T16:00:00Z',
  open: true,
  ...overrides,
});

export const queueCourse = (id: number, overrides: Partial<QueueCourse> = {}): QueueCourse => ({
  course_id: id,
  course_code: `110-1-${String(id).padStart(3, '0')}`,
  subject_name: '數學',
  class_code: '201',
  grade: 2,
  can_certify: true,
  teachers: [{ teacher_id: 7, name: '王小明', can_certify: true }],
  classes: [{ class_code: '201', submitted: 3, certified: 2, rejected: 1 }],
  submitted: 3,
  certified: 2,
  rejected: 1,
  period: certifyPeriod(),
  as_delegate: false,
  delegates: [],
  ...overrides,
});

export const queue = (courses: QueueCourse[], overrides: Partial<CertificationQueue> = {}): CertificationQueue => ({
  term: { academic_year: 110, semester: 1 },
  courses,
  waiting: courses.filter((course) => course.can_certify).reduce((sum, course) => sum + course.submitted, 0),
  ...overrides,
});
