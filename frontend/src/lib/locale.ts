import dayjs from 'dayjs';
import 'dayjs/locale/zh-tw';
import zhTW from 'antd/locale/zh_TW';

// zh-TW first: antd components (date pickers included) and dayjs speak Traditional Chinese.
dayjs.locale('zh-tw');

export const antdLocale = zhTW;
