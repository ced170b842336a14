import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { BatchDecisionBody, CertificationQuery, LearningResult, QueueCourse, ResultState } from '../../api/types';
import { FilterSearch, FilterSelect } from '../../components/FilteredListCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime } from '../../lib/roc';
import { DEFAULT_PER_PAGE, useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { useRowSelection } from '../../lib/useRowSelection';
import { FileIcons } from '../student/FileIcons';
import { PeriodText } from '../student/PeriodText';
import { learningResultsKey } from '../student/queryKeys';
import { ResultStateTag } from '../student/ResultDetailDrawer';
import { CertificationDrawer } from './CertificationDrawer';
import { DelegateTag, NoCertifyTag, StateCountTags, TeacherList } from './CourseInfo';
import { DelegateNotes } from '../../components/DelegateNotes';
import {
  allowsDecision,
  certificationStateOptions,
  courseClassLabel,
  courseTitle,
  decisionBlockReason,
  DEFAULT_STATE,
  outcomeSummary,
  selectable,
  studentClassLabel,
  type OutcomeSummary,
} from './certification';
import { certificationKey, certificationResultsKey } from './queryKeys';
import { RejectReasonModal } from './RejectReasonModal';
import { useT } from '../../i18n';
import { ScrollTable } from '../../components/ScrollRegion';

type ResultFilters = Pick<CertificationQuery, 'course_id' | 'class_code' | 'state' | 'q'>;

/** What a batch decision did: decided count and each refused result with the server's reason. */
function OutcomeAlert({ summary, onClose }: { summary: OutcomeSummary; onClose: () => void }) {
  const t = useT();
  return (
    <Alert
      type={summary.type}
      showIcon
      closable={{ onClose, 'aria-label': t('關閉處理結果', 'Close the outcome') }}
      role="status"
      data-testid="batch-outcome"
      title={summary.title}
      description={
        summary.refusals.length > 0 && (
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {summary.refusals.map((refusal) => (
              <li key={refusal.id}>
                {refusal.name}：{refusal.detail}
              </li>
            ))}
          </ul>
        )
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/**
 * One course's results for its teacher: the course (counts, period, teachers, whether the teacher
 * may decide), the results filtered by class, state (認證中 first) and student, 30 a page, with
 * 查看 (details, files, history, decisions) and the ticked rows decided at once
 * (「批次認證通過」, 「批次認證失敗」 with one reason).
 */
export function CourseResults({ course, initialClass }: { course: QueueCourse; initialClass?: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [filters, update] = useFilters<ResultFilters>({
    course_id: course.course_id,
    class_code: initialClass || undefined,
    state: DEFAULT_STATE,
  });
  const [viewing, setViewing] = useState<number | null>(null);
  const [rejectingMany, setRejectingMany] = useState(false);
  const [outcome, setOutcome] = useState<OutcomeSummary | null>(null);
  const selection = useRowSelection<LearningResult>((row) => row.id);
  const blocked = decisionBlockReason(course);

  const results = usePagedQuery({
    queryKey: certificationResultsKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/certification/results', { params: { query }, signal })),
  });

  const batch = useMutation({
    mutationFn: (body: BatchDecisionBody) => unwrap(api.POST('/api/v1/certification/decisions', { body })),
    onSuccess: async (answer, body) => {
      const known = new Map(selection.rows.map((row) => [row.id, row]));
      setOutcome(outcomeSummary(answer, body.decision, known));
      const decided = new Set(answer.decided);
      selection.drop(selection.rows.filter((row) => decided.has(row.id)));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: certificationKey }),
        queryClient.invalidateQueries({ queryKey: learningResultsKey }),
      ]);
    },
  });

  // Where the result open in the drawer stands in this page of the list (上一件 / 下一件).
  const at = viewing === null ? -1 : results.rows.findIndex((row) => row.id === viewing);

  const certifiable = selection.rows.filter((row) => allowsDecision(row.state, 'certify'));
  const rejectable = selection.rows.filter((row) => allowsDecision(row.state, 'reject'));

  const certifyMany = () => {
    setOutcome(null);
    batch.mutate({ ids: certifiable.map((row) => row.id), decision: 'certify' });
  };
  const rejectMany = async (reason: string) => {
    setOutcome(null);
    await batch.mutateAsync({ ids: rejectable.map((row) => row.id), decision: 'reject', reason });
    setRejectingMany(false);
  };

  const classOptions = course.classes.map((counts) => ({
    value: counts.class_code,
    label: studentClassLabel(counts.class_code),
  }));

  const columns: TableProps<LearningResult>['columns'] = [
    {
      title: t('班級', 'Class'),
      dataIndex: 'class_code',
      render: (code: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{studentClassLabel(code)}</span>,
    },
    { title: t('座號', 'Seat'), dataIndex: 'seat_no', render: (seat: number | null) => seat ?? '' },
    {
      title: t('學號/姓名', 'Student no. / name'),
      key: 'student',
      render: (_, row) => (
        <div style={{ minWidth: 100 }}>
          {row.student_name}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {row.student_account}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('內容簡述', 'Description'),
      dataIndex: 'description',
      render: (text: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: text }} style={{ minWidth: 160, margin: 0 }}>
          {text}
        </Typography.Paragraph>
      ),
    },
    { title: t('檔案', 'Files'), key: 'files', render: (_, row) => <FileIcons item={row} /> },
    {
      title: t('狀態', 'Status'),
      key: 'state',
      render: (_, row) => (
        <div style={{ minWidth: 80 }}>
          <ResultStateTag state={row.state} />
          {row.state === 'rejected' && row.reject_reason && (
            <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
              {t('原因：', 'Reason: ')}
        {row.reject_reason}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: t('送出時間', 'Submitted'),
      dataIndex: 'submitted_at',
      render: (at: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatApiDateTime(at)}</span>,
    },
    {
      title: t('審核者', 'Certified by'),
      key: 'decided',
      render: (_, row) =>
        row.decided_by || row.decided_at ? (
          <div style={{ whiteSpace: 'nowrap' }}>
            {row.decided_by}
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {formatApiDateTime(row.decided_at)}
            </Typography.Text>
          </div>
        ) : null,
    },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      // Kept in view while the table scrolls sideways (phones: 查看 was off the screen).
      fixed: 'right',
      render: (_, row) => (
        <Button type="link" onClick={() => setViewing(row.id)} aria-label={t(`查看 ${row.student_name} 的學習成果`, `View ${row.student_name}'s learning result`)}>
          {t('查看', 'View')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <Card
        title={`${courseTitle(course)}　${courseClassLabel(course.class_code)}`}
        extra={course.can_certify ? course.as_delegate && <DelegateTag /> : <NoCertifyTag />}
        styles={{ title: { whiteSpace: 'normal' } }}
      >
        <Descriptions
          column={{ xs: 1, md: 2 }}
          size="small"
          items={[
            { key: 'counts', label: t('認證狀況', 'Certification status'), children: <StateCountTags counts={course} /> },
            { key: 'grade', label: t('年級', 'Grade'), children: t(`${course.grade} 年級`, `Grade ${course.grade}`) },
            { key: 'period', label: t('認證期間', 'Certification period'), children: <PeriodText period={course.period} none={t('學校尚未設定認證時間', 'The school has not set the certification period')} /> },
            { key: 'teachers', label: t('授課教師', 'Teachers'), children: <TeacherList teachers={course.teachers} /> },
            ...(course.delegates.length > 0
              ? [{ key: 'delegates', label: t('代理認證教師', 'Delegate certifier'), children: <DelegateNotes delegates={course.delegates} /> }]
              : []),
          ]}
        />
        {blocked && <Alert type="warning" showIcon title={blocked} style={{ marginTop: 16 }} role="note" />}
      </Card>

      <Card title={t('學生學習成果', "Students' learning results")}>
        <ErrorAlert error={results.query.error} />
        {outcome && <OutcomeAlert summary={outcome} onClose={() => setOutcome(null)} />}
        {/* A refused batch as a whole (e.g. too many at once); a refused 批次認證失敗 shows in its dialog. */}
        {!rejectingMany && <ErrorAlert error={batch.error} />}
        <Space wrap style={{ marginBottom: 16 }}>
          {classOptions.length > 1 && (
            <FilterSelect<string>
              label={t('班級', 'Class')}
              placeholder={t('全部班級', 'All classes')}
              options={classOptions}
              value={filters.class_code ?? undefined}
              onChange={(class_code) => update({ class_code })}
              width={140}
            />
          )}
          {/* 全部 as an option of its own (issue #24), not only by clearing the field. */}
          <FilterSelect<ResultState | 'all'>
            label={t('狀態', 'Status')}
            placeholder={t('全部狀態', 'All statuses')}
            options={[{ value: 'all', label: t('全部', 'All') }, ...certificationStateOptions]}
            value={filters.state ?? 'all'}
            onChange={(state) => update({ state: state === 'all' ? undefined : state })}
            width={140}
          />
          <FilterSearch label={t('搜尋學生', 'Search students')} placeholder={t('學號（帳號）或姓名', 'Student no. (account) or name')} onSearch={(q) => update({ q })} width={220} />
        </Space>
        {/* The batch bar is left out while one result is open, so that its buttons are the only ones. */}
        {viewing === null && (
          <Space wrap style={{ marginBottom: 16 }} data-testid="batch-bar">
            <Typography.Text>{t(`已選 ${selection.selected.size} 件`, `${selection.selected.size} selected`)}</Typography.Text>
            <Button
              type="primary"
              icon={<CheckOutlined aria-hidden />}
              disabled={blocked !== null || certifiable.length === 0 || batch.isPending}
              loading={batch.isPending && batch.variables?.decision === 'certify'}
              onClick={certifyMany}
            >
              {t('批次認證通過', 'Certify selected')}
            </Button>
            <Button
              danger
              icon={<CloseOutlined aria-hidden />}
              disabled={blocked !== null || rejectable.length === 0 || batch.isPending}
              onClick={() => setRejectingMany(true)}
            >
              {t('批次認證失敗', 'Mark selected not certified')}
            </Button>
            {selection.selected.size > 0 && (
              <Button type="link" onClick={selection.clear}>
                {t('取消選取', 'Clear selection')}
              </Button>
            )}
          </Space>
        )}
        <ScrollTable<LearningResult>
          label={t('學生學習成果', 'Students’ learning results')}
          rowKey="id"
          size="middle"
          className="licheng-nowrap-head"
          columns={columns}
          rowSelection={{
            ...selection.rowSelection,
            getCheckboxProps: (row) => ({
              disabled: !selectable(row),
              'aria-label': t(`選取 ${row.student_name} 的學習成果`, `Select ${row.student_name}'s learning result`),
            }),
          }}
          locale={{
            emptyText:
              filters.state === 'submitted' && !filters.q && !filters.class_code
                ? t('目前沒有等待認證的學習成果', 'No learning results are waiting for certification')
                : t('沒有符合條件的學習成果', 'No matching learning results'),
          }}
          {...results.tableProps}
        />
      </Card>

      <CertificationDrawer
        id={viewing}
        blocked={blocked}
        onClose={() => setViewing(null)}
        onPrevious={at > 0 ? () => setViewing(results.rows[at - 1]!.id) : undefined}
        onNext={at >= 0 && at < results.rows.length - 1 ? () => setViewing(results.rows[at + 1]!.id) : undefined}
        position={at >= 0 ? t(`第 ${(results.page - 1) * DEFAULT_PER_PAGE + at + 1} / ${results.total} 件`, `${(results.page - 1) * DEFAULT_PER_PAGE + at + 1} of ${results.total}`) : undefined}
      />
      <RejectReasonModal
        open={rejectingMany}
        title={t('批次認證失敗', 'Mark selected not certified')}
        intro={t(
          `將已選的 ${rejectable.length} 件學習成果設為認證失敗，原因相同。`,
          `Mark the ${rejectable.length} selected learning result(s) as not certified, with the same reason.`,
        )}
        onClose={() => {
          setRejectingMany(false);
          // A refusal was shown in the dialog; do not show it again on the page.
          batch.reset();
        }}
        onSubmit={rejectMany}
      />
    </>
  );
}
