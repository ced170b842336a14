// 2. The teacher certifies the submitted result in 學習成果認證 (/teacher/certification).
import assert from 'node:assert/strict';
import { named, row, see, seeText, shot, signIn } from '../lib.mjs';

export async function certify(page, { account, subject, classCode, student, description }) {
  await signIn(page, account);
  await page.goto('/teacher/certification');
  // The overview groups the term's courses by class; each course card links to its results.
  const group = page.getByRole('region', { name: `${classCode} 的課程` });
  await see(group, `the courses of class ${classCode}`);
  const course = group.getByRole('link', { name: new RegExp(`^${subject}（`) });
  await see(course, `the course ${subject} of class ${classCode}`);
  await see(page.getByText(/共 \d+ 件等待認證/), 'the count waiting for certification');
  await shot(page, '2-teacher-courses');

  await course.click();
  await page.waitForURL(/\/teacher\/certification\/\d+/);
  const result = row(page, description);
  await see(result.getByText('認證中'), 'the submitted result 認證中');
  await shot(page, '2-teacher-results');

  await result.getByRole('button', { name: `查看 ${student} 的學習成果` }).click();
  const drawer = page.getByRole('dialog', { name: '學習成果認證' });
  await see(drawer.getByText(description), 'the result in the drawer');
  await see(drawer.getByText('reading-report.pdf'), 'the uploaded file in the drawer');
  const failing = drawer.getByRole('button', { name: named('認證失敗') });
  await see(failing, 'the 認證失敗 button');
  await shot(page, '2-teacher-result-open');

  await drawer.getByRole('button', { name: named('認證通過') }).click();
  await seeText(page, `已認證通過「${student}」的學習成果`);
  await see(drawer.getByText('認證成功', { exact: true }), 'the result 認證成功 in the drawer');
  // Once certified it can only be turned to 認證失敗 (000 Q6).
  await see(drawer.getByRole('button', { name: named('改為認證失敗') }), 'the 改為認證失敗 button');
  assert.equal(await drawer.getByRole('button', { name: named('認證通過') }).count(), 0, 'a certified result can be certified again');
  await shot(page, '2-teacher-certified');
}

/** 2b. An earlier term on the certification screen (meeting 003 #3): the old term's work is finished after the school moved on. */
export async function earlierTerm(page, { account }) {
  await signIn(page, account);
  await page.goto('/teacher/certification');
  const before = page.getByText('114學年度第2學期', { exact: true });
  await see(before, 'the term before in the 學年期 switch');
  await before.click();
  await page.waitForURL(/\/teacher\/certification\?term=1142$/);
  await see(page.getByText(/^114學年度第2學期您任教課程/), 'the overview of term 1142');
  await shot(page, '2b-teacher-earlier-term');
  await page.getByText(/^本學期（115學年度第1學期）$/).click();
  await page.waitForURL(/\/teacher\/certification$/);
  await see(page.getByText(/^115學年度第1學期您任教課程/), 'the overview of the current term again');
}
