import { Alert, Button, Input, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { AccountKind, AccountRow, ResetResult } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatRocDateTime, parseApiDateTime } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { usePagedQuery } from '../../lib/usePagedQuery';
import { useRowSelection } from '../../lib/useRowSelection';
import { accountKindFilter, accountKindLabels, langPart } from './labels';
import { accountsKey } from './queryKeys';
import { useT } from '../../i18n';

interface Outcome {
  result: ResetResult;
  /** The accounts as they were listed, to name the skipped ones. */
  accounts: Map<number, AccountRow>;
}

function StatusTags({ account }: { account: AccountRow }) {
  const t = useT();
  const lockedUntil = parseApiDateTime(account.locked_until);
  const locked = lockedUntil && lockedUntil.getTime() > Date.now() ? formatRocDateTime(lockedUntil) : '';
  return (
    <Space size={4} wrap>
      {!account.active && <Tag>{t('停用', 'Disabled')}</Tag>}
      {account.must_change_password && <Tag color="orange">{t('待變更密碼', 'Must change password')}</Tag>}
      {locked && <Tag color="red">{t(`鎖定至 ${locked}`, `Locked until ${locked}`)}</Tag>}
    </Space>
  );
}

function ResetOutcome({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  const t = useT();
  const { reset, skipped } = outcome.result;
  const name = (id: number) => {
    const account = outcome.accounts.get(id);
    return account ? t(`${account.account}（${account.display_name}）`, `${account.account} (${account.display_name})`) : t(`帳號編號 ${id}`, `Account ID ${id}`);
  };
  return (
    <Alert
      type={skipped.length === 0 ? 'success' : 'warning'}
      showIcon
      closable={{ onClose }}
      role="status"
      style={{ marginBottom: 16 }}
      title={t(
        `已重設 ${reset.length} 個帳號的密碼${skipped.length > 0 ? `，${skipped.length} 個未重設` : ''}`,
        `Password reset for ${reset.length} account(s)${skipped.length > 0 ? `, ${skipped.length} not reset` : ''}`,
      )}
      description={
        <>
          {reset.length > 0 && <div>
              {t(
                '這些帳號下次以預設密碼（身分證號，英文字母大寫）登入後，須先變更密碼。',
                'These accounts must change their password after next signing in with the initial password (the national ID, letters in upper case).',
              )}
            </div>}
          {skipped.length > 0 && (
            <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }} aria-label={t('未重設的帳號', 'Accounts not reset')}>
              {skipped.map((skip) => (
                <li key={skip.id}>
                  {name(skip.id)}
                  {t('：', ': ')}
                  {langPart(skip.reason)}
                </li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}

/**
 * 重設密碼 (manual 3.2): the school's accounts, 30 a page, searchable and by kind; reset the
 * ticked ones (or one row) to the initial password, then see what was reset and what was not.
 */
export function PasswordsPage() {
  const t = useT();
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<AccountKind | undefined>(undefined);
  const selection = useRowSelection((row: AccountRow) => row.id);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const accounts = usePagedQuery({
    queryKey: accountsKey,
    filters: { q: search || undefined, kind },
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/accounts', { params: { query }, signal })),
  });

  const reset = useApiMutation(
    (rows: AccountRow[]) =>
      unwrap(api.POST('/api/v1/accounts/reset-password', { body: { user_ids: rows.map((row) => row.id) } })),
    {
      invalidate: [accountsKey],
      onSuccess: (result, rows) => {
        setOutcome({ result, accounts: new Map(rows.map((row) => [row.id, row])) });
        selection.drop(rows);
      },
    },
  );

  const resetProps = (rows: AccountRow[]) => ({
    description: t(
      '密碼將改回預設密碼（身分證號），使用者下次登入時須變更密碼。',
      'The password goes back to the initial password (the national ID); the user must change it at next sign-in.',
    ),
    okText: t('重設', 'Reset'),
    onConfirm: () => reset.mutateAsync(rows),
  });

  const columns: TableProps<AccountRow>['columns'] = [
    {
      title: t('重設密碼', 'Reset password'),
      key: 'reset',
      width: 100,
      render: (_, row) => (
        <ConfirmButton
          {...resetProps([row])}
          title={t(`重設 ${row.account} 的密碼？`, `Reset the password of ${row.account}?`)}
          danger={false}
          size="small"
          // The visible 「重設密碼」 first in the name (WCAG 2.5.3, label in name), then whose.
          aria-label={t(`重設密碼 ${row.account}`, `Reset password of ${row.account}`)}
        >
          {t('重設密碼', 'Reset password')}
        </ConfirmButton>
      ),
    },
    { title: t('登入帳號', 'Account'), dataIndex: 'account' },
    { title: t('帳號名稱', 'Account name'), dataIndex: 'display_name' },
    {
      title: t('預設登入密碼', 'Initial password'),
      dataIndex: 'national_id_masked',
      render: (masked: string | null | undefined) => masked ?? <Typography.Text type="secondary">{t('（無身分證號）', '(no national ID)')}</Typography.Text>,
    },
    { title: t('電子郵件', 'Email'), dataIndex: 'email', render: (email: string | null | undefined) => email ?? '' },
    { title: t('帳號類別', 'Account kind'), dataIndex: 'kind', width: 100, render: (value: AccountKind) => accountKindLabels[value] },
    { title: t('狀態', 'Status'), key: 'status', render: (_, row) => <StatusTags account={row} /> },
  ];

  return (
    <PageCard
      title={t('重設密碼', 'Reset passwords')}
      intro={t(
        '把學校師生的目前密碼改回預設密碼（身分證號）。勾選帳號後按「重設所選帳號密碼」，或按各列的「重設密碼」。',
        'Set the passwords of the school\'s students and staff back to the initial password (the national ID). Tick accounts and press "Reset selected passwords", or press "Reset password" on a row.',
      )}
    >
      {outcome && <ResetOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      <ErrorAlert error={accounts.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('帳號或姓名', 'Account or name')}
          aria-label={t('搜尋帳號或姓名', 'Search account or name')}
          onSearch={(value) => setSearch(value.trim())}
          style={{ width: 240 }}
        />
        <Select<AccountKind>
          allowClear
          placeholder={t('全部帳號類別', 'All account kinds')}
          aria-label={t('帳號類別', 'Account kind')}
          options={accountKindFilter}
          value={kind}
          onChange={(value) => setKind(value)}
          style={{ width: 160 }}
        />
        <ConfirmButton
          {...resetProps(selection.rows)}
          title={t(
            `重設所選 ${selection.rows.length} 個帳號的密碼？`,
            `Reset the passwords of the ${selection.rows.length} selected account(s)?`,
          )}
          type="primary"
          disabled={selection.rows.length === 0}
        >
          {t(`重設所選帳號密碼（${selection.rows.length}）`, `Reset selected passwords (${selection.rows.length})`)}
        </ConfirmButton>
        {selection.rows.length > 0 && <Button onClick={selection.clear}>{t('清除勾選', 'Clear selection')}</Button>}
      </Space>
      <Table<AccountRow>
        rowKey="id"
        size="middle"
        columns={columns}
        {...accounts.tableProps}
        rowSelection={selection.rowSelection}
      />
    </PageCard>
  );
}
