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
      success: (_, group) => `已刪除角色群組「${group.name}」`,
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
    void message.success(group ? '角色群組已修改' : '角色群組已新增');
    setEditing(null);
    await groups.refetch();
  };

  const columns: TableProps<RoleGroup>['columns'] = [
    { title: '角色編號', dataIndex: 'code', width: 110 },
    { title: '角色名稱', dataIndex: 'name' },
    {
      title: '是否使用',
      dataIndex: 'in_use',
      width: 100,
      render: (inUse: boolean) => (inUse ? <Tag color="green">是</Tag> : <Tag>否</Tag>),
    },
    { title: '備註', dataIndex: 'remark', render: (remark: string | null | undefined) => remark ?? '' },
    { title: '人員數', dataIndex: 'member_count', width: 80, align: 'right' },
    { title: '功能數', dataIndex: 'module_count', width: 80, align: 'right' },
    {
      title: '操作',
      key: 'actions',
      width: 330,
      render: (_, group) => (
        <Space size={0} wrap>
          <Button type="link" onClick={() => setEditing({ group })} aria-label={`修改 ${group.name}`}>
            修改
          </Button>
          <Button type="link" onClick={() => setSettings({ id: group.id, tab: 'modules' })}>
            群組功能設定
          </Button>
          <Button type="link" onClick={() => setSettings({ id: group.id, tab: 'members' })}>
            群組人員設定
          </Button>
          <ConfirmButton
            title={`刪除角色群組「${group.name}」？`}
            description="群組的功能權限與人員也會一併移除。"
            okText="刪除"
            onConfirm={() => remove.mutateAsync(group)}
            aria-label={`刪除 ${group.name}`}
          >
            刪除
          </ConfirmButton>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PageCard
        title="角色群組"
        create={{ label: '新增角色群組', onClick: () => setEditing({ group: null }) }}
        intro="設定角色群組、各群組可使用的功能模組（含新增、修改、刪除權限）與所屬人員。第一次使用請先設定。"
      >
        <ListTable<RoleGroup>
          query={groups}
          columns={columns}
          emptyText="尚無角色群組，請先新增（例如 001 學習成果提交人員）。"
        />
      </PageCard>

      {selected && settings && (
        <Card title={`${selected.code} ${selected.name}`} extra={<Button onClick={() => setSettings(null)}>關閉</Button>}>
          <Tabs
            activeKey={settings.tab}
            onChange={(tab) => setSettings({ id: selected.id, tab: tab as 'members' | 'modules' })}
            items={[
              { key: 'members', label: '群組人員設定', children: <GroupMembers key={selected.id} group={selected} /> },
              { key: 'modules', label: '群組功能設定', children: <GroupModules key={selected.id} group={selected} /> },
            ]}
          />
        </Card>
      )}

      <FormModal<GroupValues>
        title={editing?.group ? '修改角色群組' : '新增角色群組'}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSubmit={save}
        okText="儲存"
        initialValues={
          editing?.group
            ? { code: editing.group.code, name: editing.group.name, in_use: editing.group.in_use, remark: editing.group.remark ?? '' }
            : { in_use: true }
        }
      >
        <Form.Item
          name="code"
          label="角色編號"
          extra="1 到 10 個英文字母或數字，例如 001；同一學校不可重複。"
          rules={[
            { required: true, whitespace: true, message: '請輸入角色編號' },
            { pattern: /^\s*[A-Za-z0-9]{1,10}\s*$/, message: '角色編號須為 1 到 10 個英文字母或數字' },
          ]}
        >
          <Input maxLength={10} placeholder="001" />
        </Form.Item>
        <Form.Item name="name" label="角色名稱" rules={[{ required: true, whitespace: true, message: '請輸入角色名稱' }]}>
          <Input maxLength={50} placeholder="學習成果提交人員" />
        </Form.Item>
        <Form.Item name="in_use" label="是否使用" valuePropName="checked" extra="未使用的群組不給予任何功能權限。">
          <Switch checkedChildren="是" unCheckedChildren="否" />
        </Form.Item>
        <Form.Item name="remark" label="備註">
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </FormModal>
    </Space>
  );
}
