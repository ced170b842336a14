import { useQuery } from '@tanstack/react-query';
import { Space } from 'antd';
import { api, unwrap } from '../../api/client';
import type { Advisor, StudentRef, StudentsQuery } from '../../api/types';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { AssignmentPicker } from './AssignmentPicker';
import { studentColumns, studentName } from './columns';
import { StudentFilters } from './StudentFilters';
import { consultantStudentsKey, consultantsKey, counselorStudentsKey, counselorsKey, studentsKey } from './queryKeys';
import { useT } from '../../i18n';

type PickerFilters = Pick<StudentsQuery, 'q' | 'class_code'>;

/** Who is given students one by one: counselors, and course consultants besides their classes (FAQ 000 三 Q2). */
export type StudentAdvising = 'counselors' | 'consultants';

function studentsApi(kind: StudentAdvising, teacherId: number) {
  const params = { path: { teacher_id: teacherId } };
  return kind === 'counselors'
    ? {
        key: counselorStudentsKey(teacherId),
        list: counselorsKey,
        get: (signal: AbortSignal) => unwrap(api.GET('/api/v1/counselors/{teacher_id}/students', { params, signal })),
        put: (student_ids: number[]) => unwrap(api.PUT('/api/v1/counselors/{teacher_id}/students', { params, body: { student_ids } })),
      }
    : {
        key: consultantStudentsKey(teacherId),
        list: consultantsKey,
        get: (signal: AbortSignal) => unwrap(api.GET('/api/v1/consultants/{teacher_id}/students', { params, signal })),
        put: (student_ids: number[]) => unwrap(api.PUT('/api/v1/consultants/{teacher_id}/students', { params, body: { student_ids } })),
      };
}

/** A teacher's students this term, with the school's students (by class and name) to add from. */
export function AssignedStudents({ teacher, readOnly, kind }: { teacher: Advisor; readOnly: boolean; kind: StudentAdvising }) {
  const t = useT();
  const calls = studentsApi(kind, teacher.id);
  const [filters, update] = useFilters<PickerFilters>({});
  const students = usePagedQuery({
    queryKey: studentsKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/students', { params: { query }, signal })),
  });
  const assigned = useQuery({ queryKey: calls.key, queryFn: ({ signal }) => calls.get(signal) });
  const assignedIds = new Set((assigned.data ?? []).map((student) => student.id));
  const side = { columns: studentColumns, rowKey: (student: StudentRef) => student.id };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={students.query.error ?? assigned.error} />
      <AssignmentPicker
        queryKey={calls.key}
        refresh={[calls.list]}
        put={calls.put}
        unit={t('位學生', 'student(s)')}
        name={studentName}
        readOnly={readOnly}
        available={{
          ...side,
          title: t('全校學生', 'All students'),
          header: (
            <Space wrap style={{ marginBottom: 8 }}>
              <StudentFilters onChange={update} />
            </Space>
          ),
          rows: students.rows,
          loading: students.query.isFetching,
          pagination: { ...students.tableProps.pagination, size: 'small' },
          emptyText: filters.q || filters.class_code ? t('沒有符合的學生', 'No matching students') : t('沒有學生', 'No students'),
          // Already this teacher's: nothing to add.
          disabled: (student) => assignedIds.has(student.id),
        }}
        chosen={{
          ...side,
          title: t('已設定學生', 'Assigned students'),
          rows: assigned.data ?? [],
          loading: assigned.isFetching,
          emptyText: t('尚未設定學生', 'No students assigned'),
        }}
      />
    </Space>
  );
}
