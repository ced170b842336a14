import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Grid, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { LearningResult, Performance, SelectionStatusQuery, SelectionStatusRow } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { DownloadButton } from '../../components/DownloadButton';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { formatRocDate, formatTerm } from '../../lib/roc';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { StudentFilters } from '../advisors/StudentFilters';
import { ResultStateTag } from '../student/ResultDetailDrawer';
import { selectionStatusKey } from './queryKeys';
import { selectionCountText, selectionReports, type SelectionReportKind } from './reports';
import { xlsxName } from './ReportFilters';
import { YearSelect } from './TermSelect';
import { tr, useT } from '../../i18n';

type StatusFilters = Pick<SelectionStatusQuery, 'academic_year' | 'class_code' | 'seat_no' | 'q'>;

/** Every item of a student fits one request (the limits are 6 results, 10 performances a year). */
const ITEMS_PER_STUDENT = 200;

const selectedTag = (selected: boolean) =>
  selected ? (
    <Tag color="purple">{tr('已勾選', 'Selected')}</Tag>
  ) : (
    <Typography.Text type="secondary">{tr('未勾選', 'Not selected')}</Typography.Text>
  );

/** Selected ones first, then as the server listed them. */
function selectedFirst<T extends { selected: boolean }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Number(b.selected) - Number(a.selected));
}

const resultColumns: TableProps<LearningResult>['columns'] = [
  {
    get title() {
      return tr('學年期', 'Term');
    },
    dataIndex: 'term', render: (term: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatTerm(term)}</span>,
  },
  {
    get title() {
      return tr('科目', 'Subject');
    },
    dataIndex: 'subject_name',
  },
  {
    get title() {
      return tr('內容簡述', 'Description');
    },
    dataIndex: 'description',
    render: (text: string) => (
      <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ minWidth: 140, margin: 0 }}>
        {text}
      </Typography.Paragraph>
    ),
  },
  {
    get title() {
      return tr('狀態', 'Status');
    },
    dataIndex: 'state', render: (state: LearningResult['state']) => <ResultStateTag state={state} />,
  },
  {
    get title() {
      return tr('勾選', 'Selected');
    },
    dataIndex: 'selected', render: selectedTag,
  },
];

const performanceColumns: TableProps<Performance>['columns'] = [
  {
    get title() {
      return tr('類別', 'Category');
    },
    dataIndex: 'category_name',
  },
  {
    get title() {
      return tr('名稱', 'Title');
    },
    dataIndex: 'title',
  },
  {
    get title() {
      return tr('日期', 'Date');
    },
    key: 'date',
    render: (_, item) => (
      <span style={{ whiteSpace: 'nowrap' }}>
        {formatRocDate(item.start_date)}
        {item.end_date ? ` ~ ${formatRocDate(item.end_date)}` : ''}
      </span>
    ),
  },
  {
    get title() {
      return tr('內容簡述', 'Description');
    },
    dataIndex: 'description',
    render: (text: string) => (
      <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ minWidth: 140, margin: 0 }}>
        {text}
      </Typography.Paragraph>
    ),
  },
  {
    get title() {
      return tr('勾選', 'Selected');
    },
    dataIndex: 'selected', render: selectedTag,
  },
];

/** A student's learning results of the academic year (the list takes no year: filtered here). */
function StudentResults({ studentId, year }: { studentId: number; year: number | undefined }) {
  const t = useT();
  const items = useQuery({
    queryKey: ['learning-results', 'student', studentId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/learning-results', {
          params: { query: { student_id: studentId, per_page: ITEMS_PER_STUDENT } },
          signal,
        }),
      ),
  });
  const rows = selectedFirst((items.data?.items ?? []).filter((item) => year === undefined || item.academic_year === year));
  return (
    <>
      <ErrorAlert error={items.error} />
      <Table<LearningResult>
        className="licheng-nowrap-head"
        rowKey="id"
        size="small"
        columns={resultColumns}
        dataSource={rows}
        loading={items.isFetching}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('這個學年度沒有課程學習成果', 'No course learning results in this year') }}
      />
    </>
  );
}

function StudentPerformances({ studentId, year }: { studentId: number; year: number | undefined }) {
  const t = useT();
  const items = useQuery({
    queryKey: ['performances', 'student', studentId, year],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/performances', {
          params: { query: { student_id: studentId, academic_year: year, per_page: ITEMS_PER_STUDENT } },
          signal,
        }),
      ),
  });
  return (
    <>
      <ErrorAlert error={items.error} />
      <Table<Performance>
        className="licheng-nowrap-head"
        rowKey="id"
        size="small"
        columns={performanceColumns}
        dataSource={selectedFirst(items.data?.items ?? [])}
        loading={items.isFetching}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('這個學年度沒有多元表現', 'No diverse performances in this year') }}
      />
    </>
  );
}

/**
 * 查詢學生學習成果勾選情形 (S0205S, manual 4.1) / 查詢學生多元表現勾選情形 (S0206S, manual 4.2): each
 * student's selected count of the academic year, by class and seat, 30 a page, by class, 座號 and
 * 學號／姓名; 查看 lists the student's items with what is selected; 匯出 Excel.
 */
export function SelectionStatusPage({ kind }: { kind: SelectionReportKind }) {
  const t = useT();
  const report = selectionReports[kind];
  const screens = Grid.useBreakpoint();
  const { data: me } = useMe();
  const [filters, update] = useFilters<StatusFilters>({});
  const [viewing, setViewing] = useState<SelectionStatusRow | null>(null);
  const year = filters.academic_year ?? me?.current_term?.academic_year;

  const list = usePagedQuery({
    queryKey: [...selectionStatusKey, kind],
    filters,
    fetchPage: (query, signal) =>
      unwrap(api.GET('/api/v1/reports/selection-status', { params: { query: { ...query, kind } }, signal })),
  });

  const columns: TableProps<SelectionStatusRow>['columns'] = [
    { title: t('班級', 'Class'), dataIndex: 'class_code', render: (code: string | null) => code ?? '' },
    { title: t('座號', 'Seat'), dataIndex: 'seat_no', render: (seat: number | null) => seat ?? '' },
    { title: t('學號', 'Student no.'), key: 'number', render: (_, row) => row.number ?? row.account },
    { title: t('姓名', 'Name'), dataIndex: 'name' },
    {
      title: t('勾選數目', 'Selected'),
      key: 'selected',
      render: (_, row) => (
        <Space size={4}>
          <Tag color={row.selected > 0 ? 'purple' : 'default'}>{selectionCountText(row.selected, row.available)}</Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
            {t('已勾選／可勾選', 'selected / selectable')}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('查看', 'View'),
      key: 'view',
      render: (_, row) => (
        <Button type="link" onClick={() => setViewing(row)} aria-label={t(`查看 ${row.name} 的${report.itemName}`, `View ${row.name}'s ${report.itemName}`)}>
          {t('查看', 'View')}
        </Button>
      ),
    },
  ];

  return (
    <PageCard
      title={report.title}
      intro={t(
        `各學生在學年度中勾選提交的${report.itemName}數目（已勾選／可勾選），依班級座號排列。按「查看」列出該生的${report.itemName}。`,
        `How many ${report.itemName} each student selected in the year (selected / selectable), by class and seat. Press "View" to list a student's ${report.itemName}.`,
      )}
    >
      <ErrorAlert error={list.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <YearSelect value={filters.academic_year} onChange={(academic_year) => update({ academic_year })} />
        <StudentFilters seat onChange={update} />
        <DownloadButton
          fetch={(signal) =>
            fetchFile(
              api.GET('/api/v1/reports/selection-status.xlsx', {
                params: {
                  query: { kind, academic_year: filters.academic_year, class_code: filters.class_code, seat_no: filters.seat_no, q: filters.q },
                },
                parseAs: 'blob',
                signal,
              }),
              xlsxName(report.fileStem, year),
            )
          }
        />
      </Space>
      <ResponsiveTable<SelectionStatusRow>
        className="licheng-nowrap-head"
        rowKey="student_id"
        size="middle"
        columns={columns}
        actionKeys={['view']}
        scroll={{ x: true }}
        locale={{ emptyText: filters.q || filters.class_code || filters.seat_no !== undefined ? t('沒有符合條件的學生', 'No matching students') : t('沒有學生資料', 'No students') }}
        {...list.tableProps}
      />
      <Drawer
        title={
          viewing
            ? t(
                `${viewing.name}（${viewing.number ?? viewing.account}）的${report.itemName}`,
                `${viewing.name} (${viewing.number ?? viewing.account}): ${report.itemName}`,
              )
            : report.itemName
        }
        open={viewing !== null}
        onClose={() => setViewing(null)}
        size={screens.md ? 720 : '100%'}
        destroyOnHidden
      >
        {viewing && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text>
              {t(
                `${year ? `${year}學年度` : ''}已勾選 ${viewing.selected} 件，可勾選 ${viewing.available} 件。`,
                `${year ? `AY ${year}: ` : ''}${viewing.selected} selected, ${viewing.available} selectable.`,
              )}
            </Typography.Text>
            {kind === 'results' ? (
              <StudentResults studentId={viewing.student_id} year={year} />
            ) : (
              <StudentPerformances studentId={viewing.student_id} year={year} />
            )}
          </Space>
        )}
      </Drawer>
    </PageCard>
  );
}

/** 查詢學生學習成果勾選情形 (module S0205S). */
export function SelectionResultsPage() {
  return <SelectionStatusPage key="results" kind="results" />;
}

/** 查詢學生多元表現勾選情形 (module S0206S). */
export function SelectionPerformancesPage() {
  return <SelectionStatusPage key="performances" kind="performances" />;
}
