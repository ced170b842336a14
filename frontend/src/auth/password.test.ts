import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password';

describe('passwordProblems', () => {
  it('accepts 8–64 characters with letters and digits', () => {
    expect(passwordProblems('abcd1234')).toEqual([]);
    expect(passwordProblems(`a1${'x'.repeat(62)}`)).toEqual([]);
  });

  it('explains each broken rule in zh-TW', () => {
    expect(passwordProblems('abc12')).toEqual(['密碼至少需要 8 個字元。']);
    expect(passwordProblems(`a1${'x'.repeat(63)}`)).toEqual(['密碼最多 64 個字元。']);
    expect(passwordProblems('abcdefgh')).toEqual(['密碼須同時包含英文字母與數字。']);
    expect(passwordProblems('12345678')).toEqual(['密碼須同時包含英文字母與數字。']);
  });

  it('refuses the account and national-ID-shaped passwords', () => {
    expect(passwordProblems('074313_010001a', { account: '074313_010001A' })).toEqual([
      '密碼不可與帳號相同。',
    ]);
    expect(passwordProblems('A123456789')).toEqual(['密碼不可使用身分證字號（或居留證號）。']);
  });
});
