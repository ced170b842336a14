import { useQuery } from '@tanstack/react-query';
import { Button, Segmented, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { ConfirmButton } from '../../components/ConfirmButton';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime } from '../../lib/roc';
import { useApiMutation } from '../../lib/useApiMutation';
import { delegatesKey } from './queryKeys';
import { useT } from '../../i18n';

type Delegate = components['schemas']['Delegate'];

/** A staff member picked by name or account (`GET /api/v1/staff?q=`). */
function StaffSelect({ label, value, onChange }: { label: string; value: number | null; onChange: (id: number | null) => void }) {
  const t = useT();
  const [q, setQ] = useState('');
  const staff = useQuery({
    queryKey: ['staff', q],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/staff', { params: { query: { q: q || undefined, per_page: 50 } }, signal })),
  });
  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      aria-label={label}
      placeholder={t('輸入姓名或帳號', 'Name or account')}
      style={{ width: 240 }}
      value={value ?? undefined}
      onChange={(id) => onChange(id ?? null)}
      loading={staff.isPending}
      options={(staff.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.display_name}（${s.account}）` }))}
    />
  );
}

/**
 * The course a naming per course is for: one of the current term whose waiting results have
 * nobody to certify them (`GET /api/v1/reports/uncertified-courses`), or a co-taught course
 * (`GET /api/v1/co-taught?q=`, e.g. to let a co-teacher marked 否 certify it), searched by subject,
 * class, code or teacher.
 */
function CourseSelect({ value, onChange }: { value: number | null; onChange: (id: number | null) => void }) {
  const t = useT();
  const [q, setQ] = useState('');
  const orphans = useQuery({
    queryKey: [...delegatesKey, 'orphan-courses'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/uncertified-courses', { signal })),
  });
  const coTaught = useQuery({
    queryKey: [...delegatesKey, 'co-taught', q],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/co-taught', { params: { query: { q: q || undefined, per_page: 200 } }, signal })),
  });
  const orphanIds = new Set((orphans.data ?? []).map((c) => c.course_id));
  // One option per course: the co-taught list has a row per teacher.
  const shared = new Map<number, { subject: string; classCode: string; teachers: string[] }>();
  for (const row of coTaught.data?.items ?? []) {
    if (orphanIds.has(row.course_id)) continue;
    const entry = shared.get(row.course_id) ?? { subject: row.subject_name, classCode: row.class_code, teachers: [] };
    entry.teachers.push(row.teacher_name);
    shared.set(row.course_id, entry);
  }
  const needle = q.trim();
  const orphanOptions = (orphans.data ?? [])
    .filter((c) => !needle || `${c.subject_name} ${c.class_code} ${c.course_code}`.includes(needle))
    .map((c) => ({
      value: c.course_id,
      label: t(`${c.subject_name} ${c.class_code}（待認證 ${c.waiting} 件）`, `${c.subject_name} ${c.class_code} (${c.waiting} waiting)`),
    }));
  const sharedOptions = [...shared].map(([id, c]) => ({ value: id, label: `${c.subject} ${c.classCode}（${c.teachers.join('、')}）` }));
  return (
    <Select<number>
      allowClear
      showSearch={{ filterOption: false, onSearch: setQ }}
      aria-label={t('課程', 'Course')}
      placeholder={t('無人認證或合開的課程', 'A course nobody certifies, or a co-taught one')}
      style={{ width: 320 }}
      value={value ?? undefined}
      onChange={(id) => onChange(id ?? null)}
      loading={orphans.isPending || coTaught.isPending}
      notFoundContent={t('沒有符合的課程', 'No matching course')}
      options={[
        { label: t('無人認證的課程', 'Courses nobody certifies'), options: orphanOptions },
        { label: t('合開課程', 'Co-taught courses'), options: sharedOptions },
      ].filter((group) => group.options.length > 0)}
    />
  );
}

/**
 * 代理認證教師 (meeting 003 #25, 代理人機制): the school admin names a staff member who certifies
 * the learning results of a teacher who left or cannot — or of one course whose results wait for
 * nobody — and ends the naming.
 */
export function DelegatesPage() {
  const t = useT();
  const [mode, setMode] = useState<'teacher' | 'course'>('teacher');
  const [teacher, setTeacher] = useState<number | null>(null);
  const [course, setCourse] = useState<number | null>(null);
  const [delegate, setDelegate] = useState<number | null>(null);
  const list = useQuery({
    queryKey: delegatesKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/certification-delegates', { signal })),
  });
  const name = useApiMutation(
    (body: { teacher_id?: number; course_id?: number; delegate_id: number }) => unwrap(api.POST('/api/v1/certification-delegates', { body })),
    { invalidate: [delegatesKey], success: t('已指定代理認證教師', 'Delegate named'), onSuccess: () => setDelegate(null) },
  );
  const end = useApiMutation(
    (id: number) => unwrap(api.DELETE('/api/v1/certification-delegates/{id}', { params: { path: { id } } })),
    { invalidate: [delegatesKey], success: t('已結束代理', 'Naming ended') },
  );

  const columns: TableProps<Delegate>['columns'] = [
    {
      title: t('代理對象', 'In place of'),
      key: 'for',
      render: (_, row) =>
        row.course_id ? (
          t(`課程：${row.subject_name ?? ''} ${row.class_code ?? ''}`, `Course: ${row.subject_name ?? ''} ${row.class_code ?? ''}`)
        ) : (
          <>
            {row.teacher_name}
            {row.teacher_departed && (
              <Tag color="red" style={{ marginInlineStart: 8 }}>
                {t('已離職', 'Left')}
              </Tag>
            )}
          </>
        ),
    },
    { title: t('代理認證教師', 'Delegate certifier'), key: 'delegate', render: (_, row) => `${row.delegate_name}（${row.delegate_account}）` },
    { title: t('指定時間', 'Named at'), key: 'since', render: (_, row) => formatApiDateTime(row.created_at) },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      render: (_, row) => (
        <ConfirmButton
          size="small"
          title={t('結束這項代理？', 'End this naming?')}
          okText={t('結束代理', 'End')}
          onConfirm={() => end.mutateAsync(row.id)}
          aria-label={t(`結束代理 ${row.delegate_name}`, `End naming of ${row.delegate_name}`)}
        >
          {t('結束代理', 'End')}
        </ConfirmButton>
      ),
    },
  ];

  return (
    <PageCard
      title={t('代理認證教師', 'Delegate certifiers')}
      intro={t(
        '教師離職或無法認證時，指定一位在職教職員代理認證該教師所有課程的學習成果；也可為單一課程（無人認證的課程或合開課程）指定代理人，被設為「不審核」的合開教師獲指定後即可認證該課程。學生與共同授課教師會看到代理人。',
        'When a teacher leaves or cannot certify, name an active staff member to certify the learning results of all their courses, or of one course (one nobody certifies, or a co-taught one: a co-teacher marked not certifying may certify it once named); students and co-teachers see the delegate.',
      )}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          aria-label={t('代理對象', 'In place of')}
          value={mode}
          onChange={(next) => setMode(next as 'teacher' | 'course')}
          options={[
            { value: 'teacher', label: t('教師的所有課程', "A teacher's courses") },
            { value: 'course', label: t('單一課程', 'One course') },
          ]}
        />
        {mode === 'teacher' ? (
          <StaffSelect label={t('被代理教師', 'Teacher')} value={teacher} onChange={setTeacher} />
        ) : (
          <CourseSelect value={course} onChange={setCourse} />
        )}
        <StaffSelect label={t('代理人', 'Delegate')} value={delegate} onChange={setDelegate} />
        <Button
          type="primary"
          disabled={(mode === 'teacher' ? teacher : course) === null || delegate === null}
          loading={name.isPending}
          onClick={() => {
            if (delegate === null) return;
            const target = mode === 'teacher' ? (teacher === null ? null : { teacher_id: teacher }) : course === null ? null : { course_id: course };
            if (target) name.mutateAsync({ ...target, delegate_id: delegate }).catch(() => undefined);
          }}
        >
          {t('指定代理', 'Name delegate')}
        </Button>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<Delegate>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data ?? []}
        loading={list.isPending}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t('目前沒有代理認證教師', 'No delegate certifiers')}</Typography.Text> }}
      />
    </PageCard>
  );
}
