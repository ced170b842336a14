// The end-to-end suite against a running `licheng serve --demo` (E2E_BASE_URL): one headless
// Chromium, a fresh context (one signed-in user) per scenario. Run it with `scripts/e2e`, which
// starts a server with fresh demo data; scenarios change that data (uploads, a locked account).
import { after, before, describe, test } from 'node:test';
import { closeBrowser, launchBrowser, phone, SCENARIO_TIMEOUT, withPage } from './lib.mjs';
import { createRoleGroup, createWorkPeriod } from './scenarios/admin.mjs';
import { auditRole, ROLES } from './scenarios/audit.mjs';
import { keyboardOnly } from './scenarios/keyboard.mjs';
import { adminRemarks, generateReceipt, importReceipt, studentAnswers, studentSeesRemark } from './scenarios/receipts.mjs';
import { lockout } from './scenarios/signin.mjs';
import { postNews, readNews, studyFieldsFromSignIn } from './scenarios/news.mjs';
import { selectCertified, SUBJECT, uploadAndSubmit, uploadOnPhone } from './scenarios/student.mjs';
import { certify, earlierTerm } from './scenarios/teacher.mjs';
import { approvePlan, seeApproved, setUpCertification, submitPlan } from './scenarios/selfdirected.mjs';
import { phoneDialogs, phoneWalk } from './scenarios/phone.mjs';

/** Tells this run's data apart when a server is reused (`E2E_BASE_URL` given by hand). */
const run = Date.now().toString(36).slice(-5).toUpperCase();

before(launchBrowser);
after(closeBrowser);

// 1 → 2 → 3 follow one learning result; a step is skipped when the one before it failed.
describe('learning result: upload, certify, select', { timeout: 3 * SCENARIO_TIMEOUT }, () => {
  const student = '999999_114001';
  const description = `閱讀心得報告 ${run}`;
  let reached = 0;
  const step = (n, name, body) =>
    test(name, { timeout: SCENARIO_TIMEOUT }, async (t) => {
      if (reached !== n - 1) return t.skip(`needs step ${n - 1}`);
      await body();
      reached = n;
    });

  step(1, '1. student uploads a PDF and submits it (認證中)', () =>
    withPage('1-student', {}, (page) => uploadAndSubmit(page, { account: student, description })),
  );
  step(2, '2. teacher certifies it (認證成功)', () =>
    withPage('2-teacher', {}, (page) =>
      certify(page, { account: '999999_T001', subject: SUBJECT, classCode: '201', student: '吳承恩', description }),
    ),
  );
  step(3, '3. student selects it (1 / 6)', () =>
    withPage('3-student', {}, (page) => selectCertified(page, { account: student, description })),
  );
});

describe('school admin', { timeout: 2 * SCENARIO_TIMEOUT }, () => {
  test('4a. creates a work period', { timeout: SCENARIO_TIMEOUT }, () =>
    withPage('4-admin', {}, (page) => createWorkPeriod(page)),
  );
  test('4b. creates a role group', { timeout: SCENARIO_TIMEOUT }, () =>
    withPage('4-admin', {}, (page) => createRoleGroup(page, { code: `E2E${run}`, name: `端對端測試群組 ${run}` })),
  );
});

test('2b. teacher switches the certification screen to the term before (meeting 003 #3)', { timeout: SCENARIO_TIMEOUT }, () =>
  withPage('2b-teacher-term', {}, (page) => earlierTerm(page, { account: '999999_T002' })),
);

test('5. repeated wrong passwords show the lockout message', { timeout: SCENARIO_TIMEOUT }, () =>
  withPage('5-signin', {}, (page) => lockout(page, '999999_115002')),
);

test('6. phone-sized screen: student uploads a result', { timeout: SCENARIO_TIMEOUT }, () =>
  withPage('6-phone', phone, (page) => uploadOnPhone(page, { account: '999999_114002', description: `手機上傳 ${run}` })),
);

test('8. keyboard only: sign in, open a page from the menu, open and close a dialog', { timeout: SCENARIO_TIMEOUT }, () =>
  withPage('8-keyboard', {}, (page) => keyboardOnly(page, '999999_114003')),
);

// 9a → 9e follow one self-directed learning plan through two stages (issue #22).
describe('9. self-directed learning: a plan through 導師 and 學科教師', { timeout: 5 * SCENARIO_TIMEOUT }, () => {
  const subject = `彈性學習 ${run}`;
  const theme = `校園植物觀察 ${run}`;
  const student = '999999_115001';
  let reached = 0;
  const step = (n, name, body) =>
    test(name, { timeout: SCENARIO_TIMEOUT }, async (t) => {
      if (reached !== n - 1) return t.skip(`needs step ${n - 1}`);
      await body();
      reached = n;
    });
  step(1, '9a. admin sets the subject group and the order', () => withPage('9a-admin', {}, (page) => setUpCertification(page, { subject })));
  step(2, '9b. student submits a plan', () => withPage('9b-student', {}, (page) => submitPlan(page, { account: student, theme, subject })));
  step(3, '9c. homeroom teacher approves', () => withPage('9c-homeroom', {}, (page) => approvePlan(page, { account: '999999_T001', theme, stage: '1. 導師' })));
  step(4, '9d. subject teacher approves', () => withPage('9d-subject', {}, (page) => approvePlan(page, { account: '999999_T002', theme, stage: '2. 學科教師' })));
  step(5, '9e. student sees the plan approved', () => withPage('9e-student', {}, (page) => seeApproved(page, { account: student })));
});

// 10a → 10b follow one news item; 10c needs nobody signed in.
describe('10. news and study fields', { timeout: 3 * SCENARIO_TIMEOUT }, () => {
  const title = `選課公告 ${run}`;
  let posted = false;
  test('10a. school admin posts news', { timeout: SCENARIO_TIMEOUT }, async () => {
    await withPage('9-admin-news', {}, (page) => postNews(page, { title }));
    posted = true;
  });
  test('10b. student reads it on the home page (未讀 → read)', { timeout: SCENARIO_TIMEOUT }, async (t) => {
    if (!posted) return t.skip('needs 10a');
    await withPage('9-student-news', {}, (page) => readNews(page, { account: '999999_115001', title }));
  });
  test('10c. 認識學群 from the sign-in page', { timeout: SCENARIO_TIMEOUT }, () =>
    withPage('9-study-fields', {}, (page) => studyFieldsFromSignIn(page)),
  );
});

// 11. 收訖明細: import, a student reports and another confirms, the admin remarks, the student sees it.
describe('11. receipts: import, report, confirm, remark', { timeout: 5 * SCENARIO_TIMEOUT }, () => {
  const report = `修課紀錄學分有誤 ${run}`;
  const remark = `已更正，請再確認 ${run}`;
  test('11. receipts', { timeout: 4 * SCENARIO_TIMEOUT }, async () => {
    const file = generateReceipt();
    await withPage('9-admin', {}, (page) => importReceipt(page, file));
    await withPage('9-student', {}, (page) => studentAnswers(page, { account: '999999_114001', report }));
    await withPage('9-student-b', {}, (page) => studentAnswers(page, { account: '999999_114002' }));
    await withPage('9-admin-remark', {}, (page) => adminRemarks(page, { report, remark }));
    await withPage('9-student-remark', {}, (page) => studentSeesRemark(page, { account: '999999_114001', remark }));
  });
});

// Last, so that the screens show what the scenarios above made (read-only: it changes nothing).
// The roles side by side (mostly waiting for screens to settle): about half the time; each
// has twice a scenario's time (four parts share the machine's cores).
describe('7. every screen: axe-core WCAG 2.1 AA audit (zh-TW) and no Chinese UI text in English', { timeout: 4 * SCENARIO_TIMEOUT, concurrency: true }, () => {
  for (const role of Object.keys(ROLES)) {
    test(`7. ${role}`, { timeout: 2 * SCENARIO_TIMEOUT }, () => withPage(`7-audit-${role}`, {}, (page) => auditRole(page, role)));
  }
});

// 12. Phone (390×844): every student and teacher screen, no sideways scrolling, no covered or
// unreachable controls, the side menu as an overlay drawer, dialogs within the screen (issue #24).
describe('12. phone-sized screens: student and teacher', { timeout: 3 * SCENARIO_TIMEOUT }, () => {
  test('12a. student screens at 390×844', { timeout: SCENARIO_TIMEOUT }, () => withPage('12-phone-student', phone, (page) => phoneWalk(page, 'student')));
  test('12b. teacher screens at 390×844', { timeout: SCENARIO_TIMEOUT }, () => withPage('12-phone-teacher', phone, (page) => phoneWalk(page, 'teacher')));
  test('12c. dialogs within the phone screen', { timeout: SCENARIO_TIMEOUT }, () => withPage('12-phone-dialogs', phone, (page) => phoneDialogs(page, { account: '999999_114003', description: `手機刪除 ${run}` })));
});

// 13. 轉學生學習歷程資料: export a student (6.1), import the package with its MD5 and password (6.2).
import { exportStudent, importPackage } from './scenarios/transfers.mjs';
describe('13. transfers: export a student, import the package', { timeout: 3 * SCENARIO_TIMEOUT }, () => {
  test('13. transfer export and import', { timeout: 2 * SCENARIO_TIMEOUT }, async () => {
    let made;
    await withPage('13-admin-export', {}, async (page) => {
      made = await exportStudent(page, { name: '周杰倫' });
    });
    await withPage('13-admin-import', {}, (page) => importPackage(page, made));
  });
});

// 12d–12f. Phone (390×844): the school admin's screens, in the parts scenario 7 audits them in
// (issue #24: each role's home page and main tasks at phone size).
describe('12. phone-sized screens: school admin', { timeout: 6 * SCENARIO_TIMEOUT }, () => {
  for (const [part, role] of [['d', 'admin'], ['e', 'admin-school'], ['f', 'admin-reports']]) {
    test(`12${part}. ${role} screens at 390×844`, { timeout: 2 * SCENARIO_TIMEOUT }, () => withPage(`12-phone-${role}`, phone, (page) => phoneWalk(page, role)));
  }
});
