import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';

export function NotFoundPage() {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle="找不到您要的頁面，網址可能有誤或頁面已移除。"
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
          回到首頁
        </Button>
      }
    />
  );
}
