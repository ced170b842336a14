import { Tooltip, type TableProps } from 'antd';
import { api, unwrap } from '../../api/client';
import type { AuditEvent } from '../../api/types';
import { DayRangePicker, type DayRange } from '../../components/DayRangePicker';
import { FilteredListCard, FilterSearch, FilterSelect } from '../../components/FilteredListCard';
import { formatApiDateTime, taipeiDayStartUtc } from '../../lib/roc';
import { useFilters, usePagedQuery } from '../../lib/usePagedQuery';
import { auditEventLabels } from './labels';
import { auditEventsKey } from './queryKeys';

interface AuditFilters {
  event?: string;
  actor?: string;
  from?: string;
  to?: string;
}

const eventOptions = Object.entries(auditEventLabels).map(([value, label]) => ({ value, label }));

const auditEventLabel = (event: string) => auditEventLabels[event] ?? event;

/** The picked days as the API's bounds: from the first day's start to the day after the last (Taipei days). */
function dayBounds({ from, to }: DayRange): Pick<AuditFilters, 'from' | 'to'> {
  return {
    from: (from && taipeiDayStartUtc(from)) ?? undefined,
    to: (to && taipeiDayStartUtc(to, 1)) ?? undefined,
  };
}

/** 稽核紀錄: the school's security events (sign-ins, lockouts, resets, setting changes), newest first. */
export function AuditPage() {
  const [filters, update] = useFilters<AuditFilters>({});

  const events = usePagedQuery({
    queryKey: auditEventsKey,
    filters,
    fetchPage: (query, signal) => unwrap(api.GET('/api/v1/audit-events', { params: { query }, signal })),
  });

  const columns: TableProps<AuditEvent>['columns'] = [
    { title: '時間', dataIndex: 'created_at', width: 150, render: (value: string) => formatApiDateTime(value) },
    {
      title: '事件',
      dataIndex: 'event',
      width: 170,
      render: (event: string) => <Tooltip title={event}>{auditEventLabel(event)}</Tooltip>,
    },
    { title: '帳號', dataIndex: 'actor', render: (actor: string | null) => actor ?? '' },
    { title: '來源位址', dataIndex: 'client_addr', width: 150, render: (addr: string | null) => addr ?? '' },
    { title: '說明', dataIndex: 'detail', render: (detail: string | null) => detail ?? '' },
  ];

  return (
    <FilteredListCard<AuditEvent>
      title="稽核紀錄"
      intro="登入、帳號鎖定、密碼變更與重設、權限與設定變更等安全事件，由新到舊排列；時間為臺灣時間。"
      paged={events}
      columns={columns}
      filters={
        <>
          <FilterSelect
            label="事件"
            placeholder="全部事件"
            options={eventOptions}
            value={filters.event}
            onChange={(event) => update({ event })}
            width={200}
            searchable
          />
          <FilterSearch label="帳號" placeholder="帳號（完整帳號）" onSearch={(actor) => update({ actor })} width={220} />
          <DayRangePicker onChange={(range) => update(dayBounds(range))} />
        </>
      }
    />
  );
}
