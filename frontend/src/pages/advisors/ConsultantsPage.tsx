import { useQuery } from '@tanstack/react-query';
import { Space, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import type { Advisor, ClassRef } from '../../api/types';
import { ErrorAlert } from '../../components/ProblemAlert';
import { AdvisorSettings } from './AdvisorSettings';
import { AssignedStudents } from './AssignedStudents';
import { AssignmentPicker } from './AssignmentPicker';
import { classColumns, className } from './columns';
import { consultantClassesKey, consultantsKey } from './queryKeys';
import { useT } from '../../i18n';

/** A consultant's 可設定班級 ↔ 已設定班級 this term. */
function ConsultantClasses({ teacher, readOnly }: { teacher: Advisor; readOnly: boolean }) {
  const t = useT();
  const path = { teacher_id: teacher.id };
  const classes = useQuery({
    queryKey: consultantClassesKey(teacher.id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/consultants/{teacher_id}/classes', { params: { path }, signal })),
  });
  const side = { columns: classColumns, rowKey: (klass: ClassRef) => klass.id, loading: classes.isFetching };

  return (
    <>
      <ErrorAlert error={classes.error} />
      <AssignmentPicker
        queryKey={consultantClassesKey(teacher.id)}
        refresh={[consultantsKey]}
        put={(class_ids) =>
          unwrap(api.PUT('/api/v1/consultants/{teacher_id}/classes', { params: { path }, body: { class_ids } }))
        }
        unit={t('個班級', 'class(es)')}
        name={className}
        readOnly={readOnly}
        available={{ ...side, title: t('可設定班級', 'Classes available'), rows: classes.data?.assignable ?? [], emptyText: t('沒有可設定的班級', 'No classes available') }}
        chosen={{ ...side, title: t('已設定班級', 'Assigned classes'), rows: classes.data?.assigned ?? [], emptyText: t('尚未設定班級', 'No classes assigned') }}
      />
    </>
  );
}

/** A consultant's classes, and students assigned one by one (FAQ 000 三 Q2: 「設定學生對應關係」). */
function ConsultantAssignments({ teacher, readOnly }: { teacher: Advisor; readOnly: boolean }) {
  const t = useT();
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <section aria-label={t('對應班級', 'Classes')}>
        <Typography.Title level={5}>{t('對應班級', 'Classes')}</Typography.Title>
        <ConsultantClasses teacher={teacher} readOnly={readOnly} />
      </section>
      <section aria-label={t('對應學生', 'Students')}>
        <Typography.Title level={5}>{t('對應學生', 'Students')}</Typography.Title>
        <AssignedStudents teacher={teacher} readOnly={readOnly} kind="consultants" />
      </section>
    </Space>
  );
}

/**
 * 設定課程諮詢教師 (manual 3.4, module S0204S): pick a teacher, then move this term's classes
 * between 可設定班級 and 已設定班級; removing asks first (「確定要刪除勾選的班級？」).
 */
export function ConsultantsPage() {
  const t = useT();
  return (
    <AdvisorSettings
      title={t('設定課程諮詢教師', 'Course consultants')}
      intro={t('選擇教師後，勾選可設定班級按「加入」指定給該教師；勾選已設定班級按「移除」取消。也可以依班級或學號、姓名查詢學生，個別設定對應學生。課程諮詢教師可查看所設定班級與學生的學習歷程。', 'Choose a teacher, tick available classes and press "Add" to assign them; tick assigned classes and press "Remove" to unassign. Students can also be assigned one by one, found by class, student number or name. Course consultants can view the students of their classes and their assigned students.')}
      module={{ code: 'S0204S', name: t('設定課程諮詢教師', 'Course consultants') }}
      assignedTitle={t('已設定班級數', 'Classes assigned')}
      list="/api/v1/consultants"
      queryKey={consultantsKey}
      editor={ConsultantAssignments}
    />
  );
}
