import { CloseOutlined, CloudDownloadOutlined, ImportOutlined, InfoCircleOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Form, Input, Modal, Progress, Space, Switch, Table, Tabs, Tag, Typography, Upload, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { ImportedItem, TransferExport, TransferImport, TransferImportForm, TransferImportQueued, TransferOutcome, TransferStudent } from '../../api/types';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { formatRocDate, formatRocDateTime } from '../../lib/roc';
import { multipartBody, uploadForm } from '../../lib/upload';
import { useApiMutation } from '../../lib/useApiMutation';
import { clientPagination } from '../../lib/usePagedQuery';
import { tr, useT } from '../../i18n';
import { selectionsKey } from '../student/queryKeys';
import { finished, percent } from '../rosters/rosters';

const exportsKey = ['transfers', 'exports'] as const;
const importsKey = ['transfers', 'imports'] as const;

function stateTag(state: TransferExport['state']) {
  const [color, zh, en] =
    state === 'succeeded'
      ? ['green', '檔案產生完畢', 'Ready']
      : state === 'failed'
        ? ['red', '產生失敗', 'Failed']
        : ['blue', '產生中', 'Preparing'];
  return <Tag color={color}>{tr(zh, en)}</Tag>;
}

const studentText = (s: { national_id?: string | null; name: string }) => `${s.national_id ?? ''} ${s.name}`.trim();

function downloadPackage(item: TransferExport) {
  return (signal: AbortSignal) =>
    fetchFile(
      api.GET('/api/v1/transfers/exports/{id}/download', { params: { path: { id: item.id } }, parseAs: 'blob', signal }),
      item.file_name,
    );
}

/** 檔案資訊: the three things the other school needs (manual 6.1). */
function FileInfo({ item, onClose }: { item: TransferExport | null; onClose: () => void }) {
  const t = useT();
  return (
    <Modal open={item !== null} title={t('訊息', 'File information')} onCancel={onClose} footer={<Button type="primary" onClick={onClose}>{t('確定', 'OK')}</Button>}>
      {item && (
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('檔案名稱', 'File name')}>{item.file_name}</Descriptions.Item>
          <Descriptions.Item label={t('檔案大小', 'Size')}>{item.size ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('壓縮密碼', 'Password')}>
            {item.password ? (
              <Typography.Text copyable style={{ fontFamily: 'monospace' }}>
                {item.password}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">{t('僅校管理者可檢視', 'Shown to the school admins only')}</Typography.Text>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('MD5值', 'MD5')}>
            {item.md5 ? (
              <Typography.Text copyable style={{ fontFamily: 'monospace' }}>
                {item.md5}
              </Typography.Text>
            ) : (
              '—'
            )}
          </Descriptions.Item>
        </Descriptions>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('請將檔案、MD5 值與解壓縮密碼提供給轉入學校。', 'Give the file, its MD5 and the password to the receiving school.')}
      </Typography.Paragraph>
    </Modal>
  );
}

/** 6.1 匯出學生學習歷程資料: 產生匯出資料 (search, 學生清單) and 資料產生紀錄. */
export function ExportTransfersPage() {
  const t = useT();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [list, setList] = useState<TransferStudent[]>([]);
  const [info, setInfo] = useState<TransferExport | null>(null);
  const [tab, setTab] = useState('make');
  const hits = useQuery({
    queryKey: ['transfers', 'students', query],
    enabled: query.length > 0,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/transfers/students', { params: { query: { q: query } }, signal })),
  });
  const exports = useQuery({
    queryKey: exportsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/transfers/exports', { signal })),
    refetchInterval: (q) => ((q.state.data ?? []).some((e) => e.state === 'queued' || e.state === 'running') ? 1000 : false),
  });
  const start = useApiMutation(
    () => unwrap(api.POST('/api/v1/transfers/exports', { body: { student_ids: list.map((s) => s.id) } })),
    {
      onSuccess: () => {
        setList([]);
        setTab('records');
        void message.info(t('檔案產生中，完成後請至『資料產生紀錄』下載檔案或查詢相關資訊', 'The file is being made; download it from the records when it is ready'));
      },
      onError: () => undefined,
      invalidate: [exportsKey],
    },
  );
  const finishedIds = new Set<number>();
  for (const e of exports.data ?? []) if (e.state === 'succeeded') finishedIds.add(e.id);

  const hitColumns: TableProps<TransferStudent>['columns'] = [
    {
      title: '',
      render: (_, s) => (
        <Button size="small" disabled={list.some((x) => x.id === s.id)} onClick={() => setList((l) => [...l, s])}>
          {t('加入清單', 'Add')}
        </Button>
      ),
    },
    { title: t('學生學號', 'Number'), dataIndex: 'number' },
    { title: t('學生姓名', 'Name'), dataIndex: 'name' },
    { title: t('出生日期', 'Birth date'), render: (_, s) => formatRocDate(s.birth_date ?? null) },
    { title: t('身分證字號', 'National ID'), dataIndex: 'national_id' },
  ];
  const recordColumns: TableProps<TransferExport>['columns'] = [
    { title: t('資料產生時間', 'Made at'), render: (_, e) => formatRocDateTime(e.created_at, '', { seconds: true }) },
    { title: t('學生', 'Students'), render: (_, e) => e.students.map(studentText).join('、') },
    { title: t('狀態', 'State'), render: (_, e) => <Space orientation="vertical" size={0}>{stateTag(e.state)}{e.error && <Typography.Text type="danger">{e.error}</Typography.Text>}</Space> },
    {
      title: t('檔案下載', 'Download'),
      render: (_, e) =>
        e.download_url ? (
          <DownloadButton size="small" icon={<CloudDownloadOutlined aria-hidden />} fetch={downloadPackage(e)}>
            {t('下載檔案', 'Download')}
          </DownloadButton>
        ) : null,
    },
    {
      title: t('檔案資訊', 'File info'),
      render: (_, e) =>
        finishedIds.has(e.id) ? (
          <Button size="small" icon={<InfoCircleOutlined aria-hidden />} onClick={() => setInfo(e)}>
            {t('檔案資訊', 'File info')}
          </Button>
        ) : null,
    },
  ];

  return (
    <PageCard title={t('匯出學生學習歷程資料', 'Export student portfolios')} intro={t('此功能是讓轉學生的原學校把資料做轉出', 'For the school a student transfers from: export their portfolio for the new school')}>
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          setTab(key);
          if (key === 'records') void queryClient.invalidateQueries({ queryKey: exportsKey });
        }}
        items={[
          {
            key: 'make',
            label: t('產生匯出資料', 'Make a package'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Typography.Title level={5}>{t('學生清單', 'Student list')}</Typography.Title>
                <Space wrap>
                  {list.map((s) => (
                    <Tag key={s.id} closable closeIcon={<CloseOutlined aria-label={t(`移除 ${s.name}`, `Remove ${s.name}`)} />} onClose={() => setList((l) => l.filter((x) => x.id !== s.id))}>
                      {studentText(s)}
                    </Tag>
                  ))}
                  {list.length === 0 && <Typography.Text type="secondary">{t('尚未加入學生', 'No students yet')}</Typography.Text>}
                </Space>
                <ErrorAlert error={start.error} />
                <Space>
                  <Button type="primary" disabled={list.length === 0} loading={start.isPending} onClick={() => start.mutate()}>
                    {t('產生匯出檔案', 'Make the package')}
                  </Button>
                  <Button disabled={list.length === 0} onClick={() => setList([])}>
                    {t('清空學生', 'Clear')}
                  </Button>
                </Space>
                <Space.Compact style={{ maxWidth: 420, marginTop: 16 }}>
                  <Input
                    aria-label={t('選擇匯出學生', 'Find students')}
                    placeholder={t('輸入學號、姓名或身分證字號', 'Number, name or national ID')}
                    value={text}
                    onChange={(e) => setText(e.target.value)}
                    onPressEnter={() => setQuery(text.trim())}
                  />
                  <Button icon={<SearchOutlined aria-hidden />} onClick={() => setQuery(text.trim())}>
                    {t('查詢', 'Search')}
                  </Button>
                </Space.Compact>
                <ErrorAlert error={hits.error} />
                <Table<TransferStudent>
                  rowKey="id"
                  size="small"
                  columns={hitColumns}
                  dataSource={hits.data ?? []}
                  loading={hits.isFetching}
                  pagination={clientPagination}
                  locale={{ emptyText: t('請輸入學號、姓名或身分證字號查詢', 'Search by number, name or national ID') }}
                />
              </Space>
            ),
          },
          {
            key: 'records',
            label: t('資料產生紀錄', 'Records'),
            children: (
              <>
                <ErrorAlert error={exports.error} />
                <Table<TransferExport>
                  rowKey="id"
                  size="small"
                  columns={recordColumns}
                  dataSource={exports.data ?? []}
                  loading={exports.isFetching && !exports.data}
                  pagination={clientPagination}
                  scroll={{ x: true }}
                  locale={{ emptyText: t('尚無資料產生紀錄', 'No packages yet') }}
                />
              </>
            ),
          },
        ]}
      />
      <FileInfo item={info} onClose={() => setInfo(null)} />
    </PageCard>
  );
}

const outcomeColumns: TableProps<TransferOutcome>['columns'] = [
  {
    get title() {
      return tr('身分證字號', 'National ID');
    },
    dataIndex: 'national_id',
  },
  {
    get title() {
      return tr('姓名', 'Name');
    },
    dataIndex: 'name',
  },
  {
    get title() {
      return tr('結果', 'Result');
    },
    render: (_, s) =>
      s.matched ? (
        tr(`完成：新增 ${s.added} 筆，已匯入過 ${s.already} 筆`, `Done: ${s.added} added, ${s.already} already imported`)
      ) : (
        <Typography.Text type="danger">{tr('本校查無此學生（請確認已由校務系統同步）', 'No such student here (check the school-affairs sync)')}</Typography.Text>
      ),
  },
];

/**
 * The import's job, polled until it ends: files checked against their SHA-256, then the import.
 * Once done, the new record's message (「匯入完畢，更新2位學生」); a refusal shows its reason.
 */
function ImportProgress({ jobId, onDone }: { jobId: number; onDone: (record: TransferImport | undefined) => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ['jobs', jobId],
    queryFn: async ({ signal }) => {
      const data = await unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } }, signal }));
      if (data.state === 'succeeded') {
        const done = (await unwrap(api.GET('/api/v1/jobs/{id}/result', { params: { path: { id: jobId } }, parseAs: 'json', signal }))) as { import_id?: number };
        await queryClient.invalidateQueries({ queryKey: importsKey });
        const list = await queryClient.fetchQuery({ queryKey: importsKey, queryFn: ({ signal: s }) => unwrap(api.GET('/api/v1/transfers/imports', { signal: s })) });
        onDone(list.find((r) => r.id === done.import_id));
      }
      return data;
    },
    refetchInterval: (query) => (finished(query.state.data) ? false : 1000),
  });
  const data = job.data;
  return (
    <div data-testid="import-progress" style={{ marginBottom: 16 }}>
      <ErrorAlert error={job.error} />
      {data && (
        <>
          <Progress percent={percent(data)} status={data.state === 'failed' ? 'exception' : data.state === 'succeeded' ? 'success' : 'active'} />
          {data.state === 'failed' && <Alert type="error" showIcon title={t('匯入失敗，未匯入任何資料', 'Import failed; nothing was imported')} description={data.error} />}
        </>
      )}
    </div>
  );
}

/** 6.2 匯入學生學習歷程資料: 匯入設定 (MD5, password, the zip) and 資料匯入紀錄. */
export function ImportTransfersPage() {
  const t = useT();
  const { modal } = App.useApp();
  const [form] = Form.useForm<{ md5: string; password: string }>();
  const [file, setFile] = useState<File | null>(null);
  const [detail, setDetail] = useState<TransferImport | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const imports = useQuery({ queryKey: importsKey, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/transfers/imports', { signal })) });
  const run = useApiMutation(
    async (values: { md5: string; password: string }) =>
      uploadForm<TransferImportQueued>('POST', '/api/v1/transfers/imports', multipartBody<TransferImportForm>({ md5: values.md5.trim(), password: values.password.trim(), package: file })),
    {
      onSuccess: (queued) => {
        form.resetFields();
        setFile(null);
        setJobId(queued.job_id);
      },
      onError: () => undefined,
    },
  );
  const columns: TableProps<TransferImport>['columns'] = [
    { title: t('匯入時間', 'Imported at'), render: (_, i) => formatRocDateTime(i.created_at, '', { seconds: true }) },
    { title: t('檔名', 'File'), dataIndex: 'file_name' },
    { title: t('原學校', 'From'), render: (_, i) => `${i.source_school_code} ${i.source_school_name}` },
    { title: t('匯入結果', 'Result'), dataIndex: 'result' },
    {
      key: 'actions',
      title: t('明細', 'Detail'),
      render: (_, i) => (
        <Button size="small" onClick={() => setDetail(i)}>
          {t('檢視', 'View')}
        </Button>
      ),
    },
  ];
  return (
    <PageCard title={t('匯入學生學習歷程資料', 'Import student portfolios')} intro={t('只要將轉學生原學校的 MD5 值、解壓縮密碼，並選到壓縮檔後，按下匯入。', "Enter the original school's MD5 and password, choose the zip, and import.")}>
      <Typography.Title level={5}>{t('匯入設定', 'Import')}</Typography.Title>
      <Form form={form} layout="horizontal" labelCol={{ span: 4 }} wrapperCol={{ span: 12 }} onFinish={(values) => run.mutate(values)}>
        <Form.Item name="md5" label={t('MD5值', 'MD5')} rules={[{ required: true, pattern: /^\s*[0-9a-fA-F]{32}\s*$/, message: t('請輸入 32 碼的 MD5 值', 'Enter the 32-character MD5') }]}>
          <Input style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="password" label={t('壓縮檔密碼', 'Password')} rules={[{ required: true, message: t('請輸入壓縮檔密碼', 'Enter the password') }]}>
          <Input style={{ fontFamily: 'monospace' }} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('壓縮檔', 'Package')} required>
          <Upload
            accept=".zip,application/zip"
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          >
            <Button>{t('選擇檔案', 'Choose file')}</Button>
          </Upload>
        </Form.Item>
        <ErrorAlert error={run.error} />
        {jobId !== null && (
          <ImportProgress
            key={jobId}
            jobId={jobId}
            onDone={(record) => {
              if (record) modal.info({ title: t('訊息', 'Message'), content: record.message });
            }}
          />
        )}
        <Form.Item wrapperCol={{ offset: 4 }}>
          <Button type="primary" htmlType="submit" icon={<ImportOutlined aria-hidden />} disabled={!file} loading={run.isPending}>
            {t('匯入', 'Import')}
          </Button>
        </Form.Item>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('資料匯入紀錄', 'Import records')}
      </Typography.Title>
      <ErrorAlert error={imports.error} />
      <ResponsiveTable<TransferImport>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={imports.data ?? []}
        loading={imports.isFetching && !imports.data}
        pagination={clientPagination}
        scroll={{ x: true }}
        locale={{ emptyText: t('尚無匯入紀錄', 'No imports yet') }}
      />
      <Modal open={detail !== null} title={t('明細', 'Detail')} onCancel={() => setDetail(null)} footer={<Button onClick={() => setDetail(null)}>{t('關閉', 'Close')}</Button>} width={720}>
        {detail && (
          <>
            <Typography.Paragraph>{`${detail.file_name} · ${detail.result}`}</Typography.Paragraph>
            <Table<TransferOutcome> rowKey="national_id" size="small" columns={outcomeColumns} dataSource={detail.students} pagination={false} />
          </>
        )}
      </Modal>
    </PageCard>
  );
}

const kindText = (kind: string) =>
  kind === 'result' ? tr('課程學習成果', 'Learning result') : kind === 'performance' ? tr('多元表現', 'Performance') : tr('幹部經歷', 'Cadre record');

const stateText = (state?: string | null) =>
  state === 'certified'
    ? tr('認證成功', 'Certified')
    : state === 'rejected'
      ? tr('認證失敗', 'Rejected')
      : state === 'submitted'
        ? tr('認證中', 'Submitted')
        : state === 'editing'
          ? tr('編輯中', 'Editing')
          : '';

/** The student's items brought from the school they transferred from: read-only, with their origin. */
export function MyTransferredItemsPage() {
  const t = useT();
  const items = useQuery({ queryKey: ['transfers', 'items', 'mine'], queryFn: ({ signal }) => unwrap(api.GET('/api/v1/transfers/items', { signal })) });
  // 勾選: imported certified results and performances count toward this year's limits with the
  // student's own items.
  const selections = useQuery({
    queryKey: [...selectionsKey, 'current'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/selections', { signal })),
  });
  const toggle = useApiMutation(
    async ({ id, on }: { id: number; on: boolean; name: string }) => {
      if (on) await unwrap(api.PUT('/api/v1/transfers/items/{id}/selection', { params: { path: { id } } }));
      else await unwrap(api.DELETE('/api/v1/transfers/items/{id}/selection', { params: { path: { id } } }));
    },
    {
      invalidate: [selectionsKey],
      success: (_, { on, name }) => (on ? t(`已勾選「${name}」`, `Selected ${name}`) : t(`已取消勾選「${name}」`, `Unselected ${name}`)),
    },
  );
  const selectable = (i: ImportedItem) =>
    i.academic_year === selections.data?.academic_year && (i.kind === 'performance' || (i.kind === 'result' && i.state === 'certified'));
  const selected = (i: ImportedItem) =>
    (i.kind === 'result' ? selections.data?.results.imported : selections.data?.performances.imported)?.includes(i.id) ?? false;
  const file = (item: ImportedItem, slot: 'document' | 'video') => {
    const f = item[slot];
    if (!f) return null;
    return (
      <DownloadButton
        size="small"
        icon={<CloudDownloadOutlined aria-hidden />}
        fetch={(signal) =>
          fetchFile(api.GET('/api/v1/transfers/items/{id}/{slot}', { params: { path: { id: item.id, slot } }, parseAs: 'blob', signal }), f.original_name)
        }
      >
        {f.original_name}
      </DownloadButton>
    );
  };
  const columns: TableProps<ImportedItem>['columns'] = [
    { title: t('原學校', 'Original school'), render: (_, i) => <Tag color="purple">{`${i.origin_school_name}（${i.origin_school_code}）`}</Tag> },
    { title: t('類別', 'Kind'), render: (_, i) => kindText(i.kind) },
    { title: t('學年期', 'Term'), render: (_, i) => `${i.academic_year}${i.semester ? `-${i.semester}` : ''}` },
    { title: t('名稱', 'Title'), render: (_, i) => (i.course_code ? `${i.title}（${i.course_code}）` : i.title) },
    { title: t('認證狀態', 'State'), render: (_, i) => stateText(i.state) },
    { title: t('檔案', 'Files'), render: (_, i) => <Space>{file(i, 'document')}{file(i, 'video')}</Space> },
    {
      title: t('勾選', 'Selected'),
      render: (_, i) =>
        selectable(i) ? (
          <Switch
            size="small"
            aria-label={t(`勾選「${i.title}」`, `Select ${i.title}`)}
            checked={selected(i)}
            loading={toggle.isPending && toggle.variables?.id === i.id}
            onChange={(on) => toggle.mutate({ id: i.id, on, name: i.title })}
          />
        ) : null,
    },
  ];
  return (
    <PageCard title={t('轉入的學習歷程', 'Transferred portfolio')} intro={t('由原學校匯出、本校匯入的資料；僅供檢視，不能修改或刪除。', 'Brought from your previous school; view only, never edited or deleted.')}>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('每筆資料都標示原學校', 'Each item shows the school it came from')} />
      <ErrorAlert error={items.error} />
      <ErrorAlert error={toggle.error} />
      <ResponsiveTable<ImportedItem>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={items.data ?? []}
        loading={items.isFetching && !items.data}
        pagination={clientPagination}
        scroll={{ x: true }}
        locale={{ emptyText: t('沒有轉入的資料', 'Nothing transferred') }}
      />
    </PageCard>
  );
}
