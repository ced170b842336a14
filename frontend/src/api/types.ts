/**
 * Named shortcuts into the generated `paths` for the account endpoints. Nothing here is written
 * by hand: every type is read out of `schema.d.ts` by path, so a renamed schema in the spec does
 * not break the app (a changed path or field does, as it should).
 */
import type { paths } from './schema';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type BodyOf<Op> = Op extends { requestBody?: infer Req } ? JsonOf<NonNullable<Req>> : never;
type Ok<Op, Status extends number = 200> = Op extends { responses: infer R }
  ? Status extends keyof R
    ? JsonOf<R[Status]>
    : never
  : never;

type SignInOp = paths['/api/v1/auth/sign-in']['post'];
type MeOp = paths['/api/v1/me']['get'];

export type AuthOptions = Ok<paths['/api/v1/auth/options']['get']>;
export type Captcha = Ok<paths['/api/v1/auth/captcha']['get']>;
export type SchoolSuggestion = Ok<paths['/api/v1/schools/lookup']['get']>[number];
export type SignInBody = BodyOf<SignInOp>;
export type TokenPair = Ok<SignInOp>;
export type ForgotPasswordBody = BodyOf<paths['/api/v1/auth/forgot-password']['post']>;
export type ResetPasswordBody = BodyOf<paths['/api/v1/auth/reset-password']['post']>;
export type ChangePasswordBody = BodyOf<paths['/api/v1/me/password']['post']>;
export type UpdateEmailBody = BodyOf<paths['/api/v1/me/email']['put']>;
export type Me = Ok<MeOp>;
export type Role = Me['roles'][number];
export type ModuleGrant = Me['modules'][number];
/** A function module's code: the server's one list (`identity::Module`), shared with the menu. */
export type ModuleCode = ModuleGrant['code'];

// The school admin's account screens (tags "accounts" and "role groups").
type RoleGroupsOp = paths['/api/v1/role-groups'];
type AccountsOp = paths['/api/v1/accounts']['get'];
type TemporaryOp = paths['/api/v1/temporary-accounts'];
type MailOp = paths['/api/v1/mail-settings'];
type ApiKeysOp = paths['/api/v1/api-keys'];
type AuditOp = paths['/api/v1/audit-events']['get'];

export type RoleGroup = Ok<RoleGroupsOp['get']>[number];
export type RoleGroupInput = BodyOf<RoleGroupsOp['post']>;
export type FunctionModule = Ok<paths['/api/v1/function-modules']['get']>[number];
export type ModuleGrantInput = BodyOf<paths['/api/v1/role-groups/{id}/modules']['put']>['modules'][number];
export type StaffMember = Ok<paths['/api/v1/role-groups/{id}/members']['get']>[number];
export type StaffQuery = NonNullable<paths['/api/v1/staff']['get']['parameters']['query']>;

export type AccountsPage = Ok<AccountsOp>;
export type AccountRow = AccountsPage['items'][number];
export type AccountKind = AccountRow['kind'];
export type AccountsQuery = NonNullable<AccountsOp['parameters']['query']>;
export type ResetResult = Ok<paths['/api/v1/accounts/reset-password']['post']>;

export type TemporaryAccount = Ok<TemporaryOp['get']>[number];
export type NewTemporaryAccount = BodyOf<TemporaryOp['post']>;
export type CreatedTemporaryAccount = Ok<TemporaryOp['post'], 201>;

export type MailSettings = Ok<MailOp['get']>;
export type MailSettingsInput = BodyOf<MailOp['put']>;
export type MailEncryption = MailSettings['encryption'];

export type ApiKey = Ok<ApiKeysOp['get']>[number];
export type NewApiKey = BodyOf<ApiKeysOp['post']>;
export type CreatedApiKey = Ok<ApiKeysOp['post'], 201>;
export type ApiKeyScope = ApiKey['scopes'][number];

export type AuditEvent = Ok<AuditOp>['items'][number];
/** An audit event's kind: the server's one list (`audit::EventKind`). */
export type AuditEventKind = AuditEvent['event'];
export type AuditQuery = NonNullable<AuditOp['parameters']['query']>;

// 查詢 and 系統管理 (tags "sync" and "terms").
type ReceivingLogOp = paths['/api/v1/sync/batches']['get'];

export type ReceivingLogQuery = NonNullable<ReceivingLogOp['parameters']['query']>;
export type BatchLog = Ok<ReceivingLogOp>['items'][number];
export type SyncKind = BatchLog['kind'];
/** What an applied batch did (`result` of a sync answer; the log's `result` is untyped JSON). */
export type BatchCounts = Ok<paths['/api/v1/sync/students']['post']>['result'];

export type CurrentTerm = Ok<paths['/api/v1/terms/current']['get']>;
export type SchoolTerm = Ok<paths['/api/v1/terms']['get']>[number];
export type SwitchTermBody = BodyOf<paths['/api/v1/terms/switch']['post']>;
export type TermDirection = SwitchTermBody['to'];

/** What every paginated list returns (`Page_…` in the spec): one page of rows and the total. */
export type PageOf<Row> = Omit<AccountsPage, 'items'> & { items: Row[] };

// 系統管理 settings (tag "settings"): function parameters, work periods, co-taught certifiers.
type ParametersOp = paths['/api/v1/settings/parameters'];
type WorkPeriodsOp = paths['/api/v1/work-periods'];
type CoTaughtOp = paths['/api/v1/co-taught'];

export type ParametersView = Ok<ParametersOp['get']>;
export type Parameters = BodyOf<ParametersOp['put']>;
export type ParameterItem = ParametersView['items'][number];
export type NationalWindow = Ok<paths['/api/v1/national-windows']['get']>[number];

export type WorkPeriod = Ok<WorkPeriodsOp['get']>[number];
export type PeriodInput = BodyOf<WorkPeriodsOp['post']>;
export type PeriodItem = PeriodInput['item'];

export type CoTaughtRow = Ok<CoTaughtOp['get']>['items'][number];
export type CoTaughtQuery = NonNullable<CoTaughtOp['get']['parameters']['query']>;
export type CertifierChange = BodyOf<CoTaughtOp['put']>['changes'][number];

// Course consultants and counselors (tag "settings"): their classes / students this term.
type ConsultantsOp = paths['/api/v1/consultants']['get'];
type StudentsOp = paths['/api/v1/students']['get'];

/** A teacher in 設定課程諮詢教師 / 設定輔導老師: `assigned` = classes or students this term. */
export type Advisor = Ok<ConsultantsOp>['items'][number];
export type AdvisorQuery = NonNullable<ConsultantsOp['parameters']['query']>;
export type ConsultantClasses = Ok<paths['/api/v1/consultants/{teacher_id}/classes']['get']>;
export type ClassRef = ConsultantClasses['assigned'][number];
export type StudentRef = Ok<StudentsOp>['items'][number];
export type StudentsQuery = NonNullable<StudentsOp['parameters']['query']>;
export type AdviseesQuery = NonNullable<paths['/api/v1/me/advisees']['get']['parameters']['query']>;

// The student's uploads (tags "uploads" and "selections"): learning results, performances,
// selections. The multipart bodies are sent with `uploadForm` (src/lib/upload.ts), not the client.
type MultipartOf<Op> = Op extends { requestBody?: infer Req }
  ? NonNullable<Req> extends { content: { 'multipart/form-data': infer Body } }
    ? Body
    : never
  : never;
type ResultsOp = paths['/api/v1/learning-results'];
type ResultOp = paths['/api/v1/learning-results/{id}'];
type PerformancesOp = paths['/api/v1/performances'];
type PerformanceOp = paths['/api/v1/performances/{id}'];

export type MyCourses = Ok<paths['/api/v1/me/courses']['get']>;
export type MyCourse = MyCourses['courses'][number];
export type UploadPeriod = NonNullable<MyCourses['upload_period']>;

export type LearningResult = Ok<ResultsOp['post'], 201>;
export type ResultState = LearningResult['state'];
export type ResultsQuery = NonNullable<ResultsOp['get']['parameters']['query']>;
export type LearningResultDetail = Ok<ResultOp['get']>;
export type ResultEvent = LearningResultDetail['history'][number];
/** What a learning result's history entry records (`ResultAction`). */
export type ResultAction = ResultEvent['action'];
export type FileInfo = NonNullable<LearningResult['document']>;
export type NewResultForm = MultipartOf<ResultsOp['post']>;
export type EditResultForm = MultipartOf<ResultOp['put']>;

export type Performance = Ok<PerformancesOp['post'], 201>;
export type PerformancesQuery = NonNullable<PerformancesOp['get']['parameters']['query']>;
export type PerformanceForm = MultipartOf<PerformanceOp['put']>;
export type CategoryInfo = Ok<paths['/api/v1/performance-categories']['get']>[number];
export type PerformanceCategory = CategoryInfo['category'];
export type FieldSpec = CategoryInfo['fields'][number];
export type PerformanceField = FieldSpec['field'];
export type PerformanceLimits = Ok<paths['/api/v1/me/performance-limits']['get']>;
export type CadreRecord = Ok<paths['/api/v1/me/cadre-records']['get']>[number];

export type MySelections = Ok<paths['/api/v1/me/selections']['get']>;
export type SelectionSet = MySelections['results'];
/** What `PUT`/`DELETE /api/v1/me/selections/{kind}/{item_id}` select: `results` or `performances`. */
export type SelectionKind = keyof Pick<MySelections, 'results' | 'performances'>;

// 學習成果認證 (tag "certification"): the subject teacher's queue and decisions.
type CertificationResultsOp = paths['/api/v1/certification/results']['get'];
type DecisionOp = paths['/api/v1/learning-results/{id}/decision']['post'];
type BatchDecisionOp = paths['/api/v1/certification/decisions']['post'];

export type CertificationQueue = Ok<paths['/api/v1/certification/courses']['get']>;
export type QueueCourse = CertificationQueue['courses'][number];
export type ClassCounts = QueueCourse['classes'][number];
export type CourseTeacher = QueueCourse['teachers'][number];
export type CertificationPeriod = NonNullable<QueueCourse['period']>;
export type CertificationQuery = NonNullable<CertificationResultsOp['parameters']['query']>;
export type DecisionBody = BodyOf<DecisionOp>;
export type Decision = DecisionBody['decision'];
export type BatchDecisionBody = BodyOf<BatchDecisionOp>;
export type BatchOutcome = Ok<BatchDecisionOp>;
export type Refusal = BatchOutcome['refused'][number];

// 通知 (tag "notifications"): every signed-in user's inbox.
type NotificationsOp = paths['/api/v1/me/notifications']['get'];

export type NotificationPage = Ok<NotificationsOp>;
export type AppNotification = NotificationPage['items'][number];
export type NotificationKind = AppNotification['kind'];
export type NotificationsQuery = NonNullable<NotificationsOp['parameters']['query']>;

// 提醒信紀錄 (the school admin): the reminder mails and a run on demand.
type ReminderLogOp = paths['/api/v1/reminders/log']['get'];

export type ReminderLog = Ok<ReminderLogOp>;
export type ReminderMail = ReminderLog['items'][number];
export type ReminderReason = ReminderMail['reason'];
export type MailStatus = ReminderMail['status'];
export type ReminderLogQuery = NonNullable<ReminderLogOp['parameters']['query']>;
export type ReminderRun = Ok<paths['/api/v1/reminders/run']['post']>;

// 查詢 reports (tag "reports"): uncertified teachers, selection status, usage statistics.
type SelectionStatusOp = paths['/api/v1/reports/selection-status']['get'];

export type UncertifiedTeacher = Ok<paths['/api/v1/reports/uncertified-teachers']['get']>[number];
export type UncertifiedStudent = Ok<paths['/api/v1/reports/uncertified-teachers/{teacher_id}/students']['get']>[number];
export type SelectionStatusRow = Ok<SelectionStatusOp>['items'][number];
export type SelectionStatusQuery = NonNullable<SelectionStatusOp['parameters']['query']>;
export type UsageReport = Ok<paths['/api/v1/reports/usage']['get']>;
export type UsageClassSubject = UsageReport['by_class_subject'][number];
export type UsageTeacher = UsageReport['by_teacher'][number];
export type UsageTotals = UsageReport['totals'];

// 提交管理 (tag "rosters", "jobs"): submission rosters exported as jobs.
export type RosterTable = Ok<paths['/api/v1/rosters']['get']>;
export type RosterLine = RosterTable['lines'][number];
export type RosterKind = RosterLine['kind'];
export type RosterCheck = Ok<paths['/api/v1/rosters/check']['get']>;
export type RosterIssue = RosterCheck['issues'][number];
export type RosterExport = Ok<paths['/api/v1/rosters/exports']['get']>[number];
export type Job = Ok<paths['/api/v1/jobs/{id}']['get']>;

// 轉學生學習歷程資料匯出/匯入 (tag "transfers"; manual 6.1, 6.2).
export type TransferStudent = Ok<paths['/api/v1/transfers/students']['get']>[number];
export type TransferExport = Ok<paths['/api/v1/transfers/exports']['get']>[number];
export type TransferImport = Ok<paths['/api/v1/transfers/imports']['get']>[number];
export type TransferOutcome = TransferImport['students'][number];
export type ImportedItem = Ok<paths['/api/v1/transfers/items']['get']>[number];
export type TransferImportForm = paths['/api/v1/transfers/imports']['post']['requestBody']['content']['multipart/form-data'];
export type TransferImportQueued = paths['/api/v1/transfers/imports']['post']['responses'][202]['content']['application/json'];
// 收訖明細 (tag "receipts"): import, students' answers, reports, statistics, differences.
export type ReceiptImportResult = Ok<paths['/api/v1/receipts/imports']['post']>;
export type ReceiptCategoryPlan = ReceiptImportResult['categories'][number];
export type ReceiptCategory = ReceiptCategoryPlan['category'];
export type ReceiptImport = Ok<paths['/api/v1/receipts/imports']['get']>[number];
export type StudentReceipt = Ok<paths['/api/v1/receipts/students']['get']>;
export type ReceiptCategoryView = StudentReceipt['categories'][number];
export type ReceiptAnswerState = ReceiptCategoryView['state'];
export type ReceiptAnswerBody = BodyOf<paths['/api/v1/receipts/mine/answers']['post']>;
export type ReceiptReport = Ok<paths['/api/v1/receipts/reports']['get']>['items'][number];
export type ReceiptStatistics = Ok<paths['/api/v1/receipts/statistics']['get']>;
export type ReceiptDifferenceRow = Ok<paths['/api/v1/receipts/differences']['get']>[number];
