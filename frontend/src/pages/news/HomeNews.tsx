import { useQuery } from '@tanstack/react-query';
import { Card } from 'antd';
import { useT } from '../../i18n';
import { useApiMutation } from '../../lib/useApiMutation';
import { fetchMyNews, markNewsRead, myNewsKey, type NewsItem } from './api';
import { NewsBoard } from './NewsBoard';

/** The home page's 最新消息: the platform's and the school's, unread ones marked, read when opened. */
export function HomeNews() {
  const t = useT();
  const news = useQuery({ queryKey: myNewsKey, queryFn: ({ signal }) => fetchMyNews(signal) });
  const read = useApiMutation((item: NewsItem) => markNewsRead(item.id), { invalidate: [myNewsKey] });
  if (!news.data) return null;
  const unread = news.data.unread;
  return (
    <Card title={unread > 0 ? t(`最新消息（${unread} 則未讀）`, `News (${unread} unread)`) : t('最新消息', 'News')} data-testid="home-news">
      <NewsBoard items={news.data.items} onOpen={(item) => read.mutate(item)} />
    </Card>
  );
}
