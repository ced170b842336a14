import { Button, Tag, Typography } from 'antd';
import { useState } from 'react';
import { formatApiDateTime } from '../../lib/roc';
import { useT } from '../../i18n';
import type { NewsItem } from './api';

/** How many news items show before MORE (manual 1.2: 「MORE 鈕可展開最新消息。」). */
export const NEWS_FOLDED = 3;

/** The language news is written in. */
export const NEWS_LANG = 'zh-TW';

/**
 * 最新消息: pinned first, then newest first (the server's order), the first few shown and the
 * rest behind MORE; an item opens to its body. Bodies are plain text (the server removes HTML),
 * rendered as text. `onOpen` (signed-in readers) marks an item read when it is opened.
 */
export function NewsBoard({ items, onOpen }: { items: readonly NewsItem[]; onOpen?: (item: NewsItem) => void }) {
  const t = useT();
  const [expanded, setExpanded] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  if (items.length === 0) {
    return <Typography.Text type="secondary">{t('目前沒有消息。', 'No news at the moment.')}</Typography.Text>;
  }
  const shown = expanded ? items : items.slice(0, NEWS_FOLDED);
  return (
    <div data-testid="news-board">
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {shown.map((item) => {
          const isOpen = open === item.id;
          const unread = onOpen !== undefined && !item.read;
          return (
            <li key={item.id} style={{ padding: '6px 0', borderBottom: '1px solid rgba(5,5,5,0.06)' }}>
              <Button
                type="link"
                style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                aria-expanded={isOpen}
                onClick={() => {
                  setOpen(isOpen ? null : item.id);
                  if (!isOpen && unread) onOpen?.(item);
                }}
              >
                {/* News is written in the school's language, whatever the UI's. */}
                <span style={{ fontWeight: unread ? 600 : undefined }} lang={NEWS_LANG}>
                  {item.title}
                </span>
              </Button>{' '}
              {item.pinned && <Tag color="red">{t('置頂', 'Pinned')}</Tag>}
              {item.scope === 'school' && <Tag color="blue">{t('本校', 'School')}</Tag>}
              {unread && <Tag color="gold">{t('未讀', 'Unread')}</Tag>}
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatApiDateTime(item.published_at)}
                </Typography.Text>
              </div>
              {isOpen && (
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }} lang={NEWS_LANG}>
                  {item.body}
                </Typography.Paragraph>
              )}
            </li>
          );
        })}
      </ul>
      {items.length > NEWS_FOLDED && (
        <Button type="link" style={{ padding: 0 }} aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? t('收合', 'LESS') : t('MORE ▾ 更多消息', 'MORE ▾')}
        </Button>
      )}
    </div>
  );
}
