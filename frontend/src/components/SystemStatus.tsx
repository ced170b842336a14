import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Skeleton, Tag } from 'antd';
import { api, unwrap } from '../api/client';
import { isApiError } from '../api/error';
import type { components } from '../api/schema';
import { formatRocDateTime } from '../lib/roc';

type Readiness = components['schemas']['Readiness'];

const databaseLabels: Record<string, string> = {
  sqlite: 'SQLite（內嵌資料庫）',
  postgres: 'PostgreSQL',
} satisfies Partial<Record<Readiness['database'], string>>;

export function databaseLabel(kind: Readiness['database']): string {
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
  const { data, error, isPending, isFetching, dataUpdatedAt, errorUpdatedAt, refetch } =
    useReadiness();
  const checkedAt = Math.max(dataUpdatedAt, errorUpdatedAt);

  return (
    <Card
      title="系統狀態"
      extra={
        <Button
          icon={<ReloadOutlined />}
          loading={isFetching}
          onClick={() => void refetch()}
          aria-label="重新檢查"
        >
          重新檢查
        </Button>
      }
    >
      {isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : error ? (
        <Alert
          type="error"
          showIcon
          title={isApiError(error) && error.isNetworkError ? '無法連線到伺服器' : '系統尚未就緒'}
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
              label: '狀態',
              children:
                data.status === 'ok' ? (
                  <Tag color="success">正常運作</Tag>
                ) : (
                  <Tag color="warning">{data.status}</Tag>
                ),
            },
            { key: 'database', label: '資料庫', children: databaseLabel(data.database) },
            {
              key: 'migrations',
              label: '資料庫結構',
              children: data.migrations === 'applied' ? '已更新至最新版本' : data.migrations,
            },
          ]}
        />
      )}
      {checkedAt > 0 && (
        <div style={{ marginTop: 12, color: 'rgba(0,0,0,0.45)' }}>
          檢查時間：{formatRocDateTime(new Date(checkedAt))}
        </div>
      )}
    </Card>
  );
}
