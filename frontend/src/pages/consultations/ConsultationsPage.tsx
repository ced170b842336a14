import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography, type TablePaginationConfig, type TableProps } from 'antd';
import { useState } from 'react';
import type { paths } from '../../api/schema';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../auth/hooks';
import { DownloadButton } from '../../components/DownloadButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { fetchFile } from '../../lib/download';
import { RocDatePicker, RocPicker } from '../../components/RocDatePicker';
import dayjs, { type Dayjs } from '../../lib/dayjs';
import { formatRocDate } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { usePagedQuery } from '../../lib/usePagedQuery';
import { tr, useT } from '../../i18n';
import { ClassSelect, xlsxName } from '../reports/ReportFilters';
import { TermSelect } from '../reports/TermSelect';
import { ResponsiveTable } from '../../components/ResponsiveTable';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
export type Consultation = JsonOf<paths['/api/v1/consultations']['get']['responses'][200]>['items'][number];
type ConsultationInput = JsonOf<NonNullable<paths['/api/v1/consultations']['post']['requestBody']>>;
type ConsultationStats = JsonOf<paths['/api/v1/reports/consultations']['get']['responses'][200]>;
type ConsultationCount = ConsultationStats['total'];

const consultationsKey = ['consultations'] as const;

export function kindLabel(kind: Consultation['kind']): string {
  return kind === 'group' ? tr('團體諮詢', 'Group') : tr('個別諮詢', 'Individual');
}

interface FormValues {
  kind: Consultation['kind'];
  held_on: Dayjs;
  student_ids: number[];
  topic: string;
  content?: string;
  follow_up?: string;
}

/** The consultant's students this term (`GET /me/advisees`, up to 200). */
function useAdvisees(enabled: boolean) {
  return useQuery({
    queryKey: ['me', 'advisees', 'all'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/advisees', { params: { query: { per_page: 200 } }, signal })),
    enabled,
  });
}

/** The table of records; `studentView` leaves out the editing column. */
export function ConsultationTable({
  records,
  loading,
  actions,
  pagination,
}: {
  records: readonly Consultation[];
  loading?: boolean;
  actions?: (r: Consultation) => React.ReactNode;
  pagination?: TablePaginationConfig;
}) {
  const t = useT();
  const columns: TableProps<Consultation>['columns'] = [
    { title: t('諮詢日期', 'Date'), dataIndex: 'held_on', width: 110, render: (d: string) => formatRocDate(d) },
    { title: t('諮詢教師', 'Consultant'), dataIndex: 'consultant_name' },
    { title: t('類型', 'Kind'), dataIndex: 'kind', render: (k: Consultation['kind']) => <Tag>{kindLabel(k)}</Tag> },
    {
      title: t('學生', 'Students'),
      key: 'students',
      render: (_, r) => (
        <span>
          {r.students.map((s) => `${s.class_code ?? ''} ${s.name}`).join('、')}
          {r.student_count > r.students.length && t(`（共 ${r.student_count} 人）`, ` (${r.student_count} in all)`)}
        </span>
      ),
    },
    { title: t('主題', 'Topic'), dataIndex: 'topic', render: (topic: string, r) => <span id={`consultation-${r.id}-topic`}>{topic}</span> },
    {
      title: t('內容／後續追蹤', 'Content / follow-up'),
      key: 'content',
      render: (_, r) => (
        <div style={{ whiteSpace: 'pre-wrap', minWidth: 160 }}>
          {r.content}
          {r.follow_up && (
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('後續：', 'Follow-up: ')}
              {r.follow_up}
            </Typography.Paragraph>
          )}
        </div>
      ),
    },
    ...(actions ? [{ title: t('操作', 'Actions'), key: 'actions', render: (_: unknown, r: Consultation) => actions(r) }] : []),
  ];
  return (
    <ResponsiveTable<Consultation>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={[...records]}
      loading={loading}
      pagination={pagination}
      scroll={{ x: true }}
      locale={{ emptyText: t('沒有諮詢紀錄', 'No records') }}
    />
  );
}

/**
 * 課程諮詢紀錄: a course consultant records group and individual consultations with their
 * students (their classes' and those assigned to them), and edits, deletes and exports their
 * own; the admin (module S0204S) sees every consultant's records, by class and month.
 */
export function ConsultationsPage() {
  const t = useT();
  const { data: me } = useMe();
  const consultant = me?.roles.includes('course_consultant') ?? false;
  const [term, setTerm] = useState<string>();
  const [classCode, setClassCode] = useState<string>();
  const [month, setMonth] = useState<string>();
  const [text, setText] = useState<string>();
  const query = { term, class_code: classCode, month, q: text };
  const records = usePagedQuery({
    queryKey: consultationsKey,
    filters: query,
    fetchPage: (params, signal) => unwrap(api.GET('/api/v1/consultations', { params: { query: params }, signal })),
  });
  const advisees = useAdvisees(consultant);
  const [editing, setEditing] = useState<Consultation | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const close = () => setEditing(null);
  const create = useApiMutation((body: ConsultationInput) => unwrap(api.POST('/api/v1/consultations', { body })), { invalidate: [consultationsKey], success: t('已新增', 'Added'), onSuccess: close });
  const update = useApiMutation(
    ({ id, body }: { id: number; body: ConsultationInput }) => unwrap(api.PUT('/api/v1/consultations/{id}', { params: { path: { id } }, body })),
    { invalidate: [consultationsKey], success: t('已儲存', 'Saved'), onSuccess: close },
  );
  const remove = useApiMutation(async (id: number) => { await unwrap(api.DELETE('/api/v1/consultations/{id}', { params: { path: { id } } })); }, {
    invalidate: [consultationsKey],
    success: t('已刪除', 'Deleted'),
  });
  const open = (r: Consultation | 'new') => {
    setEditing(r);
    form.setFieldsValue(
      r === 'new'
        ? { kind: 'individual', held_on: dayjs(), student_ids: [], topic: '', content: '', follow_up: '' }
        : { kind: r.kind, held_on: dayjs(r.held_on), student_ids: r.students.map((s) => s.id), topic: r.topic, content: r.content, follow_up: r.follow_up },
    );
  };
  const own = (r: Consultation) => r.consultant_id === me?.user.id;
  return (
    <PageCard
      title={t('課程諮詢紀錄', 'Course consultation records')}
      intro={consultant ? t('記錄您對應班級及學生的團體、個別諮詢。', 'Record group and individual consultations with your classes and students.') : t('全校課程諮詢教師的諮詢紀錄。', 'All course consultants’ records.')}
      create={consultant ? { label: t('新增紀錄', 'Add record'), onClick: () => open('new') } : undefined}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <ClassSelect value={classCode} onChange={setClassCode} />
        <RocPicker picker="month" format="YYYY/MM" aria-label={t('月份', 'Month')} placeholder={t('全部月份', 'All months')} onChange={(d) => setMonth(d ? d.format('YYYY-MM') : undefined)} />
        <Input.Search aria-label={t('主題', 'Topic')} placeholder={t('搜尋主題', 'Search topics')} allowClear onSearch={(v) => setText(v.trim() || undefined)} style={{ width: 200 }} />
        <DownloadButton fetch={(signal) => fetchFile(api.GET('/api/v1/consultations.xlsx', { params: { query }, parseAs: 'blob', signal }), xlsxName('課程諮詢紀錄', term))} />
      </Space>
      <ErrorAlert error={records.query.error} />
      <ConsultationTable
        records={records.rows}
        loading={records.query.isFetching}
        pagination={records.tableProps.pagination}
        actions={
          consultant
            ? (r) =>
                own(r) && (
                  <Space>
                    <Button type="link" style={{ padding: 0 }} onClick={() => open(r)} aria-labelledby={`consultation-${r.id}-edit consultation-${r.id}-topic`}>
                      <span id={`consultation-${r.id}-edit`}>{t('編輯', 'Edit')}</span>
                    </Button>
                    <Popconfirm title={t('確定刪除這筆紀錄？', 'Delete this record?')} onConfirm={() => remove.mutate(r.id)}>
                      <Button type="link" danger style={{ padding: 0 }} aria-labelledby={`consultation-${r.id}-delete consultation-${r.id}-topic`}>
                        <span id={`consultation-${r.id}-delete`}>{t('刪除', 'Delete')}</span>
                      </Button>
                    </Popconfirm>
                  </Space>
                )
            : undefined
        }
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('新增諮詢紀錄', 'Add record') : t('編輯諮詢紀錄', 'Edit record')}
        okText={t('儲存', 'Save')}
        cancelText={t('取消', 'Cancel')}
        onCancel={close}
        onOk={() => form.submit()}
        confirmLoading={create.isPending || update.isPending}
        destroyOnHidden
      >
        <Form<FormValues>
          form={form}
          layout="vertical"
          onFinish={(v) => {
            const body: ConsultationInput = { kind: v.kind, held_on: v.held_on.format('YYYY-MM-DD'), student_ids: v.student_ids, topic: v.topic, content: v.content ?? '', follow_up: v.follow_up ?? '' };
            if (editing === 'new') create.mutate(body);
            else if (editing) update.mutate({ id: editing.id, body });
          }}
        >
          <Form.Item name="kind" label={t('類型', 'Kind')} rules={[{ required: true }]}>
            <Radio.Group options={[{ value: 'group', label: t('團體諮詢', 'Group') }, { value: 'individual', label: t('個別諮詢', 'Individual') }]} />
          </Form.Item>
          <Form.Item name="held_on" label={t('諮詢日期', 'Date')} rules={[{ required: true }]}>
            <RocDatePicker />
          </Form.Item>
          <Form.Item name="student_ids" label={t('學生', 'Students')} rules={[{ required: true, type: 'array', min: 1, message: t('請選擇學生', 'Choose the students') }]}>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              loading={advisees.isPending}
              options={(advisees.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.class_code ?? ''} ${s.seat_no ?? ''} ${s.name}` }))}
            />
          </Form.Item>
          <Form.Item name="topic" label={t('主題', 'Topic')} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="content" label={t('內容', 'Content')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
          <Form.Item name="follow_up" label={t('後續追蹤', 'Follow-up')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </PageCard>
  );
}

/** 課程諮詢紀錄統計 (school admin, module S0204S): per consultant, class and month. */
export function ConsultationStatsPage() {
  const t = useT();
  const [term, setTerm] = useState<string>();
  const stats = useQuery({
    queryKey: ['reports', 'consultations', term ?? 'current'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/consultations', { params: { query: { term } }, signal })),
  });
  const columns = (head: string): TableProps<ConsultationCount>['columns'] => [
    { title: head, dataIndex: 'key' },
    { title: t('團體諮詢', 'Group'), dataIndex: 'group', align: 'right' },
    { title: t('個別諮詢', 'Individual'), dataIndex: 'individual', align: 'right' },
    { title: t('紀錄數', 'Records'), dataIndex: 'records', align: 'right' },
    { title: t('學生數', 'Students'), dataIndex: 'students', align: 'right' },
  ];
  const total = stats.data?.total;
  const part = (title: string, head: string, rows: readonly ConsultationCount[] | undefined) => (
    <div>
      <Typography.Title level={5}>{title}</Typography.Title>
      <Table<ConsultationCount>
        rowKey="key"
        size="small"
        columns={columns(head)}
        dataSource={[...(rows ?? []), ...(total && (rows?.length ?? 0) > 0 ? [{ ...total, key: t('合計', 'Total') }] : [])]}
        loading={stats.isFetching}
        pagination={false}
      />
    </div>
  );
  return (
    <PageCard title={t('課程諮詢紀錄統計', 'Consultation statistics')} intro={t('各課程諮詢教師、班級、月份的團體與個別諮詢次數。', 'Group and individual consultations per consultant, class and month.')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <TermSelect value={term} onChange={setTerm} />
        <DownloadButton fetch={(signal) => fetchFile(api.GET('/api/v1/reports/consultations.xlsx', { params: { query: { term } }, parseAs: 'blob', signal }), xlsxName('課程諮詢紀錄統計', term))} />
      </Space>
      <ErrorAlert error={stats.error} />
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        {part(t('依諮詢教師', 'By consultant'), t('諮詢教師', 'Consultant'), stats.data?.by_consultant)}
        {part(t('依班級', 'By class'), t('班級', 'Class'), stats.data?.by_class)}
        {part(t('依月份', 'By month'), t('月份', 'Month'), stats.data?.by_month)}
      </Space>
    </PageCard>
  );
}

/** The student's consultation records. */
export function MyConsultationsPage() {
  const t = useT();
  const records = usePagedQuery({
    queryKey: ['me', 'consultations'],
    filters: {},
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/me/consultations', { params: { query }, signal })),
  });
  return (
    <PageCard title={t('我的課程諮詢紀錄', 'My consultation records')} intro={t('課程諮詢教師與您的諮詢紀錄。', 'Records of your course consultations.')}>
      <ErrorAlert error={records.query.error} />
      <ConsultationTable records={records.rows} loading={records.query.isFetching} pagination={records.tableProps.pagination} />
    </PageCard>
  );
}
