/**
 * What to tell the user when an account request is refused: a zh-TW title per problem code,
 * with the server's `detail` where it carries information the title cannot (how long an account
 * is locked, when to try again).
 */
import { isApiError, type ApiError } from '../api/error';

export interface ErrorMessage {
  title: string;
  description?: string;
}

const titles: Record<string, string> = {
  captcha_invalid: '驗證碼錯誤或已過期，請重新輸入新的驗證碼。',
  invalid_credentials: '學校、帳號或密碼錯誤，請再確認。',
  account_locked: '帳號已暫時鎖定',
  account_inactive: '此帳號已停用，請洽學校管理者。',
  account_expired: '此帳號已超過使用期限，請洽學校管理者。',
  rate_limited: '嘗試次數過多，請稍後再試',
  weak_password: '新密碼不符合規則，請依欄位說明修正。',
  old_password_incorrect: '目前的密碼不正確。',
  reset_token_invalid: '重設密碼連結無效、已使用過或已過期，請重新申請。',
  mail_not_configured: '學校尚未設定郵件伺服器，無法寄送信件，請洽學校管理者。',
  mail_delivery_failed: '信件寄送失敗，請稍後再試或洽學校管理者。',
  validation_failed: '部分欄位內容不正確，請依欄位說明修正。',
  token_expired: '登入已逾時，請重新登入。',
  invalid_token: '登入已失效，請重新登入。',
  refresh_token_invalid: '登入已失效，請重新登入。',
  refresh_token_reused: '登入已失效（可能在其他分頁已登出或更新），請重新登入。',
};

/** Codes whose `detail` says something the title does not (e.g. until when). */
const withDetail = new Set(['account_locked', 'rate_limited']);

export function errorMessage(error: unknown): ErrorMessage {
  if (!isApiError(error)) {
    return { title: '發生未預期的錯誤，請稍後再試。', description: error instanceof Error ? error.message : undefined };
  }
  return apiErrorMessage(error);
}

function apiErrorMessage(error: ApiError): ErrorMessage {
  const title = titles[error.code];
  if (title === undefined) return { title: error.detail };
  if (withDetail.has(error.code) && error.detail && error.detail !== error.title) {
    return { title, description: error.detail };
  }
  return { title };
}
