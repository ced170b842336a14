import { useQuery } from '@tanstack/react-query';
import { Descriptions, Drawer, Grid, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import type { LearningResult, ResultEvent } from '../../api/types';
import { DelegateNotes } from '../../components/DelegateNotes';
import { ItemFiles } from '../../components/FilePreview';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime, formatTerm } from '../../lib/roc';
import { loadResultFile } from './api';
import { learningResultKey } from './queryKeys';
import { historyActionLabel, resultStateLabels } from './results';
import { tr, useT } from '../../i18n';

/** A learning result's state as a coloured tag (編輯中, 認證中, 認證成功, 認證失敗). */
export function ResultStateTag({ state }: { state: LearningResult['state'] }) {
  const { label, color } = resultStateLabels[state];
  return <Tag color={color}>{label}</Tag>;
}

/** Who acted; a transfer student's temporary account acts on the student's behalf (manual 3.7). */
function actorText(event: ResultEvent): string {
  const who = event.actor_name && event.actor_account ? `${event.actor_name}（${event.actor_account}）` : (event.actor_name ?? event.actor_account ?? '');
  return event.on_behalf_of ? `${who}${tr(`，代 ${event.on_behalf_of} 操作`, `, on behalf of ${event.on_behalf_of}`)}` : who;
}

/** The history, oldest first: what, by whom, when (Taipei, ROC date, 24 h) and why. */
export function ResultHistory({ events }: { events: readonly ResultEvent[] }) {
  const t = useT();
  if (events.length === 0) return <Typography.Text type="secondary">{t('沒有歷程紀錄', 'No history')}</Typography.Text>;
  return (
    <Timeline
      items={events.map((event, index) => ({
        key: index,
        color: event.action === 'rejected' ? 'red' : event.action === 'certified' ? 'green' : 'blue',
        title: formatApiDateTime(event.at),
        content: (
          <>
            <Typography.Text strong>{historyActionLabel(event.action)}</Typography.Text>
            {actorText(event) && <Typography.Text type="secondary">　{actorText(event)}</Typography.Text>}
            {event.reason && (
              <div>
                {t('原因：', 'Reason: ')}
                {event.reason}
              </div>
            )}
          </>
        ),
      }))}
    />
  );
}

/** 詳細: a learning result, its files (previewed with the token) and its history (`GET /api/v1/learning-results/{id}`). */
export function ResultDetailDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const detail = useQuery({
    queryKey: learningResultKey(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/learning-results/{id}', { params: { path: { id: id ?? 0 } }, signal })),
    enabled: id !== null,
  });
  const result = detail.data?.result;

  return (
    <Drawer
      title={t('課程學習成果', 'Course learning result')}
      open={id !== null}
      onClose={onClose}
      size={screens.md ? 640 : '100%'}
      destroyOnHidden
    >
      <ErrorAlert error={detail.error} />
      {detail.isPending && id !== null && <Skeleton active />}
      {result && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'term', label: t('學年期', 'Term'), children: formatTerm(result.term) },
              { key: 'course', label: t('課程', 'Course'), children: `${result.subject_name}（${result.course_code}）` },
              {
                key: 'state',
                label: t('狀態', 'Status'),
                children: (
                  <Space wrap size={4}>
                    <ResultStateTag state={result.state} />
                    {result.selected && <Tag color="purple">{t('已勾選提交', 'Selected for submission')}</Tag>}
                  </Space>
                ),
              },
              ...(result.state === 'rejected' && result.reject_reason
                ? [{ key: 'reason', label: t('未通過原因', 'Reason for rejection'), children: <Typography.Text type="danger">{result.reject_reason}</Typography.Text> }]
                : []),
              ...(detail.data?.delegates.length
                ? [{ key: 'delegates', label: t('代理認證教師', 'Delegate certifier'), children: <DelegateNotes delegates={detail.data.delegates} /> }]
                : []),
              { key: 'description', label: t('內容簡述', 'Description'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{result.description}</span> },
              { key: 'created', label: t('上傳時間', 'Uploaded'), children: formatApiDateTime(result.created_at) },
              { key: 'updated', label: t('最後修改', 'Last edited'), children: formatApiDateTime(result.updated_at) },
              ...(result.submitted_at
                ? [{ key: 'submitted', label: t('送出認證', 'Submitted for certification'), children: formatApiDateTime(result.submitted_at) }]
                : []),
              ...(result.decided_at
                ? [
                    {
                      key: 'decided',
                      label: t('認證', 'Certification'),
                      children: `${formatApiDateTime(result.decided_at)}${result.decided_by ? `　${result.decided_by}` : ''}`,
                    },
                  ]
                : []),
            ]}
          />
          <ItemFiles item={result} load={(slot, signal) => loadResultFile(result.id, slot, signal)} />
          <div>
            <Typography.Title level={5}>{t('歷程', 'History')}</Typography.Title>
            <ResultHistory events={detail.data?.history ?? []} />
          </div>
        </Space>
      )}
    </Drawer>
  );
}
