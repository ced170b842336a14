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
import { useT } from '../../i18n';
import { useIsSchoolAdmin } from '../../lib/roles';

function StatusTag({ account }: { account: TemporaryAccount }) {
  const t = useT();
  if (!account.active) return <Tag>{t('已停用', 'Disabled')}</Tag>;
  if ((parseApiDateTime(account.valid_until)?.getTime() ?? Infinity) <= Date.now()) return <Tag color="orange">{t('已逾期', 'Expired')}</Tag>;
  return <Tag color="green">{t('使用中', 'Active')}</Tag>;
}

/** A student picker that asks the server as the admin types (account or name). */
function StudentSelect({ value, onChange }: { value?: number; onChange?: (value: number) => void }) {
  const t = useT();
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
      placeholder={t('輸入學號或姓名搜尋', 'Search by student number or name')}
      aria-label={t('學生', 'Student')}
      loading={students.isFetching}
      notFoundContent={students.isFetching ? t('搜尋中…', 'Searching…') : t('找不到學生', 'No students found')}
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
  const t = useT();
  const canCreate = useIsSchoolAdmin();
  const list = useQuery({
    queryKey: temporaryAccountsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/temporary-accounts', { signal })),
  });

  const revoke = useApiMutation(
    (account: TemporaryAccount) =>
      unwrap(api.DELETE('/api/v1/temporary-accounts/{id}', { params: { path: { id: account.id } } })),
    { invalidate: [temporaryAccountsKey], success: (_, account) => t(`已停用臨時帳號 ${account.account}`, `Temporary account ${account.account} disabled`) },
  );

  const columns: TableProps<TemporaryAccount>['columns'] = [
    { title: t('臨時帳號', 'Temporary account'), dataIndex: 'account' },
    {
      title: t('學生', 'Student'),
      key: 'student',
      render: (_, row) => [row.student_account, row.student_name].filter(Boolean).join(' ') || '—',
    },
    { title: t('有效期限', 'Valid until'), dataIndex: 'valid_until', render: (value: string | null) => formatApiDateTime(value, '—') },
    { title: t('建立時間', 'Created'), dataIndex: 'created_at', render: (value: string) => formatApiDateTime(value) },
    { title: t('狀態', 'Status'), key: 'status', render: (_, row) => <StatusTag account={row} /> },
    confirmColumn<TemporaryAccount>({
      label: t('停用', 'Disable'),
      when: (row) => row.active,
      title: (row) => t(`停用臨時帳號 ${row.account}？`, `Disable temporary account ${row.account}?`),
      description: t('停用後立即無法登入，且不能再啟用。', 'It can no longer sign in, and cannot be enabled again.'),
      onConfirm: (row) => revoke.mutateAsync(row),
      name: (row) => row.account,
    }),
  ];

  return (
    <SecretIssuingList<TemporaryAccount, NewTemporaryAccount, CreatedTemporaryAccount>
      title={t('轉學生臨時帳號', 'Temporary accounts for transfer students')}
      intro={t(
        '為轉學生建立可暫時登入的帳號：以該學生的身分使用學生功能，到期或停用後即無法登入。',
        'Create a temporary sign-in for a transfer student: it uses the student features as that student, and can no longer sign in once it expires or is disabled.',
      )}
      createLabel={t('新增臨時帳號', 'Add temporary account')}
      emptyText={t('尚無臨時帳號', 'No temporary accounts yet')}
      query={list}
      columns={columns}
      canCreate={canCreate}
      create={(body) => unwrap(api.POST('/api/v1/temporary-accounts', { body }))}
      issued={(account) => ({
        title: t(
          `${account.student_name ?? '學生'}的臨時帳號`,
          `Temporary account for ${account.student_name ?? 'the student'}`,
        ),
        secretName: t('密碼', 'password'),
        lostHint: t('若遺失，請停用此帳號後重新建立。', 'If it is lost, disable this account and create a new one.'),
        fields: [
          { label: t('帳號', 'Account'), value: account.account },
          { label: t('密碼', 'Password'), value: account.password },
        ],
        note: t(
          `有效期限至 ${formatApiDateTime(account.valid_until, '—')}，請將帳號與密碼交給學生。`,
          `Valid until ${formatApiDateTime(account.valid_until, '—')}. Give the account and password to the student.`,
        ),
      })}
      form={{
        title: t('新增臨時帳號', 'Add temporary account'),
        initialValues: { valid_days: 14 },
        items: (
          <>
            <Form.Item name="student_id" label={t('學生', 'Student')}
              rules={[{ required: true, message: t('請選擇學生', 'Please choose a student') }]}
            >
              <StudentSelect />
            </Form.Item>
            <Form.Item
              name="valid_days"
              label={t('有效天數', 'Valid days')}
              extra={t('1 到 90 天，預設 14 天。', '1 to 90 days, 14 by default.')}
              rules={[{ required: true, type: 'integer', min: 1, max: 90, message: t('請輸入 1 到 90 的整數', 'Please enter a whole number from 1 to 90') }]}
            >
              <InputNumber min={1} max={90} precision={0} suffix={t('天', 'days')} style={{ width: 160 }} />
            </Form.Item>
          </>
        ),
      }}
    />
  );
}
