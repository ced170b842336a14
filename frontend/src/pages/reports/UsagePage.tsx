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
import { xlsxName } from './ReportFilters';
import { TermSelect } from './TermSelect';
import { tr, useT } from '../../i18n';
import { ScrollTable } from '../../components/ScrollRegion';

const count = { align: 'right' as const };

const classColumns: TableProps<UsageClassSubject>['columns'] = [
  {
    get title() {
      return tr('年級', 'Grade');
    },
    dataIndex: 'grade', render: (grade: number) => tr(`${grade} 年級`, `Grade ${grade}`),
  },
  {
    get title() {
      return tr('班級', 'Class');
    },
    dataIndex: 'class_code', render: (code: string) => code || tr('跨班', 'Cross-class'),
  },
  {
    get title() {
      return tr('科目', 'Subject');
    },
    dataIndex: 'subject_name',
  },
  {
    get title() {
      return tr('編輯中', 'Editing');
    },
    dataIndex: 'editing', ...count,
  },
  {
    get title() {
      return tr('認證中', 'Under certification');
    },
    dataIndex: 'submitted', ...count,
  },
  {
    get title() {
      return tr('認證成功', 'Certified');
    },
    dataIndex: 'certified', ...count,
  },
  {
    get title() {
      return tr('認證失敗', 'Not certified');
    },
    dataIndex: 'rejected', ...count,
  },
  {
    get title() {
      return tr('合計', 'Total');
    },
    dataIndex: 'total', ...count,
  },
];

const teacherColumns: TableProps<UsageTeacher>['columns'] = [
  {
    get title() {
      return tr('教師姓名', 'Teacher');
    },
    dataIndex: 'name',
  },
  {
    get title() {
      return tr('帳號', 'Account');
    },
    dataIndex: 'account',
  },
  {
    get title() {
      return tr('認證成功', 'Certified');
    },
    dataIndex: 'certified', ...count,
  },
  {
    get title() {
      return tr('認證失敗', 'Not certified');
    },
    dataIndex: 'rejected', ...count,
  },
  {
    get title() {
      return tr('待認證', 'Waiting');
    },
    dataIndex: 'waiting', ...count,
  },
];

/** A 合計 row: the label over the first `span` columns, then the numbers. */
function SummaryRow({ span, values }: { span: number; values: number[] }) {
  const t = useT();
  return (
    <Table.Summary.Row>
      <Table.Summary.Cell index={0} colSpan={span}>
        <Typography.Text strong>{t('合計', 'Total')}</Typography.Text>
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
  const t = useT();
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
      title={t('學習成果使用統計', 'Learning result usage')}
      intro={t(
        `${report?.term ? formatTerm(report.term) : '本學期'}課程學習成果的上傳與認證情形：全校合計、各班級科目，以及各教師的認證件數。`,
        `Uploads and certification of course learning results in ${report?.term ? formatTerm(report.term) : 'this term'}: school totals, per class and subject, and per teacher.`,
      )}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <DownloadButton
          fetch={(signal) =>
            fetchFile(
              api.GET('/api/v1/reports/usage.xlsx', { params: { query: { term } }, parseAs: 'blob', signal }),
              xlsxName('學習成果使用統計', term),
            )
          }
        />
      </Space>
      <ErrorAlert error={usage.error} />
      {report && report.term === null && (
        <Typography.Paragraph type="secondary">{t('學校尚未有學年期資料。', 'The school has no term data yet.')}</Typography.Paragraph>
      )}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Row gutter={[16, 16]} data-testid="usage-totals">
          {(
            [
              [t('使用人數', 'Students uploading'), totals?.students_uploading],
              [t('學習成果總數', 'Learning results'), totals?.total],
              [t('編輯中', 'Editing'), totals?.editing],
              [t('認證中', 'Under certification'), totals?.submitted],
              [t('認證成功', 'Certified'), totals?.certified],
              [t('認證失敗', 'Not certified'), totals?.rejected],
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
          <Typography.Title level={5}>{t('班級科目統計', 'By class and subject')}</Typography.Title>
          <ScrollTable<UsageClassSubject>
            label={t('班級科目統計', 'By class and subject')}
            className="licheng-nowrap-head"
            rowKey={(row) => `${row.grade}-${row.class_code}-${row.subject_name}`}
            size="small"
            columns={classColumns}
            dataSource={report?.by_class_subject ?? []}
            loading={usage.isFetching}
            pagination={clientPagination}
            locale={{ emptyText: t('沒有學習成果資料', 'No learning results') }}
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
          <Typography.Title level={5}>{t('教師認證統計', 'By teacher')}</Typography.Title>
          <ScrollTable<UsageTeacher>
            label={t('教師認證統計', 'By teacher')}
            className="licheng-nowrap-head"
            rowKey="teacher_id"
            size="small"
            columns={teacherColumns}
            dataSource={report?.by_teacher ?? []}
            loading={usage.isFetching}
            pagination={clientPagination}
            locale={{ emptyText: t('沒有教師認證資料', 'No certification by teachers') }}
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
