/**
 * The password rules the server enforces (it has the last word: it also refuses the national
 * ID, which the browser does not know), checked as the user types so most mistakes never leave
 * the page.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 64;

export const PASSWORD_HINT =
  `${PASSWORD_MIN}–${PASSWORD_MAX} 個字元，須同時包含英文字母與數字；不可與帳號相同，也不可使用身分證字號。`;

/** A Taiwan national ID or resident certificate number shape: A123456789, AB12345678, A800000014. */
const NATIONAL_ID = /^[A-Z][A-Z0-9]\d{8}$/i;

/** What is wrong with `password` (zh-TW), empty when it meets the rules. */
export function passwordProblems(password: string, context: { account?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push(`密碼至少需要 ${PASSWORD_MIN} 個字元。`);
  if (length > PASSWORD_MAX) problems.push(`密碼最多 ${PASSWORD_MAX} 個字元。`);
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    problems.push('密碼須同時包含英文字母與數字。');
  }
  const account = context.account?.trim().toLowerCase();
  if (account && password.toLowerCase() === account) problems.push('密碼不可與帳號相同。');
  if (NATIONAL_ID.test(password)) problems.push('密碼不可使用身分證字號（或居留證號）。');
  return problems;
}
