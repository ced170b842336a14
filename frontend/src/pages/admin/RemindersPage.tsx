import { PlayCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Table, Tag, Typography, type TableProps } from 'antd';
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

type ReminderFilters = Pick<ReminderLogQuery, 'status' | 'reason' | 'day'>;

const nowrap = { whiteSpace: 'nowrap' } as const;

const columns: TableProps<ReminderMail>['columns'] = [
  { title: '日期', dataIndex: 'day', render: (day: string) => <span style={nowrap}>{formatRocDate(day)}</span> },
  {
    title: '原因',
    dataIndex: 'reason',
    render: (reason: ReminderReason) => <span style={nowrap}>{reminderReasonLabels[reason] ?? reason}</span>,
  },
  {
    title: '收件人',
    key: 'recipient',
    render: (_, mail) => (
      <div style={{ minWidth: 140 }}>
        {mail.name}（{mail.account}）
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, wordBreak: 'break-all' }}>
          {mail.recipient}
        </Typography.Text>
      </div>
    ),
  },
  {
    title: '主旨',
    dataIndex: 'subject',
    render: (subject: string) => (
      <Typography.Paragraph ellipsis={{ rows: 2, tooltip: subject }} style={{ minWidth: 160, margin: 0 }}>
        {subject}
      </Typography.Paragraph>
    ),
  },
  {
    title: '狀態',
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
  { title: '嘗試次數', dataIndex: 'attempts', align: 'right' },
  {
    title: '最後錯誤',
    dataIndex: 'last_error',
    render: (error: string | null) =>
      error ? (
        <Typography.Paragraph type="danger" ellipsis={{ rows: 2, tooltip: error }} style={{ minWidth: 160, margin: 0 }}>
          {error}
        </Typography.Paragraph>
      ) : null,
  },
  {
    title: '下次重試',
    dataIndex: 'next_attempt_at',
    render: (at: string | null) => <span style={nowrap}>{formatApiDateTime(at)}</span>,
  },
];

/** A refused run: without a mail server, the problem's detail and the way to the mail settings. */
function RunRefusal({ error }: { error: unknown }) {
  if (isApiError(error) && error.code === 'mail_not_configured') {
    return (
      <Alert
        type="error"
        showIcon
        role="alert"
        title="無法寄送提醒信"
        description={
          <>
            {error.detail} <Link to="/admin/mail">前往設定郵件伺服器</Link>
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
    onSuccess: (report: ReminderRun) => void message.success(`提醒信已執行：${reminderRunText(report)}`),
  });

  return (
    <PageCard
      title="提醒信紀錄"
      intro="系統每日寄送的提醒信（教師未認證、學生未送出認證、學生未勾選），由新到舊排列；寄送失敗的會自動重試。修正郵件伺服器設定後可按「立即執行」重新寄送。時間為臺灣時間。"
    >
      {failed > 0 && (
        <Alert
          type="warning"
          showIcon
          title={`共有 ${failed} 封提醒信寄送失敗`}
          description={
            <>
              請檢查<Link to="/admin/mail">郵件伺服器設定</Link>；系統會自動重試，也可按「立即執行」。
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
          title={`已執行：${reminderRunText(run.data)}`}
          style={{ marginBottom: 16 }}
        />
      )}
      <ErrorAlert error={log.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <FilterSelect<MailStatus>
          label="狀態"
          placeholder="全部狀態"
          options={mailStatusOptions}
          value={filters.status}
          onChange={(status) => update({ status })}
          width={140}
        />
        <FilterSelect<ReminderReason>
          label="原因"
          placeholder="全部原因"
          options={reminderReasonOptions}
          value={filters.reason}
          onChange={(reason) => update({ reason })}
          width={200}
        />
        <RocDatePicker aria-label="日期" placeholder="全部日期" onChange={(value) => update({ day: isoDay(Array.isArray(value) ? value[0] : value) })} />
        <Button type="primary" icon={<PlayCircleOutlined aria-hidden />} loading={run.isPending} onClick={() => run.mutate()}>
          立即執行
        </Button>
      </Space>
      <Table<ReminderMail>
        className="licheng-nowrap-head"
        rowKey="id"
        size="middle"
        columns={columns}
        scroll={{ x: true }}
        locale={{ emptyText: '沒有提醒信紀錄' }}
        {...log.tableProps}
      />
    </PageCard>
  );
}
