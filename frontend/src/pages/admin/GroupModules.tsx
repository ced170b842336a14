import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Space, Typography, type TableProps } from 'antd';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { FunctionModule, ModuleGrantInput, RoleGroup } from '../../api/types';
import { DualTablePicker } from '../../components/DualTablePicker';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useApiMutation } from '../../lib/useApiMutation';
import { functionModulesKey, roleGroupKey, roleGroupsKey } from './queryKeys';
import { tr, useT } from '../../i18n';

type Grant = ModuleGrantInput & { name: string };
type Flag = 'can_create' | 'can_update' | 'can_delete';

const flags: { key: Flag; zh: string; en: string }[] = [
  { key: 'can_create', zh: '新增', en: 'Create' },
  { key: 'can_update', zh: '修改', en: 'Update' },
  { key: 'can_delete', zh: '刪除', en: 'Delete' },
];

const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);

const moduleColumns = [
  {
    get title() {
      return tr('模組編號', 'Module code');
    },
    dataIndex: 'code',
    width: 110,
  },
  {
    get title() {
      return tr('功能模組', 'Function module');
    },
    dataIndex: 'name',
  },
];

/**
 * 群組功能設定 (manual 3.1.2): move modules between 待選功能模組 and the group's modules, tick
 * 新增/修改/刪除 per granted module, then 儲存 (the whole set replaces the previous one).
 */
export function GroupModules({ group }: { group: RoleGroup }) {
  const t = useT();
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
      success: t('群組功能已儲存', 'Group functions saved'),
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
    ...flags.map(({ key, zh, en }) => ({
      title: t(zh, en),
      key,
      width: 64,
      align: 'center' as const,
      render: (_: unknown, grant: Grant) => (
        <Checkbox
          checked={grant[key] ?? false}
          onChange={(event) => setFlag(grant.code, key, event.target.checked)}
          aria-label={`${grant.code} ${t(zh, en)}`}
        />
      ),
    })),
  ];

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={modules.error ?? saved.error} />
      {!group.in_use && (
        <Alert type="info" showIcon title={t(
            '此群組目前設為「不使用」，所設定的功能權限暫不生效。',
            'This group is set to "Not in use"; its function permissions do not apply for now.',
          )} />
      )}
      <DualTablePicker<FunctionModule, Grant>
        available={{
          title: t('待選功能模組', 'Available modules'),
          rows: available,
          columns: moduleColumns,
          rowKey: (m) => m.code,
          loading: modules.isFetching,
          emptyText: t('沒有其他功能模組', 'No other modules'),
        }}
        chosen={{
          title: t(`${group.name} 功能模組`, `Modules of ${group.name}`),
          rows: grants,
          columns: grantColumns,
          rowKey: (grant) => grant.code,
          loading: saved.isFetching,
          emptyText: t('尚未設定功能模組', 'No modules set yet'),
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
          {t('儲存群組功能', 'Save group functions')}
        </Button>
        <Button disabled={draft === null || save.isPending} onClick={() => setDraft(null)}>
          {t('還原', 'Revert')}
        </Button>
        {draft !== null && <Typography.Text type="warning">{t('有尚未儲存的變更', 'There are unsaved changes')}</Typography.Text>}
      </Space>
    </Space>
  );
}
