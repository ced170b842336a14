import dayjs from 'dayjs';
import 'dayjs/locale/zh-tw';

// zh-TW for dayjs (week and month names in antd's date pickers). Import dayjs from here (or this
// module for its side effect) wherever dates are picked; the sign-in page does not need dayjs.
dayjs.locale('zh-tw');

export default dayjs;
export type { Dayjs } from 'dayjs';
