import { useQuery } from '@tanstack/react-query';
import { Select, Space, Table, Typography, type TableProps } from 'antd';
import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatRocDate } from '../../lib/roc';
import { tr, useT } from '../../i18n';
import { Chart, spansPlugin } from './Chart';
import { TermSelect } from './TermSelect';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
export type DeadlineView = JsonOf<paths['/api/v1/reports/deadlines']['get']['responses'][200]>;
type Day = DeadlineView['days'][number];
type Period = DeadlineView['periods'][number];

/** The chart: three bars a day, each work period shaded over the days it spans. */
export function deadlineChart(v: Pick<DeadlineView, 'days' | 'periods'>): ChartConfiguration<'bar'> {
  const days = v.days.map((d) => d.day);
  const index = (day: string) => {
    const i = days.indexOf(day);
    if (i >= 0) return i;
    return day < (days[0] ?? '') ? 0 : days.length - 1;
  };
  const spans = v.periods
    .filter((p) => days.length > 0 && p.end_date >= days[0]! && p.start_date <= days[days.length - 1]!)
    .map((p) => [index(p.start_date), index(p.end_date), `${p.grade}${tr('年級', ' grade')} ${p.item_name}`] as const);
  return {
    type: 'bar',
    data: {
      labels: v.days.map((d) => formatRocDate(d.day)),
      datasets: [
        { label: tr('上傳', 'Uploads'), data: v.days.map((d) => d.uploads), backgroundColor: '#1677ff' },
        { label: tr('送出認證', 'Submissions'), data: v.days.map((d) => d.submissions), backgroundColor: '#fa541c' },
        { label: tr('完成認證', 'Certifications'), data: v.days.map((d) => d.certifications), backgroundColor: '#52c41a' },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
    plugins: [spansPlugin(spans)],
  };
}

/**
 * 作業期限檢視 (issue #23, data analysis; the school admin): learning results uploaded, submitted and
 * certified per day, with the term's work periods drawn over the days, and the figures in a table.
 */
export function DeadlinesPage() {
  const t = useT();
  const [term, setTerm] = useState<string>();
  const [grade, setGrade] = useState<number>();
  const query = { term, grade };
  const view = useQuery({
    queryKey: ['reports', 'deadlines', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/deadlines', { params: { query }, signal })),
  });
  const chart = useMemo(() => (view.data ? deadlineChart(view.data) : null), [view.data]);
  const dayColumns: TableProps<Day>['columns'] = [
    { title: t('日期', 'Day'), dataIndex: 'day', render: (d: string) => formatRocDate(d) },
    { title: t('上傳', 'Uploads'), dataIndex: 'uploads', align: 'right' },
    { title: t('送出認證', 'Submissions'), dataIndex: 'submissions', align: 'right' },
    { title: t('完成認證', 'Certifications'), dataIndex: 'certifications', align: 'right' },
  ];
  const periodColumns: TableProps<Period>['columns'] = [
    { title: t('年級', 'Grade'), dataIndex: 'grade' },
    { title: t('項目', 'Item'), dataIndex: 'item_name' },
    { title: t('開始', 'From'), key: 'from', render: (_: unknown, p: Period) => `${formatRocDate(p.start_date)} ${p.start_hour}:00` },
    { title: t('結束', 'To'), key: 'to', render: (_: unknown, p: Period) => `${formatRocDate(p.end_date)} ${p.end_hour}:59` },
  ];
  return (
    <PageCard
      title={t('作業期限檢視', 'Deadline view')}
      intro={t('每日上傳、送出認證與完成認證的筆數，並標出學校作業時間。', 'Uploads, submissions and certifications per day, with the school work periods marked.')}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <Select<number>
          aria-label={t('年級', 'Grade')}
          allowClear
          placeholder={t('全部年級', 'All grades')}
          value={grade}
          onChange={setGrade}
          options={[1, 2, 3].map((g) => ({ value: g, label: t(`${g} 年級`, `Grade ${g}`) }))}
          style={{ width: 140 }}
        />
      </Space>
      <ErrorAlert error={view.error} />
      {chart && view.data && view.data.days.length > 0 && (
        <Chart config={chart} label={t('每日上傳、送出與認證長條圖，作業時間以底色標示；數字見下表', 'Bars per day of uploads, submissions and certifications, work periods shaded; the figures are in the table below')} />
      )}
      {view.data && view.data.days.length === 0 && !view.isFetching && (
        <Typography.Paragraph>{t('這個學年期沒有作業時間或資料。', 'No work periods or data in this term.')}</Typography.Paragraph>
      )}
      <Typography.Title level={5}>{t('作業時間', 'Work periods')}</Typography.Title>
      <Table<Period> rowKey="id" size="small" columns={periodColumns} dataSource={view.data?.periods ?? []} pagination={false} />
      <Typography.Title level={5}>{t('每日筆數', 'Per day')}</Typography.Title>
      <Table<Day> rowKey="day" size="small" columns={dayColumns} dataSource={view.data?.days ?? []} loading={view.isFetching} pagination={{ pageSize: 31 }} />
    </PageCard>
  );
}
