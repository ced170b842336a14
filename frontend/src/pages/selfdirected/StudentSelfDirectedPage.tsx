import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { RocDatePicker, isoDay } from '../../components/RocDatePicker';
import { FileSlotItem, UploadProgressBar } from '../../components/UploadFields';
import { useT } from '../../i18n';
import dayjs, { type Dayjs } from '../../lib/dayjs';
import { periodItemName } from '../../lib/periods';
import { formatApiTerm } from '../../lib/roc';
import { multipartBody, uploadForm } from '../../lib/upload';
import { useApiMutation } from '../../lib/useApiMutation';
import { slotEditFields, type FileChoice } from '../../lib/uploadFiles';
import { useUpload } from '../../lib/useUpload';
import { PlanDetailView } from './PlanDetailView';
import { myKey, planKey, planStateName, resultStateName, type Plan, type PlanInput } from './types';

interface PlanValues {
  theme: string;
  subject_group_id: number;
  goals: string;
  content: string;
  schedule: { week: number; activity: string }[];
  expected: string;
  resources?: string;
  start_date: Dayjs;
  end_date: Dayjs;
}

interface ResultValues {
  reflection?: string;
  hours?: number;
  document?: FileChoice;
  video?: FileChoice;
}

function toInput(v: PlanValues): PlanInput {
  return {
    theme: v.theme.trim(),
    subject_group_id: v.subject_group_id,
    goals: v.goals.trim(),
    content: v.content.trim(),
    schedule: v.schedule.map((w) => ({ week: w.week, activity: w.activity.trim() })),
    expected: v.expected.trim(),
    resources: (v.resources ?? '').trim(),
    start_date: isoDay(v.start_date) ?? '',
    end_date: isoDay(v.end_date) ?? '',
  };
}

function planValues(p: Plan): PlanValues {
  return { ...p, resources: p.resources, start_date: dayjs(p.start_date), end_date: dayjs(p.end_date) };
}

const text = (max: number, required = true) => [{ required, whitespace: required, max }];

/**
 * 自主學習 (the student): this semester's plan — written as a draft, submitted, and followed
 * through its stages; once approved, progress notes and the results (document and/or video, a
 * reflection, hours) submitted in turn; a certified result turned into the 彈性學習時間紀錄
 * performance and selected.
 */
export function StudentSelfDirectedPage() {
  const t = useT();
  const { message } = App.useApp();
  const mine = useQuery({ queryKey: myKey, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/self-directed', { signal })) });
  const [editing, setEditing] = useState<{ plan: Plan | null } | null>(null);
  const [noting, setNoting] = useState<Plan | null>(null);
  const [uploading, setUploading] = useState<Plan | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const upload = useUpload();
  const detail = useQuery({
    queryKey: planKey(viewing ?? 0),
    enabled: viewing !== null,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/plans/{id}', { params: { path: { id: viewing ?? 0 } }, signal })),
  });
  const refresh = [myKey, ['self-directed', 'plan']] as const;
  const submitPlan = useApiMutation((p: Plan) => unwrap(api.POST('/api/v1/me/self-directed/plans/{id}/submit', { params: { path: { id: p.id } } })), {
    invalidate: refresh,
    success: t('已送出計畫，等待認證', 'Plan submitted for certification'),
  });
  const removePlan = useApiMutation((p: Plan) => unwrap(api.DELETE('/api/v1/me/self-directed/plans/{id}', { params: { path: { id: p.id } } })), {
    invalidate: refresh,
    success: t('已刪除計畫草稿', 'Draft plan deleted'),
  });
  const submitResult = useApiMutation((p: Plan) => unwrap(api.POST('/api/v1/me/self-directed/plans/{id}/result/submit', { params: { path: { id: p.id } } })), {
    invalidate: refresh,
    success: t('已送出成果，等待認證', 'Results submitted for certification'),
  });
  const toPerformance = useApiMutation((p: Plan) => unwrap(api.POST('/api/v1/me/self-directed/plans/{id}/performance', { params: { path: { id: p.id } } })), {
    invalidate: [...refresh, ['selections']],
    success: t('已轉為彈性學習時間紀錄並勾選', 'Saved as a flexible learning record and selected'),
  });

  const data = mine.data;
  const hasThisTerm = data?.plans.some((p) => p.academic_year === data.term.academic_year && p.semester === data.term.semester);
  const periodText = (period: NonNullable<typeof data>['plan_period']) =>
    period ? `${periodItemName(period)}：${period.start_date} ${period.start_hour}:00 – ${period.end_date} ${period.end_hour}:59` : t('未設定', 'Not set');

  const savePlan = async (values: PlanValues) => {
    const body = toInput(values);
    if (editing?.plan) {
      await unwrap(api.PUT('/api/v1/me/self-directed/plans/{id}', { params: { path: { id: editing.plan.id } }, body }));
    } else {
      await unwrap(api.POST('/api/v1/me/self-directed/plans', { body }));
    }
    void message.success(t('已儲存計畫（草稿）', 'Plan saved as a draft'));
    setEditing(null);
    await mine.refetch();
  };

  const saveNote = async ({ note }: { note: string }) => {
    if (!noting) return;
    await unwrap(api.POST('/api/v1/me/self-directed/plans/{id}/progress', { params: { path: { id: noting.id } }, body: { note: note.trim() } }));
    void message.success(t('已記錄進度', 'Progress recorded'));
    setNoting(null);
  };

  const saveResult = async (values: ResultValues) => {
    const plan = uploading;
    if (!plan) return;
    const fields = {
      reflection: values.reflection?.trim(),
      hours: values.hours,
      ...slotEditFields('document', plan.document, values.document),
      ...slotEditFields('video', plan.video, values.video),
    };
    const saved = await upload.run((call) =>
      uploadForm<Plan>('PUT', `/api/v1/me/self-directed/plans/${plan.id}/result`, multipartBody(fields), call.onProgress, { signal: call.signal }),
    );
    if (!saved) return;
    void message.success(t('已儲存成果（草稿）', 'Results saved as a draft'));
    setUploading(null);
    await mine.refetch();
  };

  return (
    <PageCard
      title={t('自主學習', 'Self-directed learning')}
      intro={t('每學期撰寫一份自主學習計畫，依學校的認證順序審核；計畫通過後記錄進度、上傳成果並送出認證。', 'Write one plan a semester; it is certified stage by stage. Once approved, record progress and submit your results.')}
      create={hasThisTerm ? undefined : { label: t('撰寫計畫', 'Write a plan'), onClick: () => setEditing({ plan: null }), blocked: data?.plan_period?.open ? null : t('不在計畫送出時間內', 'Outside the plan period') }}
    >
      <ErrorAlert error={mine.error} />
      {data && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{periodText(data.plan_period)}</Typography.Text>
          <Typography.Text type="secondary">{periodText(data.result_period)}</Typography.Text>
          {data.plans.length === 0 && <Typography.Paragraph>{t('尚未撰寫自主學習計畫。', 'No plan yet.')}</Typography.Paragraph>}
          {data.plans.map((p) => (
            <Card
              key={p.id}
              size="small"
              title={`${formatApiTerm({ academic_year: p.academic_year, semester: p.semester })}　${p.theme}`}
              extra={<Button onClick={() => setViewing(p.id)}>{t('檢視', 'View')}</Button>}
            >
              <Space wrap>
                <span>{t('計畫：', 'Plan: ')}</span>
                <Tag color={p.plan_state === 'returned' ? 'red' : p.plan_state === 'approved' ? 'green' : undefined}>{planStateName(p.plan_state)}</Tag>
                {p.plan_stage && <span>{t(`第 ${p.plan_stage} 關`, `Stage ${p.plan_stage}`)}</span>}
                <span>{t('成果：', 'Results: ')}</span>
                <Tag color={p.result_state === 'returned' ? 'red' : p.result_state === 'certified' ? 'green' : undefined}>{resultStateName(p.result_state)}</Tag>
                {p.result_stage && <span>{t(`第 ${p.result_stage} 關`, `Stage ${p.result_stage}`)}</span>}
              </Space>
              {p.return_reason && <Typography.Paragraph type="danger">{t(`退回原因：${p.return_reason}`, `Returned: ${p.return_reason}`)}</Typography.Paragraph>}
              <Space wrap style={{ marginTop: 8 }}>
                {(p.plan_state === 'draft' || p.plan_state === 'returned') && (
                  <>
                    <Button onClick={() => setEditing({ plan: p })}>{t('修改計畫', 'Edit plan')}</Button>
                    <Button type="primary" loading={submitPlan.isPending} onClick={() => submitPlan.mutate(p)}>
                      {t('送出計畫', 'Submit plan')}
                    </Button>
                    {p.plan_state === 'draft' && (
                      <Popconfirm
                        title={t('確定刪除這份計畫草稿？（已送出過的計畫不能刪除）', 'Delete this draft plan? (A plan once submitted cannot be deleted.)')}
                        onConfirm={() => removePlan.mutate(p)}
                      >
                        <Button danger loading={removePlan.isPending}>
                          {t('刪除草稿', 'Delete draft')}
                        </Button>
                      </Popconfirm>
                    )}
                  </>
                )}
                {p.plan_state === 'approved' && p.result_state !== 'in_review' && p.result_state !== 'certified' && (
                  <>
                    <Button onClick={() => setNoting(p)}>{t('記錄進度', 'Record progress')}</Button>
                    <Button onClick={() => setUploading(p)}>{t('上傳成果', 'Upload results')}</Button>
                  </>
                )}
                {(p.result_state === 'draft' || p.result_state === 'returned') && (
                  <Button type="primary" loading={submitResult.isPending} onClick={() => submitResult.mutate(p)}>
                    {t('送出成果', 'Submit results')}
                  </Button>
                )}
                {p.result_state === 'certified' && (
                  <Button type="primary" loading={toPerformance.isPending} onClick={() => toPerformance.mutate(p)}>
                    {p.performance_id ? t('勾選為多元表現', 'Select as performance') : t('轉為多元表現並勾選', 'Make it a performance and select it')}
                  </Button>
                )}
              </Space>
            </Card>
          ))}
        </Space>
      )}

      <FormModal<PlanValues>
        title={editing?.plan ? t('修改自主學習計畫', 'Edit plan') : t('撰寫自主學習計畫', 'Write a plan')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSubmit={savePlan}
        initialValues={editing?.plan ? planValues(editing.plan) : { schedule: [{ week: 1, activity: '' }] }}
        okText={t('儲存草稿', 'Save draft')}
      >
        <Form.Item name="theme" label={t('自主學習主題', 'Theme')} rules={text(50)}>
          <Input showCount maxLength={50} />
        </Form.Item>
        <Form.Item name="subject_group_id" label={t('學科/領域', 'Subject or field')} rules={[{ required: true }]}>
          <Select options={(data?.subjects ?? []).map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item name="goals" label={t('學習目標', 'Goals')} rules={text(500)}>
          <Input.TextArea showCount maxLength={500} rows={3} />
        </Form.Item>
        <Form.Item name="content" label={t('學習內容與方法', 'Content and methods')} rules={text(1000)}>
          <Input.TextArea showCount maxLength={1000} rows={4} />
        </Form.Item>
        <Typography.Text>{t('每週進度', 'Weekly schedule')}</Typography.Text>
        <Form.List name="schedule">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item name={[field.name, 'week']} rules={[{ required: true }]}>
                    <InputNumber min={1} max={40} aria-label={t('週次', 'Week')} placeholder={t('週次', 'Week')} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'activity']} rules={text(100)}>
                    <Input maxLength={100} aria-label={t('進度', 'Activity')} placeholder={t('進度', 'Activity')} />
                  </Form.Item>
                  <MinusCircleOutlined aria-label={t('刪除此週', 'Remove week')} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ week: fields.length + 1, activity: '' })} disabled={fields.length >= 40}>
                {t('新增一週', 'Add a week')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="expected" label={t('預期成果', 'Expected results')} rules={text(500)} style={{ marginTop: 16 }}>
          <Input.TextArea showCount maxLength={500} rows={3} />
        </Form.Item>
        <Form.Item name="resources" label={t('所需資源', 'Resources needed')} rules={text(500, false)}>
          <Input.TextArea showCount maxLength={500} rows={2} />
        </Form.Item>
        <Space>
          <Form.Item name="start_date" label={t('開始日期', 'Start date')} rules={[{ required: true }]}>
            <RocDatePicker />
          </Form.Item>
          <Form.Item name="end_date" label={t('結束日期', 'End date')} rules={[{ required: true }]}>
            <RocDatePicker />
          </Form.Item>
        </Space>
      </FormModal>

      <FormModal<{ note: string }> title={t('記錄進度', 'Record progress')} open={noting !== null} onClose={() => setNoting(null)} onSubmit={saveNote}>
        <Form.Item name="note" label={t('進度紀錄', 'Progress')} rules={text(500)}>
          <Input.TextArea showCount maxLength={500} rows={3} />
        </Form.Item>
      </FormModal>

      <FormModal<ResultValues>
        title={t('上傳自主學習成果', 'Upload results')}
        open={uploading !== null}
        onClose={() => {
          upload.abort();
          setUploading(null);
        }}
        onSubmit={saveResult}
        initialValues={uploading ? { reflection: uploading.reflection, hours: uploading.hours ?? undefined } : {}}
        okText={t('儲存草稿', 'Save draft')}
        cancellable
      >
        <UploadProgressBar progress={upload.progress} />
        <Form.Item name="reflection" label={t('學習省思', 'Reflection')} rules={text(1000)}>
          <Input.TextArea showCount maxLength={1000} rows={4} />
        </Form.Item>
        <Form.Item name="hours" label={t('時數', 'Hours')} rules={[{ required: true }]}>
          <InputNumber min={0.5} max={2000} step={0.5} />
        </Form.Item>
        <FileSlotItem slot="document" current={uploading?.document} />
        <FileSlotItem slot="video" current={uploading?.video} />
      </FormModal>

      <Drawer title={t('自主學習計畫', 'Self-directed learning plan')} open={viewing !== null} onClose={() => setViewing(null)} size="large">
        <ErrorAlert error={detail.error} />
        {detail.data && <PlanDetailView detail={detail.data} />}
      </Drawer>
    </PageCard>
  );
}
