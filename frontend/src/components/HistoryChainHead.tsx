import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Skeleton, Typography } from 'antd';
import { api, unwrap } from '../api/client';
import { isApiError } from '../api/error';
import { useT } from '../i18n';

export const historyHeadQueryKey = ['history', 'head'] as const;

/**
 * 歷程紀錄鏈 (issue #26): the head of the school's tamper-evident history chain, for the school
 * admin, with what it means. A copy of the hash kept outside Licheng pins every record up to it.
 */
export function HistoryChainHead() {
  const t = useT();
  const { data, error, isPending } = useQuery({
    queryKey: historyHeadQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/history/head', { signal })),
    refetchInterval: 60_000,
  });
  return (
    <Card title={t('歷程紀錄鏈（防竄改）', 'History chain (tamper-evident)')} data-testid="history-chain-head">
      <Typography.Paragraph type="secondary">
        {t(
          '本校的每一筆歷程紀錄（上傳、送出、認證或退回、勾選、名冊匯出、轉學匯入、收訖確認、角色與時程異動等）都依序串入一條雜湊鏈：每筆都含前一筆的雜湊值，事後在資料庫中修改、刪除或調換任何一筆，從該筆起的雜湊值就對不上。請將下方「最新雜湊值」抄錄或列印，保存在系統以外；日後執行 licheng check --history 即可驗證到此為止的紀錄未被竄改。',
          "Every record of the school (uploads, submits, certify or reject decisions, selections, roster exports, transfer imports, receipt confirmations, role and period changes…) is chained in order: each entry holds the hash of the one before it, so editing, deleting or reordering any of them in the database afterwards breaks every hash from there on. Keep a copy of the latest hash below outside Licheng; `licheng check --history` then shows the records up to it were not altered.",
        )}
      </Typography.Paragraph>
      {isPending ? (
        <Skeleton active paragraph={{ rows: 1 }} />
      ) : error ? (
        <Typography.Text type="danger">
          {t('無法讀取紀錄鏈：', 'Cannot read the chain: ')}
          {isApiError(error) ? error.detail : String(error)}
        </Typography.Text>
      ) : (
        <Descriptions
          column={1}
          size="small"
          bordered
          items={[
            {
              key: 'seq',
              label: t('已封存紀錄數', 'Records sealed'),
              children: data.seq === 0 ? t('尚無紀錄', 'None yet') : data.seq.toLocaleString('zh-TW'),
            },
            {
              key: 'hash',
              label: t('最新雜湊值（SHA-256）', 'Latest hash (SHA-256)'),
              children: (
                <Typography.Text code copyable={{ text: data.hash }} style={{ wordBreak: 'break-all' }} data-testid="history-chain-hash">
                  {data.hash}
                </Typography.Text>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
