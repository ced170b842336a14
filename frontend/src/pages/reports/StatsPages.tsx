import { useQuery } from '@tanstack/react-query';
import { Table, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { clientPagination } from '../../lib/usePagedQuery';
import { tr, useT } from '../../i18n';
import { filterQuery, ReportFilters, xlsxName, type ReportFilter } from './ReportFilters';
import { ScrollTable } from '../../components/ScrollRegion';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type UploadStats = JsonOf<paths['/api/v1/reports/upload-stats']['get']['responses'][200]>;
type UploadStat = UploadStats['rows'][number];
type UsageCounts = JsonOf<paths['/api/v1/reports/usage-counts']['get']['responses'][200]>;
type UsageCount = UsageCounts['by_class'][number];
type TeacherStats = JsonOf<paths['/api/v1/reports/teacher-certifications']['get']['responses'][200]>;
type TeacherStat = TeacherStats['teachers'][number];

const num = { align: 'right' as const };

function NoTerm({ term }: { term: string | null | undefined }) {
  const t = useT();
  if (term !== null) return null;
  return <Typography.Paragraph type="secondary">{t('學校尚未有學年期資料。', 'The school has no term data yet.')}</Typography.Paragraph>;
}

/** 學習成果上傳統計 (module S0215S): results by grade, class and subject, by state. */
export function UploadStatsPage() {
  const t = useT();
  const [filter, setFilter] = useState<ReportFilter>({});
  const query = filterQuery(filter);
  const stats = useQuery({
    queryKey: ['reports', 'upload-stats', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/upload-stats', { params: { query }, signal })),
  });
  const columns: TableProps<UploadStat>['columns'] = [
    { title: tr('年級', 'Grade'), dataIndex: 'grade' },
    { title: tr('班級', 'Class'), dataIndex: 'class_code' },
    { title: tr('科目', 'Subject'), dataIndex: 'subject_name' },
    { title: tr('上傳人數', 'Students'), dataIndex: 'students', ...num },
    { title: tr('編輯中', 'Editing'), dataIndex: 'editing', ...num },
    { title: tr('認證中', 'Under certification'), dataIndex: 'submitted', ...num },
    { title: tr('認證成功', 'Certified'), dataIndex: 'certified', ...num },
    { title: tr('認證失敗', 'Not certified'), dataIndex: 'rejected', ...num },
    { title: tr('合計', 'Total'), dataIndex: 'total', ...num },
  ];
  const total = stats.data?.total;
  return (
    <PageCard title={t('學習成果上傳統計', 'Learning result uploads')} intro={t('各年級、班級、科目的課程學習成果件數與狀態。', 'Course learning results by grade, class and subject, by state.')}>
      <ReportFilters
        value={filter}
        onChange={setFilter}
        extra={
          <DownloadButton
            fetch={(signal) => fetchFile(api.GET('/api/v1/reports/upload-stats.xlsx', { params: { query }, parseAs: 'blob', signal }), xlsxName('學習成果上傳統計', filter.term))}
          />
        }
      />
      <ErrorAlert error={stats.error} />
      <NoTerm term={stats.data?.term} />
      <ScrollTable<UploadStat>
        label={t('學習成果上傳統計', 'Learning result uploads')}
        rowKey={(r) => `${r.grade}-${r.class_code}-${r.subject_name}`}
        size="small"
        columns={columns}
        dataSource={stats.data?.rows ?? []}
        loading={stats.isFetching}
        pagination={clientPagination}
        locale={{ emptyText: t('沒有學習成果資料', 'No learning results') }}
        summary={() =>
          total && total.total > 0 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={3}>
                <Typography.Text strong>{t('合計', 'Total')}</Typography.Text>
              </Table.Summary.Cell>
              {[total.students, total.editing, total.submitted, total.certified, total.rejected, total.total].map((v, i) => (
                <Table.Summary.Cell key={i} index={3 + i} align="right">
                  <Typography.Text strong>{v}</Typography.Text>
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          ) : null
        }
      />
    </PageCard>
  );
}

/** 學習成果使用人數統計表 (module S0215S): students and uploading students by grade and class. */
export function UsageCountsPage() {
  const t = useT();
  const [filter, setFilter] = useState<ReportFilter>({});
  const query = filterQuery(filter);
  const counts = useQuery({
    queryKey: ['reports', 'usage-counts', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/usage-counts', { params: { query }, signal })),
  });
  const rows: (UsageCount & { key: string; label?: string })[] = [
    ...(counts.data?.by_class ?? []).map((u) => ({ ...u, key: `c-${u.grade}-${u.class_code}` })),
    ...(counts.data?.by_grade ?? []).map((u) => ({ ...u, key: `g-${u.grade}`, label: tr(`${u.grade} 年級小計`, `Grade ${u.grade} subtotal`) })),
    ...(counts.data && counts.data.term !== null ? [{ ...counts.data.total, key: 'total', label: tr('合計', 'Total') }] : []),
  ];
  const columns: TableProps<UsageCount & { key: string; label?: string }>['columns'] = [
    { title: tr('年級', 'Grade'), dataIndex: 'grade', render: (g: number | null, r) => r.label ?? g },
    { title: tr('班級', 'Class'), dataIndex: 'class_code' },
    { title: tr('學生數', 'Students'), dataIndex: 'students', ...num },
    { title: tr('使用人數', 'Students uploading'), dataIndex: 'students_uploading', ...num },
    { title: tr('使用率', 'Rate'), dataIndex: 'rate', ...num, render: (r: number) => `${r.toFixed(1)}%` },
    { title: tr('學習成果數', 'Learning results'), dataIndex: 'results', ...num },
  ];
  return (
    <PageCard title={t('學習成果使用人數統計表', 'Students using learning results')} intro={t('各年級、班級已上傳課程學習成果的學生人數與比例。', 'Students who uploaded course learning results, by grade and class.')}>
      <ReportFilters
        value={filter}
        onChange={setFilter}
        extra={
          <DownloadButton
            fetch={(signal) => fetchFile(api.GET('/api/v1/reports/usage-counts.xlsx', { params: { query }, parseAs: 'blob', signal }), xlsxName('學習成果使用人數統計表', filter.term))}
          />
        }
      />
      <ErrorAlert error={counts.error} />
      <NoTerm term={counts.data?.term} />
      <ScrollTable label={t('學習成果使用人數統計表', 'Students using learning results')} rowKey="key" size="small" columns={columns} dataSource={rows} loading={counts.isFetching} pagination={false} />
    </PageCard>
  );
}

/** 教師學習成果認證統計表 (module S0215S): per teacher certified, rejected and waiting results. */
export function TeacherCertificationsPage() {
  const t = useT();
  const [filter, setFilter] = useState<ReportFilter>({});
  const query = filterQuery(filter);
  const stats = useQuery({
    queryKey: ['reports', 'teacher-certifications', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/teacher-certifications', { params: { query }, signal })),
  });
  const columns: TableProps<TeacherStat>['columns'] = [
    { title: tr('教師姓名', 'Teacher'), dataIndex: 'name' },
    { title: tr('帳號', 'Account'), dataIndex: 'account' },
    { title: tr('認證成功', 'Certified'), dataIndex: 'certified', ...num },
    { title: tr('認證失敗', 'Not certified'), dataIndex: 'rejected', ...num },
    { title: tr('未認證', 'Waiting'), dataIndex: 'waiting', ...num },
  ];
  return (
    <PageCard title={t('教師學習成果認證統計表', 'Teachers’ certification statistics')} intro={t('各教師認證成功、認證失敗與尚未認證的學習成果件數（依學生的年級、班級篩選）。', 'Per teacher: results certified, not certified and waiting (filtered by the students’ grade and class).')}>
      <ReportFilters
        value={filter}
        onChange={setFilter}
        extra={
          <DownloadButton
            fetch={(signal) =>
              fetchFile(api.GET('/api/v1/reports/teacher-certifications.xlsx', { params: { query }, parseAs: 'blob', signal }), xlsxName('教師學習成果認證統計表', filter.term))
            }
          />
        }
      />
      <ErrorAlert error={stats.error} />
      <NoTerm term={stats.data?.term} />
      <ScrollTable<TeacherStat>
        label={t('教師學習成果認證統計表', 'Teachers’ certification statistics')}
        rowKey="teacher_id"
        size="small"
        columns={columns}
        dataSource={stats.data?.teachers ?? []}
        loading={stats.isFetching}
        pagination={clientPagination}
      />
    </PageCard>
  );
}
