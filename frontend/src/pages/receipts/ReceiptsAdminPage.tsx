import { CloudDownloadOutlined, EditOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Progress, Space, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { ReceiptAnswerState, ReceiptCategory, ReceiptCategoryPlan, ReceiptDifferenceRow, ReceiptImportResult, ReceiptReport, ReceiptStatistics } from '../../api/types';
import { finished, percent } from '../rosters/rosters';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ScrollRegion } from '../../components/ScrollRegion';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { formatRocDateTime } from '../../lib/roc';
import { multipartBody, uploadForm } from '../../lib/upload';
import { usePagedQuery } from '../../lib/usePagedQuery';
import { useApiMutation } from '../../lib/useApiMutation';
import { tr, useT } from '../../i18n';
import { TermSelect, YearSelect } from '../reports/TermSelect';
import { ReceiptRows } from './MyReceiptPage';
import { categories, categoryText, fromTaipeiInput, kindText, stateText, toTaipeiInput, windowText, windowTooShort } from './receipts';

const receiptsKey = ['receipts'] as const;

type Windows = Partial<Record<ReceiptCategory, { start: string; end: string }>>;

function outcomeTag(plan: ReceiptCategoryPlan) {
  const color = plan.outcome === 'unchanged' ? 'default' : plan.outcome === 'new_version' ? 'orange' : 'green';
  return <Tag color={color}>{plan.message}</Tag>;
}

/**
 * The import job (`POST /receipts/imports` answers 202 with it): its progress, polled every second
 * until it ends; then its result (the per-category outcome) is read and handed to `onDone`.
 */
function ImportProgress({ jobId, onDone }: { jobId: number; onDone: (result: ReceiptImportResult) => void }) {
  const t = useT();
  const job = useQuery({
    queryKey: ['jobs', jobId],
    queryFn: async ({ signal }) => {
      const data = await unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } }, signal }));
      if (data.state === 'succeeded') {
        const result = await unwrap(api.GET('/api/v1/jobs/{id}/result', { params: { path: { id: jobId } }, parseAs: 'json', signal }));
        onDone(result as unknown as ReceiptImportResult);
      }
      return data;
    },
    refetchInterval: (query) => (finished(query.state.data) ? false : 1000),
  });
  const data = job.data;
  return (
    <div data-testid="receipt-import-progress">
      <ErrorAlert error={job.error} />
      {data && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t(`匯入中：已完成 ${data.done} / ${data.total} 個類別`, `Importing: ${data.done} of ${data.total} categories done`)}</Typography.Text>
          <Progress percent={percent(data)} status={data.state === 'failed' ? 'exception' : data.state === 'succeeded' ? 'success' : 'active'} />
          {data.state === 'failed' && <Alert type="error" showIcon title={t('匯入失敗', 'Import failed')} description={data.error} />}
          {data.state === 'queued' && data.error && <Alert type="warning" showIcon title={t('稍後重試', 'Will retry')} description={data.error} />}
        </Space>
      )}
    </div>
  );
}

/** 上傳及設定學生回報時間 (8.1.1): file + password → the manual's confirmation screen → import (a job). */
function UploadTab() {
  const t = useT();
  const queryClient = useQueryClient();
  const [term, setTerm] = useState<string | undefined>(undefined);
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [plan, setPlan] = useState<ReceiptImportResult | null>(null);
  const [chosen, setChosen] = useState<ReceiptCategory[]>([]);
  const [windows, setWindows] = useState<Windows>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<ReceiptImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);

  const send = async (dry: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const list = Object.entries(windows)
        .filter(([c]) => chosen.includes(c as ReceiptCategory))
        .map(([category, w]) => ({ category, start: fromTaipeiInput(w.start), end: fromTaipeiInput(w.end) }));
      const body = multipartBody({
        term,
        password,
        file,
        dry_run: dry,
        categories: dry ? undefined : chosen.join(','),
        windows: dry ? undefined : JSON.stringify(list),
      });
      if (!dry) {
        // The import runs as a job: follow its progress (ImportProgress) to its result.
        const job = await uploadForm<{ job_id: number }>('POST', '/api/v1/receipts/imports', body);
        setDone(null);
        setPlan(null);
        setJobId(job.job_id);
        return;
      }
      // The dry run (the manual's confirmation screen) answers at once.
      const result = await uploadForm<ReceiptImportResult>('POST', '/api/v1/receipts/imports', body);
      setPlan(result);
      // 學習成果、多元表現則為下學期才會進行匯入: what the term rule holds back is not offered.
      setChosen(result.categories.filter((c) => !c.held).map((c) => c.category));
      setWindows(Object.fromEntries(result.categories.map((c) => [c.category, { start: toTaipeiInput(c.window_start), end: toTaipeiInput(c.window_end) }])));
      setDone(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const imported = (result: ReceiptImportResult) => {
    setDone(result);
    setPlan(null);
    setJobId(null);
    void queryClient.invalidateQueries({ queryKey: receiptsKey });
  };
  const short = chosen.some((c) => {
    const w = windows[c];
    return w && windowTooShort(new Date(fromTaipeiInput(w.start)), new Date(fromTaipeiInput(w.end)));
  });

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Form layout="vertical" style={{ maxWidth: 480 }}>
        <Form.Item label={t('收訖明細學年期', 'Term of the receipt')}>
          <TermSelect value={term} onChange={setTerm} />
        </Form.Item>
        <Form.Item label={t('選擇收訖明細', 'Receipt file')}>
          <input type="file" accept=".zip,application/zip" aria-label={t('選擇收訖明細', 'Receipt file')} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Form.Item>
        <Form.Item label={t('請輸入解壓縮密碼', 'Archive password')}>
          <Input.Password aria-label={t('請輸入解壓縮密碼', 'Archive password')} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
        </Form.Item>
        <Button type="primary" icon={<UploadOutlined aria-hidden />} disabled={!file || !password} loading={busy && !plan} onClick={() => void send(true)}>
          {t('讀取收訖明細', 'Read the receipt')}
        </Button>
      </Form>
      <ErrorAlert error={error} />
      {plan && (
        <Card title={t(`選擇 ${plan.academic_year}${plan.semester} 收訖明細 ${plan.file_name}`, `Receipt ${plan.file_name} of ${plan.academic_year}${plan.semester}`)}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            {plan.categories.map((c) => (
              <Card key={c.category} size="small" data-testid={`plan-${c.category}`}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Checkbox
                    checked={chosen.includes(c.category)}
                    disabled={!!c.held}
                    onChange={(e) => setChosen((list) => (e.target.checked ? [...list, c.category] : list.filter((x) => x !== c.category)))}
                  >
                    {categoryText(c.category)} {outcomeTag(c)}
                  </Checkbox>
                  {c.held && <Alert type="info" showIcon title={c.held} />}
                  <Space wrap>
                    <label>
                      {t('開始', 'Start')}{' '}
                      <input
                        type="datetime-local"
                        value={windows[c.category]?.start ?? ''}
                        onChange={(e) => setWindows((w) => ({ ...w, [c.category]: { start: e.target.value, end: w[c.category]?.end ?? '' } }))}
                      />
                    </label>
                    <label>
                      {t('截止', 'End')}{' '}
                      <input
                        type="datetime-local"
                        value={windows[c.category]?.end ?? ''}
                        onChange={(e) => setWindows((w) => ({ ...w, [c.category]: { start: w[c.category]?.start ?? '', end: e.target.value } }))}
                      />
                    </label>
                  </Space>
                  <Typography.Text type="secondary">
                    {t('名冊資訊', 'Rosters')}：{c.rosters.map((r) => `${r.name}（v${r.version}）`).join('、')} · {t(`${c.students} 位學生`, `${c.students} students`)}
                    {c.unmatched > 0 && t(`，${c.unmatched} 筆身分證號不在本校`, `, ${c.unmatched} IDs not in this school`)}
                  </Typography.Text>
                </Space>
              </Card>
            ))}
            {short && <Alert type="error" showIcon title={t('收訖明細確認期間至少需 3 天（國教署規定）', 'The window lasts at least 3 days (national rule)')} />}
            <Button type="primary" disabled={chosen.length === 0 || short} loading={busy} onClick={() => void send(false)}>
              {t('匯入', 'Import')}
            </Button>
          </Space>
        </Card>
      )}
      {jobId !== null && <ImportProgress jobId={jobId} onDone={imported} />}
      {done && (
        <Alert
          type="success"
          showIcon
          title={t('匯入完成', 'Imported')}
          description={done.categories.map((c) => `${categoryText(c.category)}：${c.message}`).join('；')}
        />
      )}
    </Space>
  );
}

/** 查看明細 (8.1.2): a student by class and seat, with the rosters' SHA-256, uploader and window. */
function DetailTab() {
  const t = useT();
  const [term, setTerm] = useState<string | undefined>(undefined);
  const [cls, setCls] = useState('');
  const [seat, setSeat] = useState<number | null>(null);
  const [asked, setAsked] = useState<{ cls: string; seat: number } | null>(null);
  const receipt = useQuery({
    queryKey: [...receiptsKey, 'student', term, asked],
    enabled: asked !== null,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/receipts/students', { params: { query: { term, class: asked?.cls, seat: asked?.seat } }, signal })),
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input aria-label={t('班級', 'Class')} placeholder={t('班級', 'Class')} value={cls} onChange={(e) => setCls(e.target.value)} style={{ width: 120 }} />
        <InputNumber aria-label={t('座號', 'Seat')} placeholder={t('座號', 'Seat')} min={1} value={seat} onChange={(v) => setSeat(v)} />
        <TermSelect value={term} onChange={setTerm} />
        <Button type="primary" disabled={!cls || !seat} onClick={() => seat && setAsked({ cls, seat })}>
          {t('查看', 'Show')}
        </Button>
      </Space>
      <ErrorAlert error={receipt.error} />
      {receipt.data && (
        <>
          <Typography.Title level={5}>
            {receipt.data.class_code} {receipt.data.seat_no} {receipt.data.name}
          </Typography.Title>
          <Tabs
            items={receipt.data.categories.map((c) => ({
              key: c.category,
              label: categoryText(c.category),
              children: (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {c.rosters.map((r) => (
                    <Typography.Text key={r.sha256} style={{ wordBreak: 'break-all' }}>
                      <span lang="zh-TW">{r.name}</span> (sha:{r.sha256})
                    </Typography.Text>
                  ))}
                  <span>
                    {t('上傳人員', 'Uploaded by')} {c.uploaded_by} · {t('確認期限', 'Window')} {windowText(c.window_start, c.window_end)} · {stateText(c.received ? c.state : null)}
                  </span>
                  <ReceiptRows category={c} />
                </Space>
              ),
            }))}
          />
        </>
      )}
    </Space>
  );
}

function RemarkModal({ report, onClose }: { report: ReceiptReport; onClose: () => void }) {
  const t = useT();
  const [remark, setRemark] = useState(report.remark ?? '');
  const save = useApiMutation(
    () => unwrap(api.PUT('/api/v1/receipts/reports/{id}/remark', { params: { path: { id: report.id } }, body: { remark } })),
    { invalidate: [receiptsKey], success: t('已儲存備註', 'Remark saved'), onSuccess: onClose },
  );
  return (
    <Modal open title={t(`請輸入給 ${report.student_name} 的備註文字`, `Remark for ${report.student_name}`)} onCancel={onClose} onOk={() => save.mutate()} confirmLoading={save.isPending}>
      <Input.TextArea aria-label={t('備註', 'Remark')} rows={4} maxLength={500} showCount value={remark} onChange={(e) => setRemark(e.target.value)} />
    </Modal>
  );
}

/** 問題回報紀錄查看 (8.1.3). */
function ReportsTab() {
  const t = useT();
  const [term, setTerm] = useState<string | undefined>(undefined);
  const [category, setCategory] = useState<ReceiptCategory>('course_records');
  const [editing, setEditing] = useState<ReceiptReport | null>(null);
  // Paged on the server (30 a page), as the project's other lists.
  const reports = usePagedQuery({
    queryKey: [...receiptsKey, 'reports'],
    filters: { term, category },
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/receipts/reports', { params: { query }, signal })),
  });
  const columns: TableProps<ReceiptReport>['columns'] = [
    { title: tr('問題單號', 'No.'), dataIndex: 'id' },
    { title: tr('收訖明細之學期', 'Term'), dataIndex: 'term' },
    { title: tr('學生姓名', 'Student'), dataIndex: 'student_name' },
    { title: tr('學生班級', 'Class'), dataIndex: 'class_code' },
    { title: tr('學生座號', 'Seat'), dataIndex: 'seat_no' },
    { title: tr('資料類別', 'Category'), dataIndex: 'category_name' },
    { title: tr('錯誤類別', 'Kind'), render: (_, r) => kindText(r.kind) },
    { title: tr('問題描述', 'Description'), dataIndex: 'description' },
    { title: tr('回報日期', 'Reported'), render: (_, r) => formatRocDateTime(r.reported_at, '', { seconds: true }) },
    {
      title: tr('備註', 'Remark'),
      render: (_, r) => (
        <Space>
          {r.remark}
          <Button size="small" icon={<EditOutlined aria-hidden />} aria-label={tr('編輯備註', 'Edit remark')} onClick={() => setEditing(r)} />
        </Space>
      ),
    },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <TermSelect value={term} onChange={setTerm} />
        <DownloadButton
          icon={<CloudDownloadOutlined aria-hidden />}
          fetch={(signal) => fetchFile(api.GET('/api/v1/receipts/reports.xlsx', { params: { query: { term } }, parseAs: 'blob', signal }), '問題回報紀錄.xlsx')}
        >
          {t('匯出報表', 'Export')}
        </DownloadButton>
      </Space>
      <Tabs activeKey={category} onChange={(k) => setCategory(k as ReceiptCategory)} items={categories.map((c) => ({ key: c, label: categoryText(c) }))} />
      <ErrorAlert error={reports.query.error} />
      <Table<ReceiptReport> rowKey="id" size="small" columns={columns} {...reports.tableProps} scroll={{ x: 'max-content' }} />
      {editing && <RemarkModal report={editing} onClose={() => setEditing(null)} />}
    </Space>
  );
}

/** 確認鈕統計 (8.1.4): the school per class, or one class per student. */
function StatisticsTab() {
  const t = useT();
  const [term, setTerm] = useState<string | undefined>(undefined);
  const [cls, setCls] = useState<string | undefined>(undefined);
  const stats = useQuery({
    queryKey: [...receiptsKey, 'statistics', term, cls],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/receipts/statistics', { params: { query: { term, class: cls } }, signal })),
  });
  const data: ReceiptStatistics | undefined = stats.data;
  const cats = data?.totals.map((c) => c.category) ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <TermSelect value={term} onChange={setTerm} />
        {cls && <Button onClick={() => setCls(undefined)}>{t('回到全校', 'Whole school')}</Button>}
        <DownloadButton
          icon={<CloudDownloadOutlined aria-hidden />}
          fetch={(signal) => fetchFile(api.GET('/api/v1/receipts/statistics.xlsx', { params: { query: { term, class: cls } }, parseAs: 'blob', signal }), '確認鈕統計.xlsx')}
        >
          {t('匯出確認鈕統計', 'Export')}
        </DownloadButton>
      </Space>
      <ErrorAlert error={stats.error} />
      {data && (
        <>
          <Typography.Text strong>
            {t('統計範圍', 'Scope')}：{data.class_code ?? t('全校', 'Whole school')}
          </Typography.Text>
          <Typography.Text data-testid="receipt-totals">{data.totals.map((c) => c.text).join(', ')}</Typography.Text>
          {!data.class_code ? (
            <Table
              rowKey={(r) => r.class_code ?? '-'}
              size="small"
              dataSource={data.classes}
              pagination={false}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: tr('現在年級', 'Grade'), dataIndex: 'grade' },
                { title: tr('現在班級', 'Class'), render: (_, r) => <Button type="link" onClick={() => setCls(r.class_code ?? undefined)}>{r.class_code ?? '-'}</Button> },
                ...cats.flatMap((c, i) => [
                  { title: `${categoryText(c)}${tr('已確認', ' confirmed')}`, key: `${c}-ok`, render: (_: unknown, r: ReceiptStatistics['classes'][number]) => r.counts[i]?.confirmed },
                  { title: `${categoryText(c)}${tr('錯誤回報', ' reported')}`, key: `${c}-rep`, render: (_: unknown, r: ReceiptStatistics['classes'][number]) => r.counts[i]?.reported },
                ]),
                { title: tr('現在班級總人數', 'Students'), dataIndex: 'students' },
              ]}
            />
          ) : (
            // No focusable cell: the region scrolls from the keyboard (WCAG 2.1.1).
            <ScrollRegion label={t('各學生確認狀態', 'Each student’s state')}>
              <Table
                rowKey="student_id"
                size="small"
                dataSource={data.students}
                pagination={false}
                style={{ minWidth: 'max-content' }}
                columns={[
                  { title: tr('班級', 'Class'), dataIndex: 'class_code' },
                  { title: tr('座號', 'Seat'), dataIndex: 'seat_no' },
                  { title: tr('學號', 'Number'), dataIndex: 'number' },
                  { title: tr('姓名', 'Name'), dataIndex: 'name' },
                  ...cats.map((c) => ({ title: categoryText(c), key: c, render: (_: unknown, r: ReceiptStatistics['students'][number]) => stateText((r.states as Record<string, ReceiptAnswerState | null | undefined>)[c]) })),
                ]}
              />
            </ScrollRegion>
          )}
        </>
      )}
    </Space>
  );
}

/** 收訖明細差異筆數 (8.2). */
function DifferencesTab() {
  const t = useT();
  const [year, setYear] = useState<number | undefined>(undefined);
  const [only, setOnly] = useState(false);
  const rows = useQuery({
    queryKey: [...receiptsKey, 'differences', year, only],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/receipts/differences', { params: { query: { year, only_differences: only } }, signal })),
  });
  const cell = (r: ReceiptDifferenceRow, i: number) => {
    const c = r.counts[i];
    if (!c) return null;
    const text = `${c.licheng} / ${c.receipt}`;
    return c.differs ? <Typography.Text type="danger" strong>{text}</Typography.Text> : text;
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <YearSelect value={year} onChange={setYear} />
        <Checkbox checked={only} onChange={(e) => setOnly(e.target.checked)}>
          {t('只列有差異的學生', 'Only differences')}
        </Checkbox>
        <DownloadButton
          icon={<CloudDownloadOutlined aria-hidden />}
          fetch={(signal) => fetchFile(api.GET('/api/v1/receipts/differences.xlsx', { params: { query: { year, only_differences: only } }, parseAs: 'blob', signal }), '收訖明細差異筆數.xlsx')}
        >
          {t('匯出EXCEL', 'Export')}
        </DownloadButton>
      </Space>
      <Typography.Text type="secondary">{t('每格為「系統勾選筆數 / 收訖明細筆數」，紅字為有差異', 'Each cell: items in Licheng / items in the receipt; red: a difference')}</Typography.Text>
      <ErrorAlert error={rows.error} />
      {/* No focusable cell: the region scrolls from the keyboard (WCAG 2.1.1). */}
      <ScrollRegion label={t('收訖明細差異筆數', 'Differences')}>
        <Table<ReceiptDifferenceRow>
          rowKey="student_id"
          size="small"
          dataSource={rows.data ?? []}
          loading={rows.isPending}
          style={{ minWidth: 'max-content' }}
          columns={[
            { title: tr('班級', 'Class'), dataIndex: 'class_code' },
            { title: tr('座號', 'Seat'), dataIndex: 'seat_no' },
            { title: tr('姓名', 'Name'), dataIndex: 'name' },
            ...categories.map((c, i) => ({ title: categoryText(c), key: c, render: (_: unknown, r: ReceiptDifferenceRow) => cell(r, i) })),
          ]}
        />
      </ScrollRegion>
    </Space>
  );
}

/** 維護收訖明細模組 (module S0219S): the manual's five tabs. */
export function ReceiptsAdminPage() {
  const t = useT();
  return (
    <PageCard title={t('維護收訖明細', 'Receipts')}>
      <Tabs
        items={[
          { key: 'upload', label: t('上傳及設定學生回報時間', 'Upload & windows'), children: <UploadTab /> },
          { key: 'detail', label: t('查看明細', 'Details'), children: <DetailTab /> },
          { key: 'reports', label: t('問題回報紀錄查看', 'Problem reports'), children: <ReportsTab /> },
          { key: 'statistics', label: t('確認鈕統計', 'Confirmations'), children: <StatisticsTab /> },
          { key: 'differences', label: t('收訖明細差異筆數', 'Differences'), children: <DifferencesTab /> },
        ]}
      />
    </PageCard>
  );
}
