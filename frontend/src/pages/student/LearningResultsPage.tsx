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
import { TermChoice, useChosenTerm } from '../../components/TermChoice';
import { ResultDetailDrawer, ResultStateTag } from './ResultDetailDrawer';
import {
  courseFull,
  courseOptions,
  resultActions,
  resultEditFields,
  openUploadTerm,
  resultStateLabels,
  resultStates,
  uploadBlockReason,
} from './results';
import { useT } from '../../i18n';

type ResultFilters = Pick<ResultsQuery, 'state'>;

interface CreateValues {
  course_id: number;
  description?: string;
  document?: FileChoice;
  video?: FileChoice;
}

/** The dialog: a new result (`result` null) or an edit of one. */
type Editing = { result: LearningResult | null } | null;

// Getters: read in the UI language of the moment (not the one this module loaded in).
const stateOptions = resultStates.map((state) => ({
  value: state,
  get label() {
    return resultStateLabels[state].label;
  },
}));

/** This semester's courses with the counts against the school's limits, and the upload period. */
function CoursesCard({ query }: { query: ReturnType<typeof useMyCourses> }) {
  const t = useT();
  const courses = query.data;
  const chosen = useChosenTerm();
  const columns: TableProps<MyCourse>['columns'] = [
    {
      title: t('科目', 'Subject'),
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
    { title: t('班級', 'Class'), dataIndex: 'class_code', render: (code: string) => code || t('跨班', 'Cross-class') },
    { title: t('學分', 'Credits'), dataIndex: 'credits' },
    {
      title: t('已上傳', 'Uploaded'),
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
    <Card
      title={
        courses && chosen
          ? t(`修課（${formatApiTerm(courses.term)}）`, `Courses (${formatApiTerm(courses.term)})`)
          : courses
            ? t(`本學期修課（${formatApiTerm(courses.term)}）`, `This term's courses (${formatApiTerm(courses.term)})`)
            : t('本學期修課', "This term's courses")
      }
    >
      <TermChoice />
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
                label: t('上傳期間', 'Upload period'),
                span: { xs: 1, md: 3 },
                children: <PeriodText period={courses.upload_period} none={t('學校尚未設定本學期的上傳時間', "The school has not set this term's upload period")} />,
              },
              {
                key: 'used',
                label: t('本學期已上傳', 'Uploaded this term'),
                children: (
                  <Tag color={courses.used >= courses.per_semester_limit ? 'red' : 'blue'}>
                    {courses.used} / {courses.per_semester_limit}
                    {t(' 件', '')}
                  </Tag>
                ),
              },
              { key: 'subject', label: t('單科上限', 'Per-course limit'), children: t(`每科 ${courses.per_subject_limit} 件`, `${courses.per_subject_limit} per course`) },
            ]}
          />
          <Table<MyCourse>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={courses.courses}
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: t('本學期沒有修課資料', 'No courses this term') }}
          />
        </>
      )}
    </Card>
  );
}

/** The courses of the chosen term (`?term=`, an earlier one to finish its uploads: 003 #3), default this term. */
function useMyCourses() {
  const term = useChosenTerm();
  return useQuery({
    queryKey: [...myCoursesKey, term ?? 'current'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/courses', { params: { query: term ? { term } : {} }, signal })),
  });
}

/** The upload / edit dialog's fields (the course only for a new result). */
function ResultFormItems({ courses, result }: { courses: MyCourses | undefined; result: LearningResult | null }) {
  const t = useT();
  return (
    <>
      {result ? (
        <Form.Item label={t('課程', 'Course')}>
          <Typography.Text>
            {result.subject_name}（{result.course_code}）
          </Typography.Text>
        </Form.Item>
      ) : (
        <Form.Item name="course_id" label={t('課程', 'Course')} rules={[{ required: true, message: t('請選擇課程', 'Please choose a course') }]}>
          <Select<number> options={courses ? courseOptions(courses) : []} placeholder={t('選擇本學期修習的課程', "Choose one of this term's courses")} aria-label={t('課程', 'Course')} />
        </Form.Item>
      )}
      <DescriptionItem optional />
      <FileSlotItem
        slot="document"
        current={result?.document}
        dependencies={['video']}
        rules={[atLeastOneFileRule(result ?? undefined)]}
        extra={t('文件檔與影音檔至少一個。', 'At least one document or audio/video file.')}
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
  const t = useT();
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
    { invalidate: refresh, success: (_, result) => t(`已刪除「${result.subject_name}」的學習成果`, `Deleted the learning result of ${result.subject_name}`) },
  );
  const submit = useApiMutation(
    (result: LearningResult) =>
      unwrap(api.POST('/api/v1/learning-results/{id}/submit', { params: { path: { id: result.id } } })),
    { invalidate: refresh, success: (_, result) =>
        t(
          `已送出「${result.subject_name}」的學習成果，等待老師認證`,
          `Submitted the learning result of ${result.subject_name}; the teacher will certify it`,
        ),
    },
  );

  const openTerm = openUploadTerm(courses.data);
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
            { course_id: values.course_id, description: (values.description ?? '').trim(), document: values.document, video: values.video },
            call,
          ),
    );
    if (!saved) return;
    void message.success(
      current
        ? t('學習成果已修改', 'Learning result edited')
        : t('學習成果已上傳（編輯中），確認無誤後請送出認證', 'Learning result uploaded (editing); submit it for certification when it is ready'),
    );
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
      {result.selected && <Tag color="purple">{t('已勾選', 'Selected')}</Tag>}
    </Space>
  );

  const rejectReason = (result: LearningResult) =>
    result.state === 'rejected' &&
    result.reject_reason && (
      <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
        {t('原因：', 'Reason: ')}
        {result.reject_reason}
      </Typography.Text>
    );

  const description = (text: string) => (
    <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ margin: 0 }}>
      {text}
    </Typography.Paragraph>
  );

  const actions = (result: LearningResult) => {
    const can = resultActions(result, openTerm);
    const name = `${result.subject_name} ${formatTerm(result.term)}`;
    return (
      <Space size={0} wrap>
        <Button type="link" onClick={() => setViewing(result.id)} aria-label={t(`詳細 ${name}`, `Details ${name}`)}>
          {t('詳細', 'Details')}
        </Button>
        {can.edit && (
          <Button type="link" onClick={() => setEditing({ result })} aria-label={t(`修改 ${name}`, `Edit ${name}`)}>
            {t('修改', 'Edit')}
          </Button>
        )}
        {can.submit && (
          <ConfirmButton
            title={t('送出認證？', 'Submit for certification?')}
            description={t('送出後就不能修改或刪除，由任課老師認證。', 'Once submitted it cannot be edited or deleted; the course teacher certifies it.')}
            okText={t('送出', 'Submit')}
            danger={false}
            onConfirm={() => submit.mutateAsync(result)}
            aria-label={t(`送出認證 ${name}`, `Submit for certification ${name}`)}
          >
            {t('送出認證', 'Submit for certification')}
          </ConfirmButton>
        )}
        {can.delete && (
          <ConfirmButton
            title={t(`刪除「${result.subject_name}」的學習成果？`, `Delete the learning result of ${result.subject_name}?`)}
            description={
              result.state === 'rejected'
                ? t('刪除後可重新上傳；也可以按「修改」重新編輯後再送出認證。', 'You can upload again after deleting it, or edit it and submit it again.')
                : undefined
            }
            okText={t('刪除', 'Delete')}
            onConfirm={() => remove.mutateAsync(result)}
            aria-label={t(`刪除 ${name}`, `Delete ${name}`)}
          >
            {t('刪除', 'Delete')}
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
          title: t('學習成果', 'Learning result'),
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
                  {t('最後修改', 'Last edited')} {formatApiDateTime(result.updated_at)}
                </Typography.Text>
              </div>
              {actions(result)}
            </div>
          ),
        },
      ]
    : [
        { title: t('學年期', 'Term'), dataIndex: 'term', render: (term: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatTerm(term)}</span> },
        { title: t('課程', 'Course'), key: 'course', render: (_, result) => <div style={{ minWidth: 110 }}>{course(result)}</div> },
        {
          title: t('內容簡述', 'Description'),
          dataIndex: 'description',
          render: (text: string) => <div style={{ minWidth: 160 }}>{description(text)}</div>,
        },
        { title: t('檔案', 'Files'), key: 'files', render: (_, result) => <FileIcons item={result} /> },
        {
          title: t('狀態', 'Status'),
          key: 'state',
          render: (_, result) => (
            <div style={{ minWidth: 90 }}>
              {stateTags(result)}
              {rejectReason(result)}
            </div>
          ),
        },
        {
          title: t('最後修改', 'Last edited'),
          dataIndex: 'updated_at',
          render: (at: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatApiDateTime(at)}</span>,
        },
        { title: t('操作', 'Actions'), key: 'actions', render: (_, result) => actions(result) },
      ];

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <CoursesCard query={courses} />
      </Col>
      <Col span={24}>
        <PageCard
          title={t('我的課程學習成果', 'My course learning results')}
          intro={t('在上傳期間內上傳本學期課程的學習成果（文件檔或影音檔至少一個），確認後送出認證；送出後由任課老師認證。認證失敗的可刪除後重新上傳。', "During the upload period, upload learning results for this term's courses (at least one document or audio/video file), then submit them for certification by the course teacher. A result that was not certified can be deleted and uploaded again.")}
          create={{ label: t('上傳學習成果', 'Upload learning result'), onClick: () => setEditing({ result: null }), blocked }}
        >
          <ErrorAlert error={results.query.error} />
          <Space wrap style={{ marginBottom: 16 }}>
            <FilterSelect<ResultState>
              label={t('依狀態篩選', 'Filter by status')}
              placeholder={t('全部狀態', 'All statuses')}
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
            locale={{ emptyText: filters.state ? t('沒有符合的學習成果', 'No matching learning results') : t('尚未上傳學習成果', 'No learning results uploaded yet') }}
            {...results.tableProps}
          />
        </PageCard>
      </Col>

      <FormModal<CreateValues>
        title={editing?.result ? t('修改學習成果', 'Edit learning result') : t('上傳學習成果', 'Upload learning result')}
        open={editing !== null}
        onClose={close}
        onSubmit={save}
        cancellable
        okText={editing?.result ? t('儲存', 'Save') : t('上傳', 'Upload')}
        initialValues={editing?.result ? { description: editing.result.description } : {}}
      >
        <ResultFormItems courses={courses.data} result={editing?.result ?? null} />
        <UploadProgressBar progress={upload.progress} />
      </FormModal>
      <ResultDetailDrawer id={viewing} onClose={() => setViewing(null)} />
    </Row>
  );
}
