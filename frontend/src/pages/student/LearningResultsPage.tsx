import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Form, Grid, Row, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { LearningResult, MyCourse, MyCourses, ResultState, ResultsQuery } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { FilterSelect } from '../../components/FilteredListCard';
import { FormModal } from '../../components/FormModal';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { atLeastOneFileRule, DescriptionItem, FileSlotItem, UploadProgressBar } from '../../components/UploadFields';
import { formatApiDateTime, formatApiTerm, formatTerm } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { useUpload } from '../../lib/useUpload';
import type { FileChoice } from '../../lib/uploadFiles';
import { createResult, updateResult } from './api';
import { FileIcons } from './FileIcons';
import { PeriodText } from './PeriodText';
import { learningResultsKey, myCoursesKey, selectionsKey } from './queryKeys';
import { ResultDetailDrawer, ResultStateTag } from './ResultDetailDrawer';
import {
  courseFull,
  courseOptions,
  resultActions,
  resultEditFields,
  resultStateLabels,
  resultStates,
  uploadBlockReason,
} from './results';

type ResultFilters = Pick<ResultsQuery, 'state'>;

interface CreateValues {
  course_id: number;
  description: string;
  document?: FileChoice;
  video?: FileChoice;
}

/** The dialog: a new result (`result` null) or an edit of one. */
type Editing = { result: LearningResult | null } | null;

const stateOptions = resultStates.map((state) => ({ value: state, label: resultStateLabels[state].label }));

/** This semester's courses with the counts against the school's limits, and the upload period. */
function CoursesCard({ query }: { query: ReturnType<typeof useMyCourses> }) {
  const courses = query.data;
  const columns: TableProps<MyCourse>['columns'] = [
    {
      title: '科目',
      key: 'subject',
      render: (_, course) => (
        <div style={{ minWidth: 120 }}>
          {course.subject_name}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {course.course_code}
          </Typography.Text>
        </div>
      ),
    },
    { title: '班級', dataIndex: 'class_code', render: (code: string) => code || '跨班' },
    { title: '學分', dataIndex: 'credits' },
    {
      title: '已上傳',
      key: 'results',
      render: (_, course) =>
        courses && (
          <Tag color={courseFull(course, courses.per_subject_limit) ? 'red' : 'default'} style={{ whiteSpace: 'nowrap' }}>
            {course.results} / {courses.per_subject_limit}
          </Tag>
        ),
    },
  ];
  return (
    <Card title={courses ? `本學期修課（${formatApiTerm(courses.term)}）` : '本學期修課'}>
      <ErrorAlert error={query.error} />
      {courses && (
        <>
          <Descriptions
            column={{ xs: 1, md: 3 }}
            size="small"
            style={{ marginBottom: 16 }}
            items={[
              {
                key: 'period',
                label: '上傳期間',
                span: { xs: 1, md: 3 },
                children: <PeriodText period={courses.upload_period} none="學校尚未設定本學期的上傳時間" />,
              },
              {
                key: 'used',
                label: '本學期已上傳',
                children: (
                  <Tag color={courses.used >= courses.per_semester_limit ? 'red' : 'blue'}>
                    {courses.used} / {courses.per_semester_limit} 件
                  </Tag>
                ),
              },
              { key: 'subject', label: '單科上限', children: `每科 ${courses.per_subject_limit} 件` },
            ]}
          />
          <Table<MyCourse>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={courses.courses}
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: '本學期沒有修課資料' }}
          />
        </>
      )}
    </Card>
  );
}

function useMyCourses() {
  return useQuery({
    queryKey: myCoursesKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/courses', { signal })),
  });
}

/** The upload / edit dialog's fields (the course only for a new result). */
function ResultFormItems({ courses, result }: { courses: MyCourses | undefined; result: LearningResult | null }) {
  return (
    <>
      {result ? (
        <Form.Item label="課程">
          <Typography.Text>
            {result.subject_name}（{result.course_code}）
          </Typography.Text>
        </Form.Item>
      ) : (
        <Form.Item name="course_id" label="課程" rules={[{ required: true, message: '請選擇課程' }]}>
          <Select<number> options={courses ? courseOptions(courses) : []} placeholder="選擇本學期修習的課程" aria-label="課程" />
        </Form.Item>
      )}
      <DescriptionItem />
      <FileSlotItem
        slot="document"
        current={result?.document}
        dependencies={['video']}
        rules={[atLeastOneFileRule(result ?? undefined)]}
        extra="文件檔與影音檔至少一個。"
      />
      <FileSlotItem slot="video" current={result?.video} />
    </>
  );
}

/**
 * 課程學習成果 (student): this semester's courses with the counts against the limits and the upload
 * period; the student's results in every term, by state; upload (multipart, with a progress bar),
 * edit and submit while 編輯中, delete while 編輯中 or 認證失敗, and the details with the files and
 * the history.
 */
export function LearningResultsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const courses = useMyCourses();
  const [filters, update] = useFilters<ResultFilters>({});
  const [editing, setEditing] = useState<Editing>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const upload = useUpload();
  // Below antd's md breakpoint (768 px: phones) the results are one compact column.
  const compact = Grid.useBreakpoint().md === false;

  const results = usePagedQuery({
    queryKey: learningResultsKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/learning-results', { params: { query }, signal })),
  });

  const refresh = [learningResultsKey, myCoursesKey, selectionsKey] as const;
  const remove = useApiMutation(
    (result: LearningResult) =>
      unwrap(api.DELETE('/api/v1/learning-results/{id}', { params: { path: { id: result.id } } })),
    { invalidate: refresh, success: (_, result) => `已刪除「${result.subject_name}」的學習成果` },
  );
  const submit = useApiMutation(
    (result: LearningResult) =>
      unwrap(api.POST('/api/v1/learning-results/{id}/submit', { params: { path: { id: result.id } } })),
    { invalidate: refresh, success: (_, result) => `已送出「${result.subject_name}」的學習成果，等待老師認證` },
  );

  const uploadOpen = courses.data?.upload_period?.open ?? false;
  const blocked = uploadBlockReason(courses.data);

  const close = () => {
    upload.abort();
    setEditing(null);
  };

  const save = async (values: CreateValues) => {
    const current = editing?.result ?? null;
    const saved = await upload.run((call) =>
      current
        ? updateResult(current.id, resultEditFields(current, values), call)
        : createResult(
            { course_id: values.course_id, description: values.description.trim(), document: values.document, video: values.video },
            call,
          ),
    );
    if (!saved) return;
    void message.success(current ? '學習成果已修改' : '學習成果已上傳（編輯中），確認無誤後請送出認證');
    setEditing(null);
    await Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };

  const course = (result: LearningResult) => (
    <>
      {result.subject_name}
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
        {result.course_code}
      </Typography.Text>
    </>
  );

  const stateTags = (result: LearningResult) => (
    <Space wrap size={4}>
      <ResultStateTag state={result.state} />
      {result.selected && <Tag color="purple">已勾選</Tag>}
    </Space>
  );

  const rejectReason = (result: LearningResult) =>
    result.state === 'rejected' &&
    result.reject_reason && (
      <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
        原因：{result.reject_reason}
      </Typography.Text>
    );

  const description = (text: string) => (
    <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ margin: 0 }}>
      {text}
    </Typography.Paragraph>
  );

  const actions = (result: LearningResult) => {
    const can = resultActions(result, uploadOpen);
    const name = `${result.subject_name} ${formatTerm(result.term)}`;
    return (
      <Space size={0} wrap>
        <Button type="link" onClick={() => setViewing(result.id)} aria-label={`詳細 ${name}`}>
          詳細
        </Button>
        {can.edit && (
          <Button type="link" onClick={() => setEditing({ result })} aria-label={`修改 ${name}`}>
            修改
          </Button>
        )}
        {can.submit && (
          <ConfirmButton
            title="送出認證？"
            description="送出後就不能修改或刪除，由任課老師認證。"
            okText="送出"
            danger={false}
            onConfirm={() => submit.mutateAsync(result)}
            aria-label={`送出認證 ${name}`}
          >
            送出認證
          </ConfirmButton>
        )}
        {can.delete && (
          <ConfirmButton
            title={`刪除「${result.subject_name}」的學習成果？`}
            description={result.state === 'rejected' ? '刪除後可重新上傳。' : undefined}
            okText="刪除"
            onConfirm={() => remove.mutateAsync(result)}
            aria-label={`刪除 ${name}`}
          >
            刪除
          </ConfirmButton>
        )}
      </Space>
    );
  };

  const columns: TableProps<LearningResult>['columns'] = compact
    ? [
        {
          // Phones: one column, each result a compact block with its state at the top and its
          // actions at the bottom, so nothing needs a sideways swipe.
          title: '學習成果',
          key: 'result',
          render: (_, result) => (
            <div style={{ minWidth: 0 }}>
              <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 8 }}>
                <div style={{ minWidth: 0 }}>
                  {result.subject_name}
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {formatTerm(result.term)}・{result.course_code}
                  </Typography.Text>
                </div>
                <div style={{ flex: 'none' }}>{stateTags(result)}</div>
              </div>
              {rejectReason(result)}
              <div style={{ marginTop: 4 }}>{description(result.description)}</div>
              <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginTop: 4 }}>
                <FileIcons item={result} />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  最後修改 {formatApiDateTime(result.updated_at)}
                </Typography.Text>
              </div>
              {actions(result)}
            </div>
          ),
        },
      ]
    : [
        { title: '學年期', dataIndex: 'term', render: (term: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatTerm(term)}</span> },
        { title: '課程', key: 'course', render: (_, result) => <div style={{ minWidth: 110 }}>{course(result)}</div> },
        {
          title: '內容簡述',
          dataIndex: 'description',
          render: (text: string) => <div style={{ minWidth: 160 }}>{description(text)}</div>,
        },
        { title: '檔案', key: 'files', render: (_, result) => <FileIcons item={result} /> },
        {
          title: '狀態',
          key: 'state',
          render: (_, result) => (
            <div style={{ minWidth: 90 }}>
              {stateTags(result)}
              {rejectReason(result)}
            </div>
          ),
        },
        {
          title: '最後修改',
          dataIndex: 'updated_at',
          render: (at: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatApiDateTime(at)}</span>,
        },
        { title: '操作', key: 'actions', render: (_, result) => actions(result) },
      ];

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <CoursesCard query={courses} />
      </Col>
      <Col span={24}>
        <PageCard
          title="我的課程學習成果"
          intro="在上傳期間內上傳本學期課程的學習成果（文件檔或影音檔至少一個），確認後送出認證；送出後由任課老師認證。認證失敗的可刪除後重新上傳。"
          create={{ label: '上傳學習成果', onClick: () => setEditing({ result: null }), blocked }}
        >
          <ErrorAlert error={results.query.error} />
          <Space wrap style={{ marginBottom: 16 }}>
            <FilterSelect<ResultState>
              label="依狀態篩選"
              placeholder="全部狀態"
              options={stateOptions}
              value={filters.state}
              onChange={(state) => update({ state })}
              width={160}
            />
          </Space>
          <Table<LearningResult>
            rowKey="id"
            size="middle"
            columns={columns}
            scroll={compact ? undefined : { x: true }}
            tableLayout={compact ? 'fixed' : undefined}
            locale={{ emptyText: filters.state ? '沒有符合的學習成果' : '尚未上傳學習成果' }}
            {...results.tableProps}
          />
        </PageCard>
      </Col>

      <FormModal<CreateValues>
        title={editing?.result ? '修改學習成果' : '上傳學習成果'}
        open={editing !== null}
        onClose={close}
        onSubmit={save}
        cancellable
        okText={editing?.result ? '儲存' : '上傳'}
        initialValues={editing?.result ? { description: editing.result.description } : {}}
      >
        <ResultFormItems courses={courses.data} result={editing?.result ?? null} />
        <UploadProgressBar progress={upload.progress} />
      </FormModal>
      <ResultDetailDrawer id={viewing} onClose={() => setViewing(null)} />
    </Row>
  );
}
