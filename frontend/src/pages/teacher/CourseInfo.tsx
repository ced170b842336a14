import { useQuery } from '@tanstack/react-query';
import { Space, Tag, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import type { ClassCounts, CourseTeacher } from '../../api/types';
import { certificationCoursesKey } from './queryKeys';

/** The teacher's courses of the current term with their counts (`GET /api/v1/certification/courses`). */
export function useCertificationQueue() {
  return useQuery({
    queryKey: certificationCoursesKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/certification/courses', { signal })),
  });
}

/** 認證中 / 認證成功 / 認證失敗 counts as coloured tags. */
export function StateCountTags({ counts }: { counts: Pick<ClassCounts, 'submitted' | 'certified' | 'rejected'> }) {
  return (
    <Space wrap size={4}>
      <Tag color="gold">認證中 {counts.submitted}</Tag>
      <Tag color="green">認證成功 {counts.certified}</Tag>
      <Tag color="red">認證失敗 {counts.rejected}</Tag>
    </Space>
  );
}

/** The course's teachers with 是否審核 (a co-taught course's certifiers, manual 3.5). */
export function TeacherList({ teachers }: { teachers: readonly CourseTeacher[] }) {
  if (teachers.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space wrap size={[12, 4]}>
      {teachers.map((teacher) => (
        <span key={teacher.teacher_id} style={{ whiteSpace: 'nowrap' }}>
          {teacher.name}{' '}
          <Tag color={teacher.can_certify ? 'blue' : 'default'} style={{ marginInlineEnd: 0 }}>
            審核：{teacher.can_certify ? '是' : '否'}
          </Tag>
        </span>
      ))}
    </Space>
  );
}

/** 無法認證 for a co-teacher the school marked 否. */
export function NoCertifyTag() {
  return <Tag color="default">不審核（僅能查看）</Tag>;
}
