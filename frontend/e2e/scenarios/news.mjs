// 9. 最新消息 and 認識學群 (issue #23): the school admin posts news; a student sees it on the home
// page marked 未讀, opens it (read), and reaches 認識學群 (18 學群 and 20 群類) from the sign-in page.
import { named, see, seeText, shot, signIn } from '../lib.mjs';

export async function postNews(page, { title }) {
  await signIn(page, 'admin');
  await page.goto('/admin/news');
  await see(page.getByText('最新消息管理', { exact: true }).first(), 'the 最新消息管理 card');
  await page.getByRole('button', { name: named('新增消息') }).click();
  const dialog = page.getByRole('dialog', { name: '新增消息' });
  await see(dialog, 'the 新增消息 dialog');
  await dialog.getByLabel('標題').fill(title);
  await dialog.getByLabel('內容（純文字）').fill('<script>alert(1)</script>請於週五前完成選課。');
  await dialog.getByRole('button', { name: named('儲存') }).click();
  await seeText(page, '已發布');
  await dialog.waitFor({ state: 'hidden' });
  await see(page.locator('main').getByText(title, { exact: true }), 'the new news item in the list');
  await shot(page, '9-admin-news');
}

export async function readNews(page, { account, title }) {
  await signIn(page, account);
  const board = page.getByTestId('home-news');
  await see(board, 'the 最新消息 card on the home page');
  const item = board.getByRole('button', { name: title });
  await see(item, `${title} on the home page`);
  await see(board.locator('li', { hasText: title }).getByText('未讀', { exact: true }), `${title} marked 未讀`);
  await item.click();
  // The body is plain text: the script tag is gone, its text never ran.
  await see(board.getByText('請於週五前完成選課。', { exact: true }), 'the news body');
  await board.locator('li', { hasText: title }).getByText('未讀', { exact: true }).waitFor({ state: 'detached' });
  await shot(page, '9-student-news');
}

export async function studyFieldsFromSignIn(page) {
  await page.goto('/login');
  await page.getByRole('link', { name: '認識學群' }).click();
  await page.waitForURL((url) => url.pathname === '/fields');
  const fields = page.getByTestId('study-fields');
  await see(fields.getByText('01 資訊學群', { exact: true }), 'the first 學群');
  await see(fields.getByText('20 藝術群影視類', { exact: true }), 'the last 群類');
  const count = await fields.locator('li').count();
  if (count !== 38) throw new Error(`認識學群 shows ${count} fields, want 18 + 20`);
  await shot(page, '9-study-fields');
}
