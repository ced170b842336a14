import { DatePicker, Input, Select, Space, Table, Tooltip, type TableProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { AuditEvent } from '../../api/types';
import { PageCard } from '../../components/PageCard';
import { ErrorAlert } from '../../components/ProblemAlert';
import { formatApiDateTime, formatRocDate, taipeiDayStartUtc } from '../../lib/roc';
import { usePagedQuery } from '../../lib/usePagedQuery';
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
function dayBounds(range: [Dayjs | null, Dayjs | null] | null): Pick<AuditFilters, 'from' | 'to'> {
  const [start, end] = range ?? [null, null];
  return {
    from: (start && taipeiDayStartUtc(start.format('YYYY-MM-DD'))) ?? undefined,
    to: (end && taipeiDayStartUtc(end.format('YYYY-MM-DD'), 1)) ?? undefined,
  };
}

const rocFormat = (value: Dayjs) => formatRocDate(value.format('YYYY-MM-DD'));

/** 稽核紀錄: the school's security events (sign-ins, lockouts, resets, setting changes), newest first. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const update = (patch: AuditFilters) => setFilters((current) => ({ ...current, ...patch }));

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
    <PageCard
      title="稽核紀錄"
      intro="登入、帳號鎖定、密碼變更與重設、權限與設定變更等安全事件，由新到舊排列；時間為臺灣時間。"
    >
      <ErrorAlert error={events.query.error} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder="全部事件"
          aria-label="事件"
          options={eventOptions}
          value={filters.event}
          onChange={(event) => update({ event })}
          style={{ width: 200 }}
        />
        <Input.Search
          allowClear
          placeholder="帳號（完整帳號）"
          aria-label="帳號"
          onSearch={(value) => update({ actor: value.trim() || undefined })}
          style={{ width: 220 }}
        />
        <DatePicker.RangePicker
          format={rocFormat}
          inputReadOnly
          placeholder={['開始日期', '結束日期']}
          aria-label="日期區間"
          onChange={(range) => update(dayBounds(range))}
        />
      </Space>
      <Table<AuditEvent> rowKey="id" size="middle" columns={columns} {...events.tableProps} />
    </PageCard>
  );
}
