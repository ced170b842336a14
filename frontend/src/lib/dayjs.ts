import dayjs from 'dayjs';
import 'dayjs/locale/zh-tw';
import { getLang, subscribeLang } from '../i18n/lang';

// dayjs speaks the UI language (week and month names in antd's date pickers): zh-TW, or its
// built-in English. Import dayjs from here (or this module for its side effect) wherever dates
// are picked; the sign-in page does not need dayjs.
function apply(): void {
  dayjs.locale(getLang() === 'en' ? 'en' : 'zh-tw');
}
apply();
subscribeLang(apply);

export default dayjs;
export type { Dayjs } from 'dayjs';
