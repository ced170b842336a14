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

const staffColumns = [
  { title: '登入帳號', dataIndex: 'account' },
  { title: '姓名', dataIndex: 'display_name' },
];

/**
 * 群組人員設定 (manual 3.1.3): 待選人員 (the school's staff outside the group, filtered by account
 * or name, a page at a time) ↔ 所屬人員. Each move is saved at once.
 */
export function GroupMembers({ group }: { group: RoleGroup }) {
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
          title: '待選人員',
          header: (
            <Input.Search
              allowClear
              placeholder="輸入帳號篩選"
              aria-label="輸入帳號篩選"
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
          emptyText: q ? '沒有符合的人員' : '沒有待選人員',
        }}
        chosen={{
          title: `${group.name} 所屬人員`,
          rows: members.data ?? [],
          columns: staffColumns,
          rowKey: (member) => member.id,
          loading: members.isFetching,
          emptyText: '尚無所屬人員',
        }}
        busy={save.isPending}
        onAdd={(rows) =>
          save.mutateAsync({ ids: [...current, ...rows.map((row) => row.id)], message: `已加入 ${rows.length} 位人員` })
        }
        onRemove={(rows) => {
          const removed = new Set(rows.map((row) => row.id));
          return save.mutateAsync({
            ids: current.filter((id) => !removed.has(id)),
            message: `已移除 ${rows.length} 位人員`,
          });
        }}
      />
    </Space>
  );
}
