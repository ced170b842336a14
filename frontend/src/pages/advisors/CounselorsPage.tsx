import { useQuery } from '@tanstack/react-query';
import { Space } from 'antd';
import { api, unwrap } from '../../api/client';
import type { Advisor, StudentRef, StudentsQuery } from '../../api/types';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { AdvisorSettings } from './AdvisorSettings';
import { AssignmentPicker } from './AssignmentPicker';
import { studentColumns, studentName } from './columns';
import { StudentFilters } from './StudentFilters';
import { counselorStudentsKey, counselorsKey, studentsKey } from './queryKeys';
import { useT } from '../../i18n';

type PickerFilters = Pick<StudentsQuery, 'q' | 'class_code'>;

/** A counselor's students this term, with the school's students (by class and name) to add from. */
function CounselorStudents({ teacher, readOnly }: { teacher: Advisor; readOnly: boolean }) {
  const t = useT();
  const path = { teacher_id: teacher.id };
  const [filters, update] = useFilters<PickerFilters>({});
  const students = usePagedQuery({
    queryKey: studentsKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/students', { params: { query }, signal })),
  });
  const assigned = useQuery({
    queryKey: counselorStudentsKey(teacher.id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/counselors/{teacher_id}/students', { params: { path }, signal })),
  });
  const assignedIds = new Set((assigned.data ?? []).map((student) => student.id));
  const side = { columns: studentColumns, rowKey: (student: StudentRef) => student.id };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={students.query.error ?? assigned.error} />
      <AssignmentPicker
        queryKey={counselorStudentsKey(teacher.id)}
        refresh={[counselorsKey]}
        put={(student_ids) =>
          unwrap(api.PUT('/api/v1/counselors/{teacher_id}/students', { params: { path }, body: { student_ids } }))
        }
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

/**
 * 設定輔導老師/科主任 (module S0210S; FAQ 三): pick a teacher, then add students found by class and
 * name, or remove some (after a confirmation). Set again each term.
 */
export function CounselorsPage() {
  const t = useT();
  return (
    <AdvisorSettings
      title={t('設定輔導老師/科主任', 'Counselors / department heads')}
      intro={t('選擇教師後，依班級或學號、姓名查詢學生，勾選後按「加入」設定為該教師輔導的學生；勾選已設定學生按「移除」取消。輔導老師／科主任可查看所設定學生的學習歷程。', 'Choose a teacher, find students by class, student number or name, tick them and press "Add" to assign them; tick assigned students and press "Remove" to unassign. Counselors / department heads can view their students\' portfolios.')}
      module={{ code: 'S0210S', name: t('查詢輔導教師', 'Counselors') }}
      assignedTitle={t('已設定學生數', 'Students assigned')}
      list="/api/v1/counselors"
      queryKey={counselorsKey}
      editor={CounselorStudents}
    />
  );
}
