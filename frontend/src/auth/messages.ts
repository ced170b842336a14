/**
 * What to tell the user when an account request is refused: a title per problem code (zh-TW or English, the UI language),
 * with the server's `detail` where it carries information the title cannot (how long an account
 * is locked, when to try again).
 */
import { isApiError, type ApiError } from '../api/error';
import { tr } from '../i18n/lang';

export interface ErrorMessage {
  title: string;
  description?: string;
}

const titles: Record<string, [zh: string, en: string]> = {
  captcha_invalid: ['驗證碼錯誤或已過期，請重新輸入新的驗證碼。', 'The captcha is wrong or has expired. Please enter the new one.'],
  captcha_required: ['此網路位址登入失敗次數過多，請輸入驗證碼後再登入。', 'Too many failed sign-ins from this network address. Please enter the captcha and sign in again.'],
  invalid_credentials: ['學校、帳號或密碼錯誤，請再確認。', 'The school, account or password is wrong. Please check them.'],
  account_locked: ['帳號已暫時鎖定', 'The account is temporarily locked'],
  account_inactive: ['此帳號已停用，請洽學校管理者。', 'This account is disabled. Please contact your school administrator.'],
  account_expired: ['此帳號已超過使用期限，請洽學校管理者。', 'This account has expired. Please contact your school administrator.'],
  rate_limited: ['嘗試次數過多，請稍後再試', 'Too many attempts, please try again later'],
  weak_password: ['新密碼不符合規則，請依欄位說明修正。', 'The new password does not meet the rules. Please see the field notes.'],
  old_password_incorrect: ['目前的密碼不正確。', 'The current password is incorrect.'],
  reset_token_invalid: ['重設密碼連結無效、已使用過或已過期，請重新申請。', 'The password reset link is invalid, already used or expired. Please request a new one.'],
  mail_not_configured: ['學校尚未設定郵件伺服器，無法寄送信件，請洽學校管理者。', 'The school has not set up a mail server, so no email can be sent. Please contact your school administrator.'],
  mail_delivery_failed: ['信件寄送失敗，請稍後再試或洽學校管理者。', 'The email could not be sent. Please try again later or contact your school administrator.'],
  validation_failed: ['部分欄位內容不正確，請依欄位說明修正。', 'Some fields are not valid. Please see the field notes.'],
  token_expired: ['登入已逾時，請重新登入。', 'Your session has expired. Please sign in again.'],
  invalid_token: ['登入已失效，請重新登入。', 'Your session is no longer valid. Please sign in again.'],
  refresh_token_invalid: ['登入已失效，請重新登入。', 'Your session is no longer valid. Please sign in again.'],
  refresh_token_reused: ['登入已失效（可能在其他分頁已登出或更新），請重新登入。', 'Your session is no longer valid (you may have signed out or renewed it in another tab). Please sign in again.'],
};

/** Codes whose `detail` says something the title does not (e.g. until when). */
const withDetail = new Set(['account_locked', 'rate_limited']);

export function errorMessage(error: unknown): ErrorMessage {
  if (!isApiError(error)) {
    return {
      title: tr('發生未預期的錯誤，請稍後再試。', 'Something unexpected went wrong. Please try again later.'),
      description: error instanceof Error ? error.message : undefined };
  }
  return apiErrorMessage(error);
}

function apiErrorMessage(error: ApiError): ErrorMessage {
  const pair = titles[error.code];
  if (pair === undefined) return { title: error.detail };
  const title = tr(...pair);
  if (withDetail.has(error.code) && error.detail && error.detail !== error.title) {
    return { title, description: error.detail };
  }
  return { title };
}
