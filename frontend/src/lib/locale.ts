import zhTW from 'antd/locale/zh_TW';
import { useEffect, useState } from 'react';
import { useLang, type Lang } from '../i18n';

// antd components speak Traditional Chinese by default. English (`en_US`) is loaded only when
// chosen, so the first bundle carries zh-TW alone. dayjs (used by the date pickers, on lazy pages
// only) gets its locale from `lib/dayjs.ts`, which those pages import, so the first bundle does
// not carry dayjs.
export const antdLocale = zhTW;

export type AntdLocale = typeof zhTW;

let english: AntdLocale | undefined;
let loadingEnglish: Promise<AntdLocale> | undefined;

function loadEnglish(): Promise<AntdLocale> {
  loadingEnglish ??= import('antd/locale/en_US').then((module) => {
    english = module.default;
    return english;
  });
  return loadingEnglish;
}

/** antd's locale for `lang` (zh-TW until the English one has arrived). */
export function useAntdLocale(): AntdLocale {
  const lang: Lang = useLang();
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (lang !== 'en' || english) return;
    let live = true;
    void loadEnglish().then(() => {
      if (live) setLoaded((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [lang]);
  return lang === 'en' && english ? english : zhTW;
}
