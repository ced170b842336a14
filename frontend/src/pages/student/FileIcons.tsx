import { FileTextOutlined, LinkOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Space, Tooltip } from 'antd';
import type { FileInfo } from '../../api/types';
import { useT } from '../../i18n';

/** An item's files as small icons (names on hover), and its external link if any. */
export function FileIcons({
  item,
}: {
  item: { document?: FileInfo | null; video?: FileInfo | null; external_link?: string | null };
}) {
  const t = useT();
  return (
    <Space size={8}>
      {item.document && (
        <Tooltip title={item.document.name}>
          <FileTextOutlined aria-label={t(`文件檔 ${item.document.name}`, `Document ${item.document.name}`)} />
        </Tooltip>
      )}
      {item.video && (
        <Tooltip title={item.video.name}>
          <VideoCameraOutlined aria-label={t(`影音檔 ${item.video.name}`, `Audio/video ${item.video.name}`)} />
        </Tooltip>
      )}
      {item.external_link && (
        <Tooltip title={item.external_link}>
          <a href={item.external_link} target="_blank" rel="noopener noreferrer nofollow" aria-label={t('外部連結', 'External link')}>
            <LinkOutlined />
          </a>
        </Tooltip>
      )}
    </Space>
  );
}
