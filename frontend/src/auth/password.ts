/**
 * The password rules the server enforces (it has the last word: it also refuses the national
 * ID, which the browser does not know), checked as the user types so most mistakes never leave
 * the page.
 */
import { tr } from '../i18n/lang';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 64;

export const PASSWORD_HINT =
  `${PASSWORD_MIN}–${PASSWORD_MAX} 個字元，須同時包含英文字母與數字；不可與帳號相同，也不可使用身分證字號。`;

/** `PASSWORD_HINT` in the UI language. */
export function passwordHint(): string {
  return tr(
    PASSWORD_HINT,
    `${PASSWORD_MIN}–${PASSWORD_MAX} characters, with both letters and digits; not the same as the account, and not a national ID number.`,
  );
}

/** A Taiwan national ID or resident certificate number shape: A123456789, AB12345678, A800000014. */
const NATIONAL_ID = /^[A-Z][A-Z0-9]\d{8}$/i;

/** What is wrong with `password` (in the UI language), empty when it meets the rules. */
export function passwordProblems(password: string, context: { account?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push(tr(`密碼至少需要 ${PASSWORD_MIN} 個字元。`, `At least ${PASSWORD_MIN} characters.`));
  if (length > PASSWORD_MAX) problems.push(tr(`密碼最多 ${PASSWORD_MAX} 個字元。`, `At most ${PASSWORD_MAX} characters.`));
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    problems.push(tr('密碼須同時包含英文字母與數字。', 'Use both letters and digits.'));
  }
  const account = context.account?.trim().toLowerCase();
  if (account && password.toLowerCase() === account) problems.push(tr('密碼不可與帳號相同。', 'Must not be the same as the account.'));
  if (NATIONAL_ID.test(password)) problems.push(tr('密碼不可使用身分證字號（或居留證號）。', 'Must not be a national ID (or resident certificate) number.'));
  return problems;
}
