/** Names (zh-TW / English) for the codes the account screens show; read in the current UI language. */
import type { AccountKind, ApiKeyScope, AuditEventKind, MailEncryption, MailStatus, ReminderReason, ReminderRun } from '../../api/types';
import { getLang, tr } from '../../i18n/lang';

/** A label map whose values are getters: each read gives the text in the current UI language. */
function bilingual<K extends string>(pairs: Record<K, readonly [string, string]>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(pairs) as K[]) {
    Object.defineProperty(out, key, { get: () => tr(pairs[key][0], pairs[key][1]), enumerable: true });
  }
  return out;
}

export const accountKindLabels: Record<AccountKind, string> = bilingual({
  student: ['學生', 'Student'],
  staff: ['教職員', 'Staff'],
  temporary: ['臨時帳號', 'Temporary account'],
  operator: ['平臺管理', 'Platform operator'],
});

/** The kinds the 重設密碼 filter offers (the school's accounts; no platform operators). */
export const accountKindFilter = (['student', 'staff', 'temporary'] as const).map((kind) => ({
  value: kind,
  get label() {
    return accountKindLabels[kind];
  },
}));

export const scopeLabels: Record<ApiKeyScope, string> = bilingual({
  sync: ['同步資料（sync）', 'Sync data (sync)'],
  read: ['讀取資料（read）', 'Read data (read)'],
});

export const encryptionOptions: { value: MailEncryption; label: string; port: number }[] = [
  {
    value: 'none',
    get label() {
      return tr('不加密', 'None');
    },
    port: 25,
  },
  { value: 'starttls', label: 'STARTTLS', port: 587 },
  { value: 'ssl', label: 'SSL／TLS', port: 465 },
];

/** The audit log's event kinds (`audit_events.event`): every kind the server records has a name. */
export const auditEventLabels: Record<AuditEventKind, string> = bilingual({
  sign_in_succeeded: ['登入成功', 'Signed in'],
  sign_in_failed: ['登入失敗', 'Sign-in failed'],
  account_locked: ['帳號鎖定', 'Account locked'],
  password_changed: ['變更密碼', 'Password changed'],
  password_reset_requested: ['申請重設密碼', 'Password reset requested'],
  password_reset_completed: ['完成重設密碼', 'Password reset completed'],
  password_reset_by_admin: ['管理者重設密碼', 'Password reset by administrator'],
  refresh_token_reused: ['登入憑證重複使用', 'Sign-in token reused'],
  email_changed: ['變更電子郵件', 'Email changed'],
  role_group_created: ['新增角色群組', 'Role group created'],
  role_group_updated: ['修改角色群組', 'Role group updated'],
  role_group_deleted: ['刪除角色群組', 'Role group deleted'],
  role_group_modules_changed: ['變更群組功能', 'Group functions changed'],
  role_group_members_changed: ['變更群組人員', 'Group members changed'],
  api_key_created: ['建立 API 金鑰', 'API key created'],
  api_key_revoked: ['撤銷 API 金鑰', 'API key revoked'],
  temporary_account_created: ['建立臨時帳號', 'Temporary account created'],
  temporary_account_revoked: ['停用臨時帳號', 'Temporary account disabled'],
  mail_settings_changed: ['變更郵件伺服器設定', 'Mail server settings changed'],
  school_created: ['建立學校', 'School created'],
  term_switched: ['切換學年期', 'Term switched'],
  parameters_changed: ['變更功能參數', 'Parameters changed'],
  work_period_created: ['新增作業時間', 'Work period added'],
  work_period_updated: ['修改作業時間', 'Work period updated'],
  work_period_deleted: ['刪除作業時間', 'Work period deleted'],
  national_window_set: ['設定國教署作業期間', 'National upload window set'],
  co_taught_certifiers_changed: ['設定合開課程審核老師', 'Co-taught course certifiers set'],
  consultant_classes_changed: ['設定課程諮詢教師班級', 'Course consultant classes set'],
  counselor_students_changed: ['設定輔導學生', 'Counselled students set'],
  consultation_created: ['新增課程諮詢紀錄', 'Consultation record added'],
  consultation_updated: ['修改課程諮詢紀錄', 'Consultation record changed'],
  consultation_deleted: ['刪除課程諮詢紀錄', 'Consultation record deleted'],
  roster_exported: ['匯出名冊', 'Roster exported'],
  transfer_imported: ['匯入轉學生資料', 'Transfer data imported'],
  receipt_answered: ['回覆收訖明細', 'Receipt answered'],
  self_directed_event: ['自主學習計畫', 'Self-directed learning'],
  performance_changed: ['多元表現異動', 'Performance changed'],
  selection_changed: ['勾選異動', 'Selection changed'],
  // Recorded by other screens and jobs (issue #17 item 7: no event shows as its code).
  email_changed_by_sync: ['電子郵件由校務系統同步變更', 'Email changed by a sync'],
  national_id_changed_by_sync: ['身分證統一編號由校務系統同步變更', 'National ID changed by a sync'],
  certification_delegate_named: ['指定代理認證教師', 'Certification delegate named'],
  certification_delegate_ended: ['結束代理認證', 'Certification delegate ended'],
  consultant_students_changed: ['設定課程諮詢學生', 'Course consultant students set'],
  sdl_group_created: ['新增自主學習認證群組', 'Self-directed certifier group created'],
  sdl_group_renamed: ['修改自主學習認證群組名稱', 'Self-directed certifier group renamed'],
  sdl_group_deleted: ['刪除自主學習認證群組', 'Self-directed certifier group deleted'],
  sdl_group_members_changed: ['變更自主學習認證群組人員', 'Self-directed certifier group members changed'],
  sdl_order_changed: ['變更自主學習認證順序', 'Self-directed certification order changed'],
  // A temporary account acting for a transfer student (manual 3.7).
  performance_created: ['代理新增多元表現', 'Performance added on behalf'],
  performance_updated: ['代理修改多元表現', 'Performance edited on behalf'],
  performance_deleted: ['代理刪除多元表現', 'Performance deleted on behalf'],
  selection_added: ['代理勾選', 'Selected on behalf'],
  selection_removed: ['代理取消勾選', 'Unselected on behalf'],
  self_directed_plan_created: ['代理新增自主學習計畫', 'Self-directed plan added on behalf'],
  self_directed_plan_updated: ['代理修改自主學習計畫', 'Self-directed plan edited on behalf'],
  self_directed_plan_deleted: ['代理刪除自主學習計畫', 'Self-directed plan deleted on behalf'],
  self_directed_result_saved: ['代理儲存自主學習成果', 'Self-directed results saved on behalf'],
  self_directed_submitted: ['代理送出自主學習認證', 'Self-directed learning submitted on behalf'],
  receipt_confirmed: ['代理確認收訖明細', 'Receipt confirmed on behalf'],
  receipt_reported: ['代理回報收訖明細問題', 'Receipt problem reported on behalf'],
});

/**
 * The zh-TW part of a message the server writes in both languages (`中文 / English`, e.g. the
 * reasons an account was skipped by a password reset).
 */
export function zhPart(text: string): string {
  const cut = text.indexOf(' / ');
  return cut > 0 ? text.slice(0, cut) : text;
}

/** The part of a `中文 / English` server message in the current UI language. */
export function langPart(text: string): string {
  if (getLang() !== 'en') return zhPart(text);
  const cut = text.indexOf(' / ');
  return cut > 0 ? text.slice(cut + 3) : text;
}

/** Why a reminder mail is sent (提醒信紀錄). */
export const reminderReasonLabels: Record<ReminderReason, string> = bilingual({
  teacher_uncertified: ['教師未認證提醒', 'Teacher certification reminder'],
  submit_results: ['學生送出認證提醒', 'Student submission reminder'],
  select_results: ['學生勾選學習成果提醒', 'Student learning results selection reminder'],
  select_performances: ['學生勾選多元表現提醒', 'Student performances selection reminder'],
  receipt_pending: ['學生確認收訖明細提醒', 'Student receipt confirmation reminder'],
});

export const reminderReasonOptions = (Object.keys(reminderReasonLabels) as ReminderReason[]).map((reason) => ({
  value: reason,
  get label() {
    return reminderReasonLabels[reason];
  },
}));

const mailStatusTexts = bilingual<MailStatus>({
  pending: ['待寄送', 'Pending'],
  sending: ['寄送中', 'Sending'],
  sent: ['已寄出', 'Sent'],
  failed: ['寄送失敗', 'Failed'],
});
const mailStatusColors: Record<MailStatus, string> = {
  pending: 'default',
  sending: 'processing',
  sent: 'success',
  failed: 'error',
};

/** A reminder mail's place in the outbox, as a coloured tag. */
export const mailStatusLabels = Object.fromEntries(
  (Object.keys(mailStatusColors) as MailStatus[]).map((status) => [
    status,
    {
      get label() {
        return mailStatusTexts[status];
      },
      color: mailStatusColors[status],
    },
  ]),
) as Record<MailStatus, { label: string; color: string }>;

export const mailStatusOptions = (Object.keys(mailStatusLabels) as MailStatus[]).map((status) => ({
  value: status,
  get label() {
    return mailStatusLabels[status].label;
  },
}));

/** What 「立即執行」 did: 「新排入 3 封、寄出 2 封、失敗 1 封」. */
export function reminderRunText(run: ReminderRun): string {
  if (run.planned === 0 && run.sent === 0 && run.failed === 0)
    return tr('目前沒有需要寄送的提醒信。', 'There are no reminder mails to send right now.');
  return tr(
    `新排入 ${run.planned} 封、寄出 ${run.sent} 封、失敗 ${run.failed} 封。`,
    `${run.planned} queued, ${run.sent} sent, ${run.failed} failed.`,
  );
}
