import { Button, Switch, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { CertifierChange, CoTaughtQuery, CoTaughtRow } from '../../api/types';
import { useMe } from '../../auth/hooks';
import { FilteredListCard, FilterSearch } from '../../components/FilteredListCard';
import { useApiMutation } from '../../lib/useApiMutation';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { canUpdateModule } from '../../navigation';
import { coTaughtKey } from './queryKeys';

/** Module 合開課程設定審核老師: saving needs its 修改 right. */
const CO_TAUGHT_MODULE = 'S0209S';

type CoTaughtFilters = Pick<CoTaughtQuery, 'q'>;

/** The switches moved and not saved yet: assignment → the 是否審核 wanted. Kept across pages and filters. */
type Pending = ReadonlyMap<number, boolean>;

function withChange(pending: Pending, row: CoTaughtRow, canCertify: boolean): Pending {
  const next = new Map(pending);
  // Moving a switch back to what is saved is no change.
  if (canCertify === row.can_certify) next.delete(row.assignment_id);
  else next.set(row.assignment_id, canCertify);
  return next;
}

/** What is left after `saved` went through (a switch moved again meanwhile stays pending). */
function withoutSaved(pending: Pending, saved: readonly CertifierChange[]): Pending {
  const next = new Map(pending);
  for (const change of saved) {
    if (next.get(change.assignment_id) === change.can_certify) next.delete(change.assignment_id);
  }
  return next;
}

/**
 * 合開課程設定審核老師 (manual 3.5): in the current term's courses with more than one teacher,
 * which teachers certify the students' learning results (是 → 可以認證, 否 → 無法認證). Switches are
 * saved together with 儲存變更; moved ones are highlighted until then.
 */
export function CoTaughtPage() {
  const { data: me } = useMe();
  const canUpdate = me !== undefined && canUpdateModule(me, CO_TAUGHT_MODULE);
  const [filters, update] = useFilters<CoTaughtFilters>({});
  const [pending, setPending] = useState<Pending>(new Map());

  const list = usePagedQuery({
    queryKey: coTaughtKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/co-taught', { params: { query }, signal })),
  });

  const save = useApiMutation(
    (changes: CertifierChange[]) => unwrap(api.PUT('/api/v1/co-taught', { body: { changes } })),
    { invalidate: [coTaughtKey], success: (saved) => `已儲存 ${saved.length} 筆變更` },
  );
  const onSave = () => {
    const changes = [...pending].map(([assignment_id, can_certify]) => ({ assignment_id, can_certify }));
    save.mutateAsync(changes).then(
      () => setPending((current) => withoutSaved(current, changes)),
      () => undefined,
    );
  };

  const columns: TableProps<CoTaughtRow>['columns'] = [
    { title: '學年', dataIndex: 'academic_year', width: 70 },
    { title: '學期', dataIndex: 'semester', width: 70 },
    { title: '班級', dataIndex: 'class_code', width: 100, render: (code: string) => code || '跨班' },
    {
      title: '課程',
      key: 'course',
      render: (_, row) => (
        <>
          {row.subject_name}
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
            {row.course_code}
          </Typography.Text>
        </>
      ),
    },
    { title: '教師', key: 'teacher', width: 160, render: (_, row) => `${row.teacher_name}（${row.teacher_account}）` },
    {
      title: '是否審核',
      key: 'can_certify',
      width: 150,
      render: (_, row) => {
        const changed = pending.has(row.assignment_id);
        return (
          <>
            <Switch
              checkedChildren="是"
              unCheckedChildren="否"
              checked={pending.get(row.assignment_id) ?? row.can_certify}
              disabled={!canUpdate}
              onChange={(checked) => setPending((current) => withChange(current, row, checked))}
              aria-label={`是否審核 ${row.teacher_name} ${row.subject_name}`}
            />
            {changed && (
              <Tag color="warning" style={{ marginInlineStart: 8 }}>
                未儲存
              </Tag>
            )}
          </>
        );
      },
    },
  ];

  return (
    <FilteredListCard<CoTaughtRow>
      title="合開課程設定審核老師"
      intro="本學期由多位教師合開的課程，設定哪些教師審核（認證）學生的學習成果：是 → 可以認證，否 → 無法認證。變更後按「儲存變更」一次儲存。"
      paged={list}
      rowKey="assignment_id"
      columns={columns}
      rowClassName={(row) => (pending.has(row.assignment_id) ? 'licheng-row-changed' : '')}
      locale={{ emptyText: '本學期沒有合開課程' }}
      filters={
        <>
          <FilterSearch label="關鍵字" placeholder="課程、課程代碼、班級或教師" onSearch={(q) => update({ q })} width={280} />
          {canUpdate ? (
            <>
              <Button type="primary" disabled={pending.size === 0} loading={save.isPending} onClick={onSave}>
                儲存變更
              </Button>
              {pending.size > 0 && (
                <>
                  <Typography.Text type="warning">尚有 {pending.size} 筆變更未儲存</Typography.Text>
                  <Button onClick={() => setPending(new Map())}>放棄變更</Button>
                </>
              )}
            </>
          ) : (
            me && <Typography.Text type="secondary">變更審核老師須有「合開課程設定審核老師」的修改權限。</Typography.Text>
          )}
        </>
      }
    />
  );
}
