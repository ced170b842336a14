import { useQuery } from '@tanstack/react-query';
import { Form, InputNumber, Select, Tag, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { CreatedTemporaryAccount, NewTemporaryAccount, TemporaryAccount } from '../../api/types';
import { confirmColumn } from '../../components/ConfirmButton';
import { SecretIssuingList } from '../../components/SecretIssuingList';
import { formatApiDateTime, parseApiDateTime } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { temporaryAccountsKey } from './queryKeys';

function StatusTag({ account }: { account: TemporaryAccount }) {
  if (!account.active) return <Tag>已停用</Tag>;
  if ((parseApiDateTime(account.valid_until)?.getTime() ?? Infinity) <= Date.now()) return <Tag color="orange">已逾期</Tag>;
  return <Tag color="green">使用中</Tag>;
}

/** A student picker that asks the server as the admin types (account or name). */
function StudentSelect({ value, onChange }: { value?: number; onChange?: (value: number) => void }) {
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 300);
  const students = useQuery({
    queryKey: ['accounts', 'students', q],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/accounts', { params: { query: { kind: 'student', q: q || undefined, per_page: 20 } }, signal })),
  });
  return (
    <Select<number>
      value={value}
      onChange={onChange}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      placeholder="輸入學號或姓名搜尋"
      aria-label="學生"
      loading={students.isFetching}
      notFoundContent={students.isFetching ? '搜尋中…' : '找不到學生'}
      options={(students.data?.items ?? []).map((student) => ({
        value: student.id,
        label: `${student.account} ${student.display_name}`,
      }))}
    />
  );
}

/**
 * 轉學生臨時帳號 (manual 3.7): a temporary sign-in that acts for a transfer student until it
 * expires or is stopped. Its password is shown once, right after it is created.
 */
export function TemporaryAccountsPage() {
  const list = useQuery({
    queryKey: temporaryAccountsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/temporary-accounts', { signal })),
  });

  const revoke = useApiMutation(
    (account: TemporaryAccount) =>
      unwrap(api.DELETE('/api/v1/temporary-accounts/{id}', { params: { path: { id: account.id } } })),
    { invalidate: [temporaryAccountsKey], success: (_, account) => `已停用臨時帳號 ${account.account}` },
  );

  const columns: TableProps<TemporaryAccount>['columns'] = [
    { title: '臨時帳號', dataIndex: 'account' },
    {
      title: '學生',
      key: 'student',
      render: (_, row) => [row.student_account, row.student_name].filter(Boolean).join(' ') || '—',
    },
    { title: '有效期限', dataIndex: 'valid_until', render: (value: string | null) => formatApiDateTime(value, '—') },
    { title: '建立時間', dataIndex: 'created_at', render: (value: string) => formatApiDateTime(value) },
    { title: '狀態', key: 'status', render: (_, row) => <StatusTag account={row} /> },
    confirmColumn<TemporaryAccount>({
      label: '停用',
      when: (row) => row.active,
      title: (row) => `停用臨時帳號 ${row.account}？`,
      description: '停用後立即無法登入，且不能再啟用。',
      onConfirm: (row) => revoke.mutateAsync(row),
      name: (row) => row.account,
    }),
  ];

  return (
    <SecretIssuingList<TemporaryAccount, NewTemporaryAccount, CreatedTemporaryAccount>
      title="轉學生臨時帳號"
      intro="為轉學生建立可暫時登入的帳號：以該學生的身分使用學生功能，到期或停用後即無法登入。"
      createLabel="新增臨時帳號"
      emptyText="尚無臨時帳號"
      query={list}
      columns={columns}
      create={(body) => unwrap(api.POST('/api/v1/temporary-accounts', { body }))}
      issued={(account) => ({
        title: `${account.student_name ?? '學生'}的臨時帳號`,
        secretName: '密碼',
        lostHint: '若遺失，請停用此帳號後重新建立。',
        fields: [
          { label: '帳號', value: account.account },
          { label: '密碼', value: account.password },
        ],
        note: `有效期限至 ${formatApiDateTime(account.valid_until, '—')}，請將帳號與密碼交給學生。`,
      })}
      form={{
        title: '新增臨時帳號',
        initialValues: { valid_days: 14 },
        items: (
          <>
            <Form.Item name="student_id" label="學生" rules={[{ required: true, message: '請選擇學生' }]}>
              <StudentSelect />
            </Form.Item>
            <Form.Item
              name="valid_days"
              label="有效天數"
              extra="1 到 90 天，預設 14 天。"
              rules={[{ required: true, type: 'integer', min: 1, max: 90, message: '請輸入 1 到 90 的整數' }]}
            >
              <InputNumber min={1} max={90} precision={0} suffix="天" style={{ width: 160 }} />
            </Form.Item>
          </>
        ),
      }}
    />
  );
}
