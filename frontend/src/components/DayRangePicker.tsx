import { isoDay, ROC_PICKER_FORMAT, RocPicker } from './RocDatePicker';
import { useT } from '../i18n';

/** The picked calendar days as ISO dates (`2022-04-01`); an end left open is undefined. */
export interface DayRange {
  from?: string;
  to?: string;
}

/**
 * A 開始日期–結束日期 filter: ROC dates typed (`115/12/01`) or picked on a calendar with ROC
 * years. Reports the days as picked, as ISO dates: the page turns them into what its endpoint
 * takes (dates, or Taipei-day instants).
 */
export function DayRangePicker({ onChange }: { onChange: (range: DayRange) => void }) {
  const t = useT();
  return (
    <RocPicker.RangePicker
      format={ROC_PICKER_FORMAT}
      allowEmpty={[true, true]}
      placeholder={[t('開始日期', 'Start date'), t('結束日期', 'End date')]}
      aria-label={t('日期區間', 'Date range')}
      onChange={(range) => onChange({ from: isoDay(range?.[0]), to: isoDay(range?.[1]) })}
    />
  );
}
