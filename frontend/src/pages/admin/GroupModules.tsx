import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Space, type TableProps } from 'antd';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { FunctionModule, ModuleGrantInput, RoleGroup } from '../../api/types';
import { DualTablePicker } from '../../components/DualTablePicker';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useApiMutation } from '../../lib/useApiMutation';
import { functionModulesKey, roleGroupKey, roleGroupsKey } from './queryKeys';

type Grant = ModuleGrantInput & { name: string };
type Flag = 'can_create' | 'can_update' | 'can_delete';

const flags: { key: Flag; title: string }[] = [
  { key: 'can_create', title: '新增' },
  { key: 'can_update', title: '修改' },
  { key: 'can_delete', title: '刪除' },
];

const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);

const moduleColumns = [
  { title: '模組編號', dataIndex: 'code', width: 110 },
  { title: '功能模組', dataIndex: 'name' },
];

/**
 * 群組功能設定 (manual 3.1.2): move modules between 待選功能模組 and the group's modules, tick
 * 新增/修改/刪除 per granted module, then 儲存 (the whole set replaces the previous one).
 */
export function GroupModules({ group }: { group: RoleGroup }) {
  const queryClient = useQueryClient();
  const modules = useQuery({
    queryKey: functionModulesKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/function-modules', { signal })),
    staleTime: Infinity,
  });
  const saved = useQuery({
    queryKey: roleGroupKey(group.id, 'modules'),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/role-groups/{id}/modules', { params: { path: { id: group.id } }, signal })),
  });
  // Unsaved changes; null while the group's saved set is shown.
  const [draft, setDraft] = useState<ModuleGrantInput[] | null>(null);

  const names = useMemo(() => new Map((modules.data ?? []).map((m) => [m.code, m.name])), [modules.data]);
  const grants: Grant[] = (draft ?? saved.data ?? [])
    .map((grant) => ({ ...grant, name: names.get(grant.code) ?? '' }))
    .sort(byCode);
  const granted = new Set(grants.map((grant) => grant.code));
  const available = (modules.data ?? []).filter((m) => !granted.has(m.code));

  const save = useApiMutation(
    (body: ModuleGrantInput[]) =>
      unwrap(api.PUT('/api/v1/role-groups/{id}/modules', { params: { path: { id: group.id } }, body: { modules: body } })),
    {
      invalidate: [roleGroupsKey],
      success: '群組功能已儲存',
      onSuccess: (result) => {
        queryClient.setQueryData(roleGroupKey(group.id, 'modules'), result);
        setDraft(null);
      },
    },
  );

  const strip = (list: readonly Grant[]): ModuleGrantInput[] =>
    list.map(({ code, can_create, can_update, can_delete }) => ({ code, can_create, can_update, can_delete }));
  const setFlag = (code: string, flag: Flag, value: boolean) =>
    setDraft(strip(grants).map((grant) => (grant.code === code ? { ...grant, [flag]: value } : grant)));

  const grantColumns: TableProps<Grant>['columns'] = [
    ...moduleColumns,
    ...flags.map(({ key, title }) => ({
      title,
      key,
      width: 64,
      align: 'center' as const,
      render: (_: unknown, grant: Grant) => (
        <Checkbox
          checked={grant[key] ?? false}
          onChange={(event) => setFlag(grant.code, key, event.target.checked)}
          aria-label={`${grant.code} ${title}`}
        />
      ),
    })),
  ];

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={modules.error ?? saved.error} />
      {!group.in_use && (
        <Alert type="info" showIcon title="此群組目前設為「不使用」，所設定的功能權限暫不生效。" />
      )}
      <DualTablePicker<FunctionModule, Grant>
        available={{
          title: '待選功能模組',
          rows: available,
          columns: moduleColumns,
          rowKey: (m) => m.code,
          loading: modules.isFetching,
          emptyText: '沒有其他功能模組',
        }}
        chosen={{
          title: `${group.name} 功能模組`,
          rows: grants,
          columns: grantColumns,
          rowKey: (grant) => grant.code,
          loading: saved.isFetching,
          emptyText: '尚未設定功能模組',
        }}
        onAdd={(rows) =>
          setDraft([
            ...strip(grants),
            ...rows.map((m) => ({ code: m.code, can_create: true, can_update: true, can_delete: true })),
          ])
        }
        onRemove={(rows) => {
          const removed = new Set(rows.map((grant) => grant.code));
          setDraft(strip(grants).filter((grant) => !removed.has(grant.code)));
        }}
      />
      <Space>
        <Button type="primary" disabled={draft === null} loading={save.isPending} onClick={() => draft && save.mutate(draft)}>
          儲存群組功能
        </Button>
        <Button disabled={draft === null || save.isPending} onClick={() => setDraft(null)}>
          還原
        </Button>
        {draft !== null && <span style={{ color: '#d48806' }}>有尚未儲存的變更</span>}
      </Space>
    </Space>
  );
}
