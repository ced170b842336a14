import { useQuery } from '@tanstack/react-query';
import { Typography } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../i18n';
import { fetchPublicNews, publicNewsKey } from './api';
import { NewsBoard } from './NewsBoard';

/** The sign-in page's 最新消息 (the platform's news, public) and the way to 認識學群. */
export function PublicNews() {
  const t = useT();
  const news = useQuery({ queryKey: publicNewsKey, queryFn: ({ signal }) => fetchPublicNews(signal), staleTime: 60_000 });
  return (
    <section aria-labelledby="public-news-title" style={{ marginTop: 24 }}>
      <Typography.Title level={4} id="public-news-title">
        {t('最新消息', 'News')}
      </Typography.Title>
      {news.data && <NewsBoard items={news.data} />}
      <div style={{ marginTop: 12 }}>
        <Link to="/fields">{t('認識學群', 'Fields of study')}</Link>
      </div>
    </section>
  );
}
