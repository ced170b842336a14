import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Drawer, Grid, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Decision, LearningResultDetail } from '../../api/types';
import { FilePreview } from '../../components/FilePreview';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime, formatTerm } from '../../lib/roc';
import { fileRules, fileSlots } from '../../lib/uploadFiles';
import { loadResultFile } from '../student/api';
import { learningResultKey, learningResultsKey } from '../student/queryKeys';
import { ResultHistory, ResultStateTag } from '../student/ResultDetailDrawer';
import { allowsDecision, studentClassLabel } from './certification';
import { certificationKey } from './queryKeys';
import { RejectReasonModal } from './RejectReasonModal';

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
}: {
  id: number | null;
  blocked: string | null;
  onClose: () => void;
}) {
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
          ? `已認證通過「${updated.result.student_name}」的學習成果`
          : `已將「${updated.result.student_name}」的學習成果設為認證失敗`,
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

  const footer = result && (canCertify || canReject) && (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {blocked && <Alert type="warning" showIcon title={blocked} />}
      <Space wrap>
        {canCertify && (
          <Button
            type="primary"
            icon={<CheckOutlined aria-hidden />}
            disabled={disabled}
            loading={decide.isPending && decide.variables?.decision === 'certify'}
            onClick={() => decide.mutate({ decision: 'certify' })}
          >
            認證通過
          </Button>
        )}
        {canReject && (
          <Button danger icon={<CloseOutlined aria-hidden />} disabled={disabled} onClick={() => setRejecting(true)}>
            {result.state === 'certified' ? '改為認證失敗' : '認證失敗'}
          </Button>
        )}
      </Space>
    </Space>
  );

  return (
    <Drawer
      title="學習成果認證"
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
                label: '學生',
                children: `${result.student_name}（${result.student_account}）`,
              },
              {
                key: 'class',
                label: '班級座號',
                children: `${studentClassLabel(result.class_code)}${result.seat_no !== null && result.seat_no !== undefined ? ` ${result.seat_no} 號` : ''}`,
              },
              { key: 'course', label: '課程', children: `${result.subject_name}（${result.course_code}）` },
              { key: 'term', label: '學年期', children: formatTerm(result.term) },
              {
                key: 'state',
                label: '狀態',
                children: (
                  <Space wrap size={4}>
                    <ResultStateTag state={result.state} />
                    {result.selected && <Tag color="purple">學生已勾選提交</Tag>}
                  </Space>
                ),
              },
              ...(result.state === 'rejected' && result.reject_reason
                ? [
                    {
                      key: 'reason',
                      label: '認證失敗原因',
                      children: <Typography.Text type="danger">{result.reject_reason}</Typography.Text>,
                    },
                  ]
                : []),
              {
                key: 'description',
                label: '內容簡述',
                children: <span style={{ whiteSpace: 'pre-wrap' }}>{result.description}</span>,
              },
              ...(result.submitted_at
                ? [{ key: 'submitted', label: '送出認證', children: formatApiDateTime(result.submitted_at) }]
                : []),
              ...(result.decided_at
                ? [
                    {
                      key: 'decided',
                      label: '審核',
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
              title="改為認證失敗後，這件學習成果也會從學生的勾選提交中移除。"
            />
          )}
          <div>
            <Typography.Title level={5}>檔案</Typography.Title>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fileSlots.map((slot) => {
                const file = result[slot];
                return (
                  file && (
                    <FilePreview
                      key={slot}
                      file={file}
                      label={fileRules[slot].label}
                      load={(signal) => loadResultFile(result.id, slot, signal)}
                    />
                  )
                );
              })}
              {!result.document && !result.video && <Typography.Text type="secondary">沒有檔案</Typography.Text>}
            </Space>
          </div>
          <div>
            <Typography.Title level={5}>歷程</Typography.Title>
            <ResultHistory events={detail.data?.history ?? []} />
          </div>
        </Space>
      )}
      <RejectReasonModal
        open={rejecting}
        title={result?.state === 'certified' ? '改為認證失敗' : '認證失敗'}
        intro={result && `${result.student_name}（${result.student_account}）的「${result.subject_name}」學習成果。`}
        onClose={() => setRejecting(false)}
        onSubmit={async (reason) => {
          await decide.mutateAsync({ decision: 'reject', reason });
          setRejecting(false);
        }}
      />
    </Drawer>
  );
}
