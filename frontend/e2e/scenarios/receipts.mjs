// 9. 收訖明細: the admin imports a receipt (made by `licheng receipt generate` from the demo
// school's enrolments) with a window open now; a student reports a problem (資料有誤), another
// confirms (資料正確); the admin answers the report with a remark, which the student then sees.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { named, see, seeText, shot, signIn } from '../lib.mjs';

const RECEIPT_PASSWORD = 'e2e-收訖-密碼';

/** The current term as the demo school has it (Taiwan's academic year starts in August). */
function currentTerm(now = new Date()) {
  const year = now.getFullYear() - 1911 - (now.getMonth() < 7 ? 1 : 0);
  const semester = now.getMonth() >= 7 || now.getMonth() === 0 ? 1 : 2;
  return `${year}${semester}`;
}

/** Writes a receipt of the demo school's course records with the server's binary and database. */
export function generateReceipt() {
  const out = join(process.env.TMPDIR ?? '/tmp', 'receipt.zip');
  const run = spawnSync(
    process.env.E2E_BIN,
    ['receipt', 'generate', '--school', '999999', '--term', currentTerm(), '--out', out, '--password', RECEIPT_PASSWORD],
    { env: { ...process.env, LICHENG_DATABASE_URL: process.env.E2E_DATABASE_URL, LICHENG_LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`licheng receipt generate failed: ${run.stderr}`);
  return out;
}

function taipeiInput(date) {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

export async function importReceipt(page, file) {
  await signIn(page, 'admin');
  await page.goto('/admin/receipts');
  await page.getByLabel('選擇收訖明細').setInputFiles(file);
  await page.getByLabel('請輸入解壓縮密碼').fill(RECEIPT_PASSWORD);
  await page.getByRole('button', { name: named('讀取收訖明細') }).click();
  const plan = page.getByTestId('plan-course_records');
  await see(plan.getByText(/新匯入/), 'the 修課紀錄 plan 新匯入');
  const now = new Date();
  await plan.getByLabel('開始').fill(taipeiInput(new Date(now.getTime() - 3_600_000)));
  await plan.getByLabel('截止').fill(taipeiInput(new Date(now.getTime() + 3 * 86_400_000)));
  await shot(page, '9-admin-receipt-plan');
  await page.getByRole('button', { name: named('匯入') }).click();
  await seeText(page, '匯入完成');
}

export async function studentAnswers(page, { account, report }) {
  await signIn(page, account);
  await page.goto('/student/receipts');
  const card = page.getByTestId('receipt-course_records');
  await see(card.getByText('待確認'), 'the course records 待確認');
  if (report) {
    await card.getByRole('button', { name: named('資料錯誤回報') }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('問題描述').fill(report);
    await dialog.getByRole('button', { name: named('送出') }).click();
    await see(card.getByText('錯誤回報', { exact: true }), 'the course records 錯誤回報');
    await see(card.getByText(report, { exact: false }), 'the report listed');
  } else {
    await card.getByRole('button', { name: named('資料正確') }).click();
    await see(card.getByText('已確認'), 'the course records 已確認');
  }
  await shot(page, `9-student-${report ? 'reported' : 'confirmed'}`);
}

export async function adminRemarks(page, { report, remark }) {
  await signIn(page, 'admin');
  await page.goto('/admin/receipts');
  await page.getByRole('tab', { name: '問題回報紀錄查看' }).click();
  const row = page.getByRole('row').filter({ hasText: report });
  await see(row, 'the report in the list');
  await row.getByRole('button', { name: '編輯備註' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('備註').fill(remark);
  await dialog.getByRole('button', { name: /確\s*定|OK/ }).click();
  await see(page.getByRole('row').filter({ hasText: remark }), 'the remark in the list');
  await shot(page, '9-admin-remark');
}

export async function studentSeesRemark(page, { account, remark }) {
  await signIn(page, account);
  await page.goto('/student/receipts');
  await see(page.getByTestId('receipt-course_records').getByText(remark, { exact: false }), "the admin's remark");
}
