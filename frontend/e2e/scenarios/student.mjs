// The student's side: upload a learning result and submit it (1), select it once certified (3),
// and upload on a phone-sized screen (6).
import assert from 'node:assert/strict';
import { chooseFile, named, pick, popconfirm, phone, row, see, seeText, settle, shot, signIn, tap, writePdf } from '../lib.mjs';

export const SUBJECT = '國語文';

/** Opens 課程學習成果 through the side menu (學生 → 課程學習成果). */
async function openResultsByMenu(page) {
  const menu = page.getByRole('menu', { name: '主選單' });
  await menu.getByText('學生', { exact: true }).click();
  await menu.getByRole('link', { name: '課程學習成果' }).click();
  await page.waitForURL('**/student/results');
}

/**
 * Fills and sends the upload dialog: course `SUBJECT`, `description`, a generated PDF. Holds the
 * request until the progress bar shows, then waits for the confirmation toast. `touch`: tap instead of click.
 */
export async function uploadResult(page, description, { touch = false, label }) {
  const press = (locator, what) => (touch ? tap(page, locator, what) : locator.click());
  const create = page.getByRole('button', { name: named('上傳學習成果') });
  await see(create, 'the 上傳學習成果 button');
  // (Enabled once this semester's courses and the open upload period are known: clicks wait.)
  await press(create, 'the 上傳學習成果 button');
  const dialog = page.getByRole('dialog', { name: '上傳學習成果' });
  await see(dialog, 'the upload dialog');

  await pick(page, dialog.getByRole('combobox', { name: '課程' }), SUBJECT, { touch });
  await dialog.getByLabel('內容簡述').fill(description);
  const pdf = writePdf('reading-report.pdf');
  await chooseFile(page, dialog.getByRole('button', { name: '選擇文件檔' }), pdf, { touch });
  await see(dialog.getByText('reading-report.pdf'), 'the chosen file in the dialog');
  await shot(page, `${label}-upload-dialog`);

  // Hold the upload until its progress shows, so that the bar is really seen.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/api/v1/learning-results', async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    await held;
    return route.continue();
  });
  try {
    await press(dialog.getByRole('button', { name: named('上傳') }), 'the dialog\'s 上傳 button');
    const progress = dialog.getByRole('status').filter({ hasText: '上傳中' });
    await see(progress, 'the upload progress');
    await see(dialog.getByRole('progressbar', { name: '上傳進度' }), 'the 上傳進度 bar');
    await shot(page, `${label}-upload-progress`);
  } finally {
    release();
  }
  await seeText(page, '學習成果已上傳（編輯中），確認無誤後請送出認證');
  await dialog.waitFor({ state: 'hidden' });
  await page.unroute('**/api/v1/learning-results');
}

/** 1. Upload a PDF for 國語文 and submit it: 編輯中 → 認證中. */
export async function uploadAndSubmit(page, { account, description }) {
  await signIn(page, account);
  await openResultsByMenu(page);
  await see(page.getByText('我的課程學習成果'), 'the 我的課程學習成果 card');
  await see(row(page, SUBJECT), 'the 國語文 course row');
  await shot(page, '1-student-results');

  await uploadResult(page, description, { label: '1-student' });
  const result = row(page, description);
  await see(result.getByText('編輯中'), 'the new result 編輯中');
  await see(result.getByRole('img', { name: '文件檔 reading-report.pdf' }), 'the document icon of the new result');
  await shot(page, '1-student-uploaded');

  await result.getByRole('button', { name: new RegExp(`^送出認證 ${SUBJECT}`) }).click();
  const confirm = popconfirm(page, '送出認證？');
  await see(confirm, 'the 送出認證？ confirmation');
  const send = confirm.getByRole('button', { name: named('送出') });
  await settle(send);
  await send.click();
  await seeText(page, `已送出「${SUBJECT}」的學習成果，等待老師認證`);
  await see(result.getByText('認證中'), 'the result 認證中');
  assert.equal(await result.getByRole('button', { name: /^送出認證/ }).count(), 0, 'a submitted result can still be submitted');
  assert.equal(await result.getByRole('button', { name: /^修改/ }).count(), 0, 'a submitted result can still be edited');
  await shot(page, '1-student-submitted');
}

/** 3. The certified result is switched on in 勾選提交: 已勾選 1 / 6. */
export async function selectCertified(page, { account, description }) {
  await signIn(page, account);
  await page.goto('/student/selections');
  const card = page.locator('.ant-card').filter({ has: page.getByText('課程學習成果', { exact: true }) });
  await see(card.getByText('已勾選 0 / 6'), 'the count 已勾選 0 / 6');
  const result = row(card, description);
  await see(result, 'the certified result in 勾選提交');
  await shot(page, '3-student-selections');

  const toggle = result.getByRole('switch', { name: `勾選 ${SUBJECT}` });
  assert.equal(await toggle.isChecked(), false);
  await toggle.click();
  await seeText(page, `已勾選「${SUBJECT}」`);
  await see(card.getByText('已勾選 1 / 6'), 'the count 已勾選 1 / 6');
  assert.equal(await toggle.isChecked(), true);
  await shot(page, '3-student-selected');

  // 課程學習成果 now marks it 已勾選.
  await page.goto('/student/results');
  const listed = row(page, description);
  await see(listed.getByText('認證成功'), 'the result 認證成功 in 課程學習成果');
  await see(listed.getByText('已勾選'), 'the result 已勾選 in 課程學習成果');
}

/** 6. On a phone: upload a result with touch input and see it listed. */
export async function uploadOnPhone(page, { account, description }) {
  await signIn(page, account);
  await page.goto('/student/results');
  await see(page.getByText('我的課程學習成果'), 'the 我的課程學習成果 card');
  await shot(page, '6-phone-results');

  await uploadResult(page, description, { touch: true, label: '6-phone' });
  const result = row(page, description);
  await see(result.getByText('編輯中'), 'the new result 編輯中');
  await result.getByText(description).scrollIntoViewIfNeeded();
  await shot(page, '6-phone-uploaded');
  // The page itself does not scroll sideways (wide tables scroll inside their card).
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= phone.viewport.width, `the page is ${width} px wide on a ${phone.viewport.width} px screen`);
}
