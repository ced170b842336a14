import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Skeleton, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { api, unwrap } from '../../api/client';
import type { CurrentTerm, SchoolTerm, TermDirection } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { clientPagination } from '../../lib/usePagedQuery';
import { useApiMutation } from '../../lib/useApiMutation';
import { formatApiTerm, previousTerm } from '../../lib/roc';
import { canUpdateModule } from '../../navigation';
import { currentTermKey, termsKey } from './queryKeys';

/** Module 設定學校學年期: switching needs its 修改 right. */
const TERM_MODULE = 'S0213S';

/** An empty key prefix matches every query: the term decides what every page shows. */
const everyQuery = [] as const;

const termColumns = (current: CurrentTerm | undefined): TableProps<SchoolTerm>['columns'] => [
  { title: '學年期', key: 'term', render: (_, term) => formatApiTerm(term, term.code) },
  {
    title: '狀態',
    key: 'status',
    render: (_, term) => (
      <Space size={4}>
        {term.is_current && <Tag color="blue">目前學年期</Tag>}
        {current?.on_hold && term.code === current.latest?.code && <Tag>最新學年期</Tag>}
      </Space>
    ),
  },
];

/** The FAQ's warning (000 二 Q2), said before switching back. */
function SwitchBackWarning({ from, to }: { from: string; to: string }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20, maxWidth: 380 }}>
      <li>全校所有使用者的畫面都會回到 {to}。</li>
      <li>切換期間 {from} 與 {to} 的校務資料都不會同步。</li>
      <li>學年期不會再自動升級，須由校管理者在此手動切回 {from}。</li>
    </ul>
  );
}

/**
 * 設定學校學年期 (FAQ 二): the school's current term, which follows the school-affairs data; the
 * admin may switch back to the previous term to correct it (sync pauses) and forward again.
 */
export function TermPage() {
  const { data: me } = useMe();
  const current = useQuery({
    queryKey: currentTermKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/terms/current', { signal })),
  });
  const terms = useQuery({
    queryKey: termsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/terms', { signal })),
  });
  const switchTerm = useApiMutation(
    (to: TermDirection) => unwrap(api.POST('/api/v1/terms/switch', { body: { to } })),
    {
      // Every page (and the header, from `me`) shows the school's term: refresh them all.
      invalidate: [everyQuery],
      success: (result) => `已切換至 ${formatApiTerm(result.term)}`,
      // A refusal (409: already switched, no term yet) stays on the page, with its detail.
      onError: () => undefined,
    },
  );

  const canSwitch = me !== undefined && canUpdateModule(me, TERM_MODULE);
  const term = current.data?.term ?? null;
  const onHold = current.data?.on_hold ?? false;
  const termText = formatApiTerm(term, term?.code);
  const latestText = formatApiTerm(current.data?.latest, current.data?.latest?.code);
  const previousText = term ? formatApiTerm(previousTerm(term)) : '';

  return (
    <PageCard
      title="設定學校學年期"
      intro="學校平臺的學年期依校務系統同步的資料自動升級。若升級後仍需修改上一學期的資料，可切換至前一學期，修改完成後再切回最新學期。"
    >
      <ErrorAlert error={current.error ?? switchTerm.error} />
      {current.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        current.data && (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {onHold && (
              <Alert
                type="warning"
                showIcon
                title={`目前已切換至前一學期（${termText}）`}
                description={`全校使用者的畫面都是 ${termText}；${latestText} 與 ${termText} 的校務資料暫停同步，學年期也不會自動升級，須手動切回最新學期。`}
                action={
                  <ConfirmButton
                    type="primary"
                    danger={false}
                    disabled={!canSwitch}
                    loading={switchTerm.isPending}
                    title={`切回最新學期（${latestText}）？`}
                    description="切回後全校使用者回到最新學期，並恢復同步校務資料。"
                    okText="切回"
                    onConfirm={() => switchTerm.mutateAsync('latest')}
                  >
                    切回最新學期
                  </ConfirmButton>
                }
              />
            )}
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                { key: 'term', label: '目前學年期', children: termText || '尚無學年期（尚未同步校務資料）' },
                {
                  key: 'status',
                  label: '學年期狀態',
                  children: onHold ? (
                    <Tag color="warning">已切換至前一學期，暫停同步</Tag>
                  ) : (
                    <Tag color="success">依校務資料自動升級</Tag>
                  ),
                },
                ...(onHold ? [{ key: 'latest', label: '最新學年期', children: latestText }] : []),
              ]}
            />
            {!onHold && term && (
              <div>
                <ConfirmButton
                  type="default"
                  disabled={!canSwitch}
                  loading={switchTerm.isPending}
                  title={`切換至前一學期（${previousText}）？`}
                  description={<SwitchBackWarning from={termText} to={previousText} />}
                  okText="切換"
                  onConfirm={() => switchTerm.mutateAsync('previous')}
                >
                  切換至前一學期
                </ConfirmButton>
              </div>
            )}
            {me && !canSwitch && (
              <Typography.Text type="secondary">
                切換學年期須有「設定學校學年期」的修改權限，請洽學校管理者。
              </Typography.Text>
            )}
          </Space>
        )
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        學校的學年期
      </Typography.Title>
      <ErrorAlert error={terms.error} />
      <Table<SchoolTerm>
        rowKey="code"
        size="small"
        columns={termColumns(current.data)}
        dataSource={terms.data ?? []}
        loading={terms.isFetching}
        pagination={clientPagination}
        locale={{ emptyText: '尚無學年期' }}
      />
    </PageCard>
  );
}
