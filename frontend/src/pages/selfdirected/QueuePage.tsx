import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Form, Input, Space, Table, Tabs } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useT } from '../../i18n';
import { formatApiTerm } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { PlanDetailView } from './PlanDetailView';
import { phaseName, planKey, queueKey, type DecisionInput, type PlanDetail, type QueueEntry } from './types';
import { usePagedQuery } from '../../lib/usePagedQuery';

type Which = 'waiting' | 'decided';

/**
 * 自主學習認證 (certifiers): what waits at the caller's stages (as homeroom teacher, subject group
 * member or custom group member) — view, 通過, or 退回 with a reason — and what was decided there
 * by them or a co-member.
 */
export function SelfDirectedQueuePage() {
  const t = useT();
  const [which, setWhich] = useState<Which>('waiting');
  const [viewing, setViewing] = useState<number | null>(null);
  const [returning, setReturning] = useState<PlanDetail | null>(null);
  const queue = usePagedQuery({
    queryKey: queueKey,
    filters: { state: which },
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/self-directed/queue', { params: { query }, signal })),
  });
  const detail = useQuery({
    queryKey: planKey(viewing ?? 0),
    enabled: viewing !== null,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/plans/{id}', { params: { path: { id: viewing ?? 0 } }, signal })),
  });
  const decide = useApiMutation(
    ({ id, body }: { id: number; body: DecisionInput }) => unwrap(api.POST('/api/v1/self-directed/plans/{id}/decisions', { params: { path: { id } }, body })),
    { invalidate: [queueKey, ['self-directed', 'plan']], success: (_, { body }) => (body.verdict === 'approve' ? t('已通過', 'Approved') : t('已退回', 'Returned')) },
  );
  const current = detail.data;
  const waitingAt = (d: PlanDetail) => {
    const phase = d.can_decide;
    if (!phase) return null;
    const stage = phase === 'plan' ? d.plan.plan_stage : d.plan.result_stage;
    return stage ? { phase, stage } : null;
  };
  const at = current ? waitingAt(current) : null;

  return (
    <PageCard title={t('自主學習認證', 'Certify self-directed learning')} intro={t('您所屬認證階段的自主學習計畫與成果。', 'Plans and results at the stages you certify.')}>
      <Tabs
        activeKey={which}
        onChange={(key) => setWhich(key as Which)}
        items={[
          { key: 'waiting', label: t('待認證', 'Waiting') },
          { key: 'decided', label: t('已處理', 'Decided') },
        ]}
      />
      <ErrorAlert error={queue.query.error} />
      <Table<QueueEntry>
        rowKey={(e) => `${e.plan.id}-${e.phase}`}
        size="small"
        aria-label={t('認證清單', 'Queue')}
        {...queue.tableProps}
        locale={{ emptyText: t('沒有記錄', 'No records') }}
        columns={[
          { title: t('學年期', 'Term'), render: (_, e) => formatApiTerm({ academic_year: e.plan.academic_year, semester: e.plan.semester }) },
          { title: t('班級', 'Class'), render: (_, e) => e.plan.class_code },
          { title: t('座號', 'Seat'), render: (_, e) => e.plan.seat_no },
          { title: t('姓名', 'Name'), render: (_, e) => e.plan.student_name },
          { title: t('主題', 'Theme'), render: (_, e) => e.plan.theme },
          { title: t('項目', 'Item'), render: (_, e) => phaseName(e.phase) },
          { title: t('認證階段', 'Stage'), render: (_, e) => `${e.stage}. ${e.stage_label}` },
          { title: t('操作', 'Actions'), render: (_, e) => <Button onClick={() => setViewing(e.plan.id)}>{t('檢視', 'View')}</Button> },
        ]}
      />
      <Drawer
        title={t('自主學習計畫', 'Self-directed learning plan')}
        open={viewing !== null}
        onClose={() => setViewing(null)}
        size="large"
        extra={
          current &&
          at && (
            <Space>
              <Button danger onClick={() => setReturning(current)}>
                {t('退回', 'Return')}
              </Button>
              <Button
                type="primary"
                loading={decide.isPending}
                onClick={() => void decide.mutateAsync({ id: current.plan.id, body: { phase: at.phase, stage: at.stage, verdict: 'approve' } }).catch(() => undefined)}
              >
                {t('通過', 'Approve')}
              </Button>
            </Space>
          )
        }
      >
        <ErrorAlert error={detail.error} />
        {current && <PlanDetailView detail={current} />}
      </Drawer>
      <FormModal<{ reason: string }>
        title={t('退回', 'Return')}
        open={returning !== null}
        onClose={() => setReturning(null)}
        onSubmit={async ({ reason }) => {
          const d = returning;
          const w = d && waitingAt(d);
          if (!d || !w) return;
          await decide.mutateAsync({ id: d.plan.id, body: { phase: w.phase, stage: w.stage, verdict: 'return', reason: reason.trim() } });
          setReturning(null);
        }}
        okText={t('退回', 'Return')}
      >
        <Form.Item name="reason" label={t('退回原因', 'Reason')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input.TextArea showCount maxLength={200} rows={3} />
        </Form.Item>
      </FormModal>
    </PageCard>
  );
}
