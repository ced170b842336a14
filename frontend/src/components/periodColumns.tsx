import { Tag, type TableColumnsType } from 'antd';
import type { WorkPeriod } from '../api/types';
import { periodEndText, periodStartText, periodStatus, periodStatusLabels } from '../lib/periods';

/** 進行中 / 未開始 / 已結束 for a work period. */
export function PeriodStatusTag({ period }: { period: Pick<WorkPeriod, 'open' | 'starts_at'> }) {
  const { label, color } = periodStatusLabels[periodStatus(period)];
  return <Tag color={color}>{label}</Tag>;
}

/** The columns every work-period table shows after its 項目: 年級, 開始, 結束 (Taipei), 狀態. */
export const periodColumns: TableColumnsType<WorkPeriod> = [
  { title: '年級', dataIndex: 'grade', width: 80, render: (grade: number) => `${grade} 年級` },
  { title: '開始', key: 'start', width: 150, render: (_, period) => periodStartText(period) },
  { title: '結束', key: 'end', width: 150, render: (_, period) => periodEndText(period) },
  { title: '狀態', key: 'status', width: 90, render: (_, period) => <PeriodStatusTag period={period} /> },
];
