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
import { useT } from '../../i18n';

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
  const t = useT();
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
    { invalidate: [coTaughtKey], success: (saved) => t(`已儲存 ${saved.length} 筆變更`, `${saved.length} change(s) saved`) },
  );
  const onSave = () => {
    const changes = [...pending].map(([assignment_id, can_certify]) => ({ assignment_id, can_certify }));
    save.mutateAsync(changes).then(
      () => setPending((current) => withoutSaved(current, changes)),
      () => undefined,
    );
  };

  const columns: TableProps<CoTaughtRow>['columns'] = [
    { title: t('學年', 'Year'), dataIndex: 'academic_year', width: 70 },
    { title: t('學期', 'Semester'), dataIndex: 'semester', width: 70 },
    {
      title: t('班級', 'Class'),
      dataIndex: 'class_code',
      width: 100,
      render: (code: string) => code || t('跨班', 'Across classes'),
    },
    {
      title: t('課程', 'Course'),
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
    {
      title: t('教師', 'Teacher'),
      key: 'teacher',
      width: 160,
      render: (_, row) =>
        t(`${row.teacher_name}（${row.teacher_account}）`, `${row.teacher_name} (${row.teacher_account})`),
    },
    {
      title: t('是否審核', 'Certifies'),
      key: 'can_certify',
      width: 150,
      render: (_, row) => {
        const changed = pending.has(row.assignment_id);
        return (
          <>
            <Switch
              checkedChildren={t('是', 'Yes')}
              unCheckedChildren={t('否', 'No')}
              checked={pending.get(row.assignment_id) ?? row.can_certify}
              disabled={!canUpdate}
              onChange={(checked) => setPending((current) => withChange(current, row, checked))}
              aria-label={t(
                `是否審核 ${row.teacher_name} ${row.subject_name}`,
                `Certifies: ${row.teacher_name} ${row.subject_name}`,
              )}
            />
            {changed && (
              <Tag color="warning" style={{ marginInlineStart: 8 }}>
                {t('未儲存', 'Unsaved')}
              </Tag>
            )}
          </>
        );
      },
    },
  ];

  return (
    <FilteredListCard<CoTaughtRow>
      title={t('合開課程設定審核老師', 'Certifying teachers of co-taught courses')}
      intro={t(
        '本學期由多位教師合開的課程，設定哪些教師審核（認證）學生的學習成果：是 → 可以認證，否 → 無法認證。變更後按「儲存變更」一次儲存。',
        'For this term\'s courses taught by more than one teacher, set which teachers certify the students\' learning results: Yes → can certify, No → cannot. Press "Save changes" to save all changes at once.',
      )}
      paged={list}
      rowKey="assignment_id"
      columns={columns}
      rowClassName={(row) => (pending.has(row.assignment_id) ? 'licheng-row-changed' : '')}
      locale={{ emptyText: t('本學期沒有合開課程', 'No co-taught courses this term') }}
      filters={
        <>
          <FilterSearch
            label={t('關鍵字', 'Keyword')}
            placeholder={t('課程、課程代碼、班級或教師', 'Course, course code, class or teacher')}
            onSearch={(q) => update({ q })} width={280} />
          {canUpdate ? (
            <>
              <Button type="primary" disabled={pending.size === 0} loading={save.isPending} onClick={onSave}>
                {t('儲存變更', 'Save changes')}
              </Button>
              {pending.size > 0 && (
                <>
                  <Typography.Text type="warning">
                    {t(`尚有 ${pending.size} 筆變更未儲存`, `${pending.size} unsaved change(s)`)}
                  </Typography.Text>
                  <Button onClick={() => setPending(new Map())}>{t('放棄變更', 'Discard changes')}</Button>
                </>
              )}
            </>
          ) : (
            me && (
              <Typography.Text type="secondary">
                {t(
                  '變更審核老師須有「合開課程設定審核老師」的修改權限。',
                  'Changing the certifying teachers needs the update right of "Certifying teachers of co-taught courses".',
                )}
              </Typography.Text>
            )
          )}
        </>
      }
    />
  );
}
