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
import { useT } from '../../i18n';
import { useIsSchoolAdmin } from '../../lib/roles';

const scopeOptions = (Object.keys(scopeLabels) as ApiKeyScope[]).map((scope) => ({
  value: scope,
  get label() {
    return scopeLabels[scope];
  },
}));

function ScopeTags({ scopes }: { scopes: readonly ApiKeyScope[] }) {
  return scopes.map((scope) => <Tag key={scope}>{scopeLabels[scope]}</Tag>);
}

/** The create form: address ranges as text (one per line or comma-separated), expiry as a day. */
type KeyValues = Pick<NewApiKey, 'name' | 'scopes'> & { networks?: string; expires_on?: string };

/** The request body: the expiry is the end of the chosen day in Taiwan. */
export function newKeyBody(values: KeyValues): NewApiKey {
  const networks = (values.networks ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    name: values.name.trim(),
    scopes: values.scopes,
    ...(networks.length > 0 ? { allowed_networks: networks } : {}),
    ...(values.expires_on ? { expires_at: `${values.expires_on}T23:59:59+08:00` } : {}),
  };
}

/**
 * API keys for machine clients (the school-affairs vendor's daily sync, scripts): named,
 * limited to scopes, optionally to an expiry day and client address ranges, shown whole only
 * once when created, revocable.
 */
export function ApiKeysPage() {
  const t = useT();
  const canCreate = useIsSchoolAdmin();
  const keys = useQuery({
    queryKey: apiKeysKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/api-keys', { signal })),
  });

  const revoke = useApiMutation(
    (key: ApiKey) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } })),
    { invalidate: [apiKeysKey], success: (_, key) => t(`已撤銷金鑰「${key.name}」`, `Key "${key.name}" revoked`) },
  );

  const columns: TableProps<ApiKey>['columns'] = [
    { title: t('名稱', 'Name'), dataIndex: 'name' },
    {
      title: t('金鑰前綴', 'Key prefix'),
      dataIndex: 'prefix',
      render: (prefix: string) => <Typography.Text code>{`lc_${prefix}_…`}</Typography.Text>,
    },
    {
      title: t('範圍', 'Scopes'),
      dataIndex: 'scopes',
      render: (scopes: ApiKeyScope[]) => <ScopeTags scopes={scopes} />,
    },
    {
      title: t('限用位址', 'Allowed addresses'),
      dataIndex: 'allowed_networks',
      render: (networks: string[] | null | undefined) =>
        networks && networks.length > 0 ? networks.join(', ') : t('不限', 'Any'),
    },
    {
      title: t('到期', 'Expires'),
      dataIndex: 'expires_at',
      render: (value: string | null | undefined) => formatApiDateTime(value, t('不到期', 'Never')),
    },
    { title: t('建立時間', 'Created'), dataIndex: 'created_at', render: (value: string) => formatApiDateTime(value) },
    {
      title: t('最後使用', 'Last used'),
      dataIndex: 'last_used_at',
      render: (value: string | null) => formatApiDateTime(value, t('從未使用', 'Never')),
    },
    {
      title: t('狀態', 'Status'),
      dataIndex: 'revoked_at',
      render: (value: string | null) =>
        value ? <Tag>{t('已撤銷', 'Revoked')} {formatApiDateTime(value)}</Tag> : <Tag color="green">{t('使用中', 'Active')}</Tag>,
    },
    confirmColumn<ApiKey>({
      label: t('撤銷', 'Revoke'),
      when: (key) => !key.revoked_at,
      title: (key) => t(`撤銷金鑰「${key.name}」？`, `Revoke key "${key.name}"?`),
      description: t(
        '撤銷後，使用此金鑰的程式立即無法存取，且不能復原。',
        'Programs using this key lose access at once. This cannot be undone.',
      ),
      onConfirm: (key) => revoke.mutateAsync(key),
      name: (key) => key.name,
    }),
  ];

  return (
    <SecretIssuingList<ApiKey, KeyValues, CreatedApiKey>
      title={t('API 金鑰', 'API keys')}
      intro={t(
        '提供校務行政系統廠商或程式以 API 存取本校資料：「同步資料」可每日推送學籍、修課、教職員等資料，「讀取資料」可查詢。',
        'Lets the school-affairs system vendor or programs access this school\'s data through the API: "Sync data" can push student records, enrolments, staff and more every day; "Read data" can query.',
      )}
      createLabel={t('建立金鑰', 'Create key')}
      emptyText={t('尚未建立 API 金鑰', 'No API keys yet')}
      query={keys}
      columns={columns}
      canCreate={canCreate}
      create={(values) => unwrap(api.POST('/api/v1/api-keys', { body: newKeyBody(values) }))}
      issued={(key) => ({
        title: t(`已建立金鑰「${key.name}」`, `Key "${key.name}" created`),
        secretName: t('金鑰', 'key'),
        lostHint: t('若遺失，請撤銷此金鑰後重新建立。', 'If it is lost, revoke this key and create a new one.'),
        fields: [{ label: t('金鑰', 'Key'), value: key.secret }],
        note: (
          <>
            {t('範圍：', 'Scopes: ')}
            <ScopeTags scopes={key.scopes} />
          </>
        ),
      })}
      form={{
        title: t('建立 API 金鑰', 'Create API key'),
        initialValues: { scopes: ['sync'] },
        items: (
          <>
            <Form.Item
              name="name"
              label={t('名稱', 'Name')}
              extra={t('用途或廠商名稱，方便日後辨識。', 'Its purpose or the vendor\'s name, to recognise it later.')}
              rules={[{ required: true, whitespace: true, message: t('請輸入名稱', 'Please enter a name') }]}
            >
              <Input maxLength={100} placeholder={t('例如：校務行政系統廠商', 'e.g. school-affairs system vendor')} />
            </Form.Item>
            <Form.Item
              name="scopes"
              label={t('範圍', 'Scopes')}
              rules={[{ required: true, type: 'array', min: 1, message: t('至少選擇一個範圍', 'Choose at least one scope') }]}
            >
              <Checkbox.Group options={scopeOptions} />
            </Form.Item>
            <Form.Item
              name="networks"
              label={t('限用位址（選填）', 'Allowed addresses (optional)')}
              extra={t(
                '只接受來自這些位址範圍的請求，例如廠商伺服器的 203.0.113.0/24；每行或以逗號分隔一個。',
                "Only requests from these address ranges are accepted, e.g. the vendor's servers 203.0.113.0/24; one per line or comma-separated.",
              )}
            >
              <Input.TextArea rows={2} placeholder="203.0.113.0/24" />
            </Form.Item>
            <Form.Item
              name="expires_on"
              label={t('到期日（選填）', 'Expires on (optional)')}
              extra={t('當天結束後金鑰即失效；五年內。', 'The key stops working after this day; within five years.')}
            >
              <Input type="date" />
            </Form.Item>
          </>
        ),
      }}
    />
  );
}
