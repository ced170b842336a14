import { describe, expect, it } from 'vitest';
import { appRoutePaths, routePaths } from './appRoutes';
import { canAccess, canUpdateModule, menu, moduleRights, pageName, selectedMenu, visibleMenu, type MenuEntry, type MenuUser } from './navigation';
import type { ModuleCode, ModuleGrant } from './api/types';

const teacher: MenuUser = { roles: ['subject_teacher'], modules: [] };
const admin: MenuUser = { roles: ['school_admin'], modules: [] };
const operator: MenuUser = { roles: ['platform_operator'], modules: [] };
const grantee: MenuUser = {
  roles: ['homeroom_teacher'],
  modules: [{ code: 'S0203S1', name: '功能參數', can_create: false, can_update: true, can_delete: false }],
};

const allAdminPages = new Set([
  '/',
  '/admin/role-groups',
  '/admin/passwords',
  '/admin/temporary-accounts',
  '/admin/mail',
  '/admin/api-keys',
  '/admin/audit',
]);

const keys = (entries: readonly MenuEntry[]): unknown[] =>
  entries.map((entry) => (entry.children ? { [entry.key]: keys(entry.children) } : entry.key));

describe('visibleMenu', () => {
  it('shows 首頁 to everyone', () => {
    for (const user of [teacher, admin, operator, grantee]) {
      expect(keys(visibleMenu(user, allAdminPages))).toContainEqual('home');
    }
  });

  it('shows 帳號管理 and its pages to the school admin only', () => {
    expect(keys(visibleMenu(admin, allAdminPages))).toEqual([
      'home',
      { accounts: ['role-groups', 'passwords', 'temporary-accounts', 'mail', 'api-keys', 'audit'] },
    ]);
    expect(keys(visibleMenu(teacher, allAdminPages))).toEqual(['home']);
    expect(keys(visibleMenu(operator, allAdminPages))).toEqual(['home']);
  });

  it('shows only entries whose page exists, and hides a group with none', () => {
    const some = new Set(['/', '/admin/passwords', '/admin/audit']);
    expect(keys(visibleMenu(admin, some))).toEqual(['home', { accounts: ['passwords', 'audit'] }]);
    expect(keys(visibleMenu(admin, new Set(['/'])))).toEqual(['home']);
  });

  it('follows the real route table: every 帳號管理 page is built', () => {
    expect(keys(visibleMenu(admin, appRoutePaths))).toEqual([
      'home',
      'notifications',
      'consultations',
      {
        queries: [
          'report-consultations',
          'receiving-log',
          'report-uncertified',
          'report-selection-results',
          'report-selection-performances',
          'report-usage',
          'report-upload-stats',
          'report-confirmation-sheets',
          'report-usage-counts',
          'report-teacher-certifications',
        ],
      },
      { accounts: ['role-groups', 'passwords', 'temporary-accounts', 'mail', 'reminders', 'api-keys', 'audit'] },
      { system: ['parameters', 'consultants', 'co-taught', 'delegates', 'counselors', 'work-periods', 'term', 'news-admin'] },
      { 'analysis-group': ['analysis', 'deadlines'] },
      { submission: ['rosters', 'cadre-rosters'] },
      { 'portfolio-data': ['transfer-export', 'transfer-import'] },
      { 'self-directed': ['self-directed-queue', 'self-directed-groups', 'self-directed-order', 'self-directed-report'] },
      { receipts: ['receipts-admin'] },
      'system-status',
    ]);
    expect(keys(visibleMenu(teacher, appRoutePaths))).toEqual(['home', 'notifications', { teacher: ['certification'] }, { 'self-directed': ['self-directed-queue'] }]);
    // 提交管理: S0207S or S0208S for 匯出提交名冊, S0218S for 匯出幹部名冊.
    const grantOf = (code: ModuleCode): ModuleGrant => ({ code, name: code, can_create: false, can_update: false, can_delete: false });
    expect(keys(visibleMenu({ roles: ['subject_teacher'], modules: [grantOf('S0208S')] }, appRoutePaths))).toContainEqual({ submission: ['rosters'] });
    expect(keys(visibleMenu({ roles: ['subject_teacher'], modules: [grantOf('S0218S')] }, appRoutePaths))).toContainEqual({ submission: ['cadre-rosters'] });
    // 學習歷程資料 (manual 6.1, 6.2; issue #21): S0601S 匯出, S0602S 匯入.
    expect(keys(visibleMenu({ roles: ['subject_teacher'], modules: [grantOf('S0601S')] }, appRoutePaths))).toContainEqual({ 'portfolio-data': ['transfer-export'] });
    expect(keys(visibleMenu({ roles: ['subject_teacher'], modules: [grantOf('S0602S')] }, appRoutePaths))).toContainEqual({ 'portfolio-data': ['transfer-import'] });
    // 收訖明細: S0219S (Licheng's code for 維護收訖明細模組).
    expect(keys(visibleMenu({ roles: ['subject_teacher'], modules: [grantOf('S0219S')] }, appRoutePaths))).toContainEqual({ receipts: ['receipts-admin'] });
  });

  it('shows 查詢 and 系統管理 pages to staff granted their modules, not 帳號管理', () => {
    const grant = (code: ModuleCode): ModuleGrant => ({ code, name: code, can_create: false, can_update: false, can_delete: false });
    const logReader: MenuUser = { roles: ['subject_teacher'], modules: [grant('S0201S1')] };
    expect(keys(visibleMenu(logReader, appRoutePaths))).toEqual([
      'home',
      'notifications',
      { teacher: ['certification'] },
      { queries: ['receiving-log'] },
      { 'self-directed': ['self-directed-queue'] },
    ]);
    const termKeeper: MenuUser = { roles: ['homeroom_teacher'], modules: [grant('S0213S')] };
    expect(keys(visibleMenu(termKeeper, appRoutePaths))).toEqual(['home', 'notifications', { system: ['term'] }, { 'self-directed': ['self-directed-queue'] }]);
    expect(keys(visibleMenu(grantee, appRoutePaths))).toEqual(['home', 'notifications', { system: ['parameters'] }, { 'self-directed': ['self-directed-queue'] }]);
    // The platform operator: 最新消息管理 (platform news) and 認識學群 (to correct it).
    expect(keys(visibleMenu(operator, appRoutePaths))).toEqual(['home', { system: ['news-admin', 'fields-admin'] }, 'system-status']);
  });

  it('shows the 學生 group with its pages (and 我的自主學習) to students only', () => {
    const student: MenuUser = { roles: ['student'], modules: [] };
    expect(keys(visibleMenu(student, appRoutePaths))).toEqual([
      'home',
      'notifications',
      { student: ['student-results', 'student-performances', 'student-selections', 'student-transferred', 'student-confirmation', 'student-consultations', 'student-fields', 'student-receipts'] },
      { 'self-directed': ['self-directed-student'] },
    ]);
    for (const user of [teacher, admin, operator, grantee]) {
      expect(keys(visibleMenu(user, appRoutePaths))).not.toContainEqual(expect.objectContaining({ student: expect.anything() }));
    }
    expect(selectedMenu('/student/performances', visibleMenu(student, appRoutePaths))).toEqual({
      selectedKey: 'student-performances',
      openKeys: ['student'],
    });
  });

  it('canUpdateModule: the school admin, or a grant with 修改', () => {
    const grant: ModuleGrant = { code: 'S0213S', name: '設定學校學年期', can_create: false, can_update: true, can_delete: false };
    expect(canUpdateModule(admin, 'S0213S')).toBe(true);
    expect(canUpdateModule({ roles: ['subject_teacher'], modules: [grant] }, 'S0213S')).toBe(true);
    expect(canUpdateModule({ roles: ['subject_teacher'], modules: [{ ...grant, can_update: false }] }, 'S0213S')).toBe(false);
    expect(canUpdateModule(grantee, 'S0213S')).toBe(false);
  });

  it('moduleRights: 新增/修改/刪除 of a grant; all of them for the school admin', () => {
    expect(moduleRights(admin, 'S0203S')).toEqual({ create: true, update: true, delete: true });
    expect(moduleRights(grantee, 'S0203S1')).toEqual({ create: false, update: true, delete: false });
    expect(moduleRights(grantee, 'S0203S')).toEqual({ create: false, update: false, delete: false });
  });

  it('lets a module grant through, and the school admin through every module', () => {
    const entries: MenuEntry[] = [
      { key: 'params', path: '/settings/params', label: '功能參數', en: 'Parameters', access: { modules: ['S0203S1'] } },
      { key: 'periods', path: '/settings/periods', label: '作業期程', en: 'Periods', access: { modules: ['S0203S'] } },
    ];
    const pages = new Set(['/settings/params', '/settings/periods']);
    expect(keys(visibleMenu(grantee, pages, entries))).toEqual(['params']);
    expect(keys(visibleMenu(admin, pages, entries))).toEqual(['params', 'periods']);
    expect(keys(visibleMenu(teacher, pages, entries))).toEqual([]);
  });

  it('canAccess: no rule means everyone; roles or modules otherwise', () => {
    expect(canAccess(teacher, undefined)).toBe(true);
    expect(canAccess(teacher, { roles: ['school_admin'] })).toBe(false);
    expect(canAccess(teacher, { roles: ['school_admin', 'subject_teacher'] })).toBe(true);
    expect(canAccess(teacher, {})).toBe(false);
  });

  it('canAccess: exceptRoles hides an entry from those roles, whatever else they hold', () => {
    expect(canAccess(teacher, { exceptRoles: ['platform_operator'] })).toBe(true);
    expect(canAccess(operator, { exceptRoles: ['platform_operator'] })).toBe(false);
    expect(canAccess(admin, { roles: ['school_admin'], exceptRoles: ['school_admin'] })).toBe(false);
    expect(canAccess(teacher, { roles: ['school_admin'], exceptRoles: ['student'] })).toBe(false);
  });

  it('shows 教師 › 學習成果認證 to subject teachers only, and 通知 to everyone but the platform operator', () => {
    const homeroom: MenuUser = { roles: ['homeroom_teacher'], modules: [] };
    const student: MenuUser = { roles: ['student'], modules: [] };
    const hasTeacher = (user: MenuUser) =>
      keys(visibleMenu(user, appRoutePaths)).some((entry) => typeof entry === 'object' && entry !== null && 'teacher' in entry);
    expect(hasTeacher(teacher)).toBe(true);
    for (const user of [homeroom, student, admin, operator]) expect(hasTeacher(user)).toBe(false);
    for (const user of [teacher, homeroom, student, admin, grantee]) {
      expect(keys(visibleMenu(user, appRoutePaths))).toContain('notifications');
    }
    expect(keys(visibleMenu(operator, appRoutePaths))).not.toContain('notifications');
    // A course's page (deep link from the reminder mails) keeps the entry highlighted.
    expect(selectedMenu('/teacher/certification/12', visibleMenu(teacher, appRoutePaths))).toEqual({
      selectedKey: 'certification',
      openKeys: ['teacher'],
    });
  });

  it('shows each 查詢 report to staff granted its module (and all of them to the school admin)', () => {
    const grant = (code: ModuleCode): ModuleGrant => ({ code, name: code, can_create: false, can_update: false, can_delete: false });
    const queriesOf = (user: MenuUser) => {
      const group = visibleMenu(user, appRoutePaths).find((entry) => entry.key === 'queries');
      return group?.children?.map((entry) => entry.key) ?? [];
    };
    expect(queriesOf({ roles: ['homeroom_teacher'], modules: [grant('S0216S')] })).toEqual(['report-uncertified']);
    expect(queriesOf({ roles: ['homeroom_teacher'], modules: [grant('S0205S'), grant('S0206S')] })).toEqual([
      'report-selection-results',
      'report-selection-performances',
      'report-confirmation-sheets',
    ]);
    expect(queriesOf({ roles: ['homeroom_teacher'], modules: [grant('S0215S')] })).toEqual([
      'report-usage',
      'report-upload-stats',
      'report-usage-counts',
      'report-teacher-certifications',
    ]);
    // 課程諮詢紀錄統計 goes with 設定課程諮詢教師 (S0204S); the records to consultants as well.
    expect(queriesOf({ roles: ['homeroom_teacher'], modules: [grant('S0204S')] })).toEqual(['report-consultations']);
    expect(keys(visibleMenu({ roles: ['course_consultant'], modules: [] }, appRoutePaths))).toContain('consultations');
    expect(queriesOf(teacher)).toEqual([]);
    expect(queriesOf(admin)).toHaveLength(10);
  });
});

describe('selectedMenu', () => {
  const entries = visibleMenu(admin, allAdminPages);

  it('highlights the longest matching entry and opens its group', () => {
    expect(selectedMenu('/admin/passwords', entries)).toEqual({
      selectedKey: 'passwords',
      openKeys: ['accounts'],
    });
    expect(selectedMenu('/admin/passwords/12', entries).selectedKey).toBe('passwords');
    expect(selectedMenu('/', entries)).toEqual({ selectedKey: 'home', openKeys: [] });
    expect(selectedMenu('/elsewhere', entries)).toEqual({ openKeys: [] });
  });
});

describe('routePaths', () => {
  it('lists absolute paths, index routes as their parent, without splats', () => {
    expect(
      routePaths([
        { index: true },
        { path: 'admin', children: [{ index: true }, { path: 'mail' }] },
        { path: '*' },
      ]),
    ).toEqual(new Set(['/', '/admin', '/admin/mail']));
    expect(appRoutePaths.has('/')).toBe(true);
    expect(appRoutePaths.has('/change-password')).toBe(true);
  });
});

describe('menu labels', () => {
  it('every entry has an English label without CJK characters', () => {
    const all = (entries: readonly MenuEntry[]): MenuEntry[] =>
      entries.flatMap((entry) => [entry, ...all(entry.children ?? [])]);
    for (const entry of all(menu)) {
      expect(entry.en, entry.key).toBeTruthy();
      expect(entry.en, entry.key).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('pageName', () => {
  const entries = visibleMenu(admin, appRoutePaths);

  it('names a page by its menu entry, in both languages, also below it', () => {
    const groups = { label: '角色權限', en: 'Roles & permissions' };
    expect(pageName('/admin/role-groups', entries)).toEqual(groups);
    expect(pageName('/admin/role-groups/12', entries)).toEqual(groups);
    expect(pageName('/', entries)).toEqual({ label: '首頁', en: 'Home' });
  });

  it('names the account pages and nothing else', () => {
    expect(pageName('/change-password', entries)).toEqual({ label: '變更密碼', en: 'Change password' });
    expect(pageName('/account/email', entries)).toEqual({ label: '電子郵件設定', en: 'Email settings' });
    expect(pageName('/no/such/page', [])).toBeUndefined();
  });
});
