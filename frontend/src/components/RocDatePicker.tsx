import { DatePicker, type DatePickerProps } from 'antd';
// Sets dayjs to zh-TW for the calendar (a side effect: kept out of the sign-in bundle).
import '../lib/dayjs';
import type { Dayjs } from '../lib/dayjs';
import { formatRocDate } from '../lib/roc';
import { useT } from '../i18n';

/** A picked calendar day as an ISO date (`2022-04-01`). */
export const isoDay = (value: Dayjs | null | undefined) => value?.format('YYYY-MM-DD');

/** A picked day shown as a ROC date (`111/04/01`). */
export const rocFormat = (value: Dayjs) => formatRocDate(isoDay(value));

/**
 * One day picked on the calendar and shown as a ROC date (`111/04/01`); its value is a dayjs
 * (turn it into the ISO date the API takes with `isoDay`). For an antd `Form.Item`.
 */
export function RocDatePicker(props: Omit<DatePickerProps, 'format' | 'inputReadOnly'>) {
  const t = useT();
  return <DatePicker format={rocFormat} inputReadOnly placeholder={t('選擇日期', 'Select date')} {...props} />;
}
