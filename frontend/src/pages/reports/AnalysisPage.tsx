import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Select, Space, Table, Typography, type TableProps } from 'antd';
import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { tr, useT } from '../../i18n';
import { errorMessage } from '../../auth/messages';
import { JobProgress } from '../rosters/RostersPage';
import { Chart } from './Chart';
import { xlsxName } from './ReportFilters';
import { TermSelect } from './TermSelect';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Analysis = JsonOf<paths['/api/v1/reports/analysis']['get']['responses'][200]>;
type Row = Analysis['rows'][number];

const SUBJECTS = ['results', 'certifications', 'performances', 'selections', 'self_directed'] as const;
type Subject = (typeof SUBJECTS)[number];
const DIMENSIONS = ['term', 'grade', 'class', 'subject', 'state', 'teacher', 'day'] as const;

function subjectLabel(s: string): string {
  switch (s) {
    case 'results':
      return tr('課程學習成果', 'Learning results');
    case 'certifications':
      return tr('認證（已認證／認證失敗）', 'Certifications (decided)');
    case 'performances':
      return tr('多元表現', 'Performances');
    case 'self_directed':
      return tr('自主學習計畫', 'Self-directed learning plans');
    default:
      return tr('勾選提交', 'Selections');
  }
}

function dimensionLabel(d: string): string {
  const labels: Record<string, [string, string]> = {
    term: ['學年期', 'Term'],
    grade: ['年級', 'Grade'],
    class: ['班級', 'Class'],
    subject: ['科目／類別', 'Subject / category'],
    state: ['狀態', 'State'],
    teacher: ['教師', 'Teacher'],
    day: ['日期', 'Day'],
  };
  const [zh, en] = labels[d] ?? [d, d];
  return tr(zh, en);
}

const COLOURS = ['#1677ff', '#52c41a', '#faad14', '#eb2f96', '#13c2c2', '#722ed1', '#fa541c', '#2f54eb'];

/**
 * The chart of an analysis: one bar per group of the first dimension; with two dimensions one
 * series per value of the second (stacked).
 */
export function analysisChart(a: Pick<Analysis, 'by' | 'rows'>): ChartConfiguration<'bar'> {
  const labels = [...new Set(a.rows.map((r) => r.keys[0]))];
  if (a.by.length < 2) {
    return {
      type: 'bar',
      data: { labels, datasets: [{ label: tr('筆數', 'Count'), data: labels.map((l) => a.rows.find((r) => r.keys[0] === l)?.count ?? 0), backgroundColor: COLOURS[0] }] },
    };
  }
  const series = [...new Set(a.rows.map((r) => r.keys[1]))];
  return {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s,
        data: labels.map((l) => a.rows.find((r) => r.keys[0] === l && r.keys[1] === s)?.count ?? 0),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  };
}

/**
 * 數據分析 (manual 9.1; the school admin): one subject counted by one or two dimensions, as a chart
 * with the same figures in a table beside it, an Excel workbook, or (large ones) an export job.
 */
export function AnalysisPage() {
  const t = useT();
  const [term, setTerm] = useState<string>();
  const [subject, setSubject] = useState<Subject>('results');
  const [by, setBy] = useState<string[]>(['grade', 'state']);
  const query = { term, subject, by: by.join(',') };
  const analysis = useQuery({
    queryKey: ['reports', 'analysis', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/analysis', { params: { query }, signal })),
    enabled: by.length > 0,
  });
  const { message } = App.useApp();
  const [jobId, setJobId] = useState<number | null>(null);
  const exportJob = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/reports/analysis/exports', { params: { query } })),
    onSuccess: (r) => setJobId(r.job_id),
    onError: (e) => void message.error(errorMessage(e).title),
  });
  const chart = useMemo(() => (analysis.data ? analysisChart(analysis.data) : null), [analysis.data]);
  const columns: TableProps<Row>['columns'] = [
    ...(analysis.data?.by ?? []).map((d, i) => ({ title: dimensionLabel(d), key: d, render: (_: unknown, r: Row) => r.keys[i] })),
    { title: t('筆數', 'Count'), dataIndex: 'count', align: 'right' as const, width: 90 },
  ];
  return (
    <PageCard title={t('數據分析', 'Data analysis')} intro={t('選擇資料與一到兩個分組欄位，查看筆數並匯出 Excel。', 'Choose the data and one or two dimensions; see the counts and export them to Excel.')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <Select<string>
          aria-label={t('資料', 'Data')}
          value={subject}
          onChange={(v) => setSubject(v as Subject)}
          options={SUBJECTS.map((s) => ({ value: s, label: subjectLabel(s) }))}
          style={{ width: 240 }}
        />
        <Select<string[]>
          aria-label={t('分組欄位（最多兩個）', 'Group by (up to two)')}
          mode="multiple"
          value={by}
          onChange={(v) => setBy(v.slice(-2))}
          options={DIMENSIONS.map((d) => ({ value: d, label: dimensionLabel(d) }))}
          style={{ minWidth: 260 }}
        />
        <DownloadButton
          disabled={by.length === 0}
          fetch={(signal) => fetchFile(api.GET('/api/v1/reports/analysis.xlsx', { params: { query }, parseAs: 'blob', signal }), xlsxName('數據分析', term))}
        />
        <Button disabled={by.length === 0} loading={exportJob.isPending} onClick={() => exportJob.mutate()}>
          {t('背景匯出（大量資料）', 'Export in the background (large)')}
        </Button>
      </Space>
      {jobId !== null && <JobProgress key={jobId} jobId={jobId} onEnd={() => undefined} />}
      <ErrorAlert error={analysis.error} />
      {analysis.data && (
        <Typography.Paragraph>
          {t(`合計 ${analysis.data.total} 筆`, `${analysis.data.total} in all`)}
        </Typography.Paragraph>
      )}
      {chart && analysis.data && analysis.data.rows.length > 0 && (
        <Chart config={chart} label={t(`${subjectLabel(subject)}長條圖，數字見下表`, `Bar chart of ${subjectLabel(subject)}; the figures are in the table below`)} />
      )}
      <Table<Row> rowKey={(r) => r.keys.join('|')} size="small" columns={columns} dataSource={analysis.data?.rows ?? []} loading={analysis.isFetching} scroll={{ x: true }} />
    </PageCard>
  );
}
