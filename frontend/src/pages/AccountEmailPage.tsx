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
import { useT } from '../i18n';

interface EmailValues {
  email?: string;
  backup_email?: string;
  current_password?: string;
}

const emptyToNull = (value: string | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

/**
 * Primary and backup e-mail: where forgot-password mail and notices go. The home page's reminder
 * (EmailReminder) brings the user here with `prompt` while there is no backup address; they may
 * skip it for now and return where they were.
 * Saving needs the current password; the previous addresses are told of a change.
 */
export function AccountEmailPage() {
  const t = useT();
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
          body: {
            email: emptyToNull(values.email),
            backup_email: emptyToNull(values.backup_email),
            current_password: values.current_password ?? '',
          },
        }),
      );
      queryClient.setQueryData(meQueryKey, updated);
      form.setFieldValue('current_password', '');
      void message.success(t('電子郵件已儲存', 'Email saved'));
      if (prompt) await navigate(next, { replace: true });
    } catch (error) {
      setProblem(errorMessage(error));
      if (isApiError(error)) {
        form.setFields(
          (['email', 'backup_email', 'current_password'] as const)
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
        {t('電子郵件設定', 'Email settings')}
      </Typography.Title>
      {(prompt || me.needs_backup_email) && (
        <Alert
          type="info"
          showIcon
          title={t('請設定備用電子郵件', 'Please set a backup email')}
          description={t('忘記密碼時，系統會把重設密碼的連結寄到主要或備用信箱。建議設定一個您自己常用的備用信箱。', 'If you forget your password, the reset link is sent to your main or backup email. We suggest a backup address you use yourself.')}
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
          label={t('主要電子郵件', 'Main email')}
          rules={[{ type: 'email', message: t('電子郵件格式不正確', 'Not a valid email address') }]}
        >
          <Input autoComplete="email" inputMode="email" placeholder="name@example.com" />
        </Form.Item>
        <Form.Item
          name="backup_email"
          label={t('備用電子郵件', 'Backup email')}
          dependencies={['email']}
          rules={[
            { type: 'email', message: t('電子郵件格式不正確', 'Not a valid email address') },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) => {
                const backup = emptyToNull(value);
                const primary = emptyToNull(getFieldValue('email') as string | undefined);
                return backup && primary && backup.toLowerCase() === primary.toLowerCase()
                  ? Promise.reject(new Error(t('備用信箱請填與主要信箱不同的地址', 'The backup email must differ from the main one')))
                  : Promise.resolve();
              },
            }),
          ]}
        >
          <Input autoComplete="email" inputMode="email" placeholder="name@example.com" />
        </Form.Item>
        <Form.Item
          name="current_password"
          label={t('目前的密碼', 'Current password')}
          extra={t('變更電子郵件須輸入目前的密碼；原本的信箱會收到變更通知。', 'Changing your email needs your current password; your previous addresses are told of the change.')}
          rules={[{ required: true, message: t('請輸入目前的密碼', 'Enter your current password') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('儲存', 'Save')}
          </Button>
          {prompt && (
            <Button onClick={() => void navigate(next, { replace: true })}>{t('稍後再說', 'Later')}</Button>
          )}
        </Space>
      </Form>
    </Card>
  );
}
