import { describe, expect, it } from 'vitest';
import { setLang } from '../../i18n/lang';
import {
  accountKindFilter,
  auditEventLabels,
  langPart,
  mailStatusLabels,
  mailStatusOptions,
  reminderReasonOptions,
  reminderRunText,
  scopeLabels,
} from './labels';

const CJK = /[\u4e00-\u9fff]/;

describe('admin labels', () => {
  it('are zh-TW by default', () => {
    expect(auditEventLabels.sign_in_failed).toBe('登入失敗');
    expect(mailStatusLabels.failed).toEqual({ label: '寄送失敗', color: 'error' });
    expect(accountKindFilter.map((option) => option.label)).toEqual(['學生', '教職員', '臨時帳號']);
    expect(reminderRunText({ planned: 3, sent: 2, failed: 1 })).toBe('新排入 3 封、寄出 2 封、失敗 1 封。');
    expect(langPart('身分證號未設定 / No national ID')).toBe('身分證號未設定');
  });

  it('follow the language when switched to English, with no CJK text', () => {
    setLang('en');
    const texts = [
      ...Object.values(auditEventLabels),
      ...Object.values(scopeLabels),
      ...accountKindFilter.map((option) => option.label),
      ...reminderReasonOptions.map((option) => option.label),
      ...mailStatusOptions.map((option) => option.label),
      reminderRunText({ planned: 0, sent: 0, failed: 0 }),
      reminderRunText({ planned: 3, sent: 2, failed: 1 }),
    ];
    expect(texts.filter((text) => CJK.test(text))).toEqual([]);
    expect(auditEventLabels.sign_in_failed).toBe('Sign-in failed');
    expect(mailStatusLabels.failed).toEqual({ label: 'Failed', color: 'error' });
    expect(reminderRunText({ planned: 3, sent: 2, failed: 1 })).toBe('3 queued, 2 sent, 1 failed.');
    expect(langPart('身分證號未設定 / No national ID')).toBe('No national ID');
  });
});
