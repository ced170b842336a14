import { Tag, Typography, type TableProps } from 'antd';
import { api, unwrap } from '../../api/client';
import type { ApiError } from '../../api/error';
import type { BatchLog, ReceivingLogQuery, SyncKind } from '../../api/types';
import { DayRangePicker } from '../../components/DayRangePicker';
import { FilteredListCard, FilterSelect } from '../../components/FilteredListCard';
import { formatApiDateTime, formatApiTerm } from '../../lib/roc';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { receivingLogKey } from './queryKeys';
import { batchProblem, batchStatus, resultText, rowErrors, syncKindOptions } from './syncLog';
import { tr, useT } from '../../i18n';

type LogFilters = Pick<ReceivingLogQuery, 'kind' | 'from' | 'to'>;

/** Row messages listed under an expanded entry; a batch may have thousands, the rest are counted. */
const MAX_ROW_ERRORS = 200;

/** Log times only seconds apart: show the seconds, as the manual's table does. */
const logTime = (value: string | null | undefined) => formatApiDateTime(value, '', { seconds: true });

/** An expanded entry: the problem's explanation and its messages per row and field. */
function BatchErrorDetail({ problem }: { problem: ApiError }) {
  const t = useT();
  const rows = rowErrors(problem);
  return (
    <div data-testid="batch-error">
      <Typography.Paragraph style={{ marginBottom: rows.length > 0 ? 8 : 0 }}>{problem.detail}</Typography.Paragraph>
      {rows.length > 0 && (
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {rows.slice(0, MAX_ROW_ERRORS).map(([field, messages]) => (
            <li key={field}>
              <Typography.Text code>{field}</Typography.Text> {messages.join('；')}
            </li>
          ))}
        </ul>
      )}
      {rows.length > MAX_ROW_ERRORS && (
        <Typography.Text type="secondary">
          {t(`另有 ${rows.length - MAX_ROW_ERRORS} 項錯誤未列出。`, `${rows.length - MAX_ROW_ERRORS} more errors not listed.`)}
        </Typography.Text>
      )}
    </div>
  );
}

/** The 錯誤 cell: the problem's title and how many rows were refused; expand the row for the rest. */
function ErrorSummary({ problem }: { problem: ApiError | null }) {
  const t = useT();
  if (!problem) return null;
  const count = Object.keys(problem.fieldErrors).length;
  return (
    <Typography.Text type="danger">
      {problem.title || problem.code}
      {count > 0 && t(`（${count} 項）`, ` (${count})`)}
    </Typography.Text>
  );
}

/** Only a refused batch expands, to its problem. */
const expandable: TableProps<BatchLog>['expandable'] = {
  rowExpandable: (row) => batchProblem(row.error) !== null,
  expandedRowRender: (row) => {
    const problem = batchProblem(row.error);
    return problem && <BatchErrorDetail problem={problem} />;
  },
};

const columns: TableProps<BatchLog>['columns'] = [
  {
    get title() {
      return tr('資料類型', 'Data kind');
    },
    dataIndex: 'kind_name', width: 130,
  },
  {
    get title() {
      return tr('學年期', 'Term');
    },
    key: 'term', width: 150, render: (_, row) => formatApiTerm(row),
  },
  {
    get title() {
      return tr('狀態', 'Status');
    },
    dataIndex: 'status_code',
    width: 120,
    render: (code: string) => {
      const status = batchStatus(code);
      return <Tag color={status.color}>{status.label}</Tag>;
    },
  },
  {
    get title() {
      return tr('結果', 'Result');
    },
    dataIndex: 'result', render: (result: unknown) => resultText(result),
  },
  {
    get title() {
      return tr('錯誤', 'Errors');
    },
    dataIndex: 'error', width: 180, render: (error: unknown) => <ErrorSummary problem={batchProblem(error)} />,
  },
  {
    get title() {
      return tr('接收時間', 'Received');
    },
    dataIndex: 'received_at', width: 170, render: logTime,
  },
  {
    get title() {
      return tr('結束時間', 'Finished');
    },
    dataIndex: 'finished_at', width: 170, render: logTime,
  },
];

/**
 * 學校查詢接收紀錄 (manual 4.3): every batch the school-affairs vendor sent, newest first, with
 * what it did or why it was refused (expand a row for the rows in error).
 */
export function ReceivingLogPage() {
  const t = useT();
  const [filters, update] = useFilters<LogFilters>({});

  const log = usePagedQuery({
    queryKey: receivingLogKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/sync/batches', { params: { query }, signal })),
  });

  return (
    <FilteredListCard<BatchLog>
      title={t('學校查詢接收紀錄', 'School receiving log')}
      intro={t('校務行政系統每日傳送的資料批次，由新到舊排列；被退回的批次可展開查看各列錯誤。時間為臺灣時間。', "Data batches the school administration system sends every day, newest first; expand a refused batch to see each row's errors. Times are Taiwan time.")}
      paged={log}
      columns={columns}
      expandable={expandable}
      locale={{ emptyText: t('沒有接收紀錄', 'No batches received') }}
      filters={
        <>
          <FilterSelect<SyncKind>
            label={t('資料類型', 'Data kind')}
            placeholder={t('全部資料類型', 'All data kinds')}
            options={syncKindOptions}
            value={filters.kind}
            onChange={(kind) => update({ kind })}
          />
          {/* The endpoint takes the days themselves (inclusive). */}
          <DayRangePicker onChange={update} />
        </>
      }
    />
  );
}
