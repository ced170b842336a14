import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { api } from '../api/client';
import { callsTo, json, meFixture, mockApi, problem, schoolAdminMe, signIn } from '../test/api';
import { renderAt } from '../test/render';
import { fill } from '../test/ui';
import { getLang, LANG_STORAGE_KEY, resetLangForTests, setLang } from './lang';

const CJK = /[\u4e00-\u9fff]/;

/** Every text and every text attribute under `root`, leaving out the language switch. */
function visibleTexts(root: Element): string {
  const clone = root.cloneNode(true) as Element;
  clone.querySelectorAll('[data-testid="language-switch"]').forEach((node) => node.remove());
  const attributes = [...clone.querySelectorAll('[aria-label], [placeholder], [title], [alt]')].flatMap((node) =>
    ['aria-label', 'placeholder', 'title', 'alt'].map((name) => node.getAttribute(name) ?? ''),
  );
  return [clone.textContent ?? '', ...attributes].join('\n');
}

const switchButton = () => screen.getByRole('button', { name: /語言 Language/ });

describe('language', () => {
  it('is zh-TW by default, on the page, <html lang> and the API requests', async () => {
    const fetchMock = mockApi({ 'GET /api/v1/auth/options': { captcha_required: false }, 'GET /readyz': () => json({}) });
    expect(getLang()).toBe('zh-TW');
    renderAt('/login');
    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-Hant-TW');
    expect(switchButton().textContent).toContain('English');
    await api.GET('/readyz');
    expect(callsTo(fetchMock, 'GET /readyz')[0]!.headers.get('Accept-Language')).toBe('zh-TW');
  });

  it('switches the sign-in page to English (no CJK text), remembers it, and asks the API in English', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/auth/options': { captcha_required: false },
      'POST /api/v1/auth/sign-in': () => problem(401, 'invalid_credentials', 'Wrong school, account or password.'),
    });
    renderAt('/login');
    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();

    fireEvent.click(switchButton());

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(getLang()).toBe('en');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(switchButton().textContent).toContain('中文');
    // antd's English texts (e.g. the password field's 顯示 → show) arrive with its lazy locale.
    await waitFor(() => expect(visibleTexts(document.body)).not.toMatch(CJK));

    fill('School', '074313');
    fill('Account', '074313_t001');
    fill('Password', 'wrong-pass1');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The school, account or password is wrong. Please check them.')).toBeTruthy();
    const [request] = callsTo(fetchMock, 'POST /api/v1/auth/sign-in');
    expect(request!.headers.get('Accept-Language')).toBe('en');
    expect(visibleTexts(document.body)).not.toMatch(CJK);

    // And back.
    fireEvent.click(switchButton());
    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('zh-TW');
  });

  it('starts in the remembered language (as after a reload)', async () => {
    localStorage.setItem(LANG_STORAGE_KEY, 'en');
    resetLangForTests();
    mockApi({ 'GET /api/v1/auth/options': { captcha_required: false } });
    renderAt('/forgot-password');
    expect(await screen.findByRole('heading', { name: 'Forgot password' })).toBeTruthy();
    await waitFor(() => expect(visibleTexts(document.body)).not.toMatch(CJK));
  });

  it('shows the signed-in header and menu in English, apart from data', async () => {
    setLang('en');
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /readyz': () => json({ status: 'ok', database: 'sqlite', migrations: 'applied' }),
    });
    renderAt('/');
    const menu = await screen.findByRole('menu', { name: 'Main menu' });
    expect(menu.textContent).toContain('Home');
    expect(visibleTexts(menu)).not.toMatch(CJK);
    expect(screen.getByRole('button', { name: `${schoolAdminMe().user.display_name} Account menu` })).toBeTruthy();
    // The header's own texts are English; the school and user names are data.
    const header = document.querySelector('.licheng-header')!;
    const own = visibleTexts(header)
      .replaceAll(meFixture().school!.name, '')
      .replaceAll(schoolAdminMe().user.display_name, '');
    expect(header.textContent).toContain('AY 110, semester 1');
    expect(own).not.toMatch(CJK);
    await waitFor(() => expect(callsTo(fetchMock, 'GET /api/v1/me').length).toBeGreaterThan(0));
    for (const request of fetchMock.mock.calls.map(([input]) => input as Request)) {
      expect(request.headers.get('Accept-Language')).toBe('en');
    }
  });
});
