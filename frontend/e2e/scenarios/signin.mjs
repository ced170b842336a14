// 5. Wrong passwords lock the account (5 in a row, for 15 minutes; api/src/accounts/session.rs)
// and the sign-in page says so in zh-TW, also when the right password is then given.
import assert from 'node:assert/strict';
import { fillSignIn, named, PASSWORD, see, shot } from '../lib.mjs';

export const LOCK_AFTER = 5;

async function attempt(page, account, password) {
  await fillSignIn(page, account, password);
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/sign-in'));
  await page.getByRole('button', { name: named('登入') }).click();
  return (await answer).status();
}

export async function lockout(page, account) {
  await page.goto('/login');
  const alert = page.getByRole('alert').filter({ hasText: /./ });
  for (let n = 1; n < LOCK_AFTER; n += 1) {
    assert.equal(await attempt(page, account, `wrong-${n}`), 401, `wrong password ${n}`);
    await see(alert.filter({ hasText: '學校、帳號或密碼錯誤，請再確認。' }), 'the wrong-password message');
  }
  await shot(page, '5-signin-wrong-password');

  assert.equal(await attempt(page, account, `wrong-${LOCK_AFTER}`), 423, `wrong password ${LOCK_AFTER} locks`);
  const locked = alert.filter({ hasText: '帳號已暫時鎖定' });
  await see(locked, 'the 帳號已暫時鎖定 message');
  await see(locked.getByText(/密碼錯誤次數過多，帳號已鎖定，請於 1?\d 分鐘後再試。/), 'how long the account stays locked');
  await shot(page, '5-signin-locked');

  // The right password does not get through while it is locked.
  assert.equal(await attempt(page, account, PASSWORD), 423, 'the right password while locked');
  await see(locked, 'the 帳號已暫時鎖定 message again');
  assert.match(new URL(page.url()).pathname, /^\/login/);
}
