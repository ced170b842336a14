import { Descriptions, List, Space, Steps, Tag, Timeline, Typography } from 'antd';
import { useT } from '../../i18n';
import { formatApiDateTime, formatRocDate } from '../../lib/roc';
import { actionName, phaseName, planStateName, resultStateName, stageName, type PlanDetail } from './types';

/** Where the plan or its results are in their stages: every stage, the current one marked. */
function StageSteps({ stages, current, done }: { stages: PlanDetail['plan_stages']; current: number | null | undefined; done: boolean }) {
  if (stages.length === 0) return null;
  return (
    <Steps
      size="small"
      current={done ? stages.length : current ? current - 1 : 0}
      status={done ? 'finish' : 'process'}
      items={stages.map((s) => ({ title: stageName(s) }))}
    />
  );
}

/** A plan as everyone who may see it sees it: its content, stages, decisions and progress. */
export function PlanDetailView({ detail }: { detail: PlanDetail }) {
  const t = useT();
  const p = detail.plan;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('學生', 'Student')}>{`${p.class_code ?? ''} ${p.seat_no ?? ''} ${p.student_name}`}</Descriptions.Item>
        <Descriptions.Item label={t('主題', 'Theme')}>{p.theme}</Descriptions.Item>
        <Descriptions.Item label={t('學科/領域', 'Subject')}>{p.subject_name}</Descriptions.Item>
        <Descriptions.Item label={t('期間', 'Dates')}>{`${formatRocDate(p.start_date)} – ${formatRocDate(p.end_date)}`}</Descriptions.Item>
        <Descriptions.Item label={t('學習目標', 'Goals')}>{p.goals}</Descriptions.Item>
        <Descriptions.Item label={t('學習內容與方法', 'Content and methods')}>{p.content}</Descriptions.Item>
        <Descriptions.Item label={t('每週進度', 'Weekly schedule')}>
          {p.schedule.map((w) => (
            <div key={w.week}>{t(`第 ${w.week} 週：${w.activity}`, `Week ${w.week}: ${w.activity}`)}</div>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('預期成果', 'Expected results')}>{p.expected}</Descriptions.Item>
        <Descriptions.Item label={t('所需資源', 'Resources')}>{p.resources}</Descriptions.Item>
        <Descriptions.Item label={t('計畫狀態', 'Plan')}>
          <Tag>{planStateName(p.plan_state)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('成果狀態', 'Results')}>
          <Tag>{resultStateName(p.result_state)}</Tag>
        </Descriptions.Item>
        {p.return_reason && <Descriptions.Item label={t('退回原因', 'Reason returned')}>{p.return_reason}</Descriptions.Item>}
        {p.result_state !== 'none' && (
          <>
            <Descriptions.Item label={t('學習省思', 'Reflection')}>{p.reflection}</Descriptions.Item>
            <Descriptions.Item label={t('時數', 'Hours')}>{p.hours ?? ''}</Descriptions.Item>
            <Descriptions.Item label={t('檔案', 'Files')}>{[p.document?.name, p.video?.name].filter(Boolean).join('、')}</Descriptions.Item>
          </>
        )}
      </Descriptions>
      {detail.plan_stages.length > 0 && (
        <>
          <Typography.Text strong>{t('計畫認證階段', 'Plan stages')}</Typography.Text>
          <StageSteps stages={detail.plan_stages} current={p.plan_stage} done={p.plan_state === 'approved'} />
        </>
      )}
      {detail.result_stages.length > 0 && (
        <>
          <Typography.Text strong>{t('成果認證階段', 'Result stages')}</Typography.Text>
          <StageSteps stages={detail.result_stages} current={p.result_stage} done={p.result_state === 'certified'} />
        </>
      )}
      <Typography.Text strong>{t('認證紀錄', 'Decisions')}</Typography.Text>
      <Timeline
        items={detail.history.map((e) => ({
          color: e.action === 'returned' ? 'red' : e.action === 'approved' ? 'green' : 'blue',
          content: `${formatApiDateTime(e.at)} ${phaseName(e.phase)} ${actionName(e.action)}${e.stage_label ? `（${e.stage_label}）` : ''} ${e.actor_name}${e.reason ? `：${e.reason}` : ''}`,
        }))}
      />
      {detail.progress.length > 0 && (
        <List
          size="small"
          header={t('進度紀錄', 'Progress')}
          dataSource={detail.progress}
          renderItem={(n) => <List.Item>{`${formatApiDateTime(n.at)} ${n.note}`}</List.Item>}
        />
      )}
    </Space>
  );
}
