import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { useT } from '../i18n';

export function NotFoundPage() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('找不到您要的頁面，網址可能有誤或頁面已移除。', 'The page you asked for is not here: the address may be wrong or the page was removed.')}
      extra={
        // A real link (open in new tab works) that navigates inside the SPA on a plain click.
        <Button
          type="primary"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            void navigate('/');
          }}
        >
          {t('回到首頁', 'Back to home')}
        </Button>
      }
    />
  );
}
