// 7. Every main screen of each role, audited: axe-core (WCAG 2.0/2.1 A and AA) in zh-TW, then
// the same screens in English with no Chinese left in the page's own texts (data aside).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { named, see, settle, shot, signIn } from '../lib.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG levels checked: 2.0 and 2.1, A and AA. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Findings left out on purpose, each with why: `rule` (axe rule id) on elements matching
 * `selector`. Keep this list short and narrow; fix the page instead where our code can.
 */
const AXE_EXCLUDED = [];

/**
 * The screens of each role (routes of src/appRoutes.tsx): `path` is reached through the side menu
 * (or, `account: true`, the header's account menu), as a user would, without reloading the app;
 * `open` (instead) gets there its own way.
 */
export const ROLES = {
  student: {
    // Read-only here; scenarios 1 and 3 give it a submitted and a selected result first.
    account: '999999_114001',
    screens: [
      { name: 'home', path: '/' },
      { name: 'results', path: '/student/results' },
      { name: 'performances', path: '/student/performances' },
      { name: 'selections', path: '/student/selections' },
      { name: 'transferred', path: '/student/transferred' },
      { name: 'confirmation-sheet', path: '/student/confirmation-sheet' },
      { name: 'consultations', path: '/student/consultations' },
      { name: 'study-fields', path: '/study-fields' },
      { name: 'receipts', path: '/student/receipts' },
      { name: 'self-directed', path: '/student/self-directed' },
      { name: 'notifications', path: '/notifications' },
    ],
  },
  teacher: {
    // Read-only here; scenario 2 certifies a result of its 國語文 course of class 201 first.
    account: '999999_T001',
    screens: [
      { name: 'home', path: '/' },
      { name: 'certification', path: '/teacher/certification' },
      {
        name: 'course-results',
        async open(page) {
          await byMenu(page, '/teacher/certification');
          await ready(page, '/teacher/certification');
          const course = page.locator('main a[href^="/teacher/certification/"]').first();
          await see(course, 'a course of the certification overview');
          await course.click();
          await page.waitForURL(/\/teacher\/certification\/\d+/);
          // The course view itself, with the pointer off the link just clicked (its hover colour
          // is not the page's).
          await see(page.getByRole('link', { name: /返回課程列表|Back to courses/ }), 'the course view');
          await page.mouse.move(0, 0);
        },
      },
      { name: 'self-directed-queue', path: '/self-directed/queue' },
      { name: 'notifications', path: '/notifications' },
    ],
  },
  // The school admin's screens in three parts, audited side by side: 帳號管理 and the account
  // menu; 查詢, 系統管理 and 提交管理; the issue-#23 reports, consultations and news.
  admin: {
    account: 'admin',
    screens: [
      { name: 'home', path: '/' },
      { name: 'role-groups', path: '/admin/role-groups' },
      { name: 'passwords', path: '/admin/passwords' },
      { name: 'temporary-accounts', path: '/admin/temporary-accounts' },
      { name: 'mail', path: '/admin/mail' },
      { name: 'reminders', path: '/admin/reminders' },
      { name: 'api-keys', path: '/admin/api-keys' },
      { name: 'audit', path: '/admin/audit' },
      { name: 'change-password', path: '/change-password', account: true },
      { name: 'account-email', path: '/account/email', account: true },
      { name: 'system-status', path: '/system-status' },
    ],
  },
  'admin-school': {
    account: 'admin',
    screens: [
      { name: 'receiving-log', path: '/admin/receiving-log' },
      { name: 'report-uncertified', path: '/admin/reports/uncertified' },
      { name: 'report-selection-results', path: '/admin/reports/selection-results' },
      { name: 'report-selection-performances', path: '/admin/reports/selection-performances' },
      { name: 'report-usage', path: '/admin/reports/usage' },
      { name: 'parameters', path: '/admin/parameters' },
      { name: 'consultants', path: '/admin/consultants' },
      { name: 'co-taught', path: '/admin/co-taught' },
      { name: 'counselors', path: '/admin/counselors' },
      { name: 'work-periods', path: '/admin/work-periods' },
      { name: 'term', path: '/admin/term' },
      { name: 'rosters', path: '/admin/rosters' },
      { name: 'cadre-rosters', path: '/admin/cadre-rosters' },
      { name: 'transfer-export', path: '/admin/transfer-export' },
      { name: 'transfer-import', path: '/admin/transfer-import' },
    ],
  },
  // The issue-#23 screens of the school admin: the statistics, 確認單, consultations and news.
  'admin-reports': {
    account: 'admin',
    screens: [
      { name: 'report-upload-stats', path: '/admin/reports/upload-stats' },
      { name: 'report-confirmation-sheets', path: '/admin/reports/confirmation-sheets' },
      { name: 'report-usage-counts', path: '/admin/reports/usage-counts' },
      { name: 'report-teacher-certifications', path: '/admin/reports/teacher-certifications' },
      { name: 'report-consultations', path: '/admin/reports/consultations' },
      { name: 'consultations', path: '/consultations' },
      { name: 'news-admin', path: '/admin/news' },
      { name: 'analysis', path: '/admin/analysis' },
      { name: 'analysis-deadlines', path: '/admin/analysis/deadlines' },
      { name: 'receipts', path: '/admin/receipts' },
      { name: 'self-directed-groups', path: '/admin/self-directed/groups' },
      { name: 'self-directed-order', path: '/admin/self-directed/order' },
      { name: 'self-directed-report', path: '/admin/self-directed/report' },
    ],
  },
};

/**
 * Names from the demo data (`licheng serve --demo`, api/src/demo.rs) and from the other scenarios
 * that the page's own texts mention (「Reset password of …」, 「View 吳承恩's …」): they stay Chinese
 * in English, and are taken out before looking for Chinese.
 */
const DATA = [
  '示範高級中學', '示範校管理者',
  '王大明', '李美玲', '陳志強', '林淑芬', '黃建國',
  '林小華', '張家豪', '黃詩涵', '吳承恩', '蔡依林', '劉德華', '周杰倫', '鄧紫棋',
  '一年一班', '二年一班', '三年一班', '普通科', '學生會', '班長', '活動長',
  '國語文', '英語文', '數學', '自然科學探究與實作',
  '閱讀心得報告', '手機上傳', '端對端測試群組', '端對端測試建立', '選課公告',
  // Scenario 9 (self-directed learning): its subject group and plan theme.
  '彈性學習', '校園植物觀察',
];

/** In-flight requests of the page (documents, scripts, fetches), for `ready`. */
function trackRequests(page) {
  const open = new Set();
  page.on('request', (request) => open.add(request));
  page.on('requestfinished', (request) => open.delete(request));
  page.on('requestfailed', (request) => open.delete(request));
  page.openRequests = open;
}

/**
 * Waits until the screen has loaded: a page card or heading in <main>, no request under way for a
 * moment, no spinner or skeleton, no animation running.
 */
async function ready(page, what) {
  await see(page.locator('main').locator('.ant-card, h1, h2, h3, h4, .ant-result').first(), `the content of ${what}`);
  const until = Date.now() + 10_000;
  let quiet = 0;
  while (quiet < 3) {
    if (Date.now() > until) throw new Error(`${what} did not finish loading within 10 s`);
    const busy =
      page.openRequests.size > 0 ||
      (await page.evaluate(
        () =>
          document.querySelector('.ant-spin-spinning, .ant-skeleton-active, .ant-btn-loading') !== null ||
          document.getAnimations().some((a) => a.playState === 'running' && Number.isFinite(a.effect?.getTiming?.().iterations)),
      ));
    quiet = busy ? 0 : quiet + 1;
    await page.waitForTimeout(100);
  }
}

/** Opens every group of the side menu (they stay open from page to page). */
async function openMenuGroups(page) {
  const menu = page.locator('aside .ant-menu-root');
  await see(menu, 'the side menu');
  const closed = '.ant-menu-submenu:not(.ant-menu-submenu-open)';
  for (let n = await menu.locator(closed).count(); n > 0; n -= 1) {
    await menu.locator(`${closed} > .ant-menu-submenu-title`).first().click();
    await page.waitForFunction(([selector, left]) => document.querySelectorAll(selector).length < left, [`aside ${closed}`, n]);
  }
}

/** Follows the side menu's link to `path` (or the account menu's, `account`). */
async function byMenu(page, path, { account = false } = {}) {
  if (account) {
    await page.getByTestId('header-user').click();
    const link = page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').locator(`a[href="${path}"]`);
    await see(link, `${path} in the account menu`);
    await settle(link);
    await link.click();
  } else {
    const link = page.locator('aside .ant-menu-root').locator(`a[href="${path}"]`);
    // (Its group may have been closed meanwhile: then open the groups again.)
    if (!(await link.isVisible())) await openMenuGroups(page);
    await see(link, `${path} in the side menu`);
    await link.click();
  }
  await page.waitForURL((url) => url.pathname === path);
}

async function openScreen(page, screen) {
  if (screen.open) await screen.open(page);
  else await byMenu(page, screen.path, { account: screen.account });
  await ready(page, screen.path ?? screen.name);
}

/** axe-core's WCAG A/AA violations on the page, one line per element: `route  rule (impact)  target`. */
async function axeViolations(page, route) {
  // Evaluated by the browser's debugging protocol, which the page's CSP (no inline scripts) does
  // not govern — a <script> tag with axe's source would be refused, as any injected script is.
  await page.evaluate((source) => {
    if (!window.axe) (0, eval)(source);
  }, axeSource);
  const violations = await page.evaluate(
    async ({ tags, excluded }) => {
      const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.flatMap((violation) =>
        violation.nodes
          .filter(
            (node) =>
              !excluded.some(
                ({ rule, selector }) => rule === violation.id && document.querySelector(String(node.target.at(-1)))?.matches(selector),
              ),
          )
          .map((node) => ({
            rule: violation.id,
            impact: node.impact ?? violation.impact,
            target: node.target.map(String).join(' >> '),
            summary: node.failureSummary?.split('\n').slice(1).join(' ').trim(),
            html: node.html.slice(0, 160),
          })),
      );
    },
    { tags: AXE_TAGS, excluded: AXE_EXCLUDED },
  );
  return violations.map((v) => `${route}  ${v.rule} (${v.impact})  ${v.target}\n      ${v.summary}\n      ${v.html}`);
}

/**
 * WCAG 2.4.2 / 2.4.6, which axe cannot judge: the page has one level-1 heading naming it, and the
 * browser tab's title starts with that name (`角色權限 - …`), not only the app's.
 */
async function namingProblems(page, route) {
  const { title, headings } = await page.evaluate(() => ({
    title: document.title,
    headings: [...document.querySelectorAll('h1')].map((h) => h.textContent?.trim() ?? ''),
  }));
  if (headings.length !== 1) return [`${route}  page heading: ${headings.length} <h1> elements (${headings.join(' | ')}), want 1`];
  if (!headings[0] || !title.startsWith(`${headings[0]} - `)) return [`${route}  page title "${title}" does not start with its heading "${headings[0]}"`];
  return [];
}

/**
 * The page's own texts (UI chrome) still in Chinese: headings, card titles, table headers, form
 * labels, buttons, menu items, tabs, empty states, alerts, intros, tags, placeholders and
 * aria-labels / titles. Table body cells, a select's chosen value, the header's school and user,
 * and the language switch are data or bilingual on purpose; demo data names are taken out of
 * what remains.
 */
async function chineseChrome(page, route) {
  const found = await page.evaluate(() => {
    const CJK = /[\u3400-\u9fff]/;
    const chrome = [
      'h1', 'h2', 'h3', 'h4', 'h5', 'h6', '[role="heading"]', '.ant-card-head', 'th', 'label', '.ant-form-item-label',
      '.ant-form-item-extra', '.ant-form-item-explain', 'button', '[role="button"]', '.ant-menu-title-content',
      '[role="menuitem"]', '[role="tab"]', '.ant-empty-description', '.ant-alert', '.ant-typography', '.ant-tag',
      '.ant-select-selection-placeholder', '.ant-pagination', '.ant-descriptions-item-label', '.ant-result', '.ant-statistic-title',
      '.ant-steps-item-title', '.ant-radio-wrapper', '.ant-checkbox-wrapper', '.ant-segmented', 'footer', 'header',
    ].join(',');
    // (The language switch is named in both languages on purpose: 「語言 Language: 中文」.)
    const dataRoots = [
      'td', '[data-testid="header-school"]', '[data-testid="header-user"]', '[data-testid="language-switch"]', '[lang]:not(html)',
      '.ant-select-selection-item',
    ].join(',');
    const otherDataRoots = dataRoots.replace(/^td,/, '');
    const out = [];
    const add = (text, where) => {
      if (text && CJK.test(text)) out.push(`${where}: ${text.replace(/\s+/g, ' ').trim().slice(0, 120)}`);
    };
    /** The element's text without the parts inside data roots. */
    const ownText = (el) => {
      const clone = el.cloneNode(true);
      clone.querySelectorAll(dataRoots).forEach((node) => node.remove());
      return clone.textContent;
    };
    const visible = (el) => el.checkVisibility?.() ?? true;
    for (const el of document.body.querySelectorAll(chrome)) {
      if (!visible(el) || el.closest(dataRoots)) continue;
      // Only the innermost chrome element reports a text (a card's title is not reported again by its card).
      if ([...el.querySelectorAll(chrome)].some((inner) => visible(inner) && !inner.closest(dataRoots) && CJK.test(ownText(inner)))) continue;
      add(ownText(el), el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? `.${el.className.split(/\s+/)[0]}` : ''));
    }
    for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], [alt]')) {
      if (!visible(el) || el.closest(dataRoots)) continue;
      for (const name of ['placeholder', 'aria-label', 'title', 'alt']) add(el.getAttribute(name), `${el.tagName.toLowerCase()}[${name}]`);
    }
    // In table cells, the controls and tags are the page's own (「修改」, 「認證中」), and so are
    // their names, apart from the data they mention (taken out below).
    for (const el of document.body.querySelectorAll('td button, td [role="switch"], td .ant-tag, td [aria-label]')) {
      if (!visible(el) || el.closest(otherDataRoots)) continue;
      if (el.matches('button, .ant-tag')) add(el.textContent, `td ${el.tagName.toLowerCase()}`);
      add(el.getAttribute('aria-label'), `td ${el.tagName.toLowerCase()}[aria-label]`);
    }
    return out;
  });
  const data = new RegExp(DATA.join('|'), 'g');
  return [...new Set(found)]
    .filter((line) => /[\u3400-\u9fff]/.test(line.slice(line.indexOf(': ') + 2).replace(data, '')))
    .map((line) => `${route}  ${line}`);
}

/** Switches the UI to English with the header's 語言 Language button (remembered for the next pages). */
async function toEnglish(page) {
  await page.getByRole('button', { name: /^語言 Language: English/ }).click();
  await see(page.getByRole('menu', { name: 'Main menu' }), 'the menu in English');
  assert.equal(await page.evaluate(() => localStorage.getItem('licheng.lang')), 'en');
}

/**
 * Signs in as `role`'s account, audits each screen with axe-core (zh-TW), then switches to English
 * and checks each screen for Chinese left in its own texts. Fails listing every finding.
 */
export async function auditRole(page, role) {
  const { account, screens } = ROLES[role];
  trackRequests(page);
  const problems = [];

  if (role === 'student') {
    // The sign-in page, once.
    await page.goto('/login');
    await see(page.getByRole('button', { name: named('登入') }), 'the sign-in page');
    problems.push(...(await axeViolations(page, '/login')));
    await shot(page, '7-audit-login');
  }
  await signIn(page, account);
  await ready(page, 'the first page');

  for (const screen of screens) {
    await openScreen(page, screen);
    const route = new URL(page.url()).pathname;
    problems.push(...(await axeViolations(page, route)), ...(await namingProblems(page, route)));
    await shot(page, `7-audit-${role}-${screen.name}`);
  }

  await toEnglish(page);
  const untranslated = [];
  for (const screen of screens) {
    await openScreen(page, screen);
    const route = new URL(page.url()).pathname;
    untranslated.push(...(await chineseChrome(page, route)));
    await shot(page, `7-audit-${role}-${screen.name}-en`);
  }

  const report = [
    problems.length > 0 && `accessibility: axe-core (${AXE_TAGS.join(', ')}) and page names found ${problems.length}:\n  ${problems.join('\n  ')}`,
    untranslated.length > 0 && `Chinese left in the English UI (${untranslated.length}):\n  ${untranslated.join('\n  ')}`,
  ].filter(Boolean);
  if (report.length > 0) assert.fail(`${role} (${account}):\n${report.join('\n')}`);
}
