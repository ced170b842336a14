import { Button, Form, Result, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { isApiError } from '../api/error';
import { errorMessage, type ErrorMessage } from '../auth/messages';
import { NewPasswordFields } from '../components/NewPasswordFields';
import { ProblemAlert } from '../components/ProblemAlert';
import { useT } from '../i18n';

interface ResetValues {
  new_password: string;
  confirm: string;
}

/** The page the reset mail links to: `/reset-password?token=…`. */
export function ResetPasswordPage() {
  const t = useT();
  const [params] = useSearchParams();
  const token = params.get('token')?.trim() ?? '';
  const [form] = Form.useForm<ResetValues>();
  const [problem, setProblem] = useState<ErrorMessage | null>(null);
  const [tokenInvalid, setTokenInvalid] = useState(false);
  const [done, setDone] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  if (!token || tokenInvalid) {
    return (
      <Result
        status="warning"
        title={t('重設密碼連結無效', 'Invalid password reset link')}
        subTitle={t('連結不完整、已使用過或已過期。請重新申請重設密碼，並使用最新一封信件中的連結。', 'The link is incomplete, already used or expired. Please request a new password reset and use the link in the latest email.')}
        extra={
          <Link to="/forgot-password">
            <Button type="primary">{t('重新申請', 'Request again')}</Button>
          </Link>
        }
      />
    );
  }

  if (done) {
    return (
      <Result
        status="success"
        title={t('密碼已重設', 'Your password has been reset')}
        subTitle={t('請使用新密碼登入。', 'Please sign in with your new password.')}
        extra={
          <Link to="/login">
            <Button type="primary">{t('前往登入', 'Go to sign-in')}</Button>
          </Link>
        }
      />
    );
  }

  const onFinish = async (values: ResetValues) => {
    setProblem(null);
    setSubmitting(true);
    try {
      await unwrap(
        api.POST('/api/v1/auth/reset-password', { body: { token, new_password: values.new_password } }),
      );
      setDone(true);
    } catch (error) {
      if (isApiError(error) && error.code === 'reset_token_invalid') {
        setTokenInvalid(true);
        return;
      }
      setProblem(errorMessage(error));
      if (isApiError(error)) {
        const messages = error.messagesFor('new_password');
        if (messages.length > 0) form.setFields([{ name: 'new_password', errors: messages }]);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('重設密碼', 'Reset password')}
      </Typography.Title>
      <ProblemAlert problem={problem} />
      <Form<ResetValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void onFinish(values)}
      >
        <NewPasswordFields />
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('重設密碼', 'Reset password')}
          </Button>
        </Form.Item>
      </Form>
    </>
  );
}
