import dayjsGenerateConfig from '@rc-component/picker/generate/dayjs';
import { DatePicker, type DatePickerProps } from 'antd';
// Sets dayjs to zh-TW for the calendar (a side effect: kept out of the sign-in bundle).
import dayjs from '../lib/dayjs';
import type { Dayjs } from '../lib/dayjs';
import { formatRocDate, parseRocDate, ROC_YEAR_OFFSET } from '../lib/roc';
import { useT } from '../i18n';

/** A picked calendar day as an ISO date (`2022-04-01`). */
export const isoDay = (value: Dayjs | null | undefined) => value?.format('YYYY-MM-DD');

/** A picked day shown as a ROC date (`111/04/01`). */
export const rocFormat = (value: Dayjs) => formatRocDate(isoDay(value));

/** The pickers' date format: `YYYY` is written as the ROC year by `rocGenerateConfig`. */
export const ROC_PICKER_FORMAT = 'YYYY/MM/DD';

const base = dayjsGenerateConfig.locale;

/**
 * dayjs for antd's pickers with ROC years (issue #24): every `YYYY` the picker formats — the
 * field (`115/12/01`) and the calendar's header (`115年12月`, the year and decade panels) — is
 * the ROC year; a typed ROC date (`115/12/01`, `115-12-1`, `1151201`) is read as that day.
 */
export const rocGenerateConfig: typeof dayjsGenerateConfig = {
  ...dayjsGenerateConfig,
  locale: {
    ...base,
    format: (locale, date, format) => base.format(locale, date, format.replace(/YYYY/g, `[${date.year() - ROC_YEAR_OFFSET}]`)),
    parse: (locale, text, formats) => {
      const iso = parseRocDate(text);
      return iso ? dayjs(iso) : base.parse(locale, text, formats.filter((format) => !format.includes('YYYY')));
    },
  },
};

/** antd's DatePicker (and RangePicker) with ROC years. */
export const RocPicker = DatePicker.generatePicker<Dayjs>(rocGenerateConfig);

/**
 * One day, typed as a ROC date (`115/12/01`) or picked on a calendar whose header shows ROC
 * years; its value is a dayjs (turn it into the ISO date the API takes with `isoDay`). For an
 * antd `Form.Item`.
 */
export function RocDatePicker(props: Omit<DatePickerProps, 'format' | 'inputReadOnly' | 'picker'>) {
  const t = useT();
  return <RocPicker format={ROC_PICKER_FORMAT} placeholder={t('例：115/12/01', 'e.g. 115/12/01')} {...props} />;
}
