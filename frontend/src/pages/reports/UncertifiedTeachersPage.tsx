import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Row, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { UncertifiedStudent, UncertifiedTeacher } from '../../api/types';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { formatTerm } from '../../lib/roc';
import { clientPagination } from '../../lib/usePagedQuery';
import { uncertifiedCoursesKey, uncertifiedStudentsKey, uncertifiedTeachersKey } from './queryKeys';
import { xlsxName } from './ReportFilters';
import { TermSelect } from './TermSelect';
import { tr, useT } from '../../i18n';

const studentColumns: TableProps<UncertifiedStudent>['columns'] = [
  {
    get title() {
      return tr('班級', 'Class');
    },
    dataIndex: 'class_code', render: (code: string | null) => code ?? '',
  },
  {
    get title() {
      return tr('座號', 'Seat');
    },
    dataIndex: 'seat_no', render: (seat: number | null) => seat ?? '',
  },
  {
    get title() {
      return tr('姓名', 'Name');
    },
    key: 'name',
    render: (_, student) => (
      <div style={{ minWidth: 90 }}>
        {student.name}
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {student.number ?? student.account}
        </Typography.Text>
      </div>
    ),
  },
  {
    get title() {
      return tr('科目', 'Subject');
    },
    dataIndex: 'subject_name',
  },
  {
    get title() {
      return tr('待認證數量', 'Waiting');
    },
    dataIndex: 'waiting', align: 'right',
  },
];

/** 未認證學生清單 of one teacher: their students and courses with results waiting. */
function TeacherStudents({ teacher, term }: { teacher: UncertifiedTeacher; term: string | undefined }) {
  const t = useT();
  const students = useQuery({
    queryKey: uncertifiedStudentsKey(teacher.teacher_id, term),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/reports/uncertified-teachers/{teacher_id}/students', {
          params: { path: { teacher_id: teacher.teacher_id }, query: { term } },
          signal,
        }),
      ),
  });
  return (
    <Card size="small" title={t(`未認證學生清單：${teacher.name}`, `Uncertified students: ${teacher.name}`)}>
      <ErrorAlert error={students.error} />
      <Table<UncertifiedStudent>
        className="licheng-nowrap-head"
        rowKey={(student) => `${student.student_id}-${student.course_id}`}
        size="small"
        columns={studentColumns}
        dataSource={students.data ?? []}
        loading={students.isFetching}
        pagination={clientPagination}
        scroll={{ x: true }}
        locale={{ emptyText: t('沒有待認證的學生', 'No students waiting') }}
      />
    </Card>
  );
}

/**
 * 未認證教師狀況表 (module S0216S, manual 4.4): the teachers with learning results waiting for their
 * certification in a term, most first; a teacher's 未認證學生清單 (class, seat, name, subject, count)
 * beside it; both as an Excel workbook.
 */
export function UncertifiedTeachersPage() {
  const t = useT();
  const [term, setTerm] = useState<string>();
  const [picked, setPicked] = useState<UncertifiedTeacher | null>(null);

  const teachers = useQuery({
    queryKey: [...uncertifiedTeachersKey, term ?? 'current'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/reports/uncertified-teachers', { params: { query: { term } }, signal })),
  });

  // Courses whose waiting results no active teacher certifies and no delegate was named for (003 #25).
  const orphaned = useQuery({
    queryKey: [...uncertifiedCoursesKey, term ?? 'current'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/reports/uncertified-courses', { params: { query: { term } }, signal })),
  });

  const columns: TableProps<UncertifiedTeacher>['columns'] = [
    {
      title: t('教師姓名', 'Teacher'),
      key: 'name',
      render: (_, teacher) => (
        <Button
          type="link"
          style={{ padding: 0, height: 'auto', textAlign: 'start' }}
          onClick={() => setPicked(teacher)}
          aria-label={t(`查看 ${teacher.name} 的未認證學生`, `View ${teacher.name}'s uncertified students`)}
        >
          <span>
            {teacher.name}
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {teacher.account}
            </Typography.Text>
          </span>
        </Button>
      ),
    },
    { title: t('未認證數量', 'Uncertified'), dataIndex: 'waiting', align: 'right' },
    {
      // A teacher who left (meeting 003 #25): their results wait for a delegate certifier.
      title: t('備註', 'Note'),
      key: 'departed',
      render: (_, teacher) =>
        teacher.departed ? (
          <Space size={4} wrap>
            <Tag color="red">{t('已離職', 'Left')}</Tag>
            {teacher.delegate ? (
              <Typography.Text>{t(`代理認證：${teacher.delegate}`, `Delegate: ${teacher.delegate}`)}</Typography.Text>
            ) : (
              <Typography.Text type="danger">{t('尚未指定代理認證教師', 'No delegate certifier yet')}</Typography.Text>
            )}
          </Space>
        ) : teacher.delegate ? (
          <Typography.Text>{t(`代理認證：${teacher.delegate}`, `Delegate: ${teacher.delegate}`)}</Typography.Text>
        ) : null,
    },
  ];

  return (
    <PageCard
      title={t('未認證教師狀況表', 'Uncertified teachers')}
      intro={t('學期中尚有學生送出認證、但還沒認證的教師，依未認證數量排列。點選教師查看其未認證學生清單。', 'Teachers with learning results submitted this term but not yet certified, by number waiting. Choose a teacher to see the students.')}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect
          value={term}
          onChange={(next) => {
            setTerm(next);
            setPicked(null);
          }}
        />
        <DownloadButton
          fetch={(signal) =>
            fetchFile(
              api.GET('/api/v1/reports/uncertified-teachers.xlsx', { params: { query: { term } }, parseAs: 'blob', signal }),
              xlsxName('未認證教師狀況表', term),
            )
          }
        />
      </Space>
      <ErrorAlert error={teachers.error} />
      {orphaned.data && orphaned.data.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('下列課程的學習成果無人可認證，請至「代理認證教師」指定代理人', 'Nobody can certify the learning results of these courses: name a delegate certifier')}
          description={orphaned.data
            .map((course) => t(`${course.subject_name}（${course.class_code || '跨班'}）待認證 ${course.waiting} 件`, `${course.subject_name} (${course.class_code || 'across classes'}): ${course.waiting} waiting`))
            .join(t('、', '; '))}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Table<UncertifiedTeacher>
            className="licheng-nowrap-head"
            rowKey="teacher_id"
            size="small"
            columns={columns}
            dataSource={teachers.data ?? []}
            loading={teachers.isFetching}
            pagination={clientPagination}
            rowClassName={(teacher) => (teacher.teacher_id === picked?.teacher_id ? 'ant-table-row-selected' : '')}
            locale={{
            emptyText: t(
              `${term ? formatTerm(term) : '本學期'}沒有未認證的學習成果`,
              `No uncertified learning results in ${term ? formatTerm(term) : 'this term'}`,
            ),
          }}
          />
        </Col>
        <Col xs={24} lg={14}>
          {picked ? (
            <TeacherStudents key={picked.teacher_id} teacher={picked} term={term} />
          ) : (
            <Card size="small">
              <Empty description={t('點選左側教師，查看其未認證學生清單', 'Choose a teacher on the left to see the uncertified students')} />
            </Card>
          )}
        </Col>
      </Row>
    </PageCard>
  );
}
