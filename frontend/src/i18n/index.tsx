/**
 * The app's own small i18n layer: every UI text is written as a pair next to where it is used,
 * `t('登入', 'Sign in')`, so no translation can go missing silently. zh-TW is the default;
 * English is switchable (`LanguageSwitch`), remembered in localStorage, and sent to the API as
 * `Accept-Language` (the server then writes problem `detail`s in English).
 */
import { useCallback, useSyncExternalStore } from 'react';
import { getLang, setLang, subscribeLang, translate, type Lang } from './lang';

export { getLang, setLang, tr, translate, LANG_STORAGE_KEY, type Lang } from './lang';

/** The current language, re-rendering on change. */
export function useLang(): Lang {
  return useSyncExternalStore(subscribeLang, getLang, getLang);
}

/** The current language and the function that switches it. */
export function useLangState(): [Lang, (lang: Lang) => void] {
  return [useLang(), setLang];
}

export type T = (zh: string, en: string) => string;

/** `t(zh, en)`: the text in the current language (re-renders when it changes). */
export function useT(): T {
  const lang = useLang();
  return useCallback((zh: string, en: string) => translate(lang, zh, en), [lang]);
}
