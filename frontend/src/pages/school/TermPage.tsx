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
import { tr, useT } from '../../i18n';

/** Module 設定學校學年期: switching needs its 修改 right. */
const TERM_MODULE = 'S0213S';

/** An empty key prefix matches every query: the term decides what every page shows. */
const everyQuery = [] as const;

const termColumns = (current: CurrentTerm | undefined): TableProps<SchoolTerm>['columns'] => [
  { title: tr('學年期', 'Term'), key: 'term', render: (_, term) => formatApiTerm(term, term.code) },
  {
    title: tr('狀態', 'Status'),
    key: 'status',
    render: (_, term) => (
      <Space size={4}>
        {term.is_current && <Tag color="blue">{tr('目前學年期', 'Current term')}</Tag>}
        {current?.on_hold && term.code === current.latest?.code && <Tag>{tr('最新學年期', 'Latest term')}</Tag>}
      </Space>
    ),
  },
];

/** The FAQ's warning (000 二 Q2), said before switching back. */
function SwitchBackWarning({ from, to }: { from: string; to: string }) {
  const t = useT();
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20, maxWidth: 380 }}>
      <li>{t(`全校所有使用者的畫面都會回到 ${to}。`, `Every user in the school sees ${to} again.`)}</li>
      <li>
        {t(
          `切換期間 ${from} 與 ${to} 的校務資料都不會同步。`,
          `While switched, the school-affairs data of ${from} and ${to} is not synced.`,
        )}
      </li>
      <li>
        {t(
          `學年期不會再自動升級，須由校管理者在此手動切回 ${from}。`,
          `The term no longer moves up automatically: a school administrator must switch back to ${from} here.`,
        )}
      </li>
    </ul>
  );
}

/**
 * 設定學校學年期 (FAQ 二): the school's current term, which follows the school-affairs data; the
 * admin may switch back to the previous term to correct it (sync pauses) and forward again.
 */
export function TermPage() {
  const t = useT();
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
      success: (result) => t(`已切換至 ${formatApiTerm(result.term)}`, `Switched to ${formatApiTerm(result.term)}`),
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
      title={t('設定學校學年期', 'School term')}
      intro={t(
        '學校平臺的學年期依校務系統同步的資料自動升級。若升級後仍需修改上一學期的資料，可切換至前一學期，修改完成後再切回最新學期。',
        'The school\'s term moves up automatically with the data synced from the school-affairs system. If the previous term\'s data still needs changes after that, switch to the previous term, and switch back to the latest term when done.',
      )}
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
                title={t(`目前已切換至前一學期（${termText}）`, `Switched to the previous term (${termText})`)}
                description={t(
                  `全校使用者的畫面都是 ${termText}；${latestText} 與 ${termText} 的校務資料暫停同步，學年期也不會自動升級，須手動切回最新學期。`,
                  `Every user in the school sees ${termText}; syncing the school-affairs data of ${latestText} and ${termText} is paused, and the term does not move up automatically: switch back to the latest term by hand.`,
                )}
                action={
                  <ConfirmButton
                    type="primary"
                    danger={false}
                    disabled={!canSwitch}
                    loading={switchTerm.isPending}
                    title={t(`切回最新學期（${latestText}）？`, `Switch back to the latest term (${latestText})?`)}
                    description={t(
                      '切回後全校使用者回到最新學期，並恢復同步校務資料。',
                      'Every user in the school returns to the latest term, and syncing the school-affairs data resumes.',
                    )}
                    okText={t('切回', 'Switch back')}
                    onConfirm={() => switchTerm.mutateAsync('latest')}
                  >
                    {t('切回最新學期', 'Switch back to the latest term')}
                  </ConfirmButton>
                }
              />
            )}
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                {
                  key: 'term',
                  label: t('目前學年期', 'Current term'),
                  children: termText || t('尚無學年期（尚未同步校務資料）', 'No term yet (no school-affairs data synced yet)'),
                },
                {
                  key: 'status',
                  label: t('學年期狀態', 'Term status'),
                  children: onHold ? (
                    <Tag color="warning">{t('已切換至前一學期，暫停同步', 'Switched to the previous term; sync paused')}</Tag>
                  ) : (
                    <Tag color="success">{t('依校務資料自動升級', 'Moves up with the school-affairs data')}</Tag>
                  ),
                },
                ...(onHold ? [{ key: 'latest', label: t('最新學年期', 'Latest term'), children: latestText }] : []),
              ]}
            />
            {!onHold && term && (
              <div>
                <ConfirmButton
                  type="default"
                  disabled={!canSwitch}
                  loading={switchTerm.isPending}
                  title={t(`切換至前一學期（${previousText}）？`, `Switch to the previous term (${previousText})?`)}
                  description={<SwitchBackWarning from={termText} to={previousText} />}
                  okText={t('切換', 'Switch')}
                  onConfirm={() => switchTerm.mutateAsync('previous')}
                >
                  {t('切換至前一學期', 'Switch to the previous term')}
                </ConfirmButton>
              </div>
            )}
            {me && !canSwitch && (
              <Typography.Text type="secondary">
                {t(
                  '切換學年期須有「設定學校學年期」的修改權限，請洽學校管理者。',
                  'Switching the term needs the update right of "School term"; please contact the school administrator.',
                )}
              </Typography.Text>
            )}
          </Space>
        )
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('學校的學年期', 'The school\'s terms')}
      </Typography.Title>
      <ErrorAlert error={terms.error} />
      <Table<SchoolTerm>
        rowKey="code"
        size="small"
        columns={termColumns(current.data)}
        dataSource={terms.data ?? []}
        loading={terms.isFetching}
        pagination={clientPagination}
        locale={{ emptyText: t('尚無學年期', 'No terms yet') }}
      />
    </PageCard>
  );
}
