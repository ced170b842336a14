import { Button } from 'antd';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { isApiError } from '../api/error';
import { ErrorResult } from '../components/ErrorResult';
import { useT } from '../i18n';

/** Shown when a page throws while rendering or loading (a page's chunk that fails to load included). */
export function RouteErrorPage() {
  const t = useT();
  const error = useRouteError();
  const detail = isApiError(error)
    ? error.detail
    : isRouteErrorResponse(error)
      ? `${error.status} ${error.statusText}`
      : error instanceof Error
        ? error.message
        : undefined;

  return (
    <ErrorResult
      title={t('發生錯誤', 'Something went wrong')}
      subTitle={detail ?? t('頁面發生未預期的錯誤，請重新整理後再試。', 'Something unexpected went wrong on this page. Please reload and try again.')}
      extra={
        <Button type="primary" href="/">
          {t('回到首頁', 'Back to home')}
        </Button>
      }
    />
  );
}
