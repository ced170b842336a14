import { GlobalOutlined } from '@ant-design/icons';
import { Button, type ButtonProps } from 'antd';
import { setLang, useLang } from './index';

/** The accessible name's stem, in both languages so either reader finds it. */
export const LANGUAGE_SWITCH_NAME = '語言 Language';

/**
 * Switches between zh-TW and English. It shows the language it switches *to*, in that
 * language (「English」 / 「中文」), as language switches do.
 */
export function LanguageSwitch({
  style,
  type = 'text',
  labelClassName,
}: Pick<ButtonProps, 'style' | 'type'> & { /** e.g. hide the label on phones (the icon and name stay). */ labelClassName?: string }) {
  const lang = useLang();
  const next = lang === 'en' ? 'zh-TW' : 'en';
  const label = next === 'en' ? 'English' : '中文';
  return (
    <Button
      type={type}
      icon={<GlobalOutlined />}
      style={style}
      aria-label={`${LANGUAGE_SWITCH_NAME}: ${label}`}
      data-testid="language-switch"
      onClick={() => setLang(next)}
    >
      <span lang={next} className={labelClassName}>
        {label}
      </span>
    </Button>
  );
}
