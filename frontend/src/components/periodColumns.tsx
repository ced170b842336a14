import { Tag, type TableColumnsType } from 'antd';
import type { WorkPeriod } from '../api/types';
import { periodEndText, periodStartText, periodStatus, periodStatusLabels } from '../lib/periods';
import { tr } from '../i18n/lang';

/** 進行中 / 未開始 / 已結束 for a work period. */
export function PeriodStatusTag({ period }: { period: Pick<WorkPeriod, 'open' | 'starts_at'> }) {
  const { label, color } = periodStatusLabels[periodStatus(period)];
  return <Tag color={color}>{label}</Tag>;
}

/** The columns every work-period table shows after its 項目: 年級, 開始, 結束 (Taipei), 狀態. */
// Titles are getters (the current UI language when the columns are spread into a table's).
export const periodColumns: TableColumnsType<WorkPeriod> = [
  {
    get title() {
      return tr('年級', 'Grade');
    },
    dataIndex: 'grade',
    width: 80,
    render: (grade: number) => tr(`${grade} 年級`, `Grade ${grade}`),
  },
  {
    get title() {
      return tr('開始', 'Starts');
    },
    key: 'start',
    width: 150,
    render: (_, period) => periodStartText(period),
  },
  {
    get title() {
      return tr('結束', 'Ends');
    },
    key: 'end',
    width: 150,
    render: (_, period) => periodEndText(period),
  },
  {
    get title() {
      return tr('狀態', 'Status');
    },
    key: 'status',
    width: 90,
    render: (_, period) => <PeriodStatusTag period={period} />,
  },
];
