import zhTW from 'antd/locale/zh_TW';

// antd components speak Traditional Chinese. dayjs (used by the date pickers, on lazy pages
// only) gets its zh-TW locale from `lib/dayjs.ts`, which those pages import, so the first bundle
// does not carry dayjs.
export const antdLocale = zhTW;
