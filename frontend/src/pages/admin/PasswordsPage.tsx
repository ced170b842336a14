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
import { accountKindFilter, accountKindLabels, zhPart } from './labels';
import { accountsKey } from './queryKeys';

interface Outcome {
  result: ResetResult;
  /** The accounts as they were listed, to name the skipped ones. */
  accounts: Map<number, AccountRow>;
}

function StatusTags({ account }: { account: AccountRow }) {
  const lockedUntil = parseApiDateTime(account.locked_until);
  const locked = lockedUntil && lockedUntil.getTime() > Date.now() ? formatRocDateTime(lockedUntil) : '';
  return (
    <Space size={4} wrap>
      {!account.active && <Tag>停用</Tag>}
      {account.must_change_password && <Tag color="orange">待變更密碼</Tag>}
      {locked && <Tag color="red">鎖定至 {locked}</Tag>}
    </Space>
  );
}

function ResetOutcome({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  const { reset, skipped } = outcome.result;
  const name = (id: number) => {
    const account = outcome.accounts.get(id);
    return account ? `${account.account}（${account.display_name}）` : `帳號編號 ${id}`;
  };
  return (
    <Alert
      type={skipped.length === 0 ? 'success' : 'warning'}
      showIcon
      closable={{ onClose }}
      role="status"
      style={{ marginBottom: 16 }}
      title={`已重設 ${reset.length} 個帳號的密碼${skipped.length > 0 ? `，${skipped.length} 個未重設` : ''}`}
      description={
        <>
          {reset.length > 0 && <div>這些帳號下次以預設密碼（身分證號，英文字母大寫）登入後，須先變更密碼。</div>}
          {skipped.length > 0 && (
            <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }} aria-label="未重設的帳號">
              {skipped.map((skip) => (
                <li key={skip.id}>
                  {name(skip.id)}：{zhPart(skip.reason)}
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
    description: '密碼將改回預設密碼（身分證號），使用者下次登入時須變更密碼。',
    okText: '重設',
    onConfirm: () => reset.mutateAsync(rows),
  });

  const columns: TableProps<AccountRow>['columns'] = [
    {
      title: '重設密碼',
      key: 'reset',
      width: 100,
      render: (_, row) => (
        <ConfirmButton
          {...resetProps([row])}
          title={`重設 ${row.account} 的密碼？`}
          danger={false}
          size="small"
          aria-label={`重設 ${row.account} 的密碼`}
        >
          重設密碼
        </ConfirmButton>
      ),
    },
    { title: '登入帳號', dataIndex: 'account' },
    { title: '帳號名稱', dataIndex: 'display_name' },
    {
      title: '預設登入密碼',
      dataIndex: 'national_id_masked',
      render: (masked: string | null | undefined) => masked ?? <Typography.Text type="secondary">（無身分證號）</Typography.Text>,
    },
    { title: '電子郵件', dataIndex: 'email', render: (email: string | null | undefined) => email ?? '' },
    { title: '帳號類別', dataIndex: 'kind', width: 100, render: (value: AccountKind) => accountKindLabels[value] },
    { title: '狀態', key: 'status', render: (_, row) => <StatusTags account={row} /> },
  ];

  return (
    <PageCard
      title="重設密碼"
      intro="把學校師生的目前密碼改回預設密碼（身分證號）。勾選帳號後按「重設所選帳號密碼」，或按各列的「重設密碼」。"
    >
      {outcome && <ResetOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      <ErrorAlert error={accounts.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder="帳號或姓名"
          aria-label="搜尋帳號或姓名"
          onSearch={(value) => setSearch(value.trim())}
          style={{ width: 240 }}
        />
        <Select<AccountKind>
          allowClear
          placeholder="全部帳號類別"
          aria-label="帳號類別"
          options={accountKindFilter}
          value={kind}
          onChange={(value) => setKind(value)}
          style={{ width: 160 }}
        />
        <ConfirmButton
          {...resetProps(selection.rows)}
          title={`重設所選 ${selection.rows.length} 個帳號的密碼？`}
          type="primary"
          disabled={selection.rows.length === 0}
        >
          重設所選帳號密碼（{selection.rows.length}）
        </ConfirmButton>
        {selection.rows.length > 0 && <Button onClick={selection.clear}>清除勾選</Button>}
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
