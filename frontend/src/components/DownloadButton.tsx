import { FileExcelOutlined } from '@ant-design/icons';
import { App, Button, type ButtonProps } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../auth/messages';
import { saveBlob, type DownloadedFile } from '../lib/download';
import { useT } from '../i18n';

/**
 * 「匯出 Excel」: fetches the file with the session's token (`fetch`, e.g. `fetchFile(api.GET(…,
 * { parseAs: 'blob' }), '….xlsx')`) and has the browser save it under the server's name. Spins
 * meanwhile; a refusal shows as a toast with the problem's zh-TW text.
 */
export function DownloadButton({
  fetch,
  children,
  ...button
}: Omit<ButtonProps, 'onClick' | 'loading'> & {
  fetch: (signal: AbortSignal) => Promise<DownloadedFile>;
}) {
  const { message } = App.useApp();
  const t = useT();
  const [loading, setLoading] = useState(false);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const onClick = async () => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setLoading(true);
    try {
      const file = await fetch(current.signal);
      if (!current.signal.aborted) {
        saveBlob(file.blob, file.filename);
        void message.success(t(`已匯出 ${file.filename}`, `Exported ${file.filename}`));
      }
    } catch (error) {
      if (!current.signal.aborted) {
        const { title, description } = errorMessage(error);
        void message.error(description ? `${title}${t('：', ': ')}${description}` : title);
      }
    } finally {
      if (!current.signal.aborted) setLoading(false);
    }
  };

  return (
    <Button icon={<FileExcelOutlined aria-hidden />} loading={loading} onClick={() => void onClick()} {...button}>
      {children ?? t('匯出 Excel', 'Export Excel')}
    </Button>
  );
}
