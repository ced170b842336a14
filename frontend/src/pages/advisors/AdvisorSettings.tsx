import { Alert, Space, Table, Typography, type TableProps } from 'antd';
import { useState, type ComponentType } from 'react';
import { api, unwrap } from '../../api/client';
import type { Advisor, AdvisorQuery } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { FilterSearch } from '../../components/FilteredListCard';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { currentTermText } from '../../layouts/AppLayout';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { canUpdateModule } from '../../navigation';
import { useT } from '../../i18n';

type AdvisorFilters = Pick<AdvisorQuery, 'q'>;

/** 「我的學生（110學年度第1學期）」: a page's title with the school's current term, when it has one. */
export function useTermTitle(title: string): { title: string; hasTerm: boolean | undefined } {
  const { data: me } = useMe();
  const t = useT();
  const term = me ? currentTermText(me.current_term ?? null) : '';
  return { title: term ? t(`${title}（${term}）`, `${title} (${term})`) : title, hasTerm: me && term !== '' };
}

/**
 * The frame of 設定課程諮詢教師 and 設定輔導老師/科主任: the title with the current term, a note
 * that the setting is per term (FAQ 三 Q1), the teachers (name, e-mail, how many assigned this
 * term, from `list`) with a search, and for the teacher picked the `editor`; read-only without
 * the module's 修改 right.
 */
export function AdvisorSettings({
  title,
  intro,
  module,
  assignedTitle,
  list,
  queryKey,
  editor: Editor,
}: {
  title: string;
  intro: string;
  /** The function module (S0204S, S0210S): changing needs its 修改 right. */
  module: { code: string; name: string };
  /** The count column: 「已設定班級數」. */
  assignedTitle: string;
  list: '/api/v1/consultants' | '/api/v1/counselors';
  /** The list's query key (its teachers' counts are refreshed by the editor's changes). */
  queryKey: readonly unknown[];
  /** The picked teacher's classes or students. */
  editor: ComponentType<{ teacher: Advisor; readOnly: boolean }>;
}) {
  const t = useT();
  const { data: me } = useMe();
  const page = useTermTitle(title);
  const readOnly = !me || !canUpdateModule(me, module.code);
  const [filters, update] = useFilters<AdvisorFilters>({});
  const [teacher, setTeacher] = useState<Advisor | null>(null);
  const teachers = usePagedQuery({
    queryKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET(list, { params: { query }, signal })),
  });

  const columns: TableProps<Advisor>['columns'] = [
    { title: t('教師姓名', 'Teacher'), dataIndex: 'name' },
    { title: t('帳號', 'Account'), dataIndex: 'account' },
    { title: t('電子郵件', 'E-mail'), dataIndex: 'email', render: (email: string | null) => email ?? '' },
    { title: assignedTitle, dataIndex: 'assigned', width: 120, align: 'right' },
  ];

  return (
    <PageCard title={page.title} intro={intro}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Alert
          type="info"
          showIcon
          title={t('設定以學年期為單位，只適用於本學期；切換至新學年期後須重新設定。', 'Settings are per term and apply to this term only; set them again after switching to a new term.')}
        />
        {page.hasTerm === false && (
          <Alert type="warning" showIcon title={t('學校尚無學年期（尚未同步校務資料），暫時無法設定。', 'The school has no term yet (school data not synced), so nothing can be set for now.')} />
        )}
        <ErrorAlert error={teachers.query.error} />
        <FilterSearch label={t('教師', 'Teacher')} placeholder={t('教師姓名或帳號', 'Teacher name or account')} onSearch={(q) => update({ q })} />
        <Table<Advisor>
          rowKey="id"
          size="small"
          columns={columns}
          {...teachers.tableProps}
          // A long list stays short, so that the picked teacher's lists below stay in sight.
          scroll={{ y: 320 }}
          locale={{ emptyText: filters.q ? t('沒有符合的教師', 'No matching teachers') : t('沒有教師', 'No teachers') }}
          rowSelection={{
            type: 'radio',
            selectedRowKeys: teacher ? [teacher.id] : [],
            onChange: (_, rows) => setTeacher(rows[0] ?? null),
          }}
          onRow={(row) => ({ onClick: () => setTeacher(row), style: { cursor: 'pointer' } })}
        />
        {teacher ? (
          <div key={teacher.id}>
            <Typography.Title level={5}>
              {teacher.name}（{teacher.account}）
            </Typography.Title>
            {me && readOnly && (
              <Typography.Paragraph type="secondary">
                {t(
                  `變更須有「${module.name}」的修改權限，請洽學校管理者。`,
                  `Changes need the edit right of "${module.name}"; please contact your school administrator.`,
                )}
              </Typography.Paragraph>
            )}
            <Editor teacher={teacher} readOnly={readOnly} />
          </div>
        ) : (
          <Typography.Text type="secondary">{t('請在教師清單點選一位教師。', 'Choose a teacher in the list.')}</Typography.Text>
        )}
      </Space>
    </PageCard>
  );
}
