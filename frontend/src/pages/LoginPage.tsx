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

const signedOutNotices: Record<string, ErrorMessage> = {
  expired: { title: '登入已逾時或已失效，請重新登入。' },
  unreachable: { title: '無法連線到伺服器，暫時無法恢復登入狀態。' },
};

/** Sign-in (manual 1.1): school code or name, account, password, captcha. */
export function LoginPage() {
  const [form] = Form.useForm<LoginValues>();
  const navigate = useNavigate();
  const location = useLocation();
  const { status, reason } = useSession();
  const options = useAuthOptions();
  const captchaRequired = options.data?.captcha_required ?? false;
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
      } else if (pair.needs_backup_email) {
        await navigate('/account/email', { replace: true, state: { ...state, prompt: true } });
      } else {
        await navigate(from, { replace: true });
      }
    } catch (error) {
      signingIn.current = false;
      setProblem(errorMessage(error));
      if (isApiError(error) && error.code === 'captcha_invalid') {
        form.setFields([{ name: 'captcha_answer', value: '', errors: ['驗證碼錯誤，請重新輸入'] }]);
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

  const notice = problem ?? (reason ? signedOutNotices[reason] : undefined);

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        登入
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
                重試
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
          label="帳號"
          rules={[{ required: true, whitespace: true, message: '請輸入帳號' }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" placeholder="例如 074313_010001" />
        </Form.Item>
        <Form.Item name="password" label="密碼" rules={[{ required: true, message: '請輸入密碼' }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        {captchaRequired && <CaptchaField captcha={captcha} />}
        <Form.Item style={{ marginBottom: 8 }}>
          <Button type="primary" htmlType="submit" block loading={submitting || status === 'restoring'}>
            登入
          </Button>
        </Form.Item>
      </Form>
      <div style={{ textAlign: 'right' }}>
        <Link to="/forgot-password">忘記密碼？</Link>
      </div>
    </>
  );
}
