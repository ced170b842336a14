import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Advisor, ClassRef, ConsultantClasses, StudentRef } from '../../api/types';
import { appRoutePaths } from '../../appRoutes';
import { visibleMenu, type MenuEntry, type MenuUser } from '../../navigation';
import { callsTo, json, meFixture, mockApi, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { confirm } from '../../test/ui';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';
import type { ModuleCode, ModuleGrant } from '../../api/types';

/** The row checkbox of the table row showing `text`. */
const checkboxIn = (text: string) =>
  screen.getByText(text).closest('tr')!.querySelector<HTMLInputElement>('input[type=checkbox]')!;

const page = <Row,>(items: Row[]) => ({ items, total: items.length, page: 1, per_page: 30 });

const teacher = (overrides: Partial<Advisor> = {}): Advisor => ({
  id: 11,
  account: '074313_t011',
  name: '謝庭豐',
  email: 'hsieh@example.edu.tw',
  assigned: 2,
  ...overrides,
});

const klass = (id: number, code: string, name: string): ClassRef => ({ id, code, name, grade: Number(code[0]) });
const class301 = klass(1, '301', '三年一班');
const class302 = klass(2, '302', '三年二班');
const class303 = klass(3, '303', '三年三班');

const student = (id: number, name: string, class_code = '301'): StudentRef => ({
  id,
  account: `074313_01000${id}`,
  name,
  class_code,
  seat_no: id,
  grade: 3,
});

/** The consultant editor's 對應班級 section (the page also has 對應學生). */
const classesSection = () => screen.getByRole('region', { name: '對應班級' });

describe('設定課程諮詢教師 (3.4)', () => {
  it('removes classes only after a confirmation naming them, then saves the classes left', async () => {
    signIn();
    let classes: ConsultantClasses = { assigned: [class301, class302], assignable: [class303] };
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/consultants': () => json(page([teacher({ assigned: classes.assigned.length })])),
      'GET /api/v1/consultants/11/classes': () => json(classes),
      'GET /api/v1/consultants/11/students': [],
      'GET /api/v1/students': page([]),
      'PUT /api/v1/consultants/11/classes': async (request) => {
        const { class_ids } = (await request.clone().json()) as { class_ids: number[] };
        const all = [class301, class302, class303];
        classes = {
          assigned: all.filter((c) => class_ids.includes(c.id)),
          assignable: all.filter((c) => !class_ids.includes(c.id)),
        };
        return json(classes);
      },
    });
    renderAt('/admin/consultants');

    expect(await screen.findByText('設定課程諮詢教師（110學年度第1學期）')).toBeTruthy();
    expect(screen.getByText(/切換至新學年期後須重新設定/)).toBeTruthy();
    // Column headers in zh-TW (issue #24: 「E-mail」 was left in English).
    expect(screen.getByRole('columnheader', { name: '電子郵件' })).toBeTruthy();
    fireEvent.click(await screen.findByText('謝庭豐'));
    expect(await screen.findByText('三年一班')).toBeTruthy();
    expect(screen.getByText('hsieh@example.edu.tw')).toBeTruthy();

    fireEvent.click(checkboxIn('三年一班'));
    fireEvent.click(within(classesSection()).getByLabelText('移除所選'));
    // Asked first, naming the class; nothing is saved yet.
    expect(await screen.findByText('確定要移除勾選的 1 個班級？')).toBeTruthy();
    expect(screen.getByText('三年一班（301）')).toBeTruthy();
    expect(callsTo(fetchMock, 'PUT /api/v1/consultants/11/classes')).toHaveLength(0);

    await confirm('確定要移除勾選的 1 個班級？', '移除');
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/consultants/11/classes')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/consultants/11/classes');
    expect(await request!.json()).toEqual({ class_ids: [2] });
    expect(await screen.findByText('已移除 1 個班級')).toBeTruthy();
    // 三年一班 is assignable again, and the teacher's count follows.
    await waitFor(() => expect(checkboxIn('三年一班').closest('.ant-card')!.textContent).toContain('可設定班級'));
    await waitFor(() => expect(screen.getByText('謝庭豐').closest('tr')!.textContent).toMatch(/edu\.tw1$/));
  });

  it('adds the ticked classes to those set', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/consultants': page([teacher()]),
      'GET /api/v1/consultants/11/classes': { assigned: [class301], assignable: [class302, class303] },
      'GET /api/v1/consultants/11/students': [],
      'GET /api/v1/students': page([]),
      'PUT /api/v1/consultants/11/classes': { assigned: [class301, class303], assignable: [class302] },
    });
    renderAt('/admin/consultants');

    fireEvent.click(await screen.findByText('謝庭豐'));
    await screen.findByText('三年三班');
    fireEvent.click(checkboxIn('三年三班'));
    fireEvent.click(within(classesSection()).getByLabelText('加入所選'));

    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/consultants/11/classes')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/consultants/11/classes');
    expect(await request!.json()).toEqual({ class_ids: [1, 3] });
  });

  it('is read-only without the module’s 修改 right', async () => {
    signIn();
    const grant: ModuleGrant = { code: 'S0204S', name: '設定課程諮詢教師', can_create: true, can_update: false, can_delete: true };
    mockApi({
      'GET /api/v1/me': meFixture({ modules: [grant] }),
      'GET /api/v1/consultants': page([teacher()]),
      'GET /api/v1/consultants/11/classes': { assigned: [class301], assignable: [class302] },
      'GET /api/v1/consultants/11/students': [],
      'GET /api/v1/students': page([]),
    });
    renderAt('/admin/consultants');

    fireEvent.click(await screen.findByText('謝庭豐'));
    expect(await screen.findByText('三年二班')).toBeTruthy();
    expect(screen.getByText('變更須有「設定課程諮詢教師」的修改權限，請洽學校管理者。')).toBeTruthy();
    expect(screen.queryByLabelText('加入所選')).toBeNull();
    expect(screen.getByText('三年二班').closest('tr')!.querySelector('input[type=checkbox]')).toBeNull();
  });
  it('assigns students one by one besides the classes (FAQ 000 三 Q2: 「設定學生對應關係」…勾選好要選取的學生)', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/consultants': page([teacher()]),
      'GET /api/v1/consultants/11/classes': { assigned: [class301], assignable: [class302] },
      'GET /api/v1/consultants/11/students': [],
      'GET /api/v1/students': page([student(1, '王郁涵'), student(2, '吳思萱', '302')]),
      'PUT /api/v1/consultants/11/students': [student(2, '吳思萱', '302')],
    });
    renderAt('/admin/consultants');
    fireEvent.click(await screen.findByText('謝庭豐'));
    const students = screen.getByRole('region', { name: '對應學生' });
    await within(students).findByText('吳思萱');
    fireEvent.click(within(students).getByText('吳思萱').closest('tr')!.querySelector<HTMLInputElement>('input[type=checkbox]')!);
    fireEvent.click(within(students).getByLabelText('加入所選'));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/consultants/11/students')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/consultants/11/students');
    expect(await request!.json()).toEqual({ student_ids: [2] });
    expect(callsTo(fetchMock, 'PUT /api/v1/consultants/11/classes')).toHaveLength(0);
  });
});

describe('設定輔導老師/科主任', () => {
  it('adds students found by class to the counselor’s list and sends the whole new list', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/counselors': page([teacher({ id: 12, name: '王峰', account: '074313_t012', assigned: 1 })]),
      'GET /api/v1/counselors/12/students': [student(1, '王郁涵')],
      'GET /api/v1/students': page([student(1, '王郁涵'), student(2, '吳思萱'), student(3, '洪緯婷')]),
      'PUT /api/v1/counselors/12/students': [student(1, '王郁涵'), student(2, '吳思萱')],
    });
    renderAt('/admin/counselors');

    expect(await screen.findByText('設定輔導老師/科主任（110學年度第1學期）')).toBeTruthy();
    fireEvent.click(await screen.findByText('王峰'));
    await screen.findByText('吳思萱');
    // Filter the picker by class.
    fireEvent.change(screen.getByLabelText('班級'), { target: { value: ' 301 ' } });
    fireEvent.keyDown(screen.getByLabelText('班級'), { key: 'Enter', keyCode: 13 });
    await waitFor(() =>
      expect(
        callsTo(fetchMock, 'GET /api/v1/students').some((r) => new URL(r.url).searchParams.get('class_code') === '301'),
      ).toBe(true),
    );

    // Already the counselor's: cannot be ticked on the picker side.
    const picker = screen.getByText('全校學生').closest('.ant-card')!;
    const firstRow = [...picker.querySelectorAll('tr')].find((tr) => tr.textContent?.includes('王郁涵'))!;
    expect(firstRow.querySelector<HTMLInputElement>('input[type=checkbox]')!.disabled).toBe(true);

    fireEvent.click(checkboxIn('吳思萱'));
    fireEvent.click(screen.getByLabelText('加入所選'));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/counselors/12/students')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/counselors/12/students');
    expect(await request!.json()).toEqual({ student_ids: [1, 2] });
    expect(await screen.findByText('已設定 1 位學生')).toBeTruthy();
  });

  it('removes a student after a confirmation', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/counselors': page([teacher({ id: 12, name: '王峰' })]),
      'GET /api/v1/counselors/12/students': [student(1, '王郁涵'), student(2, '吳思萱')],
      'GET /api/v1/students': page([]),
      'PUT /api/v1/counselors/12/students': [student(2, '吳思萱')],
    });
    renderAt('/admin/counselors');

    fireEvent.click(await screen.findByText('王峰'));
    await screen.findByText('王郁涵');
    fireEvent.click(checkboxIn('王郁涵'));
    fireEvent.click(screen.getByLabelText('移除所選'));
    expect(await screen.findByText('王郁涵（074313_010001）')).toBeTruthy();
    await confirm('確定要移除勾選的 1 位學生？', '移除');

    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/v1/counselors/12/students')).toHaveLength(1));
    const [request] = callsTo(fetchMock, 'PUT /api/v1/counselors/12/students');
    expect(await request!.json()).toEqual({ student_ids: [2] });
  });
});

describe('我的學生', () => {
  it('lists the caller’s students this term, filtered by class', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ roles: ['subject_teacher', 'course_consultant'] }),
      'GET /api/v1/me/advisees': page([student(1, '王郁涵'), student(2, '吳思萱', '302')]),
    });
    renderAt('/advisees');

    expect(await screen.findByText('我的學生（110學年度第1學期）')).toBeTruthy();
    expect(await screen.findByText('吳思萱')).toBeTruthy();
    expect(screen.getByText('074313_010001')).toBeTruthy();
    expect(screen.getByText('302')).toBeTruthy();
    // The menu lists the page.
    expect(screen.getByText('我的學生', { selector: 'a' }).getAttribute('href')).toBe('/advisees');

    fireEvent.change(screen.getByLabelText('班級'), { target: { value: '302' } });
    fireEvent.keyDown(screen.getByLabelText('班級'), { key: 'Enter', keyCode: 13 });
    await waitFor(() => {
      const last = callsTo(fetchMock, 'GET /api/v1/me/advisees').at(-1)!;
      expect(new URL(last.url).searchParams.get('class_code')).toBe('302');
    });
  });
});

describe('menu', () => {
  const has = (entries: readonly MenuEntry[], key: string): boolean =>
    entries.some((entry) => entry.key === key || has(entry.children ?? [], key));
  const user = (roles: MenuUser['roles'], modules: MenuUser['modules'] = []): MenuUser => ({ roles, modules });
  const grant = (code: ModuleCode): ModuleGrant => ({ code, name: code, can_create: false, can_update: false, can_delete: false });

  it('shows 我的學生 to course consultants and counselors only', () => {
    expect(has(visibleMenu(user(['course_consultant']), appRoutePaths), 'advisees')).toBe(true);
    expect(has(visibleMenu(user(['homeroom_teacher', 'counselor']), appRoutePaths), 'advisees')).toBe(true);
    for (const roles of [['subject_teacher'], ['school_admin'], ['student']] as MenuUser['roles'][]) {
      expect(has(visibleMenu(user(roles), appRoutePaths), 'advisees')).toBe(false);
    }
  });

  it('shows the settings to the school admin and to staff granted their modules', () => {
    const admin = visibleMenu(user(['school_admin']), appRoutePaths);
    expect(has(admin, 'consultants') && has(admin, 'counselors')).toBe(true);
    const consultantSetter = visibleMenu(user(['subject_teacher'], [grant('S0204S')]), appRoutePaths);
    expect([has(consultantSetter, 'consultants'), has(consultantSetter, 'counselors')]).toEqual([true, false]);
    const counselorSetter = visibleMenu(user(['subject_teacher'], [grant('S0210S')]), appRoutePaths);
    expect([has(counselorSetter, 'consultants'), has(counselorSetter, 'counselors')]).toEqual([false, true]);
    expect(has(visibleMenu(user(['counselor']), appRoutePaths), 'counselors')).toBe(false);
  });
});
