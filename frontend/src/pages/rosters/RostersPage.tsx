import { CloudDownloadOutlined, ExportOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Progress, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Job, RosterCheck, RosterExport, RosterIssue, RosterKind, RosterLine } from '../../api/types';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useApiMutation } from '../../lib/useApiMutation';
import { fetchFile } from '../../lib/download';
import { formatRocDateTime, formatTerm } from '../../lib/roc';
import { clientPagination } from '../../lib/usePagedQuery';
import { tr, useT } from '../../i18n';
import { cadreKinds, finished, gradesText, kindText, linesOf, percent, sizeText, submissionKinds } from './rosters';
import { ResponsiveTable } from '../../components/ResponsiveTable';

const rostersKey = ['rosters'] as const;
const historyKey = [...rostersKey, 'history'] as const;

type Division = 'day' | 'continuing';

function stateTag(state: Job['state']) {
  const [color, zh, en] =
    state === 'succeeded'
      ? ['green', '完成', 'Done']
      : state === 'failed'
        ? ['red', '失敗', 'Failed']
        : state === 'running'
          ? ['blue', '匯出中', 'Exporting']
          : ['default', '排隊中', 'Queued'];
  return <Tag color={color}>{tr(zh, en)}</Tag>;
}

function downloadExport(item: RosterExport) {
  return (signal: AbortSignal) =>
    fetchFile(
      api.GET('/api/v1/rosters/exports/{id}/download', { params: { path: { id: item.id } }, parseAs: 'blob', signal }),
      `${item.file_name}.zip`,
    );
}

/** 最後一次匯出: time, who, counts, size, SHA-256, download. */
function LastExport({ item }: { item: RosterExport | null | undefined }) {
  const t = useT();
  if (!item) return <Typography.Text type="secondary">{t('尚未匯出', 'Never exported')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={0}>
      <span>
        {formatRocDateTime(item.created_at, '', { seconds: true })} {item.exported_by} {stateTag(item.state)}
      </span>
      <Typography.Text type="secondary">
        {t(
          `${item.students} 位學生、${item.items} 筆、${item.files} 個附件`,
          `${item.students} students, ${item.items} items, ${item.files} files`,
        )}
        {item.size != null && ` · ${sizeText(item.size)}`}
      </Typography.Text>
      {item.sha256 && (
        <Typography.Text type="secondary" copyable={{ text: item.sha256 }} style={{ fontFamily: 'monospace' }}>
          SHA-256 {item.sha256.slice(0, 16)}…
        </Typography.Text>
      )}
      {item.download_url && (
        <DownloadButton size="small" icon={<CloudDownloadOutlined aria-hidden />} fetch={downloadExport(item)}>
          {t('下載', 'Download')}
        </DownloadButton>
      )}
    </Space>
  );
}

/** An issue with its place in the list (a student may have the same reason twice: two files). */
type KeyedIssue = RosterIssue & { key: number };

const issueColumns: TableProps<KeyedIssue>['columns'] = [
  {
    get title() {
      return tr('班級', 'Class');
    },
    dataIndex: 'class_code',
  },
  {
    get title() {
      return tr('座號', 'Seat');
    },
    dataIndex: 'seat_no',
  },
  {
    get title() {
      return tr('姓名', 'Name');
    },
    render: (_, issue) => `${issue.name}（${issue.account}）`,
  },
  {
    get title() {
      return tr('原因', 'Reason');
    },
    dataIndex: 'message',
  },
];

/** The progress of the running export, polled until it ends. */
export function JobProgress({ jobId, onEnd }: { jobId: number; onEnd: () => void }) {
  const t = useT();
  const job = useQuery({
    queryKey: ['jobs', jobId],
    queryFn: async ({ signal }) => {
      const data = await unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } }, signal }));
      if (finished(data)) onEnd();
      return data;
    },
    refetchInterval: (query) => (finished(query.state.data) ? false : 1000),
  });
  const data = job.data;
  return (
    <div data-testid="roster-progress">
      <ErrorAlert error={job.error} />
      {data && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Progress
            percent={percent(data)}
            status={data.state === 'failed' ? 'exception' : data.state === 'succeeded' ? 'success' : 'active'}
          />
          {data.state === 'failed' && <Alert type="error" showIcon title={t('匯出失敗', 'Export failed')} description={data.error} />}
          {data.state === 'queued' && data.error && (
            <Alert type="warning" showIcon title={t('稍後重試', 'Will retry')} description={data.error} />
          )}
          {data.result && (
            <DownloadButton
              type="primary"
              icon={<CloudDownloadOutlined aria-hidden />}
              fetch={(signal) =>
                fetchFile(
                  api.GET('/api/v1/jobs/{id}/result', { params: { path: { id: jobId } }, parseAs: 'blob', signal }),
                  data.result!.name,
                )
              }
            >
              {t(`下載 ${data.result.name}`, `Download ${data.result.name}`)}
            </DownloadButton>
          )}
        </Space>
      )}
    </div>
  );
}

/** The screen of both roster menus: the manual's table, the check, progress, history. */
function Rosters({ kinds, title }: { kinds: readonly RosterKind[]; title: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [division, setDivision] = useState<Division>('day');
  const [check, setCheck] = useState<{ line: RosterLine; report: RosterCheck } | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const table = useQuery({
    queryKey: [...rostersKey, 'table'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/rosters', { signal })),
  });
  const history = useQuery({
    queryKey: historyKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/rosters/exports', { signal })),
  });
  const lines = linesOf(table.data?.lines ?? [], kinds);
  const codes = new Set(lines.map((line) => line.roster));
  const exports = (history.data ?? []).filter((item) => codes.has(item.roster));
  const divisionOf = (line: RosterLine) => line.division ?? division;

  const start = useApiMutation(
    async (line: RosterLine) => {
      const report = await unwrap(
        api.GET('/api/v1/rosters/check', {
          params: { query: { roster: line.roster, grades: line.grades, division: divisionOf(line) } },
        }),
      );
      if (report.issues.length > 0) {
        setCheck({ line, report });
        return null;
      }
      return unwrap(
        api.POST('/api/v1/rosters/exports', {
          body: { roster: line.roster, grades: line.grades, division: divisionOf(line) },
        }),
      );
    },
    {
      onSuccess: (started) => {
        if (started) setJobId(started.job_id);
      },
      invalidate: [rostersKey],
    },
  );

  const columns: TableProps<RosterLine>['columns'] = [
    { title: t('項目', 'Item'), render: (_, line) => kindText(line.kind) },
    {
      title: t('名冊別', 'Roster'),
      render: (_, line) => `${line.roster}${line.division === 'continuing' ? t('（進修部）', ' (continuing education)') : ''}`,
    },
    { title: t('匯出年級', 'Grades'), render: (_, line) => gradesText(line.grades) },
    {
      title: t('匯出', 'Export'),
      render: (_, line) => (
        <Button
          icon={<ExportOutlined aria-hidden />}
          loading={start.isPending && start.variables === line}
          aria-label={t(`匯出 ${line.roster} ${gradesText(line.grades)}`, `Export ${line.roster} ${line.grades}`)}
          onClick={() => start.mutate(line)}
        >
          {t('匯出', 'Export')}
        </Button>
      ),
    },
    { title: t('備註', 'Remark'), dataIndex: 'remark' },
    { title: t('最後一次匯出', 'Last export'), render: (_, line) => <LastExport item={line.last_export} /> },
  ];

  const historyColumns: TableProps<RosterExport>['columns'] = [
    { title: t('匯出時間', 'Exported at'), render: (_, item) => formatRocDateTime(item.created_at, '', { seconds: true }) },
    { title: t('名冊別', 'Roster'), dataIndex: 'roster' },
    { title: t('匯出年級', 'Grades'), render: (_, item) => gradesText(item.grades) },
    { title: t('學年期', 'Term'), render: (_, item) => formatTerm(`${item.academic_year}${item.semester}`) },
    { title: t('匯出者', 'By'), dataIndex: 'exported_by' },
    { title: t('狀態', 'State'), render: (_, item) => stateTag(item.state) },
    { title: t('筆數', 'Items'), dataIndex: 'items', align: 'right' },
    { title: t('大小', 'Size'), render: (_, item) => sizeText(item.size) },
    {
      title: t('下載', 'Download'),
      key: 'actions',
      render: (_, item) =>
        item.download_url ? (
          <DownloadButton size="small" icon={<CloudDownloadOutlined aria-hidden />} fetch={downloadExport(item)}>
            {t('下載', 'Download')}
          </DownloadButton>
        ) : null,
    },
  ];

  return (
    <PageCard
      title={title}
      intro={
        <>
          {t('點選匯出後至國教署學習歷程表現資料庫', 'After exporting, upload the package at the national database ')}(
          <Typography.Link href={table.data?.upload_url ?? 'https://ep.cloud.ncnu.edu.tw/'} target="_blank" rel="noreferrer" underline>
            {table.data?.upload_url ?? 'https://ep.cloud.ncnu.edu.tw/'}
          </Typography.Link>
          ){t('上傳', '')}
          {table.data && ` · ${formatTerm(`${table.data.academic_year}${table.data.semester}`)}`}
        </>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <span>{t('部別（多元表現、幹部名冊）', 'Division (performances, cadre)')}</span>
        <Select<Division>
          aria-label={t('部別', 'Division')}
          value={division}
          onChange={setDivision}
          options={[
            { value: 'day', label: t('日間部', 'Day school') },
            { value: 'continuing', label: t('進修部', 'Continuing education') },
          ]}
          style={{ minWidth: 120 }}
        />
      </Space>
      <ErrorAlert error={table.error} />
      <Table<RosterLine>
        className="licheng-nowrap-head"
        rowKey={(line) => `${line.roster}-${line.grades}`}
        size="small"
        columns={columns}
        dataSource={lines}
        loading={table.isFetching}
        pagination={false}
        scroll={{ x: true }}
      />
      {jobId !== null && (
        <div style={{ marginTop: 16 }}>
          <Typography.Title level={5}>{t('匯出進度', 'Export progress')}</Typography.Title>
          <JobProgress
            key={jobId}
            jobId={jobId}
            onEnd={() => void queryClient.invalidateQueries({ queryKey: rostersKey })}
          />
        </div>
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('匯出紀錄', 'Export history')}
      </Typography.Title>
      <ErrorAlert error={history.error} />
      <ResponsiveTable<RosterExport>
        rowKey="id"
        size="small"
        columns={historyColumns}
        dataSource={exports}
        loading={history.isFetching}
        pagination={clientPagination}
        scroll={{ x: true }}
        locale={{ emptyText: t('尚無匯出紀錄', 'No exports yet') }}
      />
      <Modal
        open={check !== null}
        title={t('匯出前檢查：有無法提交的資料', 'Check before export: some data cannot be submitted')}
        onCancel={() => setCheck(null)}
        footer={<Button onClick={() => setCheck(null)}>{t('關閉', 'Close')}</Button>}
        width={720}
      >
        <Typography.Paragraph>
          {t(
            `名冊 ${check?.line.roster ?? ''} 有 ${check?.report.issues.length ?? 0} 個問題，請處理後再匯出；不會略過任何資料。`,
            `Roster ${check?.line.roster ?? ''} has ${check?.report.issues.length ?? 0} problems; resolve them and export again. No row is ever dropped.`,
          )}
        </Typography.Paragraph>
        <Table<KeyedIssue>
          rowKey="key"
          size="small"
          columns={issueColumns}
          dataSource={(check?.report.issues ?? []).map((issue, key) => ({ ...issue, key }))}
          pagination={clientPagination}
        />
      </Modal>
    </PageCard>
  );
}

/** 匯出提交名冊 (manual 7.1; modules S0207S, S0208S). */
export function SubmissionRostersPage() {
  const t = useT();
  return <Rosters kinds={submissionKinds} title={t('匯出提交名冊', 'Export submission rosters')} />;
}

/** 匯出幹部名冊 (manual 7.2; module S0218S). */
export function CadreRostersPage() {
  const t = useT();
  return <Rosters kinds={cadreKinds} title={t('匯出幹部名冊', 'Export cadre rosters')} />;
}
