// 8. Keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7): a student signs in, opens 課程學習成果 from the
// menu, opens and closes the upload dialog, with Tab, typing, Enter and Escape — never the mouse —
// and every control reached shows where the focus is.
import assert from 'node:assert/strict';
import { PASSWORD, SCHOOL, see, shot } from '../lib.mjs';

/** The focused element: its accessible-ish name, tag and whether a focus indicator is drawn. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { name: '', tag: 'body', indicator: false };
    const label =
      el.getAttribute('aria-label') ||
      (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent) ||
      el.textContent ||
      el.getAttribute('placeholder') ||
      '';
    // A focus indicator: an outline, or a ring drawn with box-shadow, on the element or on the
    // wrapper antd draws around inputs.
    const drawn = (node) => {
      if (!node) return false;
      const style = getComputedStyle(node);
      return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || (style.boxShadow && style.boxShadow !== 'none');
    };
    const wrapper = el.closest('.ant-input-affix-wrapper, .ant-select-selector, .ant-select, .ant-input-outlined');
    return { name: label.trim().replace(/\s+/g, ' '), tag: el.tagName.toLowerCase(), indicator: drawn(el) || drawn(wrapper) };
  });
}

/** Presses Tab until the focus is on an element whose name matches `pattern` (at most `max`). */
async function tabTo(page, pattern, what, max = 40) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    seen.push(now.name || now.tag);
    if (pattern.test(now.name)) {
      assert.ok(now.indicator, `${what} has the focus but shows no focus indicator`);
      return now;
    }
  }
  assert.fail(`${what} not reached with Tab; the focus went through: ${seen.join(' → ')}`);
}

/**
 * Moves through a menu with the arrow keys until `pattern` has the focus. antd's menu moves the
 * focus on the next animation frame after its state has followed the key: each press waits for
 * the focus to move before the next.
 */
async function arrowTo(page, pattern, what, max = 12) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    const before = await page.evaluateHandle(() => document.activeElement);
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((prev) => document.activeElement !== prev, before, { timeout: 2_000 }).catch(() => {});
    await before.dispose();
    const now = await focused(page);
    seen.push(now.name || now.tag);
    if (pattern.test(now.name)) return now;
  }
  assert.fail(`${what} not reached with the arrow keys; the focus went through: ${seen.join(' → ')}`);
}

export async function keyboardOnly(page, account) {
  await page.goto('/login');
  await see(page.getByLabel('學校'), 'the sign-in page');

  // The fields come in reading order: 學校, 帳號, 密碼, then the 登入 button.
  await tabTo(page, /學校/, 'the 學校 field');
  await page.keyboard.type(SCHOOL);
  await tabTo(page, /帳號/, 'the 帳號 field', 6);
  await page.keyboard.type(account);
  await tabTo(page, /密碼/, 'the 密碼 field', 4);
  await page.keyboard.type(PASSWORD);
  await tabTo(page, /^登\s*入$/, 'the 登入 button', 8);
  await shot(page, '8-keyboard-signin');
  await page.keyboard.press('Enter');
  await see(page.getByTestId('header-user'), `signed in as ${account}`);

  // The side menu is one Tab stop (the ARIA menu pattern): the arrow keys move inside it, Enter
  // opens the 學生 group and follows 課程學習成果.
  await tabTo(page, /^主選單$/, 'the main menu');
  await arrowTo(page, /^學生$/, 'the 學生 group');
  await page.keyboard.press('Enter');
  await see(page.getByRole('menuitem', { name: '課程學習成果' }), 'the 學生 group open');
  await arrowTo(page, /^課程學習成果$/, 'the 課程學習成果 item');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/student\/results$/);
  await see(page.getByRole('button', { name: /上傳學習成果/ }), 'the 上傳學習成果 button');

  // The page's own controls follow; Enter opens the dialog, Escape closes it and the focus
  // comes back to the button that opened it.
  await tabTo(page, /上傳學習成果/, 'the 上傳學習成果 button');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await see(dialog, 'the upload dialog');
  await page
    .waitForFunction(() => Boolean(document.activeElement?.closest('[role="dialog"]')), null, { timeout: 3_000 })
    .catch(() => {});
  const inside = await page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')));
  assert.ok(inside, 'the focus moves into the dialog when it opens');
  await shot(page, '8-keyboard-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // The focus is given back once the closing animation has ended.
  await page
    .waitForFunction(() => /上傳學習成果/.test(document.activeElement?.textContent ?? ''), null, { timeout: 3_000 })
    .catch(() => {});
  const back = await focused(page);
  assert.match(back.name, /上傳學習成果/, `the focus returns to the button that opened the dialog (it is on ${back.tag} "${back.name}")`);
}
