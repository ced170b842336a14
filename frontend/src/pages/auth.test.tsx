import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { REFRESH_TOKEN_KEY, session } from '../auth/session';
import { callsTo, json, meFixture, mockApi, problem, signIn, tokenPair } from '../test/api';
import { renderAt } from '../test/render';

function fill(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

const ready = () => json({ status: 'ok', database: 'sqlite', migrations: 'applied' });

describe('login page', () => {
  it("signs in and shows the problem's message on invalid_credentials", async () => {
    const fetchMock = mockApi({
      'GET /api/v1/auth/options': { captcha_required: false },
      'POST /api/v1/auth/sign-in': () => problem(401, 'invalid_credentials', '帳號或密碼錯誤'),
    });
    renderAt('/login');

    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(screen.getByRole('link', { name: '忘記密碼？' }).getAttribute('href')).toBe('/forgot-password');
    expect(screen.queryByLabelText('驗證碼')).toBeNull();

    fill('學校', '074313');
    fill('帳號', '074313_t001');
    fill('密碼', 'wrong-pass1');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));

    expect(await screen.findByText('學校、帳號或密碼錯誤，請再確認。')).toBeTruthy();
    const [request] = callsTo(fetchMock, 'POST /api/v1/auth/sign-in');
    expect(await request!.json()).toEqual({
      school: '074313',
      account: '074313_t001',
      password: 'wrong-pass1',
    });
    expect(session.getState().status).toBe('signed_out');
  });

  it('shows the captcha when required and the lock detail when the account is locked', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/auth/options': { captcha_required: true },
      'GET /api/v1/auth/captcha': () =>
        json({ id: `c${Math.random()}`, image: 'data:image/svg+xml;base64,PHN2Zy8+', expires_in: 300 }),
      'POST /api/v1/auth/sign-in': () =>
        problem(423, 'account_locked', '密碼錯誤次數過多，帳號鎖定至 14:35。'),
    });
    renderAt('/login');

    expect(await screen.findByAltText('驗證碼圖片')).toBeTruthy();
    fill('帳號', 'a');
    fill('密碼', 'b');
    fill('驗證碼', 'x7k2');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('帳號已暫時鎖定')).toBeTruthy();
    expect(within(alert).getByText('密碼錯誤次數過多，帳號鎖定至 14:35。')).toBeTruthy();
    const [request] = callsTo(fetchMock, 'POST /api/v1/auth/sign-in');
    const body = (await request!.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ school: '', account: 'a', password: 'b', captcha_answer: 'x7k2' });
    expect(body.captcha_id).toMatch(/^c/);
    // A new challenge after a failed attempt.
    await waitFor(() => expect(callsTo(fetchMock, 'GET /api/v1/auth/captcha')).toHaveLength(2));
  });

  it('shows a captcha when the server asks for one although captchas are off', async () => {
    let attempts = 0;
    const fetchMock = mockApi({
      'GET /api/v1/auth/options': { captcha_required: false },
      'GET /api/v1/auth/captcha': () => json({ id: 'c1', image: 'data:image/png;base64,iVBORw0KGgo=', expires_in: 300 }),
      'POST /api/v1/auth/sign-in': () => {
        attempts += 1;
        return attempts === 1
          ? problem(429, 'captcha_required', '此來源登入失敗次數過多，請輸入驗證碼後再試。')
          : problem(401, 'invalid_credentials', '帳號或密碼錯誤');
      },
    });
    renderAt('/login');
    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(screen.queryByLabelText('驗證碼')).toBeNull();
    fill('帳號', 'a');
    fill('密碼', 'b');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));
    expect(await screen.findByText('此網路位址登入失敗次數過多，請輸入驗證碼後再登入。')).toBeTruthy();
    expect(await screen.findByAltText('驗證碼圖片')).toBeTruthy();
    fill('密碼', 'b');
    fill('驗證碼', '12345');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/auth/sign-in')).toHaveLength(2));
    const second = (await callsTo(fetchMock, 'POST /api/v1/auth/sign-in')[1]!.json()) as Record<string, unknown>;
    expect(second).toMatchObject({ captcha_id: 'c1', captcha_answer: '12345' });
  });

  it('returns to the page the user came from after signing in', async () => {
    mockApi({
      'GET /api/v1/auth/options': { captcha_required: false },
      'POST /api/v1/auth/sign-in': () => json(tokenPair({ refresh_token: 'r1' })),
      'GET /api/v1/me': meFixture(),
      'GET /readyz': ready,
    });
    const { router } = renderAt('/account/email');

    // Signed out: the protected page sends us to /login.
    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/login');

    fill('帳號', '074313_t001');
    fill('密碼', 'good-pass1');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));

    // The page's one level-1 heading names it.
    expect(await screen.findByRole('heading', { name: '電子郵件設定', level: 1 })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/account/email');
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('r1');
    // The header shows who is signed in, the school and the current term.
    expect(screen.getByTestId('header-user').textContent).toBe('王小明');
    expect(screen.getByTestId('header-school').textContent).toBe('臺北市立示範高級中學');
    expect(screen.getByTestId('header-term').textContent).toBe('110學年度第1學期');
  });

  it('lands on the home page without a backup e-mail, with a reminder that can be closed', async () => {
    // Issue #24 item 3: "The e-mail prompt as a dismissible reminder, not a redirect."
    mockApi({
      'GET /api/v1/auth/options': { captcha_required: false },
      'POST /api/v1/auth/sign-in': () => json(tokenPair({ needs_backup_email: true })),
      'GET /api/v1/me': meFixture({ needs_backup_email: true }, { backup_email: null }),
      'GET /readyz': ready,
    });
    const { router } = renderAt('/login');
    await screen.findByLabelText('帳號');
    fill('帳號', '074313_t001');
    fill('密碼', 'good-pass1');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));

    const reminder = await screen.findByTestId('email-reminder');
    expect(router.state.location.pathname).toBe('/');
    expect(within(reminder).getByText('請設定備用電子郵件')).toBeTruthy();
    expect(within(reminder).getByRole('link', { name: '前往設定' }).getAttribute('href')).toBe('/account/email');

    fireEvent.click(within(reminder).getByRole('button', { name: '關閉提醒' }));
    await waitFor(() => expect(screen.queryByTestId('email-reminder')).toBeNull());
    // Closed for the session: back on the home page, it stays away.
    await router.navigate('/account/email');
    await router.navigate('/');
    expect(await screen.findByText('歡迎使用學習歷程檔案系統')).toBeTruthy();
    expect(screen.queryByTestId('email-reminder')).toBeNull();
  });

  it('takes the reminder to 電子郵件設定 and back home with 稍後再說', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture({ needs_backup_email: true }, { backup_email: null }),
      'GET /readyz': ready,
    });
    const { router } = renderAt('/');
    const reminder = await screen.findByTestId('email-reminder');
    fireEvent.click(within(reminder).getByRole('link', { name: '前往設定' }));
    expect(await screen.findByRole('heading', { name: '電子郵件設定', level: 1 })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '稍後再說' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
  });

  it('forces a password change: no menu and no other page until it is done', async () => {
    mockApi({
      'GET /api/v1/auth/options': { captcha_required: false },
      'POST /api/v1/auth/sign-in': () => json(tokenPair({ must_change_password: true })),
      'GET /api/v1/me': meFixture({ roles: ['school_admin'] }, { must_change_password: true }),
    });
    const { router } = renderAt('/login');

    await screen.findByLabelText('帳號');
    fill('帳號', '074313_admin');
    fill('密碼', 'A123456789');
    fireEvent.click(screen.getByRole('button', { name: /登\s*入/ }));

    expect(await screen.findByText('請先變更密碼')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/change-password');
    expect(screen.queryByRole('menu', { name: '主選單' })).toBeNull();

    await router.navigate('/');
    await waitFor(() => expect(router.state.location.pathname).toBe('/change-password'));
  });
});

describe('email page', () => {
  it('sends the current password and shows the error for a wrong one', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({}, { email: 'old@example.com' }),
      'PUT /api/v1/me/email': () =>
        problem(422, 'old_password_incorrect', '目前的密碼不正確', {
          errors: { current_password: ['目前的密碼不正確'] },
        }),
    });
    renderAt('/account/email');

    expect(await screen.findByRole('heading', { name: '電子郵件設定', level: 1 })).toBeTruthy();
    fill('主要電子郵件', 'new@example.com');
    fireEvent.click(screen.getByRole('button', { name: /儲\s*存/ }));
    // Required before anything is sent.
    expect(await screen.findByText('請輸入目前的密碼')).toBeTruthy();
    expect(callsTo(fetchMock, 'PUT /api/v1/me/email')).toHaveLength(0);

    fill('目前的密碼', 'guess-1234');
    fireEvent.click(screen.getByRole('button', { name: /儲\s*存/ }));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/me/email')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/me/email');
    expect(await request!.json()).toEqual({
      email: 'new@example.com',
      backup_email: 'wang@example.com',
      current_password: 'guess-1234',
    });
    expect((await screen.findAllByText('目前的密碼不正確')).length).toBeGreaterThan(0);
  });
});

describe('password pages', () => {
  it("shows the server's errors.new_password on a weak password", async () => {
    signIn({ must_change_password: true });
    mockApi({
      'GET /api/v1/me': meFixture({}, { must_change_password: true }),
      'POST /api/v1/me/password': () =>
        problem(422, 'weak_password', '密碼強度不足', {
          errors: { new_password: ['不可與帳號或身分證號相同'] },
        }),
    });
    renderAt('/change-password');
    await screen.findByText('請先變更密碼');
    fill('目前的密碼', 'A123456789');
    fill('新密碼', 'Abcd12345');
    fill('確認新密碼', 'Abcd12345');
    fireEvent.click(screen.getByRole('button', { name: '變更密碼' }));
    expect(await screen.findByText('不可與帳號或身分證號相同')).toBeTruthy();
    expect(screen.getByText('新密碼不符合規則，請依欄位說明修正。')).toBeTruthy();
  });

  it('explains an invalid reset link and links to a new request', async () => {
    mockApi({ 'POST /api/v1/auth/reset-password': () => problem(400, 'reset_token_invalid') });
    renderAt('/reset-password?token=abc');
    // The page is loaded on demand (not in the sign-in bundle): wait for it.
    await screen.findByLabelText('新密碼');
    fill('新密碼', 'Abcd12345');
    fill('確認新密碼', 'Abcd12345');
    fireEvent.click(await screen.findByRole('button', { name: '重設密碼' }));
    expect(await screen.findByText('重設密碼連結無效')).toBeTruthy();
    expect(screen.getByRole('link', { name: /重新申請/ }).getAttribute('href')).toBe('/forgot-password');
  });
});

describe('route protection', () => {
  it('sends a signed-out visitor to /login', async () => {
    mockApi({ 'GET /api/v1/auth/options': { captcha_required: false } });
    const { router } = renderAt('/');
    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('signs out from the header', async () => {
    signIn({ refresh_token: 'r1' });
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture(),
      'GET /readyz': ready,
      'GET /api/v1/auth/options': { captcha_required: false },
      'POST /api/v1/auth/sign-out': () => new Response(null, { status: 204 }),
    });
    const { router } = renderAt('/');
    fireEvent.click(await screen.findByRole('button', { name: /登出/ }));

    expect(await screen.findByRole('heading', { name: '登入' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/login');
    expect(callsTo(fetchMock, 'POST /api/v1/auth/sign-out')).toHaveLength(1);
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});
