import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { isApiError } from '../api/error';
import { meQueryKey, useMe } from '../auth/hooks';
import { errorMessage, type ErrorMessage } from '../auth/messages';
import { returnPath } from '../auth/RequireAuth';
import { ProblemAlert } from '../components/ProblemAlert';

interface EmailValues {
  email?: string;
  backup_email?: string;
}

const emptyToNull = (value: string | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/**
 * Primary and backup e-mail: where forgot-password mail and notices go. After sign-in the user
 * is brought here once when there is no backup address (`prompt`), and may skip it for now.
 */
export function AccountEmailPage() {
  const { data: me } = useMe();
  const [form] = Form.useForm<EmailValues>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const prompt = (location.state as { prompt?: boolean } | null)?.prompt === true;
  const next = returnPath(location.state);
  const [problem, setProblem] = useState<ErrorMessage | null>(null);
  const [saving, setSaving] = useState(false);

  if (!me) return <Skeleton active />;

  const onFinish = async (values: EmailValues) => {
    setProblem(null);
    setSaving(true);
    try {
      const updated = await unwrap(
        api.PUT('/api/v1/me/email', {
          body: { email: emptyToNull(values.email), backup_email: emptyToNull(values.backup_email) },
        }),
      );
      queryClient.setQueryData(meQueryKey, updated);
      void message.success('電子郵件已儲存');
      if (prompt) await navigate(next, { replace: true });
    } catch (error) {
      setProblem(errorMessage(error));
      if (isApiError(error)) {
        form.setFields(
          (['email', 'backup_email'] as const)
            .map((name) => ({ name, errors: error.messagesFor(name) }))
            .filter((field) => field.errors.length > 0),
        );
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card style={{ maxWidth: 560, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        電子郵件設定
      </Typography.Title>
      {(prompt || me.needs_backup_email) && (
        <Alert
          type="info"
          showIcon
          title="請設定備用電子郵件"
          description="忘記密碼時，系統會把重設密碼的連結寄到主要或備用信箱。建議設定一個您自己常用的備用信箱。"
          style={{ marginBottom: 16 }}
        />
      )}
      <ProblemAlert problem={problem} />
      <Form<EmailValues>
        form={form}
        layout="vertical"
        initialValues={{ email: me.user.email ?? '', backup_email: me.user.backup_email ?? '' }}
        onFinish={(values) => void onFinish(values)}
      >
        <Form.Item
          name="email"
          label="主要電子郵件"
          rules={[{ type: 'email', message: '電子郵件格式不正確' }]}
        >
          <Input autoComplete="email" inputMode="email" placeholder="name@example.com" />
        </Form.Item>
        <Form.Item
          name="backup_email"
          label="備用電子郵件"
          dependencies={['email']}
          rules={[
            { type: 'email', message: '電子郵件格式不正確' },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) => {
                const backup = emptyToNull(value);
                const primary = emptyToNull(getFieldValue('email') as string | undefined);
                return backup && primary && backup.toLowerCase() === primary.toLowerCase()
                  ? Promise.reject(new Error('備用信箱請填與主要信箱不同的地址'))
                  : Promise.resolve();
              },
            }),
          ]}
        >
          <Input autoComplete="email" inputMode="email" placeholder="name@example.com" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving}>
            儲存
          </Button>
          {prompt && (
            <Button onClick={() => void navigate(next, { replace: true })}>稍後再說</Button>
          )}
        </Space>
      </Form>
    </Card>
  );
}
