/** Fixtures of the student's screens, typed by the generated spec. */
import type {
  CategoryInfo,
  FileInfo,
  LearningResult,
  MyCourse,
  MyCourses,
  MySelections,
  Performance,
  PerformanceLimits,
  UploadPeriod,
} from '../../api/types';

export const pdf: FileInfo = { id: 31, sha256: 'ab12', size: 204_800, kind: 'pdf', name: '專題報告.pdf' };
export const mp4: FileInfo = { id: 32, sha256: 'cd34', size: 3_145_728, kind: 'mp4', name: '成果發表.mp4' };

/** An open period (110 學年度第1學期 upload, 110/09/01 08:00 – 111/01/20 23:59 Taipei). */
export const period = (overrides: Partial<UploadPeriod> = {}): UploadPeriod => ({
  id: 9,
  academic_year: 110,
  semester: 1,
  grade: 2,
  item: 'upload_results',
  item_name: '學生上傳及送出學習成果認證時間',
  start_date: '2021-09-01',
  start_hour: 8,
  end_date: '2022-01-20',
  end_hour: 23,
  starts_at: '2021-09-01T00:00:00Z',
  ends_at: '2022-01-20T16:00:00Z',
  open: true,
  ...overrides,
});

export const course = (id: number, subject_name: string, results = 0, overrides: Partial<MyCourse> = {}): MyCourse => ({
  id,
  course_code: `110-1-${String(id).padStart(3, '0')}`,
  subject_name,
  class_code: '201',
  credits: 2,
  results,
  ...overrides,
});

export const myCourses = (overrides: Partial<MyCourses> = {}): MyCourses => ({
  term: { academic_year: 110, semester: 1 },
  per_semester_limit: 10,
  per_subject_limit: 3,
  used: 4,
  upload_period: period(),
  courses: [course(1, '國語文', 3), course(2, '數學', 1)],
  ...overrides,
});

export const result = (id: number, overrides: Partial<LearningResult> = {}): LearningResult => ({
  id,
  student_id: 7,
  student_account: '074313_s001',
  student_name: '林小華',
  class_code: '201',
  seat_no: 5,
  course_id: 2,
  course_code: '110-1-002',
  subject_name: '數學',
  term: '1101',
  academic_year: 110,
  semester: 1,
  description: '以函數圖形分析生活中的數據。',
  document: pdf,
  video: null,
  state: 'editing',
  reject_reason: null,
  selected: false,
  submitted_at: null,
  decided_at: null,
  decided_by: null,
  created_at: '2021-10-01T02:00:00Z',
  updated_at: '2021-10-02T06:05:00Z',
  ...overrides,
});

export const categories: CategoryInfo[] = [
  {
    category: 'cadre',
    name: '幹部經歷暨事蹟紀錄',
    dating: 'range',
    fields: [
      { field: 'organisation', label: '單位名稱', required: true, choices: [] },
      { field: 'title', label: '擔任職務', required: true, choices: [] },
      { field: 'level', label: '幹部等級', required: false, choices: [] },
    ],
  },
  {
    category: 'competition',
    name: '競賽參與紀錄',
    dating: 'single',
    fields: [
      { field: 'title', label: '競賽名稱', required: true, choices: [] },
      { field: 'item', label: '項目', required: false, choices: [] },
      { field: 'level', label: '競賽等級', required: true, choices: ['校內', '校際', '縣市', '區域', '全國', '國際'] },
      { field: 'award', label: '獎項', required: true, choices: [] },
      { field: 'participation', label: '參與類型', required: false, choices: ['個人', '團體'] },
    ],
  },
  {
    category: 'service_learning',
    name: '服務學習紀錄',
    dating: 'range',
    fields: [
      { field: 'title', label: '服務名稱', required: true, choices: [] },
      { field: 'organisation', label: '服務單位', required: true, choices: [] },
      { field: 'hours', label: '服務時數', required: true, choices: [] },
    ],
  },
];

export const performance = (id: number, overrides: Partial<Performance> = {}): Performance => ({
  id,
  student_id: 7,
  student_account: '074313_s001',
  student_name: '林小華',
  class_code: '201',
  seat_no: 5,
  academic_year: 110,
  category: 'competition',
  category_name: '競賽參與紀錄',
  title: '全國科展',
  item: null,
  organisation: null,
  position: null,
  level: '全國',
  award: '佳作',
  kind: null,
  score: null,
  certificate_no: null,
  participation: '團體',
  hours: null,
  credits: null,
  start_date: '2022-03-05',
  end_date: null,
  description: '與同學合作研究水質。',
  external_link: null,
  document: pdf,
  video: null,
  selected: false,
  created_at: '2022-03-10T02:00:00Z',
  updated_at: '2022-03-10T02:00:00Z',
  ...overrides,
});

export const limits = (overrides: Partial<PerformanceLimits> = {}): PerformanceLimits => ({
  academic_year: 110,
  per_year_limit: 10,
  used: 2,
  earliest: '2020-07-01',
  latest: '2022-07-31',
  latest_end: '2022-08-29',
  upload_period: period({ id: 12, semester: 0, item: 'upload_performances', item_name: '學生上傳多元表現時間' }),
  ...overrides,
});

export const selections = (overrides: Partial<MySelections> = {}): MySelections => ({
  academic_year: 110,
  results: {
    limit: 6,
    selected: [],
    imported: [],
    period: period({ id: 10, semester: 0, item: 'select_results', item_name: '學生勾選學習成果時間' }),
  },
  performances: {
    limit: 10,
    selected: [],
    imported: [],
    period: period({ id: 11, semester: 0, item: 'select_performances', item_name: '學生勾選多元表現時間' }),
  },
  ...overrides,
});
