import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { isApiError } from '../api/error';
import { changePassword } from '../auth/account';
import { meQueryKey, useMe, useSession } from '../auth/hooks';
import { errorMessage, type ErrorMessage } from '../auth/messages';
import { returnPath } from '../auth/RequireAuth';
import { NewPasswordFields } from '../components/NewPasswordFields';
import { ProblemAlert } from '../components/ProblemAlert';
import { useT } from '../i18n';

interface ChangeValues {
  old_password: string;
  new_password: string;
  confirm: string;
}

/**
 * Change password. Forced after the first sign-in and after an admin reset (the initial
 * password is the national ID): until it is done the guard allows no other page.
 */
export function ChangePasswordPage() {
  const t = useT();
  const [form] = Form.useForm<ChangeValues>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { data: me } = useMe();
  const { mustChangePassword } = useSession();
  const forced = mustChangePassword || (me?.user.must_change_password ?? false);
  const [problem, setProblem] = useState<ErrorMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onFinish = async (values: ChangeValues) => {
    setProblem(null);
    setSubmitting(true);
    try {
      await changePassword({
        old_password: values.old_password,
        new_password: values.new_password,
      });
      // The guard reads must_change_password from /me too: wait for the fresh copy.
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
      form.resetFields();
      void message.success(t('密碼已變更', 'Your password has been changed'));
      if (forced) {
        // A missing backup e-mail is the home page's reminder (EmailReminder), not a detour.
        await navigate(returnPath(location.state), { replace: true });
      }
    } catch (error) {
      setProblem(errorMessage(error));
      if (isApiError(error)) {
        const fields: { name: keyof ChangeValues; errors: string[] }[] = [];
        if (error.code === 'old_password_incorrect') {
          fields.push({ name: 'old_password', errors: [t('目前的密碼不正確', 'The current password is incorrect')] });
        }
        for (const name of ['old_password', 'new_password'] as const) {
          const messages = error.messagesFor(name);
          if (messages.length > 0) fields.push({ name, errors: messages });
        }
        form.setFields(fields);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card style={{ maxWidth: 520, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('變更密碼', 'Change password')}
      </Typography.Title>
      {forced && (
        <Alert
          type="warning"
          showIcon
          title={t('請先變更密碼', 'Please change your password first')}
          description={t('這是您第一次登入，或密碼已由學校管理者重設。為了帳號安全，請設定新的密碼後再繼續使用系統。', "This is your first sign-in, or your password was reset by the school administrator. For your account's safety, please set a new password before you go on.")}
          style={{ marginBottom: 16 }}
        />
      )}
      <ProblemAlert problem={problem} />
      <Form<ChangeValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void onFinish(values)}
      >
        <Form.Item
          name="old_password"
          label={t('目前的密碼', 'Current password')}
          extra={forced ? t('即您剛才登入使用的密碼（預設密碼或學校管理者提供的密碼）。', 'The password you just signed in with (the default one or the one the school administrator gave you).') : undefined}
          rules={[{ required: true, message: t('請輸入目前的密碼', 'Please enter your current password') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <NewPasswordFields account={me?.user.account} />
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" loading={submitting}>
            {t('變更密碼', 'Change password')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
