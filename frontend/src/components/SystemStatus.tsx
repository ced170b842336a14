import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Skeleton, Tag, Typography } from 'antd';
import { api, unwrap } from '../api/client';
import { isApiError } from '../api/error';
import type { components } from '../api/schema';
import { tr, useT } from '../i18n';
import { formatRocDateTime } from '../lib/roc';

type Readiness = components['schemas']['Readiness'];

const databaseLabels: Record<string, string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
} satisfies Partial<Record<Readiness['database'], string>>;

export function databaseLabel(kind: Readiness['database']): string {
  if (kind === 'sqlite') return tr('SQLite（內嵌資料庫）', 'SQLite (embedded database)');
  return databaseLabels[kind] ?? kind;
}

export const readinessQueryKey = ['readyz'] as const;

/** Reads `/readyz`: whether the server and its database are ready to serve. */
export function useReadiness() {
  return useQuery({
    queryKey: readinessQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET('/readyz', { signal })),
    refetchInterval: 60_000,
    retry: false,
  });
}

/** A card with the system status: ready (and on which database) or why not. */
export function SystemStatus() {
  const t = useT();
  const { data, error, isPending, isFetching, dataUpdatedAt, errorUpdatedAt, refetch } =
    useReadiness();
  const checkedAt = Math.max(dataUpdatedAt, errorUpdatedAt);

  return (
    <Card
      title={t('系統狀態', 'System status')}
      extra={
        <Button
          icon={<ReloadOutlined />}
          loading={isFetching}
          onClick={() => void refetch()}
          aria-label={t('重新檢查', 'Check again')}
        >
          {t('重新檢查', 'Check again')}
        </Button>
      }
    >
      {isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : error ? (
        <Alert
          type="error"
          showIcon
          title={isApiError(error) && error.isNetworkError ? t('無法連線到伺服器', 'Cannot reach the server') : t('系統尚未就緒', 'The system is not ready')}
          description={isApiError(error) ? error.detail : String(error)}
        />
      ) : (
        <Descriptions
          column={1}
          size="small"
          bordered
          items={[
            {
              key: 'status',
              label: t('狀態', 'Status'),
              children:
                data.status === 'ok' ? (
                  <Tag color="success">{t('正常運作', 'Running normally')}</Tag>
                ) : (
                  <Tag color="warning">{data.status}</Tag>
                ),
            },
            { key: 'database', label: t('資料庫', 'Database'), children: databaseLabel(data.database) },
            {
              key: 'migrations',
              label: t('資料庫結構', 'Database schema'),
              children: data.migrations === 'applied' ? t('已更新至最新版本', 'Up to date') : data.migrations,
            },
          ]}
        />
      )}
      {checkedAt > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('檢查時間：', 'Checked at: ')}{formatRocDateTime(new Date(checkedAt))}
        </Typography.Paragraph>
      )}
    </Card>
  );
}
