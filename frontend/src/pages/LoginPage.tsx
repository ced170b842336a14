import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import type { SignInBody } from '../api/types';
import { useSession } from '../auth/hooks';
import { errorMessage, type ErrorMessage } from '../auth/messages';
import { useAuthOptions, useCaptcha } from '../auth/publicQueries';
import { returnPath, type FromState } from '../auth/RequireAuth';
import { session } from '../auth/session';
import { CaptchaField } from '../components/CaptchaField';
import { SchoolField } from '../components/SchoolField';
import { isApiError } from '../api/error';
import { preloadSignedIn } from '../signedInChunks';
import { useT, type T } from '../i18n';
import { PublicNews } from './news/PublicNews';

interface LoginValues {
  school?: string;
  account: string;
  password: string;
  captcha_answer?: string;
}

/** The school last signed in to (not a secret), so the field is filled next time. */
export const LAST_SCHOOL_KEY = 'licheng.last_school';

function lastSchool(): string {
  try {
    return globalThis.localStorage?.getItem(LAST_SCHOOL_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberSchool(school: string): void {
  try {
    globalThis.localStorage?.setItem(LAST_SCHOOL_KEY, school);
  } catch {
    // Storage disabled: nothing to remember.
  }
}

function signedOutNotice(reason: string, t: T): ErrorMessage | undefined {
  if (reason === 'expired') {
    return { title: t('登入已逾時或已失效，請重新登入。', 'Your session has expired or is no longer valid. Please sign in again.') };
  }
  if (reason === 'unreachable') {
    return { title: t('無法連線到伺服器，暫時無法恢復登入狀態。', 'Cannot reach the server, so your session cannot be restored for now.') };
  }
  return undefined;
}

/** Sign-in (manual 1.1): school code or name, account, password, captcha. */
export function LoginPage() {
  const t = useT();
  const [form] = Form.useForm<LoginValues>();
  const navigate = useNavigate();
  const location = useLocation();
  const { status, reason } = useSession();
  const options = useAuthOptions();
  // The server may ask for a captcha even where it is off: an address past its failed-sign-in limit.
  const [captchaAsked, setCaptchaAsked] = useState(false);
  const captchaRequired = (options.data?.captcha_required ?? false) || captchaAsked;
  const captcha = useCaptcha(captchaRequired);
  const [problem, setProblem] = useState<ErrorMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // Set while this page signs in, so the "already signed in" redirect does not race ours.
  const signingIn = useRef(false);
  const from = returnPath(location.state);

  useEffect(() => {
    if (status === 'restoring') void session.restore();
  }, [status]);

  if (status === 'signed_in' && !signingIn.current) return <Navigate to={from} replace />;

  const onFinish = async (values: LoginValues) => {
    setProblem(null);
    setSubmitting(true);
    signingIn.current = true;
    // Fetch the signed-in frame and home page while the server checks the password.
    preloadSignedIn();
    const school = values.school?.trim() ?? '';
    const body: SignInBody = {
      school,
      account: values.account.trim(),
      password: values.password,
    };
    if (captchaRequired) {
      body.captcha_id = captcha.data?.id ?? '';
      body.captcha_answer = values.captcha_answer?.trim() ?? '';
    }
    try {
      const pair = await session.signIn(body);
      rememberSchool(school);
      const state: FromState = { from: { pathname: from } };
      if (pair.must_change_password) {
        await navigate('/change-password', { replace: true, state });
      } else {
        // No backup e-mail yet: the home page reminds (EmailReminder); sign-in no longer detours.
        await navigate(from, { replace: true });
      }
    } catch (error) {
      signingIn.current = false;
      setProblem(errorMessage(error));
      if (isApiError(error) && error.code === 'captcha_required') {
        setCaptchaAsked(true);
        form.setFields([{ name: 'password', value: '' }]);
      } else if (isApiError(error) && error.code === 'captcha_invalid') {
        form.setFields([{ name: 'captcha_answer', value: '', errors: [t('驗證碼錯誤，請重新輸入', 'Wrong captcha, please enter it again')] }]);
      } else if (isApiError(error)) {
        const fields = Object.entries(error.fieldErrors)
          .filter(([name]) => ['school', 'account', 'password', 'captcha_answer'].includes(name))
          .map(([name, errors]) => ({ name: name as keyof LoginValues, errors }));
        form.setFields([{ name: 'password', value: '' }, { name: 'captcha_answer', value: '' }, ...fields]);
      }
      // A captcha answers one attempt: show a new one.
      if (captchaRequired) void captcha.refetch();
    } finally {
      setSubmitting(false);
    }
  };

  const notice = problem ?? (reason ? signedOutNotice(reason, t) : undefined);

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('登入', 'Sign in')}
      </Typography.Title>
      {notice && (
        <Alert
          type={problem ? 'error' : 'warning'}
          showIcon
          title={notice.title}
          description={notice.description}
          style={{ marginBottom: 16 }}
          role="alert"
          action={
            !problem && reason === 'unreachable' ? (
              <Button size="small" onClick={() => void session.restore()}>
                {t('重試', 'Retry')}
              </Button>
            ) : undefined
          }
        />
      )}
      <Form<LoginValues>
        form={form}
        layout="vertical"
        initialValues={{ school: lastSchool() }}
        onFinish={(values) => void onFinish(values)}
        requiredMark={false}
        disabled={status === 'restoring'}
      >
        <SchoolField />
        <Form.Item
          name="account"
          label={t('帳號', 'Account')}
          rules={[{ required: true, whitespace: true, message: t('請輸入帳號', 'Please enter your account') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" placeholder={t('例如 074313_010001', 'e.g. 074313_010001')} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('密碼', 'Password')}
          rules={[{ required: true, message: t('請輸入密碼', 'Please enter your password') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        {captchaRequired && <CaptchaField captcha={captcha} />}
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={submitting || status === 'restoring'}>
            {t('登入', 'Sign in')}
          </Button>
        </Form.Item>
      </Form>
      <div style={{ textAlign: 'right' }}>
        <Link to="/forgot-password">{t('忘記密碼？', 'Forgot password?')}</Link>
      </div>
      <PublicNews />
    </>
  );
}
