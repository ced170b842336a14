import { DatePicker } from 'antd';
import { isoDay, rocFormat } from './RocDatePicker';

/** The picked calendar days as ISO dates (`2022-04-01`); an end left open is undefined. */
export interface DayRange {
  from?: string;
  to?: string;
}

/**
 * A 開始日期–結束日期 filter showing ROC dates (`111/04/01`). Reports the days as picked, as ISO
 * dates: the page turns them into what its endpoint takes (dates, or Taipei-day instants).
 */
export function DayRangePicker({ onChange }: { onChange: (range: DayRange) => void }) {
  return (
    <DatePicker.RangePicker
      format={rocFormat}
      inputReadOnly
      placeholder={['開始日期', '結束日期']}
      aria-label="日期區間"
      onChange={(range) => onChange({ from: isoDay(range?.[0]), to: isoDay(range?.[1]) })}
    />
  );
}
