import { Button, Spin } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { isApiError } from '../api/error';
import { ErrorResult } from '../components/ErrorResult';
import { useT } from '../i18n';
import { useMe, useSession } from './hooks';
import { session } from './session';

export const CHANGE_PASSWORD_PATH = '/change-password';

/** Where a page was when the user was sent to /login or /change-password. */
export interface FromState {
  from?: { pathname: string; search?: string; hash?: string };
}

/** The path to return to after sign-in (never back to a public account page). */
export function returnPath(state: unknown, fallback = '/'): string {
  const from = (state as FromState | null | undefined)?.from;
  if (!from || typeof from.pathname !== 'string' || !from.pathname.startsWith('/')) return fallback;
  if (['/login', '/forgot-password', '/reset-password'].includes(from.pathname)) return fallback;
  return `${from.pathname}${from.search ?? ''}${from.hash ?? ''}`;
}

export function FullPageSpin({ tip }: { tip: string }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '60vh' }}>
      <Spin size="large" description={tip}>
        <div style={{ width: 200, height: 80 }} />
      </Spin>
    </div>
  );
}

/** The page-loading spinner (「載入中…」), in the UI language. */
export function PageLoading() {
  const t = useT();
  return <FullPageSpin tip={t('載入中…', 'Loading…')} />;
}

/**
 * Shows `children` only to a signed-in user: restores a session after a reload, sends the
 * signed-out to /login (remembering where they were), and while a password change is required
 * allows nothing but /change-password.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, reason, mustChangePassword } = useSession();
  const location = useLocation();
  const me = useMe();
  const t = useT();

  useEffect(() => {
    if (status === 'restoring') void session.restore();
  }, [status]);

  if (status === 'restoring') return <FullPageSpin tip={t('正在恢復登入狀態…', 'Restoring your session…')} />;
  if (status === 'signed_out') {
    // After an explicit sign-out the next user starts from the home page.
    const state: FromState | undefined = reason === 'signed_out' ? undefined : { from: location };
    return <Navigate to="/login" replace state={state} />;
  }
  if (me.isPending) return <FullPageSpin tip={t('載入中…', 'Loading…')} />;
  if (me.isError) {
    return (
      <ErrorResult
        title={t('無法取得帳號資料', 'Cannot load your account')}
        subTitle={isApiError(me.error) ? me.error.detail : String(me.error)}
        extra={
          <>
            <Button type="primary" onClick={() => void me.refetch()}>
              {t('重試', 'Retry')}
            </Button>
            <Button onClick={() => void session.signOut()}>{t('登出', 'Sign out')}</Button>
          </>
        }
      />
    );
  }
  const forced = mustChangePassword || me.data.user.must_change_password;
  if (forced && location.pathname !== CHANGE_PASSWORD_PATH) {
    return <Navigate to={CHANGE_PASSWORD_PATH} replace state={{ from: location } satisfies FromState} />;
  }
  return <>{children}</>;
}
