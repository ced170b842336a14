/** zh-TW names for the codes the account screens show. */
import type { AccountKind, ApiKeyScope, MailEncryption, MailStatus, ReminderReason, ReminderRun } from '../../api/types';

export const accountKindLabels: Record<AccountKind, string> = {
  student: '學生',
  staff: '教職員',
  temporary: '臨時帳號',
  operator: '平臺管理',
};

/** The kinds the 重設密碼 filter offers (the school's accounts; no platform operators). */
export const accountKindFilter = (['student', 'staff', 'temporary'] as const).map((kind) => ({
  value: kind,
  label: accountKindLabels[kind],
}));

export const scopeLabels: Record<ApiKeyScope, string> = {
  sync: '同步資料（sync）',
  read: '讀取資料（read）',
};

export const encryptionOptions: { value: MailEncryption; label: string; port: number }[] = [
  { value: 'none', label: '不加密', port: 25 },
  { value: 'starttls', label: 'STARTTLS', port: 587 },
  { value: 'ssl', label: 'SSL／TLS', port: 465 },
];

/** The audit log's event kinds (`audit_events.event`); unknown kinds show their code. */
export const auditEventLabels: Record<string, string> = {
  sign_in_succeeded: '登入成功',
  sign_in_failed: '登入失敗',
  account_locked: '帳號鎖定',
  password_changed: '變更密碼',
  password_reset_requested: '申請重設密碼',
  password_reset_completed: '完成重設密碼',
  password_reset_by_admin: '管理者重設密碼',
  refresh_token_reused: '登入憑證重複使用',
  email_changed: '變更電子郵件',
  role_group_created: '新增角色群組',
  role_group_updated: '修改角色群組',
  role_group_deleted: '刪除角色群組',
  role_group_modules_changed: '變更群組功能',
  role_group_members_changed: '變更群組人員',
  api_key_created: '建立 API 金鑰',
  api_key_revoked: '撤銷 API 金鑰',
  temporary_account_created: '建立臨時帳號',
  temporary_account_revoked: '停用臨時帳號',
  mail_settings_changed: '變更郵件伺服器設定',
  school_created: '建立學校',
  term_switched: '切換學年期',
  parameters_changed: '變更功能參數',
  work_period_created: '新增作業時間',
  work_period_updated: '修改作業時間',
  work_period_deleted: '刪除作業時間',
  national_window_set: '設定國教署作業期間',
  co_taught_certifiers_changed: '設定合開課程審核老師',
  consultant_classes_changed: '設定課程諮詢教師班級',
  counselor_students_changed: '設定輔導學生',
};

/**
 * The zh-TW part of a message the server writes in both languages (`中文 / English`, e.g. the
 * reasons an account was skipped by a password reset).
 */
export function zhPart(text: string): string {
  const cut = text.indexOf(' / ');
  return cut > 0 ? text.slice(0, cut) : text;
}

/** Why a reminder mail is sent (提醒信紀錄). */
export const reminderReasonLabels: Record<ReminderReason, string> = {
  teacher_uncertified: '教師未認證提醒',
  submit_results: '學生送出認證提醒',
  select_results: '學生勾選學習成果提醒',
  select_performances: '學生勾選多元表現提醒',
};

export const reminderReasonOptions = (Object.keys(reminderReasonLabels) as ReminderReason[]).map((reason) => ({
  value: reason,
  label: reminderReasonLabels[reason],
}));

/** A reminder mail's place in the outbox, as a coloured tag. */
export const mailStatusLabels: Record<MailStatus, { label: string; color: string }> = {
  pending: { label: '待寄送', color: 'default' },
  sending: { label: '寄送中', color: 'processing' },
  sent: { label: '已寄出', color: 'success' },
  failed: { label: '寄送失敗', color: 'error' },
};

export const mailStatusOptions = (Object.keys(mailStatusLabels) as MailStatus[]).map((status) => ({
  value: status,
  label: mailStatusLabels[status].label,
}));

/** What 「立即執行」 did: 「新排入 3 封、寄出 2 封、失敗 1 封」. */
export function reminderRunText(run: ReminderRun): string {
  if (run.planned === 0 && run.sent === 0 && run.failed === 0) return '目前沒有需要寄送的提醒信。';
  return `新排入 ${run.planned} 封、寄出 ${run.sent} 封、失敗 ${run.failed} 封。`;
}
