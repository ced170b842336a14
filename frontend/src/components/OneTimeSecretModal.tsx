import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';

/** Copies `text` to the clipboard and says so (or asks to copy by hand where that is refused). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { message } = App.useApp();
  const t = useT();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(t(`已複製${label}`, `Copied: ${label}`));
    } catch {
      void message.warning(
        t('瀏覽器不允許自動複製，請選取文字後手動複製。', 'The browser does not allow copying; please select the text and copy it yourself.'),
      );
    }
  };
  return (
    <Button size="small" icon={<CopyOutlined />} onClick={() => void copy()} aria-label={t(`複製${label}`, `Copy ${label}`)}>
      {t('複製', 'Copy')}
    </Button>
  );
}

export interface SecretField {
  label: string;
  value: string;
}

/**
 * Shows a secret the server returns only once (a temporary account's password, an API key),
 * with copy buttons and a clear warning. Only the footer button closes it: a stray click
 * outside must not lose the secret.
 */
export function OneTimeSecretModal({
  title,
  fields,
  secretName,
  lostHint,
  onClose,
  children,
}: {
  title: string;
  /** What to show; null keeps the dialog closed. */
  fields: readonly SecretField[] | null;
  /** What will not be shown again, e.g. 「密碼」. */
  secretName: string;
  /** What to do when it is lost anyway. */
  lostHint: string;
  onClose: () => void;
  /** Below the secret, e.g. until when it is valid. */
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <Modal
      title={title}
      open={fields !== null}
      closable={false}
      keyboard={false}
      mask={{ closable: false }}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={onClose}>
          {t('我已妥善保存，關閉', 'I have saved it, close')}
        </Button>
      }
    >
      <Alert
        type="warning"
        showIcon
        title={t(`${secretName}只會顯示這一次`, `The ${secretName} is shown only this once`)}
        description={t(
          `關閉此視窗後，系統不會再顯示此${secretName}，請立即複製並妥善保存。${lostHint}`,
          `Once this window is closed, the ${secretName} will not be shown again: copy it now and keep it safe. ${lostHint}`,
        )}
        style={{ marginBottom: 16 }}
      />
      <Descriptions
        column={1}
        bordered
        size="small"
        items={(fields ?? []).map((field) => ({
          key: field.label,
          label: field.label,
          children: (
            <>
              <Typography.Text code style={{ marginInlineEnd: 8, wordBreak: 'break-all' }} data-testid={`secret-${field.label}`}>
                {field.value}
              </Typography.Text>
              <CopyButton text={field.value} label={field.label} />
            </>
          ),
        }))}
      />
      {children && <div style={{ marginTop: 16 }}>{children}</div>}
    </Modal>
  );
}
