import { Button } from 'antd';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { isApiError } from '../api/error';
import { ErrorResult } from '../components/ErrorResult';

/** Shown when a page throws while rendering or loading (a page's chunk that fails to load included). */
export function RouteErrorPage() {
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
      title="發生錯誤"
      subTitle={detail ?? '頁面發生未預期的錯誤，請重新整理後再試。'}
      extra={
        <Button type="primary" href="/">
          回到首頁
        </Button>
      }
    />
  );
}
