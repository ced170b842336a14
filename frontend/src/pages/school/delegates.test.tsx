import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { callsTo, json, mockApi, schoolAdminMe, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { button, confirm, pickOption } from '../../test/ui';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';

const naming = {
  id: 5,
  course_id: null,
  subject_name: null,
  class_code: null,
  teacher_id: 7,
  teacher_name: '李老師',
  teacher_departed: true,
  delegate_id: 8,
  delegate_account: '074313_t002',
  delegate_name: '王老師',
  created_at: '2021-12-01T02:00:00Z',
};

/** Picks 王老師 as the delegate, presses 指定代理 and returns the request sent. */
async function nameDelegate(fetchMock: ReturnType<typeof mockApi>): Promise<Request> {
  // The first picker's list stays in the page: choose in the second one's.
  fireEvent.mouseDown(screen.getByLabelText('代理人'));
  const options = await screen.findAllByText('王老師（074313_t002）', { selector: '.ant-select-item-option-content' });
  fireEvent.click(options[options.length - 1]!);
  button('指定代理').click();
  await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/certification-delegates')).toHaveLength(1));
  const [post] = callsTo(fetchMock, 'POST /api/v1/certification-delegates');
  return post!;
}

describe('代理認證教師 (meeting 003 #25, 代理人機制)', () => {
  it('lists the namings with the departed teacher flagged, names a delegate for a teacher and ends a naming', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/certification-delegates': [naming],
      'GET /api/v1/staff': {
        items: [
          { id: 7, account: '074313_t001', display_name: '李老師' },
          { id: 8, account: '074313_t002', display_name: '王老師' },
        ],
        total: 2,
        page: 1,
        per_page: 50,
      },
      'POST /api/v1/certification-delegates': () => json(naming, 201),
      'DELETE /api/v1/certification-delegates/5': () => new Response(null, { status: 204 }),
    });
    renderAt('/admin/delegates');
    const row = (await screen.findByText('王老師（074313_t002）')).closest<HTMLElement>('tr')!;
    expect(within(row).getByText('李老師')).toBeTruthy();
    expect(within(row).getByText('已離職')).toBeTruthy();
    expect(within(row).getByText('110/12/01 10:00')).toBeTruthy();
    // The menu entry under 系統管理.
    expect(screen.getByText('代理認證教師', { selector: 'a' }).getAttribute('href')).toBe('/admin/delegates');

    await pickOption('被代理教師', '李老師（074313_t001）');
    const post = await nameDelegate(fetchMock);
    expect(await post.json()).toEqual({ teacher_id: 7, delegate_id: 8 });

    button('結束代理', row).click();
    await confirm('結束這項代理？', '結束代理');
    await waitFor(() => expect(callsTo(fetchMock, 'DELETE /api/v1/certification-delegates/5')).toHaveLength(1));
  });

  it('names a delegate for one course whose results wait for nobody', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/certification-delegates': [],
      'GET /api/v1/reports/uncertified-courses': [{ course_id: 3, course_code: '110-1-003', subject_name: '國語文', class_code: '201', waiting: 4 }],
      'GET /api/v1/staff': { items: [{ id: 8, account: '074313_t002', display_name: '王老師' }], total: 1, page: 1, per_page: 50 },
      'POST /api/v1/certification-delegates': () => json({ ...naming, course_id: 3, teacher_id: null, subject_name: '國語文', class_code: '201' }, 201),
    });
    renderAt('/admin/delegates');
    fireEvent.click(await screen.findByText('單一課程'));
    await pickOption('課程', '國語文 201（待認證 4 件）');
    const post = await nameDelegate(fetchMock);
    expect(await post.json()).toEqual({ course_id: 3, delegate_id: 8 });
  });

  it('names a delegate for a co-taught course: a co-teacher marked 否 then certifies it', async () => {
    // Meeting 003 #25 (代理人機制) and manual 3.5 (是否審核): naming per course, not only per teacher.
    signIn();
    const coTaught = (assignment_id: number, teacher_id: number, teacher_name: string, can_certify: boolean) => ({
      assignment_id,
      course_id: 4,
      academic_year: 110,
      semester: 1,
      class_code: '202',
      course_code: '110-1-004',
      subject_name: '物理',
      teacher_id,
      teacher_account: `074313_t00${teacher_id}`,
      teacher_name,
      can_certify,
    });
    const fetchMock = mockApi({
      'GET /api/v1/me': schoolAdminMe(),
      'GET /api/v1/certification-delegates': [],
      'GET /api/v1/reports/uncertified-courses': [{ course_id: 3, course_code: '110-1-003', subject_name: '國語文', class_code: '201', waiting: 4 }],
      'GET /api/v1/co-taught': { items: [coTaught(11, 7, '李老師', true), coTaught(12, 8, '王老師', false)], total: 2, page: 1, per_page: 200 },
      'GET /api/v1/staff': { items: [{ id: 8, account: '074313_t002', display_name: '王老師' }], total: 1, page: 1, per_page: 50 },
      'POST /api/v1/certification-delegates': () => json({ ...naming, course_id: 4, teacher_id: null, subject_name: '物理', class_code: '202' }, 201),
    });
    renderAt('/admin/delegates');
    fireEvent.click(await screen.findByText('單一課程'));
    await pickOption('課程', '物理 202（李老師、王老師）');
    const post = await nameDelegate(fetchMock);
    expect(await post.json()).toEqual({ course_id: 4, delegate_id: 8 });
  });
});
