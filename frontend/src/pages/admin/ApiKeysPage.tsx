import { useQuery } from '@tanstack/react-query';
import { Checkbox, Form, Input, Tag, Typography, type TableProps } from 'antd';
import { api, unwrap } from '../../api/client';
import type { ApiKey, ApiKeyScope, CreatedApiKey, NewApiKey } from '../../api/types';
import { confirmColumn } from '../../components/ConfirmButton';
import { SecretIssuingList } from '../../components/SecretIssuingList';
import { formatApiDateTime } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { scopeLabels } from './labels';
import { apiKeysKey } from './queryKeys';

const scopeOptions = (Object.keys(scopeLabels) as ApiKeyScope[]).map((scope) => ({
  value: scope,
  label: scopeLabels[scope],
}));

function ScopeTags({ scopes }: { scopes: readonly ApiKeyScope[] }) {
  return scopes.map((scope) => <Tag key={scope}>{scopeLabels[scope]}</Tag>);
}

/**
 * API keys for machine clients (the school-affairs vendor's daily sync, scripts): named,
 * limited to scopes, shown whole only once when created, revocable.
 */
export function ApiKeysPage() {
  const keys = useQuery({
    queryKey: apiKeysKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/api-keys', { signal })),
  });

  const revoke = useApiMutation(
    (key: ApiKey) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } })),
    { invalidate: [apiKeysKey], success: (_, key) => `已撤銷金鑰「${key.name}」` },
  );

  const columns: TableProps<ApiKey>['columns'] = [
    { title: '名稱', dataIndex: 'name' },
    {
      title: '金鑰前綴',
      dataIndex: 'prefix',
      render: (prefix: string) => <Typography.Text code>{`lc_${prefix}_…`}</Typography.Text>,
    },
    {
      title: '範圍',
      dataIndex: 'scopes',
      render: (scopes: ApiKeyScope[]) => <ScopeTags scopes={scopes} />,
    },
    { title: '建立時間', dataIndex: 'created_at', render: (value: string) => formatApiDateTime(value) },
    { title: '最後使用', dataIndex: 'last_used_at', render: (value: string | null) => formatApiDateTime(value, '從未使用') },
    {
      title: '狀態',
      dataIndex: 'revoked_at',
      render: (value: string | null) =>
        value ? <Tag>已撤銷 {formatApiDateTime(value)}</Tag> : <Tag color="green">使用中</Tag>,
    },
    confirmColumn<ApiKey>({
      label: '撤銷',
      when: (key) => !key.revoked_at,
      title: (key) => `撤銷金鑰「${key.name}」？`,
      description: '撤銷後，使用此金鑰的程式立即無法存取，且不能復原。',
      onConfirm: (key) => revoke.mutateAsync(key),
      name: (key) => key.name,
    }),
  ];

  return (
    <SecretIssuingList<ApiKey, NewApiKey, CreatedApiKey>
      title="API 金鑰"
      intro="提供校務行政系統廠商或程式以 API 存取本校資料：「同步資料」可每日推送學籍、修課、教職員等資料，「讀取資料」可查詢。"
      createLabel="建立金鑰"
      emptyText="尚未建立 API 金鑰"
      query={keys}
      columns={columns}
      create={(values) =>
        unwrap(api.POST('/api/v1/api-keys', { body: { name: values.name.trim(), scopes: values.scopes } }))
      }
      issued={(key) => ({
        title: `已建立金鑰「${key.name}」`,
        secretName: '金鑰',
        lostHint: '若遺失，請撤銷此金鑰後重新建立。',
        fields: [{ label: '金鑰', value: key.secret }],
        note: (
          <>
            範圍：<ScopeTags scopes={key.scopes} />
          </>
        ),
      })}
      form={{
        title: '建立 API 金鑰',
        initialValues: { scopes: ['sync'] },
        items: (
          <>
            <Form.Item
              name="name"
              label="名稱"
              extra="用途或廠商名稱，方便日後辨識。"
              rules={[{ required: true, whitespace: true, message: '請輸入名稱' }]}
            >
              <Input maxLength={100} placeholder="例如：校務行政系統廠商" />
            </Form.Item>
            <Form.Item
              name="scopes"
              label="範圍"
              rules={[{ required: true, type: 'array', min: 1, message: '至少選擇一個範圍' }]}
            >
              <Checkbox.Group options={scopeOptions} />
            </Form.Item>
          </>
        ),
      }}
    />
  );
}
