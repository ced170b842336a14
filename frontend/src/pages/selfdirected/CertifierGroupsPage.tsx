import { useQuery } from '@tanstack/react-query';
import { Button, Col, Form, Input, Radio, Row, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { StaffMember } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DualTablePicker } from '../../components/DualTablePicker';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useT } from '../../i18n';
import { useApiMutation } from '../../lib/useApiMutation';
import { clientPagination, usePagedQuery } from '../../lib/usePagedQuery';
import { groupsKey, type CertifierGroup, type GroupKind } from './types';

const sdlStaffKey = ['self-directed', 'staff'] as const;

/** 可選教職員 ↔ 已選教職員 of one group; each move is saved at once. */
function GroupStaff({ group }: { group: CertifierGroup }) {
  const t = useT();
  const staff = usePagedQuery({
    queryKey: sdlStaffKey,
    filters: { not_in_group: group.id },
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/self-directed/staff', { params: { query }, signal })),
  });
  const membersKey = [...groupsKey, group.id, 'members'];
  const members = useQuery({
    queryKey: membersKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/groups/{id}/members', { params: { path: { id: group.id } }, signal })),
  });
  const save = useApiMutation(
    (ids: number[]) => unwrap(api.PUT('/api/v1/self-directed/groups/{id}/members', { params: { path: { id: group.id } }, body: { user_ids: ids } })),
    { invalidate: [groupsKey, sdlStaffKey], success: t('已儲存', 'Saved') },
  );
  const current = (members.data ?? []).map((m) => m.id);
  const columns = [{ title: t('教職員姓名', 'Staff name'), dataIndex: 'display_name' }];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={staff.query.error ?? members.error} />
      <DualTablePicker<StaffMember, StaffMember>
        available={{
          title: t('可選教職員', 'Available staff'),
          rows: staff.rows,
          columns,
          rowKey: (m) => m.id,
          loading: staff.query.isFetching,
          pagination: { ...staff.tableProps.pagination, size: 'small' },
          emptyText: t('沒有記錄', 'No records'),
        }}
        chosen={{
          title: t('已選教職員', 'Chosen staff'),
          rows: members.data ?? [],
          columns,
          rowKey: (m) => m.id,
          loading: members.isFetching,
          emptyText: t('沒有記錄', 'No records'),
        }}
        busy={save.isPending}
        onAdd={(rows) => save.mutateAsync([...current, ...rows.map((r) => r.id)])}
        onRemove={(rows) => {
          const gone = new Set(rows.map((r) => r.id));
          return save.mutateAsync(current.filter((id) => !gone.has(id)));
        }}
      />
    </Space>
  );
}

/**
 * 5.1 設定學科/領域認證老師 (S0301S): 類別 學科 or 自訂群組, the list of groups (新增記錄: 名稱,
 * 提交 / 取消), and for the chosen group 可選教職員 ↔ 已選教職員.
 */
export function CertifierGroupsPage() {
  const t = useT();
  const [kind, setKind] = useState<GroupKind>('subject');
  const [adding, setAdding] = useState(false);
  const [chosen, setChosen] = useState<number | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const groups = useQuery({
    queryKey: [...groupsKey, kind],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/groups', { params: { query: { kind } }, signal })),
  });
  const create = useApiMutation(
    (name: string) => unwrap(api.POST('/api/v1/self-directed/groups', { body: { kind, name } })),
    {
      invalidate: [groupsKey],
      success: t('已新增', 'Added'),
      onSuccess: (group) => {
        setAdding(false);
        form.resetFields();
        setChosen(group.id);
      },
    },
  );
  const remove = useApiMutation(
    (id: number) => unwrap(api.DELETE('/api/v1/self-directed/groups/{id}', { params: { path: { id } } })),
    { invalidate: [groupsKey], success: t('已刪除', 'Deleted'), onSuccess: () => setChosen(null) },
  );
  const group = groups.data?.find((g) => g.id === chosen);
  const listTitle = kind === 'subject' ? t('學科清單', 'Subjects') : t('自訂群組清單', 'Custom groups');

  return (
    <PageCard
      title={t('設定學科/領域認證老師', 'Subject/domain certifiers')}
      intro={t(
        '類別為學科時新增學科（例如國文、數學）；為自訂群組時新增群組（例如自主學習計畫審核、圖書館審核）。選取群組後，勾選教職員加入。',
        'Subjects (e.g. Chinese, Mathematics) or custom groups (e.g. plan review, library review); choose one, then tick staff to add.',
      )}
    >
      <Space orientation="vertical" style={{ width: '100%' }} size="middle">
        <Space>
          <Typography.Text>{t('類別：', 'Kind:')}</Typography.Text>
          <Radio.Group
            optionType="button"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as GroupKind);
              setChosen(null);
            }}
            options={[
              { value: 'subject', label: t('學科', 'Subject') },
              { value: 'custom', label: t('自訂群組', 'Custom group') },
            ]}
          />
        </Space>
        <Row gutter={16}>
          <Col xs={24} lg={8}>
            <ErrorAlert error={groups.error} />
            <Table<CertifierGroup>
              size="small"
              rowKey="id"
              title={() => listTitle}
              aria-label={listTitle}
              dataSource={groups.data ?? []}
              loading={groups.isFetching}
              pagination={clientPagination}
              locale={{ emptyText: t('沒有記錄', 'No records') }}
              rowSelection={{ type: 'radio', selectedRowKeys: chosen ? [chosen] : [], onChange: (keys) => setChosen(Number(keys[0])) }}
              onRow={(g) => ({ onClick: () => setChosen(g.id) })}
              columns={[
                { title: t('名稱', 'Name'), dataIndex: 'name' },
                { title: t('人數', 'Members'), dataIndex: 'member_count', width: 70 },
                {
                  title: t('操作', 'Actions'),
                  width: 80,
                  render: (_, g) => (
                    <ConfirmButton size="small" title={t(`刪除「${g.name}」？`, `Delete ${g.name}?`)} okText={t('刪除', 'Delete')} onConfirm={() => remove.mutateAsync(g.id)}>
                      {t('刪除', 'Delete')}
                    </ConfirmButton>
                  ),
                },
              ]}
            />
            {adding ? (
              <Form form={form} layout="vertical" onFinish={(v) => void create.mutateAsync(v.name.trim()).catch(() => undefined)}>
                <Form.Item name="name" label={t('名稱', 'Name')} rules={[{ required: true, whitespace: true, max: 30, message: t('請輸入 1–30 字的名稱', 'Enter a name of 1–30 characters') }]}>
                  <Input />
                </Form.Item>
                <Space>
                  <Button type="primary" htmlType="submit" loading={create.isPending}>
                    {t('提交', 'Submit')}
                  </Button>
                  <Button onClick={() => setAdding(false)}>{t('取消', 'Cancel')}</Button>
                </Space>
              </Form>
            ) : (
              <Button style={{ marginTop: 8 }} onClick={() => setAdding(true)}>
                {t('新增記錄', 'Add record')}
              </Button>
            )}
          </Col>
          <Col xs={24} lg={16}>
            {group ? (
              <GroupStaff key={group.id} group={group} />
            ) : (
              <Typography.Paragraph type="secondary">{t('請先選取左側的群組。', 'Choose a group on the left first.')}</Typography.Paragraph>
            )}
          </Col>
        </Row>
      </Space>
    </PageCard>
  );
}
