import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, List, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import type { BatchLog, PeriodItem, SyncKind, WorkPeriod } from '../api/types';
import { useMe } from '../auth/hooks';
import { useT } from '../i18n';
import { tr } from '../i18n/lang';
import { myPeriodsKey, periodEndText, periodItemName } from '../lib/periods';
import { formatApiDateTime, parseApiDateTime } from '../lib/roc';
import { batchStatus, syncKindLabels } from '../pages/school/syncLog';
import { ErrorAlert } from './ProblemAlert';

/** 「尚餘 3 天」/「尚餘 5 小時」: the time left until `endsAt` (exclusive end), from `now`. */
export function timeLeftText(endsAt: string, now: Date = new Date()): string {
  const end = parseApiDateTime(endsAt);
  if (!end) return '';
  const hours = Math.max(0, Math.floor((end.getTime() - now.getTime()) / 3_600_000));
  if (hours >= 24) {
    const days = Math.floor(hours / 24);
    return tr(`尚餘 ${days} 天`, `${days} day${days === 1 ? '' : 's'} left`);
  }
  return hours >= 1 ? tr(`尚餘 ${hours} 小時`, `${hours} hour${hours === 1 ? '' : 's'} left`) : tr('即將截止', 'Closing soon');
}

/** Where a student does what an open period is for. */
const studentPagesByItem: Partial<Record<PeriodItem, string>> = {
  upload_results: '/student/results',
  select_results: '/student/selections',
  select_performances: '/student/selections',
  upload_performances: '/student/performances',
  self_directed_plans: '/student/self-directed',
  self_directed_results: '/student/self-directed',
};

interface Todo {
  key: string;
  text: ReactNode;
  to: string;
  urgent?: boolean;
}

/** 現在要做的事: the card, with the problem of any query behind it, its to-dos or `empty`. */
function TodoCard({ todos, empty, error }: { todos: Todo[]; empty: string; error: unknown }) {
  const t = useT();
  return (
    <Card title={t('現在要做的事', 'What to do now')} data-testid="home-todo">
      <ErrorAlert error={error} />
      {todos.length === 0 ? (
        // Plain text (List's empty text is too pale for WCAG AA contrast).
        <Typography.Paragraph style={{ margin: 0 }}>{empty}</Typography.Paragraph>
      ) : (
        <List<Todo>
          size="small"
          dataSource={todos}
          renderItem={(todo) => (
            <List.Item actions={[<Link key="go" to={todo.to}>{t('前往', 'Go')}</Link>]}>
              {todo.urgent && <Tag color="red">{t('待處理', 'To do')}</Tag>}
              {todo.text}
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The count of the student's own results in `state` (one row fetched, the total read). */
function useResultCount(state: 'editing' | 'rejected', enabled: boolean) {
  return useQuery({
    queryKey: ['home', 'results', state],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/learning-results', { params: { query: { state, per_page: 1 } }, signal })),
    enabled,
    select: (page) => page.total,
  });
}

function StudentTodo() {
  const t = useT();
  const periods = useQuery({
    queryKey: myPeriodsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/periods', { signal })),
  });
  const drafts = useResultCount('editing', true);
  const rejected = useResultCount('rejected', true);
  const todos: Todo[] = [];
  for (const period of (periods.data ?? []).filter((p: WorkPeriod) => p.open)) {
    todos.push({
      key: `period-${period.id}`,
      text: t(
        `${periodItemName(period)}開放中：${timeLeftText(period.ends_at)}（至 ${periodEndText(period)}）`,
        `${periodItemName(period)} is open: ${timeLeftText(period.ends_at)} (until ${periodEndText(period)})`,
      ),
      to: studentPagesByItem[period.item] ?? '/',
    });
  }
  if ((rejected.data ?? 0) > 0) {
    todos.push({
      key: 'rejected',
      urgent: true,
      text: t(`${rejected.data} 件學習成果未通過認證，請修改後再送出`, `${rejected.data} result(s) were rejected: fix and submit them again`),
      to: '/student/results',
    });
  }
  if ((drafts.data ?? 0) > 0) {
    todos.push({
      key: 'drafts',
      text: t(`${drafts.data} 件學習成果尚未送出認證`, `${drafts.data} result(s) not yet submitted for certification`),
      to: '/student/results',
    });
  }
  return (
    <TodoCard todos={todos} empty={t('目前沒有待辦事項', 'Nothing to do right now')} error={periods.error ?? drafts.error ?? rejected.error} />
  );
}

function TeacherTodo() {
  const t = useT();
  const queue = useQuery({
    queryKey: ['home', 'certification-courses'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/certification/courses', { signal })),
  });
  const todos: Todo[] = (queue.data?.courses ?? [])
    .filter((course) => course.can_certify && course.submitted > 0)
    .map((course) => {
      const name = `${course.subject_name}${course.class_code ? `（${course.class_code}）` : ''}`;
      const deadline = course.period
        ? t(`，認證期限 ${periodEndText(course.period)}`, `, certify by ${periodEndText(course.period)}`)
        : '';
      return {
        key: `course-${course.course_id}`,
        urgent: course.period?.open ?? false,
        text: t(`${name}：${course.submitted} 件待認證${deadline}`, `${name}: ${course.submitted} waiting${deadline}`),
        to: '/teacher/certification',
      };
    });
  return (
    <TodoCard todos={todos} empty={t('目前沒有待認證的學習成果', 'No results waiting for certification')} error={queue.error} />
  );
}

function AdminTodo() {
  const t = useT();
  const log = useQuery({
    queryKey: ['home', 'reminders-failed'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/reminders/log', { params: { query: { status: 'failed', per_page: 1 } }, signal })),
  });
  const failed = log.data?.failed ?? 0;
  const todos: Todo[] =
    failed > 0
      ? [
          {
            key: 'failed-mails',
            urgent: true,
            text: t(`${failed} 封提醒信寄送失敗`, `${failed} reminder email(s) failed`),
            to: '/admin/reminders',
          },
        ]
      : [];
  const waiting = useUncertified();
  const total = (waiting.data ?? []).reduce((sum, teacher) => sum + teacher.waiting, 0);
  if (total > 0) {
    todos.push({
      key: 'uncertified',
      text: t(
        `${total} 件學習成果等待 ${waiting.data?.length ?? 0} 位老師認證`,
        `${total} learning result(s) waiting for ${waiting.data?.length ?? 0} teacher(s) to certify`,
      ),
      to: '/admin/reports/uncertified',
    });
  }
  const sync = useLastBatches();
  for (const { batch } of sync.data ?? []) {
    if (batch && batch.status_code !== '00' && batch.status_code !== 'received') {
      todos.push({
        key: `sync-${batch.kind}`,
        urgent: true,
        text: t(
          `${syncKindLabels[batch.kind]}最近一批：${batchStatus(batch.status_code).label}`,
          `${syncKindLabels[batch.kind]}, last batch: ${batchStatus(batch.status_code).label}`,
        ),
        to: '/admin/receiving-log',
      });
    }
  }
  return (
    <>
      <TodoCard todos={todos} empty={t('目前沒有待處理的事項', 'Nothing needs attention right now')} error={log.error ?? waiting.error} />
      <SyncHealthCard batches={sync.data} error={sync.error} />
    </>
  );
}

const SYNC_KINDS = Object.keys(syncKindLabels) as SyncKind[];

interface LastBatch {
  kind: SyncKind;
  batch: BatchLog | null;
}

/** The newest batch of each data kind the school-affairs system sends (null: none yet). */
function useLastBatches() {
  return useQuery({
    queryKey: ['home', 'sync-last-batches'],
    queryFn: ({ signal }) =>
      Promise.all(
        SYNC_KINDS.map(async (kind): Promise<LastBatch> => {
          const page = await unwrap(api.GET('/api/v1/sync/batches', { params: { query: { kind, per_page: 1 } }, signal }));
          return { kind, batch: page.items[0] ?? null };
        }),
      ),
  });
}

/** The teachers with results waiting for their certification this term (未認證教師狀況表). */
function useUncertified() {
  return useQuery({
    queryKey: ['home', 'uncertified-teachers'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/reports/uncertified-teachers', { signal })),
  });
}

/** 資料同步狀況 (issue #24: the admin's home shows sync health): the last batch of each kind, when and how it ended. */
function SyncHealthCard({ batches, error }: { batches: LastBatch[] | undefined; error: unknown }) {
  const t = useT();
  return (
    <Card
      title={t('資料同步狀況', 'Data sync')}
      data-testid="home-sync"
      extra={<Link to="/admin/receiving-log">{t('接收紀錄', 'Receiving log')}</Link>}
    >
      <ErrorAlert error={error} />
      {batches && (
        <Descriptions
          column={{ xs: 1, md: 2, xl: 3 }}
          size="small"
          items={batches.map(({ kind, batch }) => {
            const status = batch ? batchStatus(batch.status_code) : null;
            return {
              key: kind,
              label: syncKindLabels[kind],
              children: batch && status ? (
                <span>
                  <Tag color={status.color}>{status.label}</Tag>
                  {formatApiDateTime(batch.received_at)}
                </span>
              ) : (
                t('尚無紀錄', 'None yet')
              ),
            };
          })}
        />
      )}
    </Card>
  );
}

/**
 * The home page's first card, per role (issue #24 item 1, "what do I have to do now"): a student's
 * open periods with the time left, rejected results and unsent drafts; a teacher's waiting results
 * per course with the certification deadline; the school admin's failed reminder mails.
 */
export function HomeTodo() {
  const { data: me } = useMe();
  if (!me) return null;
  if (me.roles.includes('school_admin')) return <AdminTodo />;
  if (me.roles.includes('student')) return <StudentTodo />;
  if (me.roles.includes('subject_teacher')) return <TeacherTodo />;
  return null;
}
