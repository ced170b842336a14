import { PlayCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Tag, Typography, type TableProps } from 'antd';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isApiError } from '../../api/error';
import type { MailStatus, ReminderLog, ReminderLogQuery, ReminderMail, ReminderReason, ReminderRun } from '../../api/types';
import { FilterSelect } from '../../components/FilteredListCard';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { isoDay, RocDatePicker } from '../../components/RocDatePicker';
import { formatApiDateTime, formatRocDate } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import {
  mailStatusLabels,
  mailStatusOptions,
  reminderReasonLabels,
  reminderReasonOptions,
  reminderRunText,
} from './labels';
import { remindersKey } from './queryKeys';
import { tr, useT } from '../../i18n';
import { ResponsiveTable } from '../../components/ResponsiveTable';

type ReminderFilters = Pick<ReminderLogQuery, 'status' | 'reason' | 'day'>;

const nowrap = { whiteSpace: 'nowrap' } as const;

const columns: TableProps<ReminderMail>['columns'] = [
  {
    get title() {
      return tr('日期', 'Date');
    },
    dataIndex: 'day',
    render: (day: string) => <span style={nowrap}>{formatRocDate(day)}</span> },
  {
    get title() {
      return tr('原因', 'Reason');
    },
    dataIndex: 'reason',
    render: (reason: ReminderReason) => <span style={nowrap}>{reminderReasonLabels[reason] ?? reason}</span>,
  },
  {
    get title() {
      return tr('收件人', 'Recipient');
    },
    key: 'recipient',
    render: (_, mail) => (
      <div style={{ minWidth: 140 }}>
        {tr(`${mail.name}（${mail.account}）`, `${mail.name} (${mail.account})`)}
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, wordBreak: 'break-all' }}>
          {mail.recipient}
        </Typography.Text>
      </div>
    ),
  },
  {
    get title() {
      return tr('主旨', 'Subject');
    },
    dataIndex: 'subject',
    render: (subject: string) => (
      <Typography.Paragraph ellipsis={{ rows: 2, tooltip: subject }} style={{ minWidth: 160, margin: 0 }}>
        {subject}
      </Typography.Paragraph>
    ),
  },
  {
    get title() {
      return tr('狀態', 'Status');
    },
    dataIndex: 'status',
    render: (status: MailStatus, mail) => {
      const { label, color } = mailStatusLabels[status] ?? { label: status, color: 'default' };
      return (
        <div style={nowrap}>
          <Tag color={color}>{label}</Tag>
          {mail.sent_at && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {formatApiDateTime(mail.sent_at)}
            </Typography.Text>
          )}
        </div>
      );
    },
  },
  {
    get title() {
      return tr('嘗試次數', 'Attempts');
    },
    dataIndex: 'attempts',
    align: 'right',
  },
  {
    get title() {
      return tr('最後錯誤', 'Last error');
    },
    dataIndex: 'last_error',
    render: (error: string | null) =>
      error ? (
        <Typography.Paragraph type="danger" ellipsis={{ rows: 2, tooltip: error }} style={{ minWidth: 160, margin: 0 }}>
          {error}
        </Typography.Paragraph>
      ) : null,
  },
  {
    get title() {
      return tr('下次重試', 'Next retry');
    },
    dataIndex: 'next_attempt_at',
    render: (at: string | null) => <span style={nowrap}>{formatApiDateTime(at)}</span>,
  },
];

/** A refused run: without a mail server, the problem's detail and the way to the mail settings. */
function RunRefusal({ error }: { error: unknown }) {
  const t = useT();
  if (isApiError(error) && error.code === 'mail_not_configured') {
    return (
      <Alert
        type="error"
        showIcon
        role="alert"
        title={t('無法寄送提醒信', 'Cannot send reminder mails')}
        description={
          <>
            {error.detail} <Link to="/admin/mail">{t('前往設定郵件伺服器', 'Go to the mail server settings')}</Link>
          </>
        }
        style={{ marginBottom: 16 }}
      />
    );
  }
  return <ErrorAlert error={error} />;
}

/**
 * 提醒信紀錄 (school admin): the reminder mails the system sent or is trying to send (teachers with
 * results waiting, students who have not submitted or selected), newest first, 30 a page, by
 * status, reason and day; failures with the mail server's answer and when they are tried again.
 * 「立即執行」 runs the reminders now (e.g. after fixing the mail server).
 */
export function RemindersPage() {
  const t = useT();
  const { message } = App.useApp();
  const [filters, update] = useFilters<ReminderFilters>({});

  const log = usePagedQuery({
    queryKey: remindersKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/reminders/log', { params: { query }, signal })),
  });
  // The log answers with the school's failed count over every day and page.
  const failed = (log.query.data as ReminderLog | undefined)?.failed ?? 0;

  const run = useApiMutation(() => unwrap(api.POST('/api/v1/reminders/run')), {
    invalidate: [remindersKey],
    // The outcome stays on the page (below); a refusal too.
    onError: () => undefined,
    onSuccess: (report: ReminderRun) => void message.success(t(`提醒信已執行：${reminderRunText(report)}`, `Reminders run: ${reminderRunText(report)}`)),
  });

  return (
    <PageCard
      title={t('提醒信紀錄', 'Reminder mails')}
      intro={t(
        '系統每日寄送的提醒信（教師未認證、學生未送出認證、學生未勾選），由新到舊排列；寄送失敗的會自動重試。修正郵件伺服器設定後可按「立即執行」重新寄送。時間為臺灣時間。',
        'The reminder mails the system sends every day (teachers with uncertified results, students who have not submitted or selected), newest first; failed ones are retried automatically. After fixing the mail server settings, press "Run now" to send again. Times are Taiwan time.',
      )}
    >
      {failed > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t(`共有 ${failed} 封提醒信寄送失敗`, `${failed} reminder mail(s) failed to send`)}
          description={
            <>
              {t('請檢查', 'Please check the ')}
              <Link to="/admin/mail">{t('郵件伺服器設定', 'mail server settings')}</Link>
              {t('；系統會自動重試，也可按「立即執行」。', '; the system retries automatically, or press "Run now".')}
            </>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      {run.error !== null && <RunRefusal error={run.error} />}
      {run.data && (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t(`已執行：${reminderRunText(run.data)}`, `Run: ${reminderRunText(run.data)}`)}
          style={{ marginBottom: 16 }}
        />
      )}
      <ErrorAlert error={log.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <FilterSelect<MailStatus>
          label={t('狀態', 'Status')}
          placeholder={t('全部狀態', 'All statuses')}
          options={mailStatusOptions}
          value={filters.status}
          onChange={(status) => update({ status })}
          width={140}
        />
        <FilterSelect<ReminderReason>
          label={t('原因', 'Reason')}
          placeholder={t('全部原因', 'All reasons')}
          options={reminderReasonOptions}
          value={filters.reason}
          onChange={(reason) => update({ reason })}
          width={200}
        />
        <RocDatePicker
          aria-label={t('日期', 'Date')}
          placeholder={t('全部日期', 'All dates')}
          onChange={(value) => update({ day: isoDay(Array.isArray(value) ? value[0] : value) })} />
        <Button type="primary" icon={<PlayCircleOutlined aria-hidden />} loading={run.isPending} onClick={() => run.mutate()}>
          {t('立即執行', 'Run now')}
        </Button>
      </Space>
      <ResponsiveTable<ReminderMail>
        className="licheng-nowrap-head"
        rowKey="id"
        size="middle"
        columns={columns}
        scroll={{ x: true }}
        locale={{ emptyText: t('沒有提醒信紀錄', 'No reminder mails') }}
        {...log.tableProps}
      />
    </PageCard>
  );
}
