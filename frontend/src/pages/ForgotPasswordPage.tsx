import { MailOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { isApiError } from '../api/error';
import type { ForgotPasswordBody } from '../api/types';
import { errorMessage, type ErrorMessage } from '../auth/messages';
import { useAuthOptions, useCaptcha } from '../auth/publicQueries';
import { CaptchaField } from '../components/CaptchaField';
import { SchoolField } from '../components/SchoolField';
import { ProblemAlert } from '../components/ProblemAlert';
import { useT } from '../i18n';

interface ForgotValues {
  school?: string;
  account: string;
  email: string;
  captcha_answer?: string;
}

/**
 * Forgot password: the server mails a reset link to the account's primary or backup address
 * when school, account and address match. The answer is the same whether or not they do.
 */
export function ForgotPasswordPage() {
  const t = useT();
  const [form] = Form.useForm<ForgotValues>();
  const options = useAuthOptions();
  const captchaRequired = options.data?.captcha_required ?? false;
  const captcha = useCaptcha(captchaRequired);
  const [problem, setProblem] = useState<ErrorMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState<string | null>(null);

  const onFinish = async (values: ForgotValues) => {
    setProblem(null);
    setSubmitting(true);
    const body: ForgotPasswordBody = {
      school: values.school?.trim() ?? '',
      account: values.account.trim(),
      email: values.email.trim(),
    };
    if (captchaRequired) {
      body.captcha_id = captcha.data?.id ?? '';
      body.captcha_answer = values.captcha_answer?.trim() ?? '';
    }
    try {
      const accepted = await unwrap(api.POST('/api/v1/auth/forgot-password', { body }));
      setSent(accepted.message);
    } catch (error) {
      setProblem(errorMessage(error));
      if (isApiError(error)) {
        const fields = Object.entries(error.fieldErrors)
          .filter(([name]) => ['school', 'account', 'email'].includes(name))
          .map(([name, errors]) => ({ name: name as keyof ForgotValues, errors }));
        form.setFields([
          {
            name: 'captcha_answer',
            value: '',
            errors: error.code === 'captcha_invalid' ? [t('驗證碼錯誤，請重新輸入', 'Wrong captcha, please enter it again')] : [],
          },
          ...fields,
        ]);
      }
      if (captchaRequired) void captcha.refetch();
    } finally {
      setSubmitting(false);
    }
  };

  if (sent !== null) {
    return (
      <Result
        status="success"
        title={t('已送出申請', 'Request sent')}
        subTitle={
          sent ||
          t('如果輸入的資料正確，系統會寄出重設密碼的連結到您的電子郵件信箱，請在信件有效時間內完成重設。', 'If the details are right, a password reset link will be sent to your email. Please reset your password before the link expires.')
        }
        extra={
          <Link to="/login">
            <Button type="primary">{t('回到登入', 'Back to sign-in')}</Button>
          </Link>
        }
      />
    );
  }

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('忘記密碼', 'Forgot password')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('請輸入學校、帳號與您在系統登記的電子郵件（主要或備用信箱），系統會寄出重設密碼的連結。', 'Enter your school, account and the email registered in the system (main or backup); a password reset link will be sent to it.')}
      </Typography.Paragraph>
      <ProblemAlert problem={problem} />
      <Form<ForgotValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void onFinish(values)}
      >
        <SchoolField />
        <Form.Item
          name="account"
          label={t('帳號', 'Account')}
          rules={[{ required: true, whitespace: true, message: t('請輸入帳號', 'Please enter your account') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('電子郵件', 'Email')}
          rules={[
            { required: true, whitespace: true, message: t('請輸入電子郵件', 'Please enter your email') },
            { type: 'email', message: t('電子郵件格式不正確', 'Not a valid email address') },
          ]}
        >
          <Input prefix={<MailOutlined />} autoComplete="email" inputMode="email" />
        </Form.Item>
        {captchaRequired && <CaptchaField captcha={captcha} />}
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('送出', 'Send')}
          </Button>
        </Form.Item>
      </Form>
      <div style={{ textAlign: 'right' }}>
        <Link to="/login">{t('回到登入', 'Back to sign-in')}</Link>
      </div>
    </>
  );
}
