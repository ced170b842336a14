import { useQuery } from '@tanstack/react-query';
import { Input, Space } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { RoleGroup, StaffMember } from '../../api/types';
import { DualTablePicker } from '../../components/DualTablePicker';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useApiMutation } from '../../lib/useApiMutation';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { usePagedQuery } from '../../lib/usePagedQuery';
import { roleGroupKey, roleGroupsKey, staffKey } from './queryKeys';
import { tr, useT } from '../../i18n';

const staffColumns = [
  {
    get title() {
      return tr('登入帳號', 'Account');
    },
    dataIndex: 'account',
  },
  {
    get title() {
      return tr('姓名', 'Name');
    },
    dataIndex: 'display_name',
  },
];

/**
 * 群組人員設定 (manual 3.1.3): 待選人員 (the school's staff outside the group, filtered by account
 * or name, a page at a time) ↔ 所屬人員. Each move is saved at once.
 */
export function GroupMembers({ group }: { group: RoleGroup }) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const q = useDebouncedValue(filter.trim(), 300);

  const staff = usePagedQuery({
    queryKey: staffKey,
    filters: { q: q || undefined, not_in_group: group.id },
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/staff', { params: { query }, signal })),
  });
  const members = useQuery({
    queryKey: roleGroupKey(group.id, 'members'),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/role-groups/{id}/members', { params: { path: { id: group.id } }, signal })),
  });

  const save = useApiMutation(
    ({ ids }: { ids: number[]; message: string }) =>
      unwrap(api.PUT('/api/v1/role-groups/{id}/members', { params: { path: { id: group.id } }, body: { user_ids: ids } })),
    { invalidate: [roleGroupsKey, staffKey], success: (_, { message }) => message },
  );

  const current = (members.data ?? []).map((member) => member.id);

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={staff.query.error ?? members.error} />
      <DualTablePicker<StaffMember, StaffMember>
        available={{
          title: t('待選人員', 'Available staff'),
          header: (
            <Input.Search
              allowClear
              placeholder={t('輸入帳號篩選', 'Filter by account')}
              aria-label={t('輸入帳號篩選', 'Filter by account')}
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
              onSearch={setFilter}
              style={{ marginBottom: 8 }}
            />
          ),
          rows: staff.rows,
          columns: staffColumns,
          rowKey: (member) => member.id,
          loading: staff.query.isFetching,
          pagination: { ...staff.tableProps.pagination, size: 'small' },
          emptyText: q ? t('沒有符合的人員', 'No matching staff') : t('沒有待選人員', 'No staff to add'),
        }}
        chosen={{
          title: t(`${group.name} 所屬人員`, `Members of ${group.name}`),
          rows: members.data ?? [],
          columns: staffColumns,
          rowKey: (member) => member.id,
          loading: members.isFetching,
          emptyText: t('尚無所屬人員', 'No members yet'),
        }}
        busy={save.isPending}
        onAdd={(rows) =>
          save.mutateAsync({ ids: [...current, ...rows.map((row) => row.id)], message: t(`已加入 ${rows.length} 位人員`, `${rows.length} added`) })
        }
        onRemove={(rows) => {
          const removed = new Set(rows.map((row) => row.id));
          return save.mutateAsync({
            ids: current.filter((id) => !removed.has(id)),
            message: t(`已移除 ${rows.length} 位人員`, `${rows.length} removed`),
          });
        }}
      />
    </Space>
  );
}
