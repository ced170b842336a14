import { DownloadOutlined, EyeOutlined, FileOutlined, ExportOutlined } from '@ant-design/icons';
import { Button, Card, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { FileInfo } from '../api/types';
import { fileRules, fileSlots, formatBytes, kindMime, previewKind, type FileSlot } from '../lib/uploadFiles';
import { ErrorAlert } from './ProblemAlert';
import { useT } from '../i18n';

/**
 * 檔案: an item's document and video (a learning result's or a performance's), each with its
 * preview, or 「沒有檔案」. `load` fetches one slot's content.
 */
export function ItemFiles({
  item,
  load,
}: {
  item: { document?: FileInfo | null; video?: FileInfo | null };
  load: (slot: FileSlot, signal: AbortSignal) => Promise<Blob>;
}) {
  const t = useT();
  return (
    <div>
      <Typography.Title level={5}>{t('檔案', 'Files')}</Typography.Title>
      <Space orientation="vertical" style={{ width: '100%' }}>
        {fileSlots.map((slot) => {
          const file = item[slot];
          return file && <FilePreview key={slot} file={file} label={fileRules[slot].label} load={(signal) => load(slot, signal)} />;
        })}
        {!item.document && !item.video && <Typography.Text type="secondary">{t('沒有檔案', 'No files')}</Typography.Text>}
      </Space>
    </div>
  );
}

/**
 * A file of a learning result or performance: its name, kind and size; 「預覽」 fetches it with the
 * session's token (`load`: the API's download as a Blob; a plain link could not send the token)
 * and shows it in the page (image, PDF, audio, video), with links to open it in a new tab or save
 * it. The object URL is released when the preview goes away.
 */
export function FilePreview({
  file,
  label,
  load,
}: {
  file: FileInfo;
  /** 文件檔 / 影音檔. */
  label: string;
  load: (signal: AbortSignal) => Promise<Blob>;
}) {
  const t = useT();
  const [url, setUrl] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);

  // Release the object URL (and stop a download in flight) when leaving.
  useEffect(() => () => controller.current?.abort(), []);
  useEffect(() => (url ? () => URL.revokeObjectURL(url) : undefined), [url]);

  const open = async () => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setLoading(true);
    setError(null);
    try {
      const blob = await load(current.signal);
      // The type from the kind, so that the browser previews it whatever the server labelled it.
      setUrl(URL.createObjectURL(new Blob([blob], { type: kindMime(file.kind) })));
    } catch (caught) {
      if (!current.signal.aborted) setError(caught);
    } finally {
      if (!current.signal.aborted) setLoading(false);
    }
  };

  const kind = previewKind(file.kind);
  return (
    <Card size="small" styles={{ body: { padding: 12 } }}>
      <Space wrap size={8} style={{ marginBottom: url || error ? 8 : 0 }}>
        <FileOutlined />
        <Typography.Text strong>{label}</Typography.Text>
        <Typography.Text style={{ wordBreak: 'break-all' }}>{file.name}</Typography.Text>
        <Tag>{file.kind.toUpperCase()}</Tag>
        <Typography.Text type="secondary">{formatBytes(file.size)}</Typography.Text>
        {url ? (
          <>
            <a href={url} target="_blank" rel="noopener noreferrer">
              <ExportOutlined /> {t('開新視窗', 'Open in new window')}
            </a>
            <a href={url} download={file.name}>
              <DownloadOutlined /> {t('下載', 'Download')}
            </a>
          </>
        ) : (
          <Button size="small" icon={<EyeOutlined />} loading={loading} onClick={() => void open()} aria-label={t(`預覽${label}`, `Preview ${label}`)}>
            {t('預覽', 'Preview')}
          </Button>
        )}
      </Space>
      <ErrorAlert error={error} />
      {url && kind === 'image' && (
        <img src={url} alt={file.name} style={{ display: 'block', maxWidth: '100%', maxHeight: 480, margin: '0 auto' }} />
      )}
      {url && kind === 'pdf' && (
        <iframe src={url} title={file.name} style={{ width: '100%', height: '60vh', minHeight: 320, border: '1px solid #f0f0f0' }} />
      )}
      {url && kind === 'audio' && <audio src={url} controls style={{ width: '100%' }} aria-label={file.name} />}
      {url && kind === 'video' && (
        <video src={url} controls playsInline style={{ display: 'block', width: '100%', maxHeight: 480 }} aria-label={file.name} />
      )}
    </Card>
  );
}
