import { Tooltip, type TableProps } from 'antd';
import { api, unwrap } from '../../api/client';
import type { AuditEvent, AuditEventKind } from '../../api/types';
import { DayRangePicker, type DayRange } from '../../components/DayRangePicker';
import { FilteredListCard, FilterSearch, FilterSelect } from '../../components/FilteredListCard';
import { formatApiDateTime, taipeiDayStartUtc } from '../../lib/roc';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { auditEventLabels } from './labels';
import { auditEventsKey } from './queryKeys';
import { useT } from '../../i18n';

interface AuditFilters {
  event?: AuditEventKind;
  actor?: string;
  from?: string;
  to?: string;
}

// `label` a getter: the current UI language whenever the options are read.
const eventOptions = (Object.keys(auditEventLabels) as AuditEventKind[]).map((value) => ({
  value,
  get label() {
    return auditEventLabels[value];
  },
}));

// A kind newer than this build of the app shows its code.
const auditEventLabel = (event: AuditEventKind) => auditEventLabels[event] ?? event;

/** The picked days as the API's bounds: from the first day's start to the day after the last (Taipei days). */
function dayBounds({ from, to }: DayRange): Pick<AuditFilters, 'from' | 'to'> {
  return {
    from: (from && taipeiDayStartUtc(from)) ?? undefined,
    to: (to && taipeiDayStartUtc(to, 1)) ?? undefined,
  };
}

/** 稽核紀錄: the school's security events (sign-ins, lockouts, resets, setting changes), newest first. */
export function AuditPage() {
  const t = useT();
  const [filters, update] = useFilters<AuditFilters>({});

  const events = usePagedQuery({
    queryKey: auditEventsKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/audit-events', { params: { query }, signal })),
  });

  const columns: TableProps<AuditEvent>['columns'] = [
    { title: t('時間', 'Time'), dataIndex: 'created_at', width: 150, render: (value: string) => formatApiDateTime(value) },
    {
      title: t('事件', 'Event'),
      dataIndex: 'event',
      width: 170,
      render: (event: AuditEventKind) => <Tooltip title={event}>{auditEventLabel(event)}</Tooltip>,
    },
    {
      title: t('帳號', 'Account'),
      key: 'actor',
      // Who: the name, then the account (issue #24: the log named no one).
      render: (_, event) => (event.actor_name ? `${event.actor_name}（${event.actor ?? ''}）` : (event.actor ?? '')),
    },
    { title: t('來源位址', 'Source address'), dataIndex: 'client_addr', width: 150, render: (addr: string | null) => addr ?? '' },
    {
      title: t('說明', 'Details'),
      key: 'summary',
      // In people's words from the server (who did what to whom); the raw record on hover.
      render: (_, event) => (event.detail && event.detail !== event.summary ? <Tooltip title={event.detail}>{event.summary}</Tooltip> : event.summary),
    },
  ];

  return (
    <FilteredListCard<AuditEvent>
      title={t('稽核紀錄', 'Audit log')}
      intro={t(
        '登入、帳號鎖定、密碼變更與重設、權限與設定變更等安全事件，由新到舊排列；時間為臺灣時間。',
        'Security events such as sign-ins, account lockouts, password changes and resets, and permission and setting changes, newest first; times are Taiwan time.',
      )}
      paged={events}
      columns={columns}
      filters={
        <>
          <FilterSelect
            label={t('事件', 'Event')}
            placeholder={t('全部事件', 'All events')}
            options={eventOptions}
            value={filters.event}
            onChange={(event) => update({ event })}
            width={200}
            searchable
          />
          <FilterSearch
            label={t('帳號', 'Account')}
            placeholder={t('帳號（完整帳號）', 'Account (full account name)')}
            onSearch={(actor) => update({ actor })} width={220} />
          <DayRangePicker onChange={(range) => update(dayBounds(range))} />
        </>
      }
    />
  );
}
