import {
  AuditOutlined,
  BarChartOutlined,
  BellOutlined,
  BookOutlined,
  HomeOutlined,
  SearchOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  CloudUploadOutlined,
  SwapOutlined,
  ExperimentOutlined,
  FileDoneOutlined,
  DashboardOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Me, ModuleCode, Role } from './api/types';

/**
 * Who may see a menu entry: any of `roles`, or any of the function `modules` (module codes such
 * as `S0203S1`; the school admin holds every module, as on the server). No `access`: everyone
 * signed in.
 */
export interface MenuAccess {
  roles?: readonly Role[];
  modules?: readonly ModuleCode[];
  /** Hidden from these roles whatever else they hold (e.g. 通知 from the platform operator, who has no inbox). */
  exceptRoles?: readonly Role[];
}

/** One entry of the main (side) menu: a page (`path`) or a group of entries (`children`). */
export interface MenuEntry {
  key: string;
  /** The zh-TW label. */
  label: string;
  /** The English label (shown when the UI is in English). */
  en: string;
  icon?: ReactNode;
  path?: string;
  access?: MenuAccess;
  children?: readonly MenuEntry[];
}

/**
 * The whole menu. An entry shows only when the user may see it AND its page exists in the route
 * table (`src/appRoutes.tsx`), so adding a route is what makes its entry appear; a group shows
 * when at least one child does.
 */
export const menu: readonly MenuEntry[] = [
  { key: 'home', path: '/', label: '首頁', en: 'Home', icon: <HomeOutlined /> },
  {
    key: 'notifications',
    path: '/notifications',
    label: '通知', en: 'Notifications',
    icon: <BellOutlined />,
    access: { exceptRoles: ['platform_operator'] },
  },
  {
    key: 'student',
    label: '學生', en: 'Student',
    icon: <BookOutlined />,
    access: { roles: ['student'] },
    children: [
      { key: 'student-results', path: '/student/results', label: '課程學習成果', en: 'Course learning results' },
      { key: 'student-performances', path: '/student/performances', label: '多元表現', en: 'Diverse performances' },
      { key: 'student-selections', path: '/student/selections', label: '勾選提交', en: 'Selection & submission' },
      { key: 'student-transferred', path: '/student/transferred', label: '轉入的學習歷程', en: 'Transferred portfolio' },
      { key: 'student-confirmation', path: '/student/confirmation-sheet', label: '上傳及勾選情形確認單', en: 'My confirmation sheet' },
      { key: 'student-consultations', path: '/student/consultations', label: '課程諮詢紀錄', en: 'My consultation records' },
      { key: 'student-fields', path: '/study-fields', label: '認識學群', en: 'Fields of study' },
      { key: 'student-receipts', path: '/student/receipts', label: '收訖明細', en: 'Receipt' },
    ],
  },
  {
    key: 'teacher',
    label: '教師', en: 'Teacher',
    icon: <AuditOutlined />,
    access: { roles: ['subject_teacher'] },
    children: [{ key: 'certification', path: '/teacher/certification', label: '學習成果認證', en: 'Certify learning results' }],
  },
  {
    key: 'advisees',
    path: '/advisees',
    label: '我的學生', en: 'My students',
    icon: <SolutionOutlined />,
    access: { roles: ['course_consultant', 'counselor'] },
  },
  {
    key: 'consultations',
    path: '/consultations',
    label: '課程諮詢紀錄', en: 'Consultation records',
    icon: <SolutionOutlined />,
    access: { roles: ['course_consultant'], modules: ['S0204S'] },
  },
  {
    key: 'queries',
    label: '查詢', en: 'Queries',
    icon: <SearchOutlined />,
    children: [
      {
        key: 'report-consultations',
        path: '/admin/reports/consultations',
        label: '課程諮詢紀錄統計', en: 'Consultation statistics',
        access: { modules: ['S0204S'] },
      },
      {
        key: 'receiving-log',
        path: '/admin/receiving-log',
        label: '學校查詢接收紀錄', en: 'School receiving log',
        access: { modules: ['S0201S1'] },
      },
      {
        key: 'report-uncertified',
        path: '/admin/reports/uncertified',
        label: '未認證教師狀況表', en: 'Uncertified teachers',
        access: { modules: ['S0216S'] },
      },
      {
        key: 'report-selection-results',
        path: '/admin/reports/selection-results',
        label: '查詢學生學習成果勾選情形', en: "Students' learning result selections",
        access: { modules: ['S0205S'] },
      },
      {
        key: 'report-selection-performances',
        path: '/admin/reports/selection-performances',
        label: '查詢學生多元表現勾選情形', en: "Students' performance selections",
        access: { modules: ['S0206S'] },
      },
      {
        key: 'report-usage',
        path: '/admin/reports/usage',
        label: '學習成果使用統計', en: 'Learning result usage',
        access: { modules: ['S0215S'] },
      },
      {
        key: 'report-upload-stats',
        path: '/admin/reports/upload-stats',
        label: '學習成果上傳統計', en: 'Learning result uploads',
        access: { modules: ['S0215S'] },
      },
      {
        key: 'report-confirmation-sheets',
        path: '/admin/reports/confirmation-sheets',
        label: '學生上傳及勾選情形確認單', en: 'Upload and selection confirmation sheets',
        access: { modules: ['S0205S'] },
      },
      {
        key: 'report-usage-counts',
        path: '/admin/reports/usage-counts',
        label: '學習成果使用人數統計表', en: 'Students using learning results',
        access: { modules: ['S0215S'] },
      },
      {
        key: 'report-teacher-certifications',
        path: '/admin/reports/teacher-certifications',
        label: '教師學習成果認證統計表', en: 'Teachers’ certification statistics',
        access: { modules: ['S0215S'] },
      },
    ],
  },
  {
    key: 'accounts',
    label: '帳號管理', en: 'Accounts',
    icon: <TeamOutlined />,
    access: { roles: ['school_admin'] },
    children: [
      { key: 'role-groups', path: '/admin/role-groups', label: '角色權限', en: 'Roles & permissions' },
      { key: 'passwords', path: '/admin/passwords', label: '重設密碼', en: 'Reset passwords' },
      { key: 'temporary-accounts', path: '/admin/temporary-accounts', label: '轉學生臨時帳號', en: "Transfer students' temporary accounts" },
      { key: 'mail', path: '/admin/mail', label: '郵件伺服器', en: 'Mail server' },
      { key: 'reminders', path: '/admin/reminders', label: '提醒信紀錄', en: 'Reminder emails' },
      { key: 'api-keys', path: '/admin/api-keys', label: 'API 金鑰', en: 'API keys' },
      { key: 'audit', path: '/admin/audit', label: '稽核紀錄', en: 'Audit log' },
    ],
  },
  {
    key: 'system',
    label: '系統管理', en: 'System',
    icon: <SettingOutlined />,
    children: [
      { key: 'parameters', path: '/admin/parameters', label: '設定功能參數', en: 'Feature parameters', access: { modules: ['S0203S1'] } },
      { key: 'consultants', path: '/admin/consultants', label: '設定課程諮詢教師', en: 'Course consultants', access: { modules: ['S0204S'] } },
      { key: 'co-taught', path: '/admin/co-taught', label: '合開課程設定審核老師', en: 'Co-taught course reviewers', access: { modules: ['S0209S'] } },
      { key: 'delegates', path: '/admin/delegates', label: '代理認證教師', en: 'Delegate certifiers', access: { roles: ['school_admin'] } },
      { key: 'counselors', path: '/admin/counselors', label: '設定輔導老師/科主任', en: 'Counselors / department heads', access: { modules: ['S0210S'] } },
      { key: 'work-periods', path: '/admin/work-periods', label: '設定學校作業時間', en: 'School work periods', access: { modules: ['S0203S'] } },
      { key: 'term', path: '/admin/term', label: '設定學校學年期', en: 'School term', access: { modules: ['S0213S'] } },
      { key: 'news-admin', path: '/admin/news', label: '最新消息管理', en: 'Manage news', access: { roles: ['school_admin', 'platform_operator'] } },
      { key: 'fields-admin', path: '/study-fields', label: '認識學群', en: 'Fields of study', access: { roles: ['platform_operator'] } },
    ],
  },
  {
    key: 'analysis-group',
    label: '數據分析', en: 'Data analysis',
    icon: <BarChartOutlined />,
    access: { roles: ['school_admin'] },
    children: [
      { key: 'analysis', path: '/admin/analysis', label: '數據分析模組', en: 'Data analysis' },
      { key: 'deadlines', path: '/admin/analysis/deadlines', label: '作業期限檢視', en: 'Deadline view' },
    ],
  },
  {
    key: 'submission',
    label: '提交管理', en: 'Submission',
    icon: <CloudUploadOutlined />,
    children: [
      { key: 'rosters', path: '/admin/rosters', label: '匯出提交名冊', en: 'Export submission rosters', access: { modules: ['S0207S', 'S0208S'] } },
      { key: 'cadre-rosters', path: '/admin/cadre-rosters', label: '匯出幹部名冊', en: 'Export cadre rosters', access: { modules: ['S0218S'] } },
    ],
  },
  {
    key: 'portfolio-data',
    label: '學習歷程資料', en: 'Portfolio data',
    icon: <SwapOutlined />,
    children: [
      { key: 'transfer-export', path: '/admin/transfer-export', label: '匯出學生學習歷程資料', en: 'Export student portfolios', access: { modules: ['S0601S'] } },
      { key: 'transfer-import', path: '/admin/transfer-import', label: '匯入學生學習歷程資料', en: 'Import student portfolios', access: { modules: ['S0602S'] } },
    ],
  },
  {
    key: 'self-directed',
    label: '自主學習', en: 'Self-directed learning',
    icon: <ExperimentOutlined />,
    children: [
      { key: 'self-directed-student', path: '/student/self-directed', label: '我的自主學習', en: 'My self-directed learning', access: { roles: ['student'] } },
      {
        key: 'self-directed-queue',
        path: '/self-directed/queue',
        label: '自主學習認證', en: 'Certify self-directed learning',
        access: { roles: ['subject_teacher', 'homeroom_teacher', 'course_consultant', 'counselor', 'school_admin'] },
      },
      { key: 'self-directed-groups', path: '/admin/self-directed/groups', label: '設定學科/領域認證老師', en: 'Subject/domain certifiers', access: { modules: ['S0301S'] } },
      { key: 'self-directed-order', path: '/admin/self-directed/order', label: '設定認證順序', en: 'Certification order', access: { modules: ['S0302S'] } },
      { key: 'self-directed-report', path: '/admin/self-directed/report', label: '自主學習認證統計', en: 'Self-directed learning report', access: { modules: ['S0302S'] } },
    ],
  },
  {
    key: 'receipts',
    label: '收訖明細', en: 'Receipts',
    icon: <FileDoneOutlined />,
    children: [
      { key: 'receipts-admin', path: '/admin/receipts', label: '維護收訖明細', en: 'Receipts', access: { modules: ['S0219S'] } },
    ],
  },
  // Issue #24: system status and developer links on their own page, for the operator and admins.
  { key: 'system-status', path: '/system-status', label: '系統狀態', en: 'System status', icon: <DashboardOutlined />, access: { roles: ['school_admin', 'platform_operator'] } },
];

/** What `visibleMenu` needs to know about the user (a subset of `GET /api/v1/me`). */
export type MenuUser = Pick<Me, 'roles' | 'modules'>;

/** Whether `user` meets `access` (no access rule: everyone). */
export function canAccess(user: MenuUser, access: MenuAccess | undefined): boolean {
  if (!access) return true;
  if (access.exceptRoles?.some((role) => user.roles.includes(role))) return false;
  // Only exclusions: everyone else.
  if (access.roles === undefined && access.modules === undefined && access.exceptRoles !== undefined) return true;
  if (access.roles?.some((role) => user.roles.includes(role))) return true;
  if (access.modules && access.modules.length > 0) {
    if (user.roles.includes('school_admin')) return true;
    return access.modules.some((code) => user.modules.some((module) => module.code === code));
  }
  return false;
}

/** What `user` may do in module `code` besides viewing: 新增, 修改, 刪除. */
export interface ModuleRights {
  create: boolean;
  update: boolean;
  delete: boolean;
}

/** The user's rights in module `code` (the school admin has them all, in every module). */
export function moduleRights(user: MenuUser, code: string): ModuleRights {
  if (user.roles.includes('school_admin')) return { create: true, update: true, delete: true };
  const grants = user.modules.filter((module) => module.code === code);
  return {
    create: grants.some((module) => module.can_create),
    update: grants.some((module) => module.can_update),
    delete: grants.some((module) => module.can_delete),
  };
}

/** Whether `user` may change data of module `code` (the school admin may, in every module). */
export function canUpdateModule(user: MenuUser, code: string): boolean {
  return moduleRights(user, code).update;
}

/**
 * The menu this user sees: entries they may access whose page exists (`routePaths`: the app's
 * absolute route paths), groups with at least one visible child. Pure, for tests.
 */
export function visibleMenu(
  user: MenuUser,
  routePaths: ReadonlySet<string>,
  entries: readonly MenuEntry[] = menu,
): MenuEntry[] {
  const result: MenuEntry[] = [];
  for (const entry of entries) {
    if (!canAccess(user, entry.access)) continue;
    if (entry.children) {
      const children = visibleMenu(user, routePaths, entry.children);
      if (children.length > 0) result.push({ ...entry, children });
    } else if (entry.path !== undefined && routePaths.has(entry.path)) {
      result.push(entry);
    }
  }
  return result;
}

function flatten(entries: readonly MenuEntry[], parents: string[] = []): { entry: MenuEntry; parents: string[] }[] {
  return entries.flatMap((entry) => [
    { entry, parents },
    ...flatten(entry.children ?? [], [...parents, entry.key]),
  ]);
}

/** The entry to highlight for a location (longest matching path) and the groups to open. */
export function selectedMenu(
  pathname: string,
  entries: readonly MenuEntry[],
): { selectedKey?: string; openKeys: string[] } {
  const best = flatten(entries)
    .filter(({ entry }) => {
      const path = entry.path;
      if (path === undefined) return false;
      return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
    })
    .sort((a, b) => (b.entry.path?.length ?? 0) - (a.entry.path?.length ?? 0))[0];
  return best ? { selectedKey: best.entry.key, openKeys: best.parents } : { openKeys: [] };
}

/** Pages reached from the account menu rather than the side menu. */
const ACCOUNT_PAGES: readonly { path: string; label: string; en: string }[] = [
  { path: '/change-password', label: '變更密碼', en: 'Change password' },
  { path: '/account/email', label: '電子郵件設定', en: 'Email settings' },
];

/**
 * What the page at `pathname` is called (WCAG 2.4.2 and 2.4.6: the browser tab's title and the
 * page's heading name it): the side-menu entry it belongs to (longest matching path) or an
 * account page; undefined for anything else (the app's name stands for it).
 */
export function pageName(pathname: string, entries: readonly MenuEntry[]): { label: string; en: string } | undefined {
  const account = ACCOUNT_PAGES.find((page) => page.path === pathname);
  if (account) return { label: account.label, en: account.en };
  const { selectedKey } = selectedMenu(pathname, entries);
  const entry = flatten(entries).find(({ entry }) => entry.key === selectedKey)?.entry;
  return entry && { label: entry.label, en: entry.en };
}

/** Links that leave the SPA (served by the backend, not by the router); kept in `appInfo.ts`. */
export { externalLinks } from './appInfo';
