import { useQuery } from '@tanstack/react-query';
import { Space, Tag, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import type { ClassCounts, CourseTeacher } from '../../api/types';
import { certificationCoursesKey } from './queryKeys';
import { useChosenTerm } from '../../components/TermChoice';
import { useT } from '../../i18n';

/**
 * The teacher's courses of the chosen term (`?term=`, default the current one) with their counts
 * (`GET /api/v1/certification/courses`).
 */
export function useCertificationQueue() {
  const term = useChosenTerm();
  return useQuery({
    queryKey: [...certificationCoursesKey, term ?? 'current'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/certification/courses', { params: { query: term ? { term } : {} }, signal })),
  });
}

/** 認證中 / 認證成功 / 認證失敗 counts as coloured tags. */
export function StateCountTags({ counts }: { counts: Pick<ClassCounts, 'submitted' | 'certified' | 'rejected'> }) {
  const t = useT();
  return (
    <Space wrap size={4}>
      <Tag color="gold">
        {t('認證中', 'Under certification')} {counts.submitted}
      </Tag>
      <Tag color="green">
        {t('認證成功', 'Certified')} {counts.certified}
      </Tag>
      <Tag color="red">
        {t('認證失敗', 'Not certified')} {counts.rejected}
      </Tag>
    </Space>
  );
}

/** The course's teachers with 是否審核 (a co-taught course's certifiers, manual 3.5). */
export function TeacherList({ teachers }: { teachers: readonly CourseTeacher[] }) {
  const t = useT();
  if (teachers.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space wrap size={[12, 4]}>
      {teachers.map((teacher) => (
        <span key={teacher.teacher_id} style={{ whiteSpace: 'nowrap' }}>
          {teacher.name}{' '}
          <Tag color={teacher.can_certify ? 'blue' : 'default'} style={{ marginInlineEnd: 0 }}>
            {t('審核：', 'Certifies: ')}
            {teacher.can_certify ? t('是', 'yes') : t('否', 'no')}
          </Tag>
        </span>
      ))}
    </Space>
  );
}

/** 代理認證 on a course the teacher certifies as the delegate the school named (003 #25). */
export function DelegateTag() {
  const t = useT();
  return <Tag color="purple">{t('代理認證', 'Certifying as delegate')}</Tag>;
}

/** 無法認證 for a co-teacher the school marked 否. */
export function NoCertifyTag() {
  const t = useT();
  return <Tag color="default">{t('不審核（僅能查看）', 'Does not certify (view only)')}</Tag>;
}
