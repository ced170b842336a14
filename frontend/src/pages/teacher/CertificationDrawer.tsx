import { CheckOutlined, CloseOutlined, LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Drawer, Grid, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Decision, LearningResultDetail } from '../../api/types';
import { ItemFiles } from '../../components/FilePreview';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime, formatTerm } from '../../lib/roc';
import { loadResultFile } from '../student/api';
import { learningResultKey, learningResultsKey } from '../student/queryKeys';
import { ResultHistory, ResultStateTag } from '../student/ResultDetailDrawer';
import { allowsDecision, studentClassLabel } from './certification';
import { certificationKey } from './queryKeys';
import { RejectReasonModal } from './RejectReasonModal';
import { useT } from '../../i18n';

/** Send one decision on a result (`POST /api/v1/learning-results/{id}/decision`). */
export function decideResult(id: number, decision: Decision, reason?: string) {
  return unwrap(
    api.POST('/api/v1/learning-results/{id}/decision', {
      params: { path: { id } },
      body: decision === 'reject' ? { decision, reason } : { decision },
    }),
  );
}

/**
 * One learning result for its teacher: the student, the course, the state (with the reason of a
 * rejection), the files previewed in the page, the history, and the decision buttons — 「認證通過」
 * and 「認證失敗」 while 認證中, 「改為認證失敗」 once 認證成功 (000 Q6). The buttons are greyed out
 * with `blocked` (why the teacher cannot decide now) shown above them.
 */
export function CertificationDrawer({
  id,
  blocked,
  onClose,
  onPrevious,
  onNext,
  position,
}: {
  id: number | null;
  blocked: string | null;
  onClose: () => void;
  /** The list's result before / after this one (undefined at the list's ends): 上一件 / 下一件. */
  onPrevious?: () => void;
  onNext?: () => void;
  /** 「第 3 / 30 件」: where this result stands in the list shown. */
  position?: string;
}) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);

  const detail = useQuery({
    queryKey: learningResultKey(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/learning-results/{id}', { params: { path: { id: id ?? 0 } }, signal })),
    enabled: id !== null,
  });
  const result = detail.data?.result;

  const decide = useMutation({
    mutationFn: ({ decision, reason }: { decision: Decision; reason?: string }) =>
      decideResult(id ?? 0, decision, reason),
    onSuccess: async (updated: LearningResultDetail, { decision }) => {
      queryClient.setQueryData(learningResultKey(updated.result.id), updated);
      void message.success(
        decision === 'certify'
          ? t(`已認證通過「${updated.result.student_name}」的學習成果`, `Certified ${updated.result.student_name}'s learning result`)
          : t(
              `已將「${updated.result.student_name}」的學習成果設為認證失敗`,
              `Marked ${updated.result.student_name}'s learning result as not certified`,
            ),
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: certificationKey }),
        queryClient.invalidateQueries({ queryKey: learningResultsKey }),
      ]);
    },
  });

  const close = () => {
    decide.reset();
    setRejecting(false);
    onClose();
  };

  const canCertify = result !== undefined && allowsDecision(result.state, 'certify');
  const canReject = result !== undefined && allowsDecision(result.state, 'reject');
  const disabled = blocked !== null || decide.isPending;

  // Ctrl+Enter (⌘+Enter) certifies the result shown (issue #24: a keyboard shortcut for certify).
  const certifyNow = canCertify && !disabled && !rejecting;
  useEffect(() => {
    if (id === null || !certifyNow) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.repeat) {
        event.preventDefault();
        decide.mutate({ decision: 'certify' });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [id, certifyNow, decide]);

  const stepping = (onPrevious || onNext) && (
    <Space wrap size={4} data-testid="drawer-steps">
      <Button icon={<LeftOutlined aria-hidden />} disabled={!onPrevious} onClick={onPrevious}>
        {t('上一件', 'Previous')}
      </Button>
      <Button disabled={!onNext} onClick={onNext}>
        {t('下一件', 'Next')}
        <RightOutlined aria-hidden />
      </Button>
      {position && <Typography.Text type="secondary">{position}</Typography.Text>}
    </Space>
  );

  const footer = result && (canCertify || canReject || stepping) && (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {blocked && (canCertify || canReject) && <Alert type="warning" showIcon title={blocked} />}
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
        {canCertify && (
          <Button
            type="primary"
            icon={<CheckOutlined aria-hidden />}
            disabled={disabled}
            loading={decide.isPending && decide.variables?.decision === 'certify'}
            onClick={() => decide.mutate({ decision: 'certify' })}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            title={t('快速鍵：Ctrl+Enter', 'Shortcut: Ctrl+Enter')}
          >
            {t('認證通過', 'Certify')}
          </Button>
        )}
        {canReject && (
          <Button danger icon={<CloseOutlined aria-hidden />} disabled={disabled} onClick={() => setRejecting(true)}>
            {result.state === 'certified' ? t('改為認證失敗', 'Change to not certified') : t('認證失敗', 'Not certified')}
          </Button>
        )}
        </Space>
        {stepping}
      </Space>
    </Space>
  );

  return (
    <Drawer
      title={t('學習成果認證', 'Learning result certification')}
      open={id !== null}
      onClose={close}
      size={screens.md ? 720 : '100%'}
      destroyOnHidden
      footer={footer || undefined}
    >
      <ErrorAlert error={detail.error} />
      {/* A refused decision (period over, co-teacher, state changed meanwhile) stays on screen. */}
      <ErrorAlert error={decide.error} />
      {detail.isPending && id !== null && <Skeleton active />}
      {result && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              {
                key: 'student',
                label: t('學生', 'Student'),
                children: `${result.student_name}（${result.student_account}）`,
              },
              {
                key: 'class',
                label: t('班級座號', 'Class and seat'),
                children: `${studentClassLabel(result.class_code)}${result.seat_no !== null && result.seat_no !== undefined ? t(` ${result.seat_no} 號`, `, no. ${result.seat_no}`) : ''}`,
              },
              { key: 'course', label: t('課程', 'Course'), children: `${result.subject_name}（${result.course_code}）` },
              { key: 'term', label: t('學年期', 'Term'), children: formatTerm(result.term) },
              {
                key: 'state',
                label: t('狀態', 'Status'),
                children: (
                  <Space wrap size={4}>
                    <ResultStateTag state={result.state} />
                    {result.selected && <Tag color="purple">{t('學生已勾選提交', 'Selected by the student')}</Tag>}
                  </Space>
                ),
              },
              ...(result.state === 'rejected' && result.reject_reason
                ? [
                    {
                      key: 'reason',
                      label: t('認證失敗原因', 'Reason for not certifying'),
                      children: <Typography.Text type="danger">{result.reject_reason}</Typography.Text>,
                    },
                  ]
                : []),
              {
                key: 'description',
                label: t('內容簡述', 'Description'),
                children: <span style={{ whiteSpace: 'pre-wrap' }}>{result.description}</span>,
              },
              ...(result.submitted_at
                ? [{ key: 'submitted', label: t('送出認證', 'Submitted for certification'), children: formatApiDateTime(result.submitted_at) }]
                : []),
              ...(result.decided_at
                ? [
                    {
                      key: 'decided',
                      label: t('審核', 'Certification'),
                      children: `${formatApiDateTime(result.decided_at)}${result.decided_by ? `　${result.decided_by}` : ''}`,
                    },
                  ]
                : []),
            ]}
          />
          {result.state === 'certified' && result.selected && (
            <Alert
              type="info"
              showIcon
              title={t('改為認證失敗後，這件學習成果也會從學生的勾選提交中移除。', "Once changed to not certified, this learning result is also removed from the student's selection.")}
            />
          )}
          <ItemFiles item={result} load={(slot, signal) => loadResultFile(result.id, slot, signal)} />
          <div>
            <Typography.Title level={5}>{t('歷程', 'History')}</Typography.Title>
            <ResultHistory events={detail.data?.history ?? []} />
          </div>
        </Space>
      )}
      <RejectReasonModal
        open={rejecting}
        title={result?.state === 'certified' ? t('改為認證失敗', 'Change to not certified') : t('認證失敗', 'Not certified')}
        intro={
          result &&
          t(
            `${result.student_name}（${result.student_account}）的「${result.subject_name}」學習成果。`,
            `${result.student_name} (${result.student_account}): learning result for ${result.subject_name}.`,
          )
        }
        onClose={() => setRejecting(false)}
        onSubmit={async (reason) => {
          await decide.mutateAsync({ decision: 'reject', reason });
          setRejecting(false);
        }}
      />
    </Drawer>
  );
}
