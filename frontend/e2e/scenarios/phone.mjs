// 12. Every student, teacher and school-admin screen on a 390×844 touch screen (issue #24 item 2): the page is
// no wider than the screen, every visible control lies within the screen's width and nothing
// covers it (the point at its centre is the control or inside it), card titles are not covered
// (the floating menu tab), the side menu opens as an overlay drawer (the page does not move) and
// its opener has an accessible name, a box that scrolls sideways can be reached from the keyboard,
// and a dialog and a delete confirmation fit the screen. Screenshots: 12-phone-*.
import assert from 'node:assert/strict';
import { named, phone, popconfirm, row, see, seeText, settle, shot, signIn, tap } from '../lib.mjs';
import { ROLES } from './audit.mjs';
import { SUBJECT, uploadResult } from './student.mjs';

/** The paths of the screens scenario 7 audits for `role` (those it reaches by a path). */
const auditedPaths = (role) => ROLES[role].screens.flatMap((screen) => (screen.path ? [screen.path] : []));

/** The screens walked, by role (routes of src/appRoutes.tsx). */
export const PHONE_SCREENS = {
  student: {
    account: '999999_114001',
    screens: [
      '/',
      '/student/results',
      '/student/performances',
      '/student/selections',
      '/student/transferred',
      '/student/confirmation-sheet',
      '/student/consultations',
      '/study-fields',
      '/student/receipts',
      '/student/self-directed',
      '/notifications',
      '/change-password',
      '/account/email',
    ],
  },
  teacher: {
    account: '999999_T001',
    screens: ['/', '/teacher/certification', 'course', '/self-directed/queue', '/notifications', '/change-password', '/account/email'],
  },
  // The school admin's screens, in the three parts scenario 7 audits them in (home and 帳號管理;
  // 查詢, 系統管理, 提交管理 and 學習歷程資料; the statistics, consultations, news, 收訖明細 and
  // 自主學習).
  admin: { account: 'admin', screens: auditedPaths('admin') },
  'admin-school': { account: 'admin', screens: auditedPaths('admin-school') },
  'admin-reports': { account: 'admin', screens: auditedPaths('admin-reports') },
};

/**
 * Screens whose pages other helpers of issue #24's session own (transfers, receipts,
 * self-directed learning, consultations, news, the report pages): what is found there is reported
 * as a warning, not a failure, until their pages are fixed.
 */
const OWNED_ELSEWHERE = ['/student/transferred', '/student/confirmation-sheet', '/student/consultations', '/study-fields', '/student/receipts', '/student/self-directed', '/self-directed/queue'];

/** Waits for the screen: content in <main>, no spinner or skeleton, no animation running. */
async function ready(page, what) {
  await see(page.locator('main').locator('.ant-card, h2, h3, h4, .ant-result').first(), `the content of ${what}`);
  await page.waitForFunction(
    () =>
      document.querySelector('.ant-spin-spinning, .ant-skeleton-active, .ant-btn-loading') === null &&
      !document.getAnimations().some((a) => a.playState === 'running' && Number.isFinite(a.effect?.getTiming?.().iterations)),
    undefined,
    { timeout: 10_000 },
  );
  await page.waitForTimeout(300);
}

/**
 * What is wrong with the screen as shown: the page wider than the screen; visible controls
 * (buttons, links styled as buttons, switches, checkboxes, inputs) outside the screen's width or
 * covered by something else at their centre; card titles covered at their start.
 */
export async function layoutProblems(page, route) {
  const found = await page.evaluate(async () => {
    const out = [];
    const width = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) out.push(`the page is ${scrollWidth} px wide on a ${width} px screen`);
    const describe = (el) =>
      (el.getAttribute('aria-label') || el.textContent || el.getAttribute('title') || el.tagName).replace(/\s+/g, ' ').trim().slice(0, 40);
    const controls = [
      ...document.querySelectorAll(
        'main button, main a.ant-btn, main [role="switch"], main .ant-checkbox-input, main input:not([type="hidden"]):not([type="file"]), main .ant-select, main .ant-picker, .ant-layout-sider-zero-width-trigger, header button',
      ),
    ].filter((el) => el.checkVisibility?.({ visibilityProperty: true, opacityProperty: true }) ?? true);
    for (const el of controls) {
      // Inputs that antd hides under their own visible box (checkboxes, radios) are checked by that box.
      const target = el.matches('.ant-checkbox-input') ? el.parentElement : el;
      // Scrolls the page only (scrollIntoView would also scroll a wide table sideways to it).
      const top = target.getBoundingClientRect().top;
      window.scrollBy(0, top - window.innerHeight / 2);
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      // Controls inside a box that scrolls sideways (a wide table) must be reachable without it.
      if (box.left < -0.5 || box.right > width + 0.5) {
        out.push(`「${describe(el)}」 lies outside the screen (x ${Math.round(box.left)}–${Math.round(box.right)} px)`);
        continue;
      }
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit && !(target === hit || target.contains(hit) || hit.contains(target) || hit.closest('label')?.contains(target))) {
        out.push(`「${describe(el)}」 is covered by ${hit.tagName.toLowerCase()}.${String(hit.className).split(' ')[0]} 「${describe(hit)}」`);
      }
    }
    for (const title of document.querySelectorAll('main .ant-card-head-title')) {
      if (!(title.checkVisibility?.() ?? true) || !title.textContent?.trim()) continue;
      window.scrollBy(0, title.getBoundingClientRect().top - window.innerHeight / 2);
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const box = title.getBoundingClientRect();
      for (const x of [box.left + 4, box.left + Math.min(box.width, 40)]) {
        const hit = document.elementFromPoint(x, box.top + box.height / 2);
        if (hit && !title.contains(hit) && !hit.contains(title)) {
          out.push(`the card title 「${describe(title)}」 is covered by ${hit.tagName.toLowerCase()}.${String(hit.className).split(' ')[0]}`);
          break;
        }
      }
    }
    // A box that scrolls sideways (a wide table kept as a table) must be reachable from the
    // keyboard: focusable itself or holding something focusable (axe's scrollable-region-focusable,
    // which the desktop audit cannot meet where nothing is wide there).
    const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';
    for (const box of document.querySelectorAll('main *')) {
      if (box.scrollWidth <= box.clientWidth + 1 || !/auto|scroll/.test(getComputedStyle(box).overflowX)) continue;
      if (!(box.checkVisibility?.() ?? true) || box.tabIndex >= 0 || box.querySelector(focusable)) continue;
      const name = box.closest('[aria-label]')?.getAttribute('aria-label') ?? box.closest('.ant-card')?.querySelector('.ant-card-head-title')?.textContent ?? box.className;
      out.push(`「${String(name).slice(0, 40)}」 scrolls sideways (${box.scrollWidth} px in ${box.clientWidth} px) and a keyboard cannot reach it`);
    }
    window.scrollTo(0, 0);
    return out;
  });
  return [...new Set(found)].map((line) => `${route}  ${line}`);
}

/** The side menu on a phone: its opener has a name, it opens over the page (which stays put), it closes. */
async function menuProblems(page) {
  const problems = [];
  const opener = page.getByRole('button', { name: /選單|menu/i }).and(page.locator('.ant-layout-sider-zero-width-trigger, [data-testid="menu-opener"]'));
  if ((await opener.count()) === 0) return ['the side menu has no opener with an accessible name (選單)'];
  const before = await page.locator('main').evaluate((el) => el.getBoundingClientRect().left);
  const contentWidth = await page.locator('main').evaluate((el) => el.getBoundingClientRect().width);
  await opener.first().tap();
  const menu = page.getByRole('menu', { name: '主選單' });
  await see(menu, 'the side menu opened');
  await settle(menu);
  const after = await page.locator('main').evaluate((el) => ({ left: el.getBoundingClientRect().left, width: el.getBoundingClientRect().width }));
  if (after.left !== before || after.width !== contentWidth) {
    problems.push(`opening the menu moves the page (left ${before} → ${after.left} px, width ${contentWidth} → ${after.width} px)`);
  }
  await shot(page, '12-phone-menu-open');
  const box = await menu.boundingBox();
  if (box && box.x + box.width > phone.viewport.width + 0.5) problems.push(`the open menu is wider than the screen (${box.x + box.width} px)`);
  // A link in the menu takes there and closes the menu.
  await menu.locator('a[href="/notifications"]').first().tap();
  await page.waitForURL((url) => url.pathname === '/notifications');
  try {
    await menu.waitFor({ state: 'hidden', timeout: 3000 });
  } catch {
    problems.push('the menu stays open over the page after choosing a link');
  }
  return problems;
}

/** Walks `role`'s screens on the phone; fails listing every problem on its own screens. */
export async function phoneWalk(page, role) {
  const { account, screens } = PHONE_SCREENS[role];
  await signIn(page, account);
  const problems = [];
  const elsewhere = [];
  await ready(page, 'the home page');
  problems.push(...(await menuProblems(page)));
  for (const screen of screens) {
    if (screen === 'course') {
      await page.goto('/teacher/certification');
      await ready(page, '/teacher/certification');
      const course = page.locator('main a[href^="/teacher/certification/"]').first();
      await see(course, 'a course of the certification overview');
      await course.tap();
      await page.waitForURL(/\/teacher\/certification\/\d+/);
    } else {
      await page.goto(screen);
    }
    const route = new URL(page.url()).pathname;
    await ready(page, route);
    const found = await layoutProblems(page, route);
    (OWNED_ELSEWHERE.includes(route) ? elsewhere : problems).push(...found);
    await shot(page, `12-phone-${role}${route.replaceAll('/', '-')}`);
  }
  for (const line of elsewhere) page.warnings.push(line);
  if (problems.length > 0) assert.fail(`${role} (${account}) on a ${phone.viewport.width}×${phone.viewport.height} screen, ${problems.length} problems:\n  ${problems.join('\n  ')}`);
}

/**
 * Dialogs within the screen: the student's 多元表現 add dialog; a delete confirmation, of a
 * learning result it uploads for the purpose (編輯中, so deletable): wholly on the screen, its
 * buttons uncovered, and 刪除 deletes.
 */
export async function phoneDialogs(page, { account, description }) {
  await signIn(page, account);
  await page.goto('/student/performances');
  await ready(page, '/student/performances');
  const problems = [];
  const inside = async (locator, what) => {
    const box = await settle(locator);
    const rect = await locator.boundingBox();
    if (box.left < 0 || box.right > phone.viewport.width + 0.5 || !rect || rect.y < 0 || rect.y + rect.height > phone.viewport.height + 0.5) {
      problems.push(`${what} runs off the screen (x ${Math.round(box.left)}–${Math.round(box.right)}, y ${Math.round(rect?.y ?? 0)}–${Math.round((rect?.y ?? 0) + (rect?.height ?? 0))})`);
    }
  };
  /** Nothing over the middle of `locator` (what a finger there would touch is it). */
  const uncovered = async (locator, what) => {
    const covered = await locator.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit && !(el === hit || el.contains(hit) || hit.contains(el)) ? `${hit.tagName.toLowerCase()}.${String(hit.className).split(' ')[0]}` : null;
    });
    if (covered) problems.push(`${what} is covered by ${covered}`);
  };
  const add = page.locator('main').getByRole('button', { name: /新增/ }).first();
  await see(add, 'the 新增多元表現 button');
  await add.tap();
  const dialog = page.getByRole('dialog');
  await see(dialog, 'the add dialog');
  const footer = dialog.locator('.ant-modal-footer');
  await inside(dialog.locator('.ant-modal-title').first(), 'the add dialog title');
  await footer.scrollIntoViewIfNeeded();
  await inside(footer, 'the add dialog buttons');
  await shot(page, '12-phone-dialog');
  await dialog.getByRole('button', { name: /取\s*消/ }).tap();
  await dialog.waitFor({ state: 'hidden' });

  // A result of its own to delete (編輯中), uploaded by touch.
  await page.goto('/student/results');
  await ready(page, '/student/results');
  await uploadResult(page, description, { touch: true, label: '12-phone-delete' });
  const result = row(page, description);
  await see(result.getByText('編輯中'), 'the new result 編輯中');
  const remove = result.getByRole('button', { name: new RegExp(`^刪除 ${SUBJECT}`) });
  await remove.scrollIntoViewIfNeeded();
  await inside(remove, 'the 刪除 button');
  await tap(page, remove, 'the 刪除 button');
  const confirm = popconfirm(page, `刪除「${SUBJECT}」的學習成果？`);
  await see(confirm, 'the delete confirmation');
  await inside(confirm, 'the delete confirmation');
  const cancel = confirm.getByRole('button', { name: named('取消') });
  const ok = confirm.getByRole('button', { name: named('刪除') });
  for (const [button, what] of [[cancel, 'its 取消'], [ok, 'its 刪除']]) {
    await inside(button, what);
    await uncovered(button, what);
  }
  await shot(page, '12-phone-delete-confirmation');
  await tap(page, ok, 'the confirmation\'s 刪除');
  await seeText(page, `已刪除「${SUBJECT}」的學習成果`);
  await result.waitFor({ state: 'detached' });
  if (problems.length > 0) assert.fail(`dialogs on the phone:\n  ${problems.join('\n  ')}`);
}
