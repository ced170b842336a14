import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Space, Statistic, Table, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { UsageClassSubject, UsageTeacher } from '../../api/types';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { formatTerm } from '../../lib/roc';
import { clientPagination } from '../../lib/usePagedQuery';
import { usageKey } from './queryKeys';
import { sumTeachers } from './reports';
import { TermSelect } from './TermSelect';

const count = { align: 'right' as const };

const classColumns: TableProps<UsageClassSubject>['columns'] = [
  { title: '年級', dataIndex: 'grade', render: (grade: number) => `${grade} 年級` },
  { title: '班級', dataIndex: 'class_code', render: (code: string) => code || '跨班' },
  { title: '科目', dataIndex: 'subject_name' },
  { title: '編輯中', dataIndex: 'editing', ...count },
  { title: '認證中', dataIndex: 'submitted', ...count },
  { title: '認證成功', dataIndex: 'certified', ...count },
  { title: '認證失敗', dataIndex: 'rejected', ...count },
  { title: '合計', dataIndex: 'total', ...count },
];

const teacherColumns: TableProps<UsageTeacher>['columns'] = [
  { title: '教師姓名', dataIndex: 'name' },
  { title: '帳號', dataIndex: 'account' },
  { title: '認證成功', dataIndex: 'certified', ...count },
  { title: '認證失敗', dataIndex: 'rejected', ...count },
  { title: '待認證', dataIndex: 'waiting', ...count },
];

/** A 合計 row: the label over the first `span` columns, then the numbers. */
function SummaryRow({ span, values }: { span: number; values: number[] }) {
  return (
    <Table.Summary.Row>
      <Table.Summary.Cell index={0} colSpan={span}>
        <Typography.Text strong>合計</Typography.Text>
      </Table.Summary.Cell>
      {values.map((value, index) => (
        <Table.Summary.Cell key={index} index={span + index} align="right">
          <Typography.Text strong>{value}</Typography.Text>
        </Table.Summary.Cell>
      ))}
    </Table.Summary.Row>
  );
}

/**
 * 學習成果使用統計 (module S0215S): the term's learning results in total (使用人數 and the states),
 * by grade, class and subject with a 合計 row, and each teacher's certification work; as an Excel
 * workbook too.
 */
export function UsagePage() {
  const [term, setTerm] = useState<string>();
  const usage = useQuery({
    queryKey: [...usageKey, term ?? 'current'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/usage', { params: { query: { term } }, signal })),
  });
  const report = usage.data;
  const totals = report?.totals;
  const teacherSums = sumTeachers(report?.by_teacher ?? []);

  return (
    <PageCard
      title="學習成果使用統計"
      intro={`${report?.term ? formatTerm(report.term) : '本學期'}課程學習成果的上傳與認證情形：全校合計、各班級科目，以及各教師的認證件數。`}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <DownloadButton
          fetch={(signal) =>
            fetchFile(
              api.GET('/api/v1/reports/usage.xlsx', { params: { query: { term } }, parseAs: 'blob', signal }),
              `學習成果使用統計${term ? `_${term}` : ''}.xlsx`,
            )
          }
        />
      </Space>
      <ErrorAlert error={usage.error} />
      {report && report.term === null && (
        <Typography.Paragraph type="secondary">學校尚未有學年期資料。</Typography.Paragraph>
      )}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Row gutter={[16, 16]} data-testid="usage-totals">
          {(
            [
              ['使用人數', totals?.students_uploading],
              ['學習成果總數', totals?.total],
              ['編輯中', totals?.editing],
              ['認證中', totals?.submitted],
              ['認證成功', totals?.certified],
              ['認證失敗', totals?.rejected],
            ] as const
          ).map(([title, value]) => (
            <Col key={title} xs={12} sm={8} lg={4}>
              <Card size="small">
                <Statistic title={title} value={value ?? 0} loading={usage.isPending} />
              </Card>
            </Col>
          ))}
        </Row>
        <div>
          <Typography.Title level={5}>班級科目統計</Typography.Title>
          <Table<UsageClassSubject>
            className="licheng-nowrap-head"
            rowKey={(row) => `${row.grade}-${row.class_code}-${row.subject_name}`}
            size="small"
            columns={classColumns}
            dataSource={report?.by_class_subject ?? []}
            loading={usage.isFetching}
            pagination={clientPagination}
            scroll={{ x: true }}
            locale={{ emptyText: '沒有學習成果資料' }}
            summary={() =>
              totals && (report?.by_class_subject.length ?? 0) > 0 ? (
                <SummaryRow
                  span={3}
                  values={[totals.editing, totals.submitted, totals.certified, totals.rejected, totals.total]}
                />
              ) : null
            }
          />
        </div>
        <div>
          <Typography.Title level={5}>教師認證統計</Typography.Title>
          <Table<UsageTeacher>
            className="licheng-nowrap-head"
            rowKey="teacher_id"
            size="small"
            columns={teacherColumns}
            dataSource={report?.by_teacher ?? []}
            loading={usage.isFetching}
            pagination={clientPagination}
            scroll={{ x: true }}
            locale={{ emptyText: '沒有教師認證資料' }}
            summary={() =>
              (report?.by_teacher.length ?? 0) > 0 ? (
                <SummaryRow span={2} values={[teacherSums.certified, teacherSums.rejected, teacherSums.waiting]} />
              ) : null
            }
          />
        </div>
      </Space>
    </PageCard>
  );
}
