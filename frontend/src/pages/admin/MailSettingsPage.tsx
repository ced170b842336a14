import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { isApiError } from '../../api/error';
import type { MailEncryption, MailSettings, MailSettingsInput } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { errorMessage, type ErrorMessage } from '../../auth/messages';
import { ProblemAlert, ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime } from '../../lib/roc';
import { useSettingsForm } from '../../lib/useSettingsForm';
import { useSubmit } from '../../lib/useSubmit';
import { encryptionOptions } from './labels';
import { mailSettingsKey } from './queryKeys';
import { tr, useT } from '../../i18n';

interface MailValues {
  host: string;
  port: number;
  encryption: MailEncryption;
  username?: string;
  password?: string;
  clear_password?: boolean;
  sender_address: string;
  sender_name?: string;
}

const blankToNull = (value: string | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

function initialValues(settings: MailSettings): MailValues {
  return {
    host: settings.host,
    port: settings.configured ? settings.port : 587,
    encryption: settings.configured ? settings.encryption : 'starttls',
    username: settings.username ?? '',
    password: '',
    clear_password: false,
    sender_address: settings.sender_address,
    sender_name: settings.sender_name ?? '',
  };
}

/** What the form sends: an empty password keeps the stored one (null), 清空密碼 removes it. */
function mailInput(values: MailValues): MailSettingsInput {
  // The 清空密碼 box is only there while a password is stored.
  const clear = values.clear_password === true;
  const password = clear || !values.password ? null : values.password;
  return {
    host: values.host.trim(),
    port: values.port,
    encryption: values.encryption,
    username: blankToNull(values.username),
    password,
    clear_password: clear,
    sender_address: values.sender_address.trim(),
    sender_name: blankToNull(values.sender_name),
  };
}

function testMailProblem(error: unknown): ErrorMessage {
  if (isApiError(error) && error.code === 'mail_delivery_failed') {
    return { title: tr('測試信寄送失敗', 'The test mail could not be sent'), description: error.detail };
  }
  if (isApiError(error) && error.code === 'mail_not_configured') {
    return {
      title: tr('尚未設定郵件伺服器', 'No mail server set up yet'),
      description: tr('請先填寫並儲存上方的設定，再寄送測試信。', 'Fill in and save the settings above first, then send a test mail.'),
    };
  }
  return errorMessage(error);
}

/** 寄送測試信: through the saved settings, to an address the admin can read. */
function TestMail({ defaultTo }: { defaultTo: string }) {
  const t = useT();
  const [form] = Form.useForm<{ to: string }>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { problem, submitting, submit } = useSubmit(
    form,
    async ({ to }: { to: string }) => {
      setSentTo(null);
      await unwrap(api.POST('/api/v1/mail-settings/test', { body: { to: to.trim() } }));
      setSentTo(to.trim());
    },
    testMailProblem,
  );

  return (
    <Card title={t('寄送測試信', 'Send a test mail')}>
      <Typography.Paragraph type="secondary">
        {t(
          '以已儲存的設定寄出一封測試信，確認學校的郵件功能可以使用。',
          'Send a test mail through the saved settings to check that the school\'s mail works.',
        )}
      </Typography.Paragraph>
      <ProblemAlert problem={problem} />
      {sentTo && (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t('郵件伺服器已收下測試信', 'The mail server accepted the test mail')}
          description={t(
            `請到 ${sentTo} 確認是否收到（也請檢查垃圾郵件匣）。`,
            `Check whether ${sentTo} received it (look in the spam folder too).`,
          )}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="inline" initialValues={{ to: defaultTo }} onFinish={(values) => void submit(values)}>
        <Form.Item
          name="to"
          label={t('收件者', 'To')}
          rules={[
            { required: true, message: t('請輸入收件者電子郵件', 'Please enter the recipient\'s email') },
            { type: 'email', message: t('電子郵件格式不正確', 'Invalid email address') },
          ]}
        >
          <Input inputMode="email" placeholder="name@example.com" style={{ width: 280 }} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={submitting}>
            {t('寄送測試信', 'Send test mail')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

/**
 * 設定郵件寄送伺服器 (manual 3.8): the SMTP server the school's mail goes through (forgot
 * password, e-mail changes, reminders). The stored password is never shown, only its last
 * characters; leaving the field empty keeps it.
 */
export function MailSettingsPage() {
  const t = useT();
  const { data: me } = useMe();
  const { form, query: settings, problem, submitting, submit } = useSettingsForm({
    queryKey: mailSettingsKey,
    load: (signal) => unwrap(api.GET('/api/v1/mail-settings', { signal })),
    save: (values: MailValues) => unwrap(api.PUT('/api/v1/mail-settings', { body: mailInput(values) })),
    success: t('郵件伺服器設定已儲存', 'Mail server settings saved'),
    // The stored password is never shown: the field empties again.
    onSaved: (saved) => saved.setFieldsValue({ password: '', clear_password: false }),
  });
  const clearPassword = Form.useWatch('clear_password', form) ?? false;
  const encryption = Form.useWatch('encryption', form);

  if (settings.error) return <ErrorAlert error={settings.error} />;
  if (!settings.data) return <Skeleton active />;
  const current = settings.data;

  // Changing the encryption moves a standard port along with it (25 ↔ 587 ↔ 465).
  const onEncryptionChange = (value: MailEncryption) => {
    const port = form.getFieldValue('port') as number | null | undefined;
    const suggested = encryptionOptions.find((option) => option.value === value)?.port;
    if (suggested && (port === null || port === undefined || encryptionOptions.some((o) => o.port === port))) {
      form.setFieldsValue({ port: suggested });
    }
  };
  const suggestedPort = encryptionOptions.find((option) => option.value === encryption)?.port;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('設定郵件寄送伺服器', 'Mail server settings')}>
        <Typography.Paragraph type="secondary">
          {t(
            '設定好後，系統上與信箱相關的功能才會啟動，包括：忘記密碼、修改電子信箱、通知教師未認證等。',
            'Once set up, the mail features start working: forgotten passwords, email changes, reminders to teachers with uncertified results, and more.',
          )}
        </Typography.Paragraph>
        {!current.configured && (
          <Alert type="info" showIcon title={t('尚未設定郵件伺服器', 'No mail server set up yet')} style={{ marginBottom: 16 }} />
        )}
        <ProblemAlert problem={problem} />
        <Form<MailValues>
          form={form}
          layout="horizontal"
          labelCol={{ flex: '120px' }}
          wrapperCol={{ flex: 'auto' }}
          style={{ maxWidth: 720 }}
          initialValues={initialValues(current)}
          onFinish={(values) => void submit(values)}
        >
          <Form.Item name="host" label={t('郵件伺服器', 'Mail server')}
            rules={[{ required: true, whitespace: true, message: t('請輸入郵件伺服器', 'Please enter the mail server') }]}
          >
            <Input placeholder="smtp.gmail.com" maxLength={255} />
          </Form.Item>
          <Form.Item name="encryption" label={t('加密類型', 'Encryption')}
            rules={[{ required: true, message: t('請選擇加密類型', 'Please choose the encryption') }]}
          >
            <Select<MailEncryption>
              options={encryptionOptions.map(({ value, label }) => ({ value, label }))}
              onChange={onEncryptionChange}
              style={{ width: 200 }}
            />
          </Form.Item>
          <Form.Item
            name="port"
            label={t('連接埠', 'Port')}
            extra={
              suggestedPort
                ? t(`此加密類型通常使用 ${suggestedPort}`, `This encryption usually uses ${suggestedPort}`)
                : undefined
            }
            rules={[{ required: true, type: 'integer', min: 1, max: 65535, message: t('請輸入 1 到 65535 的連接埠', 'Please enter a port from 1 to 65535') }]}
          >
            <InputNumber min={1} max={65535} precision={0} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="username" label={t('寄件帳號', 'Sender account')}
            extra={t('要當作寄件信箱的電子信箱帳號。', 'The mailbox account to send from.')}
          >
            <Input autoComplete="off" maxLength={255} />
          </Form.Item>
          <Form.Item
            label={t('寄件密碼', 'Sender password')}
            extra={
              current.password_set ? (
                <Space size="middle" wrap>
                  <span>
                    {t('已設定密碼：', 'Password set: ')}
                    {current.password_hint ?? '***'}
                  </span>
                  <Form.Item name="clear_password" valuePropName="checked" noStyle>
                    <Checkbox>{t('清空密碼', 'Clear password')}</Checkbox>
                  </Form.Item>
                  <span>{t('（密碼欄留空表示不變更）', '(leave the password empty to keep it)')}</span>
                </Space>
              ) : (
                t('要當作寄件信箱的電子信箱密碼。', 'The password of the mailbox to send from.')
              )
            }
          >
            <Form.Item name="password" noStyle>
              <Input.Password
                autoComplete="new-password"
                maxLength={255}
                disabled={clearPassword}
                placeholder={current.password_set ? t('留空表示不變更', 'Leave empty to keep it') : undefined}
                aria-label={t('寄件密碼', 'Sender password')}
              />
            </Form.Item>
          </Form.Item>
          <Form.Item
            name="sender_address"
            label={t('寄件者', 'Sender')}
            extra={t(
              'Gmail 的寄件者固定使用寄件帳號，請填與寄件帳號相同的地址。',
              'Gmail always sends as the sender account: enter the same address as the sender account.',
            )}
            rules={[
              { required: true, message: t('請輸入寄件者電子郵件', 'Please enter the sender\'s email') },
              { type: 'email', message: t('電子郵件格式不正確', 'Invalid email address') },
            ]}
          >
            <Input inputMode="email" maxLength={255} />
          </Form.Item>
          <Form.Item name="sender_name" label={t('寄件者名稱', 'Sender name')}
            extra={t('學生或老師看到的寄件者名字。', 'The sender name students and teachers see.')}
          >
            <Input maxLength={100} placeholder={t('學習歷程檔案平臺', 'Learning portfolio platform')} />
          </Form.Item>
          <Form.Item label=" " colon={false}>
            <Space>
              <Button type="primary" htmlType="submit" loading={submitting}>
                {t('儲存', 'Save')}
              </Button>
              {current.updated_at && (
                <Typography.Text type="secondary">
                  {t('上次更新：', 'Last updated: ')}
                  {formatApiDateTime(current.updated_at)}
                </Typography.Text>
              )}
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <TestMail defaultTo={me?.user.email ?? ''} />
    </Space>
  );
}
