// 9. Self-directed learning (自主學習, issue #22): the admin sets a subject group with a member
// (5.1) and the order 導師 → 學科教師 (5.2); a student writes and submits a plan; the homeroom
// teacher and then the subject group's member approve it; the student sees it approved.
import assert from 'node:assert/strict';
import { named, pick, row, see, seeText, settle, shot, signIn } from '../lib.mjs';

/** Picks 今天 in the ROC date picker labelled `label` inside `dialog`. */
async function pickToday(page, dialog, label) {
  await dialog.getByLabel(label).click();
  const today = page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').getByText('今天', { exact: true });
  await see(today, `今天 in the ${label} calendar`);
  await settle(today);
  await today.click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.ant-picker-dropdown')].every((d) => d.classList.contains('ant-picker-dropdown-hidden')),
  );
}

/** 5.1 and 5.2: the subject group `subject` with 李美玲 (999999_T002), then 導師 → 學科教師. */
export async function setUpCertification(page, { subject }) {
  await signIn(page, 'admin');
  await page.goto('/admin/self-directed/groups');
  await see(page.getByText('設定學科/領域認證老師', { exact: true }), 'the 5.1 card');
  await page.getByRole('button', { name: named('新增記錄') }).click();
  await page.getByLabel('名稱').fill(subject);
  await page.getByRole('button', { name: named('提交') }).click();
  await seeText(page, '已新增');
  const available = page.getByRole('table', { name: '待選清單' });
  const teacher = row(available, '李美玲');
  await see(teacher, '李美玲 among the available staff');
  await teacher.getByRole('checkbox').check();
  await page.getByRole('button', { name: '加入所選' }).click();
  await seeText(page, '已儲存');
  await see(row(page.getByRole('table', { name: '已選清單' }), '李美玲'), '李美玲 chosen');
  await shot(page, '9-admin-groups');

  await page.goto('/admin/self-directed/order');
  await see(page.getByText('設定認證順序', { exact: true }), 'the 5.2 card');
  for (const identity of ['導師', '學科教師']) {
    await pick(page, page.getByRole('combobox', { name: '認證身分' }), identity);
    await page.getByRole('button', { name: named('加入') }).click();
    await seeText(page, '已加入認證階段');
    await see(row(page, identity), `the stage ${identity}`);
  }
  const order = page.getByRole('table', { name: '認證順序' });
  assert.deepEqual(
    (await order.locator('tr.ant-table-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()),
    ['1 導師', '2 學科教師'],
  );
  await shot(page, '9-admin-order');
}

/** The student writes the plan `theme` for `subject` and submits it (認證中, stage 1). */
export async function submitPlan(page, { account, theme, subject }) {
  await signIn(page, account);
  await page.goto('/student/self-directed');
  await page.getByRole('button', { name: named('撰寫計畫') }).click();
  const dialog = page.getByRole('dialog', { name: '撰寫自主學習計畫' });
  await see(dialog, 'the plan dialog');
  await dialog.getByLabel('自主學習主題').fill(theme);
  await pick(page, dialog.getByRole('combobox', { name: '學科/領域' }), subject);
  await dialog.getByLabel('學習目標').fill('認識校園植物並建立圖鑑');
  await dialog.getByLabel('學習內容與方法').fill('每週觀察、拍照並查閱資料');
  await dialog.getByLabel('進度').fill('選定觀察區域');
  await dialog.getByLabel('預期成果').fill('一份校園植物圖鑑');
  await pickToday(page, dialog, '開始日期');
  await pickToday(page, dialog, '結束日期');
  await shot(page, '9-student-plan-dialog');
  await dialog.getByRole('button', { name: named('儲存草稿') }).click();
  await seeText(page, '已儲存計畫（草稿）');
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: named('送出計畫') }).click();
  await seeText(page, '已送出計畫，等待認證');
  await see(page.getByText('認證中', { exact: true }), 'the plan 認證中');
  await shot(page, '9-student-submitted');
}

/** A certifier opens the plan in their queue and approves it at their stage. */
export async function approvePlan(page, { account, theme, stage }) {
  await signIn(page, account);
  await page.goto('/self-directed/queue');
  const entry = row(page, theme);
  await see(entry, `the plan ${theme} waiting`);
  await see(entry.getByText(stage), `waiting at ${stage}`);
  await entry.getByRole('button', { name: named('檢視') }).click();
  const drawer = page.getByRole('dialog', { name: '自主學習計畫' });
  await see(drawer.getByText(theme), 'the plan in the drawer');
  await shot(page, `9-${account}-plan`);
  await drawer.getByRole('button', { name: named('通過') }).click();
  await seeText(page, '已通過');
  await see(drawer.getByText('通過（' + stage.replace(/^\d+\. /, '') + '）', { exact: false }), 'the decision in the history');
}

/** The student sees the plan approved (計畫通過). */
export async function seeApproved(page, { account }) {
  await signIn(page, account);
  await page.goto('/student/self-directed');
  await see(page.getByText('計畫通過', { exact: true }), 'the plan 計畫通過');
  await see(page.getByRole('button', { name: named('上傳成果') }), 'the 上傳成果 button');
  await shot(page, '9-student-approved');
}
