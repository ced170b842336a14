/**
 * The UI language, outside React: what the API client sends as `Accept-Language`, what
 * `tr()` picks for texts built outside components (error messages), and what `useLang()` /
 * `useT()` (in `index.tsx`) follow. zh-TW by default; the user's choice is kept in
 * `localStorage` (`licheng.lang`) and mirrored on `<html lang>`.
 */
export type Lang = 'zh-TW' | 'en';

export const LANGS: readonly Lang[] = ['zh-TW', 'en'];
export const DEFAULT_LANG: Lang = 'zh-TW';
export const LANG_STORAGE_KEY = 'licheng.lang';

function isLang(value: unknown): value is Lang {
  return value === 'zh-TW' || value === 'en';
}

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(LANG_STORAGE_KEY);
    return isLang(value) ? value : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

function applyToDocument(lang: Lang): void {
  // zh-TW is written as index.html has it (Traditional Chinese, Taiwan), for fonts and readers.
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'en' ? 'en' : 'zh-Hant-TW';
}

let current: Lang = storedLang();
applyToDocument(current);
const listeners = new Set<() => void>();

/** The language in use now. */
export function getLang(): Lang {
  return current;
}

/** Switch the language: remembered, applied to `<html lang>`, and every subscriber told. */
export function setLang(lang: Lang): void {
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Storage disabled: the choice lasts until the page is reloaded.
  }
  if (lang === current) return;
  current = lang;
  applyToDocument(lang);
  for (const listener of [...listeners]) listener();
}

/** Be told of every change; returns the unsubscribe function (fits `useSyncExternalStore`). */
export function subscribeLang(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Pick the text for `lang`: the zh-TW one or the English one. */
export function translate(lang: Lang, zh: string, en: string): string {
  return lang === 'en' ? en : zh;
}

/**
 * The text in the current language, for code outside components (read when called, so call it
 * where the text is used, not at module load). Components use `useT()`, which re-renders.
 */
export function tr(zh: string, en: string): string {
  return translate(current, zh, en);
}

/** Back to the stored language (or the default) without telling anyone: for tests. */
export function resetLangForTests(): void {
  current = storedLang();
  applyToDocument(current);
}
