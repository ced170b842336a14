import { lazy, Suspense, type ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { PageLoading } from './auth/RequireAuth';
import { loadHomePage } from './signedInChunks';

/**
 * The pages of the signed-in app, under the layout at `/` (paths relative to it).
 * The side menu (`src/navigation.tsx`) shows an entry only when its path is here, so
 * adding a page = a route here (+ its menu entry, if it has none yet).
 * Every page is split off the first bundle (which holds only the sign-in page): role areas with
 * `lazyPages` (one chunk per area), single pages with `lazyPage`.
 */

/** Pages of an area loaded as one chunk, fetched the first time one of them is opened. */
export function lazyPages<Pages extends Record<string, ComponentType>>(load: () => Promise<Pages>) {
  return (name: keyof Pages): Pick<RouteObject, 'lazy'> => ({
    lazy: async () => ({ Component: (await load())[name] }),
  });
}

/** One page in its own chunk: `lazyPage(() => import('./pages/X'), 'X')`. */
export function lazyPage<Module extends Record<string, unknown>>(
  load: () => Promise<Module>,
  name: { [K in keyof Module]: Module[K] extends ComponentType ? K : never }[keyof Module],
): Pick<RouteObject, 'lazy'> {
  return { lazy: async () => ({ Component: (await load())[name] as ComponentType }) };
}

/**
 * 首頁, loaded inside the guard (a signed-out visitor at `/` is sent to /login without fetching it);
 * the sign-in page preloads it (`signedInChunks.ts`).
 */
const HomePage = lazy(async () => ({ default: (await loadHomePage()).HomePage }));

/** 帳號管理 (the school admin). */
const adminPage = lazyPages(() => import('./pages/admin'));
/** 查詢 and 系統管理 (the school admin, or staff granted their modules). */
const schoolPage = lazyPages(() => import('./pages/school'));
/** 設定課程諮詢教師 / 設定輔導老師 (modules S0204S, S0210S) and 我的學生 (consultants, counselors). */
const advisorPage = lazyPages(() => import('./pages/advisors'));
/** The student's pages, each its own chunk (shared pieces split off by the bundler). */
const learningResultsPage = lazyPages(() => import('./pages/student/LearningResultsPage'));
const performancesPage = lazyPages(() => import('./pages/student/PerformancesPage'));
const selectionsPage = lazyPages(() => import('./pages/student/SelectionsPage'));
/** 學習成果認證 (subject teachers). */
const teacherPage = lazyPages(() => import('./pages/teacher'));
/** 通知 (everyone with an inbox). */
const notificationsPage = lazyPages(() => import('./pages/notifications'));
/** 查詢 reports (modules S0216S, S0205S, S0206S, S0215S). */
const reportPage = lazyPages(() => import('./pages/reports'));
/** 提交管理: submission rosters (modules S0207S, S0208S, S0218S). */
const rosterPage = lazyPages(() => import('./pages/rosters'));
/** 學習歷程資料: transfer export (S0601S), import (S0602S), the student's transferred items. */
const transferPage = lazyPages(() => import('./pages/transfers'));
/** 自主學習: 5.1 (S0301S), 5.2 (S0302S), the student's plans, the certifiers' queue. */
const selfDirectedPage = lazyPages(() => import('./pages/selfdirected'));
/** 課程諮詢紀錄 and its statistics. */
const consultationPage = lazyPages(() => import('./pages/consultations'));
/** 收訖明細: the admin's module S0219S and the student's receipt. */
const receiptPage = lazyPages(() => import('./pages/receipts'));

export const appRoutes: RouteObject[] = [
  {
    index: true,
    element: (
      <Suspense fallback={<PageLoading />}>
        <HomePage />
      </Suspense>
    ),
  },
  { path: 'change-password', ...lazyPage(() => import('./pages/ChangePasswordPage'), 'ChangePasswordPage') },
  { path: 'account/email', ...lazyPage(() => import('./pages/AccountEmailPage'), 'AccountEmailPage') },
  // 通知: every signed-in user of a school.
  { path: 'notifications', ...notificationsPage('NotificationsPage') },
  // 帳號管理 (school admin; the server refuses everyone else).
  { path: 'admin/role-groups', ...adminPage('RoleGroupsPage') },
  { path: 'admin/passwords', ...adminPage('PasswordsPage') },
  { path: 'admin/temporary-accounts', ...adminPage('TemporaryAccountsPage') },
  { path: 'admin/mail', ...adminPage('MailSettingsPage') },
  { path: 'admin/api-keys', ...adminPage('ApiKeysPage') },
  { path: 'admin/audit', ...adminPage('AuditPage') },
  { path: 'admin/reminders', ...adminPage('RemindersPage') },
  // 查詢 (module S0201S1) and 系統管理 (modules S0203S1, S0209S, S0203S, S0213S); the server
  // checks the same modules.
  { path: 'admin/receiving-log', ...schoolPage('ReceivingLogPage') },
  { path: 'admin/parameters', ...schoolPage('ParametersPage') },
  { path: 'admin/co-taught', ...schoolPage('CoTaughtPage') },
  { path: 'admin/delegates', ...schoolPage('DelegatesPage') },
  { path: 'admin/work-periods', ...schoolPage('WorkPeriodsPage') },
  { path: 'admin/term', ...schoolPage('TermPage') },
  // 查詢 reports: S0216S 未認證教師狀況表, S0205S/S0206S 勾選情形, S0215S 使用統計.
  { path: 'admin/reports/uncertified', ...reportPage('UncertifiedTeachersPage') },
  { path: 'admin/reports/selection-results', ...reportPage('SelectionResultsPage') },
  { path: 'admin/reports/selection-performances', ...reportPage('SelectionPerformancesPage') },
  { path: 'admin/reports/usage', ...reportPage('UsagePage') },
  // Advisors: modules S0204S and S0210S; 我的學生 for course consultants and counselors.
  { path: 'admin/consultants', ...advisorPage('ConsultantsPage') },
  { path: 'admin/counselors', ...advisorPage('CounselorsPage') },
  { path: 'advisees', ...advisorPage('AdviseesPage') },
  // 學生: 課程學習成果, 多元表現, 勾選提交 (the server answers only students).
  { path: 'student/results', ...learningResultsPage('LearningResultsPage') },
  { path: 'student/performances', ...performancesPage('PerformancesPage') },
  { path: 'student/selections', ...selectionsPage('SelectionsPage') },
  // 教師: 學習成果認證 (the server answers only subject teachers); the course page is linked from
  // the reminder mails.
  { path: 'teacher/certification', ...teacherPage('CertificationPage') },
  { path: 'teacher/certification/:courseId', ...teacherPage('CertificationPage') },
  // 提交管理: 匯出提交名冊 (S0207S, S0208S), 匯出幹部名冊 (S0218S); the server checks the same.
  { path: 'admin/rosters', ...rosterPage('SubmissionRostersPage') },
  { path: 'admin/cadre-rosters', ...rosterPage('CadreRostersPage') },
  // 學習歷程資料: 匯出 (S0601S), 匯入 (S0602S); the student's transferred items.
  { path: 'admin/transfer-export', ...transferPage('ExportTransfersPage') },
  { path: 'admin/transfer-import', ...transferPage('ImportTransfersPage') },
  { path: 'student/transferred', ...transferPage('MyTransferredItemsPage') },
  // 自主學習: 5.1 設定學科/領域認證老師 (S0301S), 5.2 設定認證順序 (S0302S), students, certifiers.
  { path: 'admin/self-directed/groups', ...selfDirectedPage('CertifierGroupsPage') },
  { path: 'admin/self-directed/order', ...selfDirectedPage('CertificationOrderPage') },
  { path: 'student/self-directed', ...selfDirectedPage('StudentSelfDirectedPage') },
  { path: 'self-directed/queue', ...selfDirectedPage('SelfDirectedQueuePage') },
  { path: 'admin/self-directed/report', ...selfDirectedPage('SelfDirectedReportPage') },
  // 最新消息管理 (platform operator, school admin) and 認識學群 (everyone; the operator corrects it).
  { path: 'admin/news', ...lazyPage(() => import('./pages/news'), 'NewsAdminPage') },
  { path: 'study-fields', ...lazyPage(() => import('./pages/fields'), 'StudyFieldsPage') },
  // Issue #23 reports: S0215S statistics, S0205S 確認單 (the student's own too).
  { path: 'admin/reports/upload-stats', ...reportPage('UploadStatsPage') },
  { path: 'admin/reports/usage-counts', ...reportPage('UsageCountsPage') },
  { path: 'admin/reports/teacher-certifications', ...reportPage('TeacherCertificationsPage') },
  { path: 'admin/reports/confirmation-sheets', ...reportPage('ConfirmationSheetPage') },
  { path: 'student/confirmation-sheet', ...reportPage('MyConfirmationSheetPage') },
  // 數據分析 (school admin).
  { path: 'admin/analysis', ...reportPage('AnalysisPage') },
  { path: 'admin/analysis/deadlines', ...reportPage('DeadlinesPage') },
  // 課程諮詢紀錄 (consultants; admin / S0204S), 課程諮詢紀錄統計, the student's own.
  { path: 'consultations', ...consultationPage('ConsultationsPage') },
  { path: 'admin/reports/consultations', ...consultationPage('ConsultationStatsPage') },
  { path: 'student/consultations', ...consultationPage('MyConsultationsPage') },
  // 收訖明細: 維護收訖明細 (S0219S; the server checks the same), the student's receipt.
  { path: 'admin/receipts', ...receiptPage('ReceiptsAdminPage') },
  { path: 'student/receipts', ...receiptPage('MyReceiptPage') },
  // 系統狀態 and the developer links (platform operator, school admins; issue #24).
  { path: 'system-status', ...lazyPage(() => import('./pages/SystemStatusPage'), 'SystemStatusPage') },
];

/** The absolute paths a route table defines (index routes take their parent's path). */
export function routePaths(routes: readonly RouteObject[], base = '/'): Set<string> {
  const paths = new Set<string>();
  const join = (path: string) =>
    path.startsWith('/') ? path : `${base.endsWith('/') ? base : `${base}/`}${path}`;
  for (const route of routes) {
    const own = route.index ? base : route.path === undefined ? base : join(route.path);
    if (route.index || (route.path !== undefined && !route.path.includes('*'))) paths.add(own);
    if (route.children) for (const path of routePaths(route.children, own)) paths.add(path);
  }
  return paths;
}

export const appRoutePaths: ReadonlySet<string> = routePaths(appRoutes);
