import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { AccountRow, ApiKey, MailSettings, RoleGroup } from '../../api/types';
import { callsTo, json, meFixture, mockApi, problem, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { newKeyBody } from './ApiKeysPage';
import { button, confirm, dialog, fill } from '../../test/ui';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

const admin = schoolAdminMe;

/** The row checkbox of the table row showing `text`. */
const checkboxIn = (text: string) => screen.getByText(text).closest('tr')!.querySelector('input[type=checkbox]')!;

function group(overrides: Partial<RoleGroup> = {}): RoleGroup {
  return {
    id: 1,
    code: '001',
    name: '學習成果提交人員',
    in_use: true,
    remark: null,
    member_count: 0,
    module_count: 0,
    updated_at: '2022-04-01T06:05:00',
    ...overrides,
  };
}

describe('role groups (3.1)', () => {
  it('creates a group, showing a taken code on its field', async () => {
    signIn();
    let groups: RoleGroup[] = [];
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/role-groups': () => json(groups),
      'POST /api/v1/role-groups': async (request) => {
        const body = (await request.clone().json()) as { code: string; name: string };
        if (body.code === '001') {
          return problem(409, 'conflict', '角色編號 001 已存在。', { errors: { code: ['角色編號已存在'] } });
        }
        const created = group({ id: 2, code: body.code, name: body.name });
        groups = [created];
        return json(created, 201);
      },
    });
    renderAt('/admin/role-groups');

    expect(await screen.findByText(/尚無角色群組/)).toBeTruthy();
    // The menu lists the page now that it exists.
    expect(screen.getByRole('link', { name: '角色權限' }).getAttribute('href')).toBe('/admin/role-groups');
    // The page is named by its menu entry: the level-1 heading and the tab title.
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('角色權限');
    expect(document.title).toBe('角色權限 - 學習歷程檔案 Licheng');

    fireEvent.click(button('新增角色群組'));
    const form = await dialog('新增角色群組');
    fill('角色編號', '001');
    fill('角色名稱', '學習成果提交人員');
    fireEvent.click(button('儲存', form));

    expect(await within(form).findByText('角色編號 001 已存在。')).toBeTruthy();
    expect(await within(form).findByText('角色編號已存在')).toBeTruthy();
    const [first] = callsTo(fetchMock, 'POST /api/v1/role-groups');
    expect(await first!.json()).toEqual({ code: '001', name: '學習成果提交人員', in_use: true, remark: null });

    fill('角色編號', '002');
    fireEvent.click(button('儲存', form));

    expect(await screen.findByText('002', { selector: 'td' })).toBeTruthy();
    await waitFor(() => expect(document.querySelector('.ant-modal')).toBeNull());
    expect(callsTo(fetchMock, 'POST /api/v1/role-groups')).toHaveLength(2);
  });

  it('grants modules with their rights and saves the whole set', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/role-groups': [group()],
      'GET /api/v1/function-modules': [
        { code: 'S0205S', name: '查詢學生學習成果勾選情形', name_en: 'x' },
        { code: 'S0207S', name: '提交學習成果至中央資料庫', name_en: 'y' },
      ],
      'GET /api/v1/role-groups/1/modules': [],
      'PUT /api/v1/role-groups/1/modules': async (request) =>
        json(((await request.clone().json()) as { modules: unknown[] }).modules),
    });
    renderAt('/admin/role-groups');

    fireEvent.click((await screen.findByText('群組功能設定')).closest('button')!);
    await screen.findByText('提交學習成果至中央資料庫');
    fireEvent.click(checkboxIn('提交學習成果至中央資料庫'));
    fireEvent.click(screen.getByLabelText('加入所選'));
    // Granted with all three rights; take 刪除 away.
    fireEvent.click(await screen.findByLabelText('S0207S 刪除'));
    fireEvent.click(button('儲存群組功能'));

    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/role-groups/1/modules')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/role-groups/1/modules');
    expect(await request!.json()).toEqual({
      modules: [{ code: 'S0207S', can_create: true, can_update: true, can_delete: false }],
    });
  });
});

function account(id: number, overrides: Partial<AccountRow> = {}): AccountRow {
  return {
    id,
    account: `074313_01000${id}`,
    display_name: ['', '王郁涵', '吳思萱', '洪緯婷'][id] ?? '某人',
    kind: 'student',
    national_id_masked: 'N22XX54735',
    email: null,
    must_change_password: false,
    active: true,
    ...overrides,
  };
}

describe('reset password (3.2)', () => {
  it('resets the ticked accounts and shows what was skipped and why', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/accounts': {
        items: [account(1), account(2, { national_id_masked: null }), account(3)],
        total: 442,
        page: 1,
        per_page: 30,
      },
      'POST /api/v1/accounts/reset-password': {
        reset: [1],
        skipped: [{ id: 2, reason: '沒有身分證號，無預設密碼 / no national ID, so no initial password' }],
      },
    });
    renderAt('/admin/passwords');

    expect(await screen.findByText('第 1–30 筆，共 442 筆（共 15 頁）')).toBeTruthy();
    const [list] = callsTo(fetchMock, 'GET /api/v1/accounts');
    expect(new URL(list!.url).searchParams.get('per_page')).toBe('30');

    fireEvent.click(checkboxIn('074313_010001'));
    fireEvent.click(checkboxIn('074313_010002'));
    fireEvent.click(button('重設所選帳號密碼（2）'));
    await confirm('重設所選 2 個帳號的密碼？', '重設');

    expect(await screen.findByText('已重設 1 個帳號的密碼，1 個未重設')).toBeTruthy();
    expect(screen.getByText('074313_010002（吳思萱）：沒有身分證號，無預設密碼')).toBeTruthy();
    const [request] = callsTo(fetchMock, 'POST /api/v1/accounts/reset-password');
    expect(await request!.json()).toEqual({ user_ids: [1, 2] });
    // Done: nothing is ticked any more.
    expect(button('重設所選帳號密碼（0）').disabled).toBe(true);
  });
});

describe('API keys', () => {
  it('shows the new secret once, with a copy button', async () => {
    signIn();
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    let keys: ApiKey[] = [];
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/api-keys': () => json(keys),
      'POST /api/v1/api-keys': () => {
        const key: ApiKey = { id: 5, name: '校務系統廠商', prefix: 'ab12cd', scopes: ['sync'], created_at: '2022-04-01T06:05:00' };
        keys = [key];
        return json({ ...key, secret: 'lc_ab12cd_s3cr3t' }, 201);
      },
    });
    renderAt('/admin/api-keys');

    expect(await screen.findByText('尚未建立 API 金鑰')).toBeTruthy();
    fireEvent.click(button('建立金鑰'));
    const form = await dialog('建立 API 金鑰');
    fill('名稱', '校務系統廠商');
    fireEvent.click(button('建立', form));

    expect(await screen.findByText('金鑰只會顯示這一次')).toBeTruthy();
    expect(screen.getByTestId('secret-金鑰').textContent).toBe('lc_ab12cd_s3cr3t');
    fireEvent.click(screen.getByLabelText('複製金鑰'));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('lc_ab12cd_s3cr3t'));
    const [request] = callsTo(fetchMock, 'POST /api/v1/api-keys');
    expect(await request!.json()).toEqual({ name: '校務系統廠商', scopes: ['sync'] });
    expect(
      newKeyBody({ name: ' 廠商 ', scopes: ['read'], networks: '203.0.113.0/24,\n 2001:db8::/32', expires_on: '2027-07-31' }),
    ).toEqual({
      name: '廠商',
      scopes: ['read'],
      allowed_networks: ['203.0.113.0/24', '2001:db8::/32'],
      expires_at: '2027-07-31T23:59:59+08:00',
    });

    fireEvent.click(button('我已妥善保存，關閉'));
    await waitFor(() => expect(screen.queryByText('lc_ab12cd_s3cr3t')).toBeNull());
    // The list shows the key by its prefix only, once and for all.
    expect(await screen.findByText('lc_ab12cd_…')).toBeTruthy();
    expect(screen.getByText('111/04/01 14:05')).toBeTruthy();
  });
});

function mailSettings(overrides: Partial<MailSettings> = {}): MailSettings {
  return {
    configured: true,
    host: 'smtp.gmail.com',
    port: 465,
    encryption: 'ssl',
    username: 'test@gmail.com',
    password_set: true,
    password_hint: '***16',
    sender_address: 'test@gmail.com',
    sender_name: '學習歷程認證測試',
    updated_at: '2022-04-01T06:05:00',
    ...overrides,
  };
}

describe('mail server (3.8)', () => {
  it('keeps the stored password when the field is left empty, and clears it on request', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/mail-settings': mailSettings(),
      'PUT /api/v1/mail-settings': async (request) => {
        const body = (await request.clone().json()) as { clear_password: boolean };
        return json(mailSettings({ password_set: !body.clear_password, password_hint: body.clear_password ? null : '***16' }));
      },
    });
    renderAt('/admin/mail');

    expect(await screen.findByText('已設定密碼：***16')).toBeTruthy();
    fireEvent.click(button('儲存'));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/mail-settings')).toHaveLength(1));
    const [keep] = callsTo(fetchMock, 'PUT /api/v1/mail-settings');
    expect(await keep!.json()).toEqual({
      host: 'smtp.gmail.com',
      port: 465,
      encryption: 'ssl',
      username: 'test@gmail.com',
      password: null,
      clear_password: false,
      sender_address: 'test@gmail.com',
      sender_name: '學習歷程認證測試',
    });

    fireEvent.click(screen.getByLabelText('清空密碼'));
    await waitFor(() => expect((screen.getByLabelText('寄件密碼') as HTMLInputElement).disabled).toBe(true));
    fireEvent.click(button('儲存'));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/mail-settings')).toHaveLength(2));
    const clear = callsTo(fetchMock, 'PUT /api/v1/mail-settings')[1]!;
    expect(await clear.json()).toMatchObject({ password: null, clear_password: true });
    await waitFor(() => expect(screen.queryByText('已設定密碼：***16')).toBeNull());
  });

  it('sends a new password, and shows why a test mail failed', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/mail-settings': mailSettings({ password_set: false, password_hint: null }),
      'PUT /api/v1/mail-settings': () => json(mailSettings()),
      'POST /api/v1/mail-settings/test': () =>
        problem(502, 'mail_delivery_failed', '郵件寄送失敗：535 Authentication failed'),
    });
    renderAt('/admin/mail');

    fireEvent.change(await screen.findByLabelText('寄件密碼'), { target: { value: 'app-pass-16' } });
    fireEvent.click(button('儲存'));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/mail-settings')).toHaveLength(1));
    expect(await callsTo(fetchMock, 'PUT /api/v1/mail-settings')[0]!.json()).toMatchObject({
      password: 'app-pass-16',
      clear_password: false,
    });

    fireEvent.click(button('寄送測試信'));
    expect(await screen.findByText('郵件寄送失敗：535 Authentication failed')).toBeTruthy();
    expect(await callsTo(fetchMock, 'POST /api/v1/mail-settings/test')[0]!.json()).toEqual({ to: 'wang@example.edu.tw' });
  });
});

describe('temporary accounts (3.7)', () => {
  it('creates one for a student, shows its password once, and revokes it after confirmation', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/temporary-accounts': [
        {
          id: 9,
          account: '074313_tmp0a1b2c',
          student_id: 3,
          student_account: '074313_010003',
          student_name: '洪緯婷',
          valid_until: '2099-04-15T06:05:00',
          active: true,
          created_at: '2022-04-01T06:05:00',
        },
      ],
      'GET /api/v1/accounts': { items: [account(3)], total: 1, page: 1, per_page: 20 },
      'POST /api/v1/temporary-accounts': () =>
        json(
          {
            id: 10,
            account: '074313_tmp0d0e0f',
            student_id: 3,
            student_account: '074313_010003',
            student_name: '洪緯婷',
            valid_until: '2022-04-08T06:05:00',
            active: true,
            created_at: '2022-04-01T06:05:00',
            password: 'Xk7pQ2mN9a4b',
          },
          201,
        ),
      'DELETE /api/v1/temporary-accounts/9': () => new Response(null, { status: 204 }),
    });
    renderAt('/admin/temporary-accounts');

    // Valid until, in Taipei time (the API sends UTC without an offset).
    expect(await screen.findByText('188/04/15 14:05')).toBeTruthy();

    fireEvent.click(button('新增臨時帳號'));
    const form = await dialog('新增臨時帳號');
    fireEvent.mouseDown(within(form).getByLabelText('學生'));
    fireEvent.click(await screen.findByText('074313_010003 洪緯婷', { selector: '.ant-select-item-option-content' }));
    fill('有效天數', '7');
    fireEvent.click(button('建立', form));

    expect(await screen.findByText('密碼只會顯示這一次')).toBeTruthy();
    expect(screen.getByTestId('secret-密碼').textContent).toBe('Xk7pQ2mN9a4b');
    expect(screen.getByText(/有效期限至 111\/04\/08 14:05/)).toBeTruthy();
    const [created] = callsTo(fetchMock, 'POST /api/v1/temporary-accounts');
    expect(await created!.json()).toEqual({ student_id: 3, valid_days: 7 });
    fireEvent.click(button('我已妥善保存，關閉'));
    await waitFor(() => expect(screen.queryByText('Xk7pQ2mN9a4b')).toBeNull());

    fireEvent.click(screen.getByLabelText('停用 074313_tmp0a1b2c'));
    await confirm('停用臨時帳號 074313_tmp0a1b2c？', '停用');
    await waitFor(() => expect(callsTo(fetchMock, 'DELETE /api/v1/temporary-accounts/9')).toHaveLength(1));
  });
});

describe('audit log', () => {
  it('names the events in zh-TW, shows Taipei times and pages on the server', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': admin(),
      'GET /api/v1/audit-events': (request) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        return json({
          items: [
            {
              id: page,
              event: page === 1 ? 'password_reset_by_admin' : 'something_new',
              actor: '074313',
              detail: '074313_010001',
              client_addr: '203.0.113.9',
              created_at: '2022-04-01T06:05:00',
              actor_name: '示範校管理者',
              summary: page === 1 ? '重設 林小華（074313_010001） 的密碼' : '074313_010001',
            },
          ],
          total: 31,
          page,
          per_page: 30,
        });
      },
    });
    renderAt('/admin/audit');

    expect(await screen.findByText('管理者重設密碼')).toBeTruthy();
    expect(screen.getByText('111/04/01 14:05')).toBeTruthy();
    expect(screen.getByText('203.0.113.9')).toBeTruthy();
    // Who did what to whom, in words (issue #24), not the raw record.
    expect(screen.getByText('示範校管理者（074313）')).toBeTruthy();
    expect(screen.getByText('重設 林小華（074313_010001） 的密碼')).toBeTruthy();
    fireEvent.click(screen.getByTitle('2'));
    // An event without a label shows its code.
    expect(await screen.findByText('something_new')).toBeTruthy();
    const last = callsTo(fetchMock, 'GET /api/v1/audit-events').at(-1)!;
    expect(new URL(last.url).searchParams.get('page')).toBe('2');
  });
});

// Issue #24 item 5: "controls a user cannot use are not offered" — e.g. a student reaching an
// 帳號管理 page by its address sees the refusal and no active 新增 button.
describe('帳號管理 pages for someone else than the school admin', () => {
  it.each([
    ['/admin/role-groups', '/api/v1/role-groups', '新增角色群組'],
    ['/admin/api-keys', '/api/v1/api-keys', '建立金鑰'],
    ['/admin/temporary-accounts', '/api/v1/temporary-accounts', '新增臨時帳號'],
  ])('%s offers no create button to a student', async (path, endpoint, label) => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture({ roles: ['student'] }),
      [`GET ${endpoint}`]: () => problem(403, 'forbidden', '此功能需要以下角色之一：學校管理者'),
    });
    renderAt(path);
    expect(await screen.findByText('此功能需要以下角色之一：學校管理者')).toBeTruthy();
    expect(screen.queryByRole('button', { name: new RegExp(label) })).toBeNull();
  });
});
