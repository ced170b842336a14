// 12. 轉學生學習歷程資料 (manual 6.1, 6.2; issue #21): the school admin exports a student's
// portfolio (搜尋 → 加入清單 → 產生匯出檔案 → 檔案產生完畢 → 檔案資訊: MD5 and password → 下載檔案),
// then imports the package with its MD5 and password, the import running as a job the page polls
// (匯入完畢) and the record list saying 匯入1人，完成1人. The demo has one school, so the package
// goes back into it: the case of a 借讀生 returning to the school that lent them (FAQ 000 五 Q1),
// matched by national ID as any import is.
import { join } from 'node:path';
import { named, row, see, seeText, shot, signIn } from '../lib.mjs';

/** Exports `name` (a demo student) and returns { path, md5, password } of the package. */
export async function exportStudent(page, { name }) {
  await signIn(page, 'admin');
  await page.goto('/admin/transfer-export');
  await page.getByLabel('選擇匯出學生').fill(name);
  await page.getByRole('button', { name: named('查詢') }).click();
  const hit = row(page, name);
  await see(hit, `${name} found`);
  await hit.getByRole('button', { name: named('加入清單') }).click();
  await page.getByRole('button', { name: named('產生匯出檔案') }).click();
  // The record list: 檔案產生完畢 once the job ran (the list polls it).
  const record = row(page, name).filter({ hasText: '檔案產生完畢' });
  await see(record, 'the package made (檔案產生完畢)');
  await record.first().getByRole('button', { name: named('檔案資訊') }).click();
  const info = page.getByRole('dialog');
  await see(info.getByText('MD5值'), 'the file information');
  const cell = (label) => info.locator('tr', { hasText: label }).locator('td').first();
  const md5 = (await cell('MD5值').innerText()).trim();
  const password = (await cell('壓縮密碼').innerText()).trim();
  if (!/^[0-9a-f]{32}$/.test(md5)) throw new Error(`no MD5 shown: ${md5}`);
  await shot(page, '13-admin-transfer-export');
  await info.getByRole('button', { name: named('確定') }).click();
  const download = page.waitForEvent('download');
  await record.first().getByRole('button', { name: named('下載檔案') }).click();
  const file = await download;
  // Kept past this page's context (a download's own file goes with it).
  const path = join(process.env.TMPDIR ?? '/tmp', file.suggestedFilename());
  await file.saveAs(path);
  return { path, md5, password };
}

/** Imports the package and waits for the job: 匯入完畢, then the record 匯入1人，完成1人. */
export async function importPackage(page, { path, md5, password }) {
  await signIn(page, 'admin');
  await page.goto('/admin/transfer-import');
  await page.getByLabel('MD5值').fill(md5);
  await page.getByLabel('壓縮檔密碼').fill(password);
  await page.locator('input[type=file]').setInputFiles(path);
  await page.getByRole('button', { name: named('匯入') }).click();
  await see(page.getByTestId('import-progress'), 'the import job polled');
  await seeText(page, /匯入完畢/);
  await shot(page, '13-admin-transfer-import');
  await page.getByRole('dialog').getByRole('button', { name: /知道了|確\s*定|OK/ }).click();
  await see(page.getByText('匯入1人，完成1人'), 'the import record 匯入1人，完成1人');
}
