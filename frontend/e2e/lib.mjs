// Shared pieces of the end-to-end suite: one headless Chromium, a fresh context per role,
// sign-in, screenshots, waiting for visible texts, a small PDF. Run through `scripts/e2e`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080';
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? fileURLToPath(new URL('./artifacts/', import.meta.url));
/** Longest wait for one action or one expected state. */
export const ACTION_TIMEOUT = 15_000;
/** Longest run of one scenario. */
export const SCENARIO_TIMEOUT = 120_000;

/** The demo school (`licheng serve --demo`): code, shared password. */
export const SCHOOL = '999999';
export const PASSWORD = 'demo2026';

let browser = null;
/** Files the scenarios upload, removed at the end. */
let scratch = null;

export async function launchBrowser() {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  return browser;
}

export async function closeBrowser() {
  await browser?.close();
  browser = null;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
}

export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * A new browser context (its own storage: one user) and page, zh-TW in Taipei time. Uncaught page
 * errors are collected in `page.errors` (see `assertNoPageErrors`).
 */
export async function newPage(options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale: 'zh-TW',
    timezoneId: 'Asia/Taipei',
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT);
  const page = await context.newPage();
  page.errors = [];
  /** Problems worth reporting that do not fail the scenario (see `tap`). */
  page.warnings = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  return page;
}

/** Closes the page's context; a test calls it in `finally`. */
export async function closePage(page) {
  await page?.context().close();
}

export function assertNoPageErrors(page) {
  assert.deepEqual(page.errors, [], `uncaught errors in the page: ${page.errors.join(' | ')}`);
}

/**
 * An accessible-name pattern for a button text. antd puts a space between two CJK characters
 * (「登 入」) and icons add their own name before the text (「plus 上傳學習成果」).
 */
export function named(text) {
  const chars = [...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*');
  return new RegExp(`(^|\\s)${chars}\\s*$`);
}

/** A full-page screenshot into the artifacts directory. */
export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Waits until `locator` is visible (failing with `what` after ACTION_TIMEOUT). */
export async function see(locator, what = String(locator)) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch (error) {
    throw new Error(`not visible within ${ACTION_TIMEOUT} ms: ${what}\n${error.message.split('\n')[0]}`);
  }
}

/** Waits until `text` shows anywhere on the page (a toast, a tag, an alert). */
export function seeText(page, text) {
  return see(page.getByText(text), `text ${JSON.stringify(String(text))}`);
}

/** The sign-in page (manual 1.1): school, account, password; waits for the signed-in frame. */
export async function signIn(page, account, password = PASSWORD) {
  await fillSignIn(page, account, password);
  await page.getByRole('button', { name: named('登入') }).click();
  await see(page.getByTestId('header-user'), `signed in as ${account}`);
  assert.ok(!new URL(page.url()).pathname.startsWith('/login'), `still on ${page.url()} after signing in`);
}

/** Fills the sign-in form (opening the page first if needed). */
export async function fillSignIn(page, account, password) {
  if (!new URL(page.url()).pathname.startsWith('/login')) await page.goto('/login');
  await page.getByLabel('學校').fill(SCHOOL);
  await page.getByLabel('帳號').fill(account);
  await page.getByLabel('密碼').fill(password);
}

/** Opens an antd Select (`combobox`) and picks the option whose text contains `text`. */
export async function pick(page, combobox, text, { touch = false } = {}) {
  const press = (locator, what) => (touch ? tap(page, locator, what) : locator.click());
  await press(combobox, `the list ${text} is picked from`);
  const option = page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text })
    .first();
  await see(option, `the option ${text}`);
  const title = await option.getAttribute('title');
  assert.notEqual(await option.getAttribute('aria-disabled'), 'true', `the option ${title ?? text} cannot be chosen`);
  await settle(option);
  await press(option, `the option ${text}`);
  // Chosen: the list closes and the field shows the option.
  await page.waitForFunction((el) => el.getAttribute('aria-expanded') !== 'true', await combobox.elementHandle());
  await see(combobox.locator('xpath=..').and(page.getByTitle(title ?? text, { exact: true })), `${title ?? text} chosen`);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.ant-select-dropdown')].every((d) => d.classList.contains('ant-select-dropdown-hidden')),
  );
}

/** The table row (`tr`) containing all `texts`. */
export function row(scope, ...texts) {
  let rows = scope.locator('tr.ant-table-row');
  for (const text of texts) rows = rows.filter({ hasText: text });
  return rows;
}

/** The open confirmation bubble (antd Popconfirm) whose text includes `title`. */
export function popconfirm(page, title) {
  return page.getByRole('tooltip').filter({ hasText: title });
}

/**
 * A minimal valid one-page PDF (header, catalog, pages, page, xref with real offsets, trailer),
 * written to a temporary file (removed by `closeBrowser`); returns its path.
 */
export function writePdf(fileName = 'learning-result.pdf') {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  scratch ??= mkdtempSync(join(tmpdir(), 'licheng-e2e-files-'));
  const path = join(scratch, fileName);
  writeFileSync(path, body, 'latin1');
  return path;
}

/**
 * Waits until `locator` stands still (dialogs and dropdowns open and close with an animation on
 * the element or an ancestor; a box measured or clicked meanwhile is moved and scaled), at most
 * 3 s; returns its box's left, right and height and the screen's width.
 */
export function settle(locator) {
  return locator.evaluate(
    (el) =>
      new Promise((resolve) => {
        const moving = () =>
          document.getAnimations().some((a) => a.playState === 'running' && a.effect?.target?.contains?.(el));
        const until = performance.now() + 3000;
        let last = '';
        let still = 0;
        const measure = () => {
          const r = el.getBoundingClientRect();
          const now = `${r.left} ${r.top} ${r.width} ${r.height}`;
          still = now === last && !moving() ? still + 1 : 0;
          last = now;
          if (still >= 3 || performance.now() > until) {
            resolve({ left: r.left, right: r.right, height: r.height, screen: visualViewport.width });
          } else requestAnimationFrame(measure);
        };
        measure();
      }),
  );
}

/**
 * Taps `locator` like a finger on a phone. When it lies wholly outside the screen's width, which a
 * finger cannot reach without scrolling sideways, this is noted in `page.warnings` and the
 * button is activated from the keyboard instead, so the rest of the scenario still runs.
 */
export async function tap(page, locator, what) {
  // Left and right edges in the page's layout against the screen's width (a page wider than the
  // screen makes the browser widen its layout viewport: fixed dialogs are centred in that).
  const { left, right, height, screen } = await settle(locator);
  if (left >= 0 && right <= screen) {
    await locator.tap();
    return;
  }
  if (left < screen && right > 0) {
    // Partly on the screen: where a finger would, the middle of that part.
    const x = (Math.max(left, 0) + Math.min(right, screen)) / 2 - left;
    await locator.tap({ position: { x, y: height / 2 } });
    return;
  }
  page.warnings.push(`${what} lies outside the ${screen} px wide screen (x ${Math.round(left)}–${Math.round(right)} px)`);
  await locator.focus();
  await page.keyboard.press('Enter');
}

/** Clicks `trigger` and gives the file chooser it opens `path`. */
export async function chooseFile(page, trigger, path, { touch = false } = {}) {
  const chooser = page.waitForEvent('filechooser');
  await (touch ? tap(page, trigger, 'the file button') : trigger.click());
  await (await chooser).setFiles(path);
}

/**
 * Runs `body` with a fresh page (one user), closing it and its context afterwards; asserts no
 * uncaught page errors. On failure the page is saved as `<label>-FAILED.png`.
 */
export async function withPage(label, options, body) {
  const page = await newPage(options);
  try {
    await body(page);
    assertNoPageErrors(page);
    for (const warning of page.warnings) console.warn(`warning (${label}): ${warning}`);
  } catch (error) {
    await shot(page, `${label}-FAILED`).catch(() => undefined);
    throw error;
  } finally {
    await closePage(page);
  }
}
