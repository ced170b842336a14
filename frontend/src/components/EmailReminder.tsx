import { MailOutlined } from '@ant-design/icons';
import { Alert } from 'antd';
import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useMe } from '../auth/hooks';
import type { FromState } from '../auth/RequireAuth';
import { useT } from '../i18n';

/** sessionStorage key: the reminder was closed in this browser tab's session (per user). */
export const emailReminderDismissedKey = (userId: number) => `licheng.emailReminderDismissed.${userId}`;

function dismissedFor(userId: number): boolean {
  try {
    return sessionStorage.getItem(emailReminderDismissedKey(userId)) === '1';
  } catch {
    return false;
  }
}

/**
 * The reminder to set a backup e-mail (issue #24 item 3: "The e-mail prompt as a dismissible
 * reminder, not a redirect"): shown on the home page while /me says `needs_backup_email`, with
 * the way to 電子郵件設定; closing it hides it until the next sign-in session.
 */
export function EmailReminder() {
  const t = useT();
  const { data: me } = useMe();
  const location = useLocation();
  const userId = me?.user.id ?? 0;
  const [closed, setClosed] = useState(() => dismissedFor(userId));
  if (!me?.needs_backup_email || closed || dismissedFor(userId)) return null;
  const state: FromState & { prompt: boolean } = { from: { pathname: location.pathname }, prompt: true };
  return (
    <Alert
      type="info"
      showIcon
      icon={<MailOutlined />}
      data-testid="email-reminder"
      title={t('請設定備用電子郵件', 'Please set a backup email')}
      description={t(
        '忘記密碼時，系統會把重設密碼的連結寄到主要或備用信箱。',
        'If you forget your password, the reset link is sent to your main or backup email.',
      )}
      action={
        <Link to="/account/email" state={state}>
          {t('前往設定', 'Set it now')}
        </Link>
      }
      closable={{ 'aria-label': t('關閉提醒', 'Close the reminder') }}
      onClose={() => {
        try {
          sessionStorage.setItem(emailReminderDismissedKey(userId), '1');
        } catch {
          // Storage unavailable: it stays closed until the page is reloaded.
        }
        setClosed(true);
      }}
    />
  );
}
