// 4. The school admin sets a work period (設定學校作業時間) and creates a role group (角色權限).
import assert from 'node:assert/strict';
import { named, pick, row, see, seeText, settle, shot, signIn } from '../lib.mjs';

const ITEM = '學生上傳及送出學習成果認證時間';

/** Picks 今天 in the (read-only) ROC date picker labelled `label`; returns the date shown. */
async function pickToday(page, dialog, label) {
  const input = dialog.getByLabel(label);
  await input.click();
  const today = page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').getByText('今天', { exact: true });
  await see(today, `今天 in the ${label} calendar`);
  await settle(today);
  await today.click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.ant-picker-dropdown')].every((d) => d.classList.contains('ant-picker-dropdown-hidden')),
  );
  const shown = await input.inputValue();
  assert.match(shown, /^\d{3}\/\d{2}\/\d{2}$/, `${label} shows a ROC date`);
  return shown;
}

/**
 * The demo sets every item for grades 1–3 in the current semester only, so the upload period of
 * grade 1 in the other semester of the current year is new; it runs today (inside the demo's
 * national window).
 */
export async function createWorkPeriod(page) {
  await signIn(page, 'admin');
  await page.goto('/admin/work-periods');
  await see(page.getByText('設定學校作業時間', { exact: true }), 'the 設定學校作業時間 card');
  await see(row(page, ITEM), 'the demo periods');
  await shot(page, '4-admin-work-periods');

  await page.getByRole('button', { name: named('新增作業時間') }).click();
  const dialog = page.getByRole('dialog', { name: '新增作業時間' });
  await see(dialog, 'the 新增作業時間 dialog');
  const semester = dialog.getByLabel('學期');
  // The chosen option shows next to the combobox (antd: its parent's title).
  const current = await semester.locator('xpath=..').getAttribute('title');
  assert.match(current ?? '', /^第[12]學期$/, `the default semester: ${current}`);
  const other = current === '第1學期' ? '第2學期' : '第1學期';
  const grades = dialog.getByLabel('年級');
  await pick(page, grades, '1 年級');
  await pick(page, dialog.getByLabel('項目'), ITEM);
  await pick(page, semester, other);
  const day = await pickToday(page, dialog, '開始日期');
  assert.equal(await pickToday(page, dialog, '結束日期'), day);
  await shot(page, '4-admin-work-period-dialog');
  await dialog.getByRole('button', { name: named('儲存') }).click();

  await seeText(page, '作業時間已新增');
  await dialog.waitFor({ state: 'hidden' });
  await see(row(page, other, ITEM, '1 年級', `${day} 00:00`, `${day} 23:59`), `the new ${other} period of grade 1 today`);
  await shot(page, '4-admin-work-period-created');
}

export async function createRoleGroup(page, { code, name }) {
  await signIn(page, 'admin');
  await page.goto('/admin/role-groups');
  await see(page.getByText('角色群組', { exact: true }), 'the 角色群組 card');
  await shot(page, '4-admin-role-groups');

  await page.getByRole('button', { name: named('新增角色群組') }).click();
  const dialog = page.getByRole('dialog', { name: '新增角色群組' });
  await see(dialog, 'the 新增角色群組 dialog');
  await dialog.getByLabel('角色編號').fill(code);
  await dialog.getByLabel('角色名稱').fill(name);
  await dialog.getByLabel('備註').fill('端對端測試建立');
  await dialog.getByRole('button', { name: named('儲存') }).click();

  await seeText(page, '角色群組已新增');
  await dialog.waitFor({ state: 'hidden' });
  const created = row(page, code, name);
  await see(created, 'the new role group in the table');
  await see(created.getByText('是', { exact: true }), 'the new group in use (是)');
  await shot(page, '4-admin-role-group-created');
}
