import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { useT } from '../../i18n';
import { useApiMutation } from '../../lib/useApiMutation';
import { groupsKey, stageName, stagesKey, type Stage } from './types';

/**
 * 5.2 設定認證順序 (S0302S): 建立認證階段 (認證身分: 導師, 學科教師 or a custom group), and the
 * stages in order with 下移 / 上移 / 移除. Plans already submitted keep the order they started with.
 */
export function CertificationOrderPage() {
  const t = useT();
  const [pick, setPick] = useState<string | undefined>();
  const stages = useQuery({ queryKey: stagesKey, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/stages', { signal })) });
  const custom = useQuery({
    queryKey: [...groupsKey, 'custom'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/self-directed/groups', { params: { query: { kind: 'custom' } }, signal })),
  });
  const add = useApiMutation(
    (value: string) =>
      unwrap(
        api.POST('/api/v1/self-directed/stages', {
          body: value === 'homeroom' || value === 'subject' ? { identity: value } : { identity: 'custom', group_id: Number(value) },
        }),
      ),
    { invalidate: [stagesKey], success: t('已加入認證階段', 'Stage added'), onSuccess: () => setPick(undefined) },
  );
  const move = useApiMutation(
    ({ id, direction }: { id: number; direction: 'up' | 'down' }) =>
      unwrap(api.POST('/api/v1/self-directed/stages/{id}/move', { params: { path: { id } }, body: { direction } })),
    { invalidate: [stagesKey] },
  );
  const remove = useApiMutation((id: number) => unwrap(api.DELETE('/api/v1/self-directed/stages/{id}', { params: { path: { id } } })), {
    invalidate: [stagesKey],
    success: t('已移除', 'Removed'),
  });
  const rows = stages.data ?? [];
  const options = [
    { value: 'homeroom', label: t('導師', 'Homeroom teacher') },
    { value: 'subject', label: t('學科教師', 'Subject teachers') },
    ...(custom.data ?? []).map((g) => ({ value: String(g.id), label: g.name })),
  ];

  return (
    <PageCard
      title={t('設定認證順序', 'Certification order')}
      intro={t('選擇需要新增認證的身分後加入，例如：導師－學科教師。已送出的計畫依送出時的順序認證。', 'Add the identities that certify, in order (e.g. homeroom teacher, then subject teachers). Plans already submitted keep their order.')}
    >
      <Space orientation="vertical" style={{ width: '100%' }} size="middle">
        <ErrorAlert error={stages.error ?? custom.error} />
        <Typography.Title level={5}>{t('建立認證階段', 'Add a stage')}</Typography.Title>
        <Space>
          <Typography.Text>{t('認證身分：', 'Identity:')}</Typography.Text>
          <Select style={{ width: 240 }} aria-label={t('認證身分', 'Identity')} value={pick} onChange={setPick} options={options} placeholder={t('請選擇', 'Choose')} />
          <Button type="primary" disabled={!pick} loading={add.isPending} onClick={() => pick && void add.mutateAsync(pick).catch(() => undefined)}>
            {t('加入', 'Add')}
          </Button>
        </Space>
        <Table<Stage>
          rowKey="id"
          size="small"
          aria-label={t('認證順序', 'Certification order')}
          dataSource={rows}
          loading={stages.isFetching}
          pagination={false}
          locale={{ emptyText: t('尚未設定認證階段', 'No stages yet') }}
          columns={[
            { title: t('順序', 'Order'), dataIndex: 'position', width: 80 },
            { title: t('認證身分', 'Identity'), render: (_, s) => stageName(s) },
            {
              title: t('操作', 'Actions'),
              width: 160,
              render: (_, s, index) => (
                <Space>
                  <Button size="small" icon={<ArrowDownOutlined />} aria-label={t('下移', 'Move down')} disabled={index === rows.length - 1} onClick={() => move.mutate({ id: s.id, direction: 'down' })} />
                  <Button size="small" icon={<ArrowUpOutlined />} aria-label={t('上移', 'Move up')} disabled={index === 0} onClick={() => move.mutate({ id: s.id, direction: 'up' })} />
                  <Button size="small" danger icon={<CloseOutlined />} aria-label={t('移除此認證身分', 'Remove this stage')} onClick={() => remove.mutate(s.id)} />
                </Space>
              ),
            },
          ]}
        />
      </Space>
    </PageCard>
  );
}
