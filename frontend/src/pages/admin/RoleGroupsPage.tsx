import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Space, Switch, Tabs, Tag, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { RoleGroup, RoleGroupInput } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { FormModal } from '../../components/FormModal';
import { ListTable } from '../../components/ListTable';
import { PageCard } from '../../components/PageCard';
import { useApiMutation } from '../../lib/useApiMutation';
import { GroupMembers } from './GroupMembers';
import { GroupModules } from './GroupModules';
import { roleGroupsKey } from './queryKeys';
import { useT } from '../../i18n';
import { useIsSchoolAdmin } from '../../lib/roles';

type Editing = { group: RoleGroup | null } | null;
type Settings = { id: number; tab: 'members' | 'modules' } | null;

interface GroupValues {
  code: string;
  name: string;
  in_use: boolean;
  remark?: string;
}

function toInput(values: GroupValues): RoleGroupInput {
  const remark = values.remark?.trim() ?? '';
  return { code: values.code.trim(), name: values.name.trim(), in_use: values.in_use, remark: remark === '' ? null : remark };
}

/**
 * 維護角色權限 (manual 3.1): the school's role groups (3.1.1), and per group the function
 * modules it grants with their 新增/修改/刪除 rights (3.1.2) and its members (3.1.3).
 */
export function RoleGroupsPage() {
  const t = useT();
  const canCreate = useIsSchoolAdmin();
  const groups = useQuery({
    queryKey: roleGroupsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/role-groups', { signal })),
  });
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Editing>(null);
  const [settings, setSettings] = useState<Settings>(null);
  const selected = groups.data?.find((group) => group.id === settings?.id);

  const remove = useApiMutation(
    (group: RoleGroup) => unwrap(api.DELETE('/api/v1/role-groups/{id}', { params: { path: { id: group.id } } })),
    {
      invalidate: [roleGroupsKey],
      success: (_, group) => t(`已刪除角色群組「${group.name}」`, `Role group "${group.name}" deleted`),
      onSuccess: (_, group) => setSettings((current) => (current?.id === group.id ? null : current)),
    },
  );

  const save = async (values: GroupValues) => {
    const body = toInput(values);
    const group = editing?.group;
    await unwrap(
      group
        ? api.PUT('/api/v1/role-groups/{id}', { params: { path: { id: group.id } }, body })
        : api.POST('/api/v1/role-groups', { body }),
    );
    void message.success(group ? t('角色群組已修改', 'Role group updated') : t('角色群組已新增', 'Role group added'));
    setEditing(null);
    await groups.refetch();
  };

  const columns: TableProps<RoleGroup>['columns'] = [
    { title: t('角色編號', 'Role code'), dataIndex: 'code', width: 110 },
    { title: t('角色名稱', 'Role name'), dataIndex: 'name' },
    {
      title: t('是否使用', 'In use'),
      dataIndex: 'in_use',
      width: 100,
      render: (inUse: boolean) => (inUse ? <Tag color="green">{t('是', 'Yes')}</Tag> : <Tag>{t('否', 'No')}</Tag>),
    },
    { title: t('備註', 'Remarks'), dataIndex: 'remark', render: (remark: string | null | undefined) => remark ?? '' },
    { title: t('人員數', 'Members'), dataIndex: 'member_count', width: 80, align: 'right' },
    { title: t('功能數', 'Modules'), dataIndex: 'module_count', width: 80, align: 'right' },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      width: 330,
      render: (_, group) => (
        <Space size={0} wrap>
          <Button type="link" onClick={() => setEditing({ group })} aria-label={t(`修改 ${group.name}`, `Edit ${group.name}`)}>
            {t('修改', 'Edit')}
          </Button>
          <Button type="link" onClick={() => setSettings({ id: group.id, tab: 'modules' })}>
            {t('群組功能設定', 'Group functions')}
          </Button>
          <Button type="link" onClick={() => setSettings({ id: group.id, tab: 'members' })}>
            {t('群組人員設定', 'Group members')}
          </Button>
          <ConfirmButton
            title={t(`刪除角色群組「${group.name}」？`, `Delete role group "${group.name}"?`)}
            description={t('群組的功能權限與人員也會一併移除。', 'Its function permissions and members are removed too.')}
            okText={t('刪除', 'Delete')}
            onConfirm={() => remove.mutateAsync(group)}
            aria-label={t(`刪除 ${group.name}`, `Delete ${group.name}`)}
          >
            {t('刪除', 'Delete')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageCard
        title={t('角色群組', 'Role groups')}
        create={canCreate ? { label: t('新增角色群組', 'Add role group'), onClick: () => setEditing({ group: null }) } : undefined}
        intro={t(
          '設定角色群組、各群組可使用的功能模組（含新增、修改、刪除權限）與所屬人員。第一次使用請先設定。',
          'Set up the role groups, the function modules each group may use (with create, update and delete rights) and their members. Set these up before first use.',
        )}
      >
        <ListTable<RoleGroup>
          query={groups}
          columns={columns}
          emptyText={t(
            '尚無角色群組，請先新增（例如 001 學習成果提交人員）。',
            'No role groups yet: add one first (e.g. 001 learning results submitters).',
          )}
        />
      </PageCard>

      {selected && settings && (
        <Card title={`${selected.code} ${selected.name}`} extra={<Button onClick={() => setSettings(null)}>{t('關閉', 'Close')}</Button>}>
          <Tabs
            activeKey={settings.tab}
            onChange={(tab) => setSettings({ id: selected.id, tab: tab as 'members' | 'modules' })}
            items={[
              { key: 'members', label: t('群組人員設定', 'Group members'), children: <GroupMembers key={selected.id} group={selected} /> },
              { key: 'modules', label: t('群組功能設定', 'Group functions'), children: <GroupModules key={selected.id} group={selected} /> },
            ]}
          />
        </Card>
      )}

      <FormModal<GroupValues>
        title={editing?.group ? t('修改角色群組', 'Edit role group') : t('新增角色群組', 'Add role group')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSubmit={save}
        okText={t('儲存', 'Save')}
        initialValues={
          editing?.group
            ? { code: editing.group.code, name: editing.group.name, in_use: editing.group.in_use, remark: editing.group.remark ?? '' }
            : { in_use: true }
        }
      >
        <Form.Item
          name="code"
          label={t('角色編號', 'Role code')}
          extra={t(
            '1 到 10 個英文字母或數字，例如 001；同一學校不可重複。',
            '1 to 10 letters or digits, e.g. 001; unique within the school.',
          )}
          rules={[
            { required: true, whitespace: true, message: t('請輸入角色編號', 'Please enter the role code') },
            { pattern: /^\s*[A-Za-z0-9]{1,10}\s*$/, message: t('角色編號須為 1 到 10 個英文字母或數字', 'The role code must be 1 to 10 letters or digits') },
          ]}
        >
          <Input maxLength={10} placeholder="001" />
        </Form.Item>
        <Form.Item name="name" label={t('角色名稱', 'Role name')}
          rules={[{ required: true, whitespace: true, message: t('請輸入角色名稱', 'Please enter the role name') }]}
        >
          <Input maxLength={50} placeholder={t('學習成果提交人員', 'Learning results submitters')} />
        </Form.Item>
        <Form.Item name="in_use" label={t('是否使用', 'In use')}
          valuePropName="checked"
          extra={t('未使用的群組不給予任何功能權限。', 'A group not in use grants no function permissions.')}
        >
          <Switch checkedChildren={t('是', 'Yes')} unCheckedChildren={t('否', 'No')} />
        </Form.Item>
        <Form.Item name="remark" label={t('備註', 'Remarks')}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </FormModal>
    </Space>
  );
}
