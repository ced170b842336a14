import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job, RosterExport, RosterLine, RosterTable } from '../../api/types';
import { callsTo, json, meFixture, mockApi, signIn } from '../../test/api';
import { renderAt } from '../../test/render';
import { dialog } from '../../test/ui';
import { gradesText, linesOf, percent, sizeText } from './rosters';
// Load the lazily routed pages up front, so that no test waits for the chunk.
import './index';
import type { ModuleCode, ModuleGrant } from '../../api/types';

afterEach(() => {
  vi.restoreAllMocks();
});

const grant = (code: ModuleCode): ModuleGrant => ({ code, name: code, can_create: false, can_update: false, can_delete: false });

const line = (roster: string, grades: RosterLine['grades'], kind: RosterLine['kind'], remark: string, division: RosterLine['division'] = null): RosterLine => ({
  kind,
  roster,
  name: roster,
  grades,
  division,
  remark,
  last_export: null,
});

const done: RosterExport = {
  id: 3,
  job_id: 9,
  roster: '26',
  grades: '1-3',
  division: 'day',
  academic_year: 110,
  semester: 1,
  exported_by: '王小明',
  created_at: '2021-11-02T06:05:09Z',
  file_name: '074313_110_1_26_20211102_14_05_09',
  state: 'succeeded',
  done: 5,
  total: 5,
  error: null,
  students: 3,
  items: 3,
  files: 4,
  sha256: 'ab'.repeat(32),
  size: 18819,
  download_url: '/api/v1/rosters/exports/3/download',
};

const table: RosterTable = {
  academic_year: 110,
  semester: 1,
  upload_url: 'https://ep.cloud.ncnu.edu.tw/',
  lines: [
    { ...line('26', '1-3', 'results', '提交108、109名冊用', 'day'), last_export: done },
    line('36', '3', 'results', '僅有三年級勾選之學習成果', 'day'),
    line('24', '1-3', 'cadre', '第一學期提交用'),
  ],
};

const job = (state: Job['state'], doneSteps: number): Job => ({
  id: 10,
  kind: 'roster_export',
  state,
  done: doneSteps,
  total: 5,
  attempts: 1,
  error: null,
  created_at: '2021-11-02T06:05:09Z',
  started_at: null,
  finished_at: null,
  result: state === 'succeeded' ? { name: '074313_110_1_36_20211102_14_06_00.zip', sha256: 'cd'.repeat(32), size: 100, url: '/api/v1/jobs/10/result' } : null,
});

describe('匯出提交名冊 (S0207S)', () => {
  it('shows the manual table with the last export, checks, exports and polls the job to its download', async () => {
    signIn();
    let polls = 0;
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ modules: [grant('S0207S')] }),
      'GET /api/v1/rosters': table,
      'GET /api/v1/rosters/exports': [done],
      'GET /api/v1/rosters/check': { roster: '36', grades: '3', division: 'day', academic_year: 110, semester: 1, students: 1, items: 1, files: 1, issues: [] },
      'POST /api/v1/rosters/exports': () => json({ ...done, id: 4, job_id: 10, roster: '36', grades: '3', state: 'queued', sha256: null, size: null, download_url: null }, 202),
      'GET /api/v1/jobs/10': () => json(++polls === 1 ? job('running', 2) : job('succeeded', 5)),
    });
    renderAt('/admin/rosters');

    expect(await screen.findByText('提交108、109名冊用')).toBeTruthy();
    // 提交管理 › 匯出提交名冊 only; the cadre lines are on the other screen.
    expect(screen.getByText('匯出提交名冊', { selector: 'a' }).getAttribute('href')).toBe('/admin/rosters');
    expect(screen.queryByText('匯出幹部名冊', { selector: 'a' })).toBeNull();
    expect(screen.queryByText('第一學期提交用')).toBeNull();
    expect(screen.getByText('https://ep.cloud.ncnu.edu.tw/').closest('a')!.getAttribute('href')).toBe('https://ep.cloud.ncnu.edu.tw/');
    // 最後一次匯出 of 26: who, counts and size.
    const row26 = screen.getByText('提交108、109名冊用').closest('tr')!;
    expect(row26.textContent).toContain('一、二、三');
    expect(row26.textContent).toContain('3 位學生、3 筆、4 個附件');
    expect(row26.textContent).toContain('18.4 KB');

    fireEvent.click(screen.getByLabelText('匯出 36 三'));
    const progress = await screen.findByTestId('roster-progress');
    await waitFor(() => expect(within(progress).getByText('下載 074313_110_1_36_20211102_14_06_00.zip')).toBeTruthy(), { timeout: 4000 });
    expect(polls).toBeGreaterThanOrEqual(2);
    const check = new URL(callsTo(fetchMock, 'GET /api/v1/rosters/check')[0]!.url).searchParams;
    expect([check.get('roster'), check.get('grades'), check.get('division')]).toEqual(['36', '3', 'day']);
    expect(await callsTo(fetchMock, 'POST /api/v1/rosters/exports')[0]!.json()).toEqual({ roster: '36', grades: '3', division: 'day' });
  });

  it('lists what the check found and does not export', async () => {
    signIn();
    const fetchMock = mockApi({
      'GET /api/v1/me': meFixture({ modules: [grant('S0207S')] }),
      'GET /api/v1/rosters': table,
      'GET /api/v1/rosters/exports': [],
      'GET /api/v1/rosters/check': {
        roster: '36', grades: '3', division: 'day', academic_year: 110, semester: 1, students: 1, items: 1, files: 1,
        issues: [{ reason: 'missing_national_id', message: '學生沒有身分證統一編號', student_id: 5, account: 's005', name: '林小華', class_code: '301', seat_no: 5, item_kind: null, item_id: null }],
      },
    });
    renderAt('/admin/rosters');
    fireEvent.click(await screen.findByLabelText('匯出 36 三'));
    const modal = await dialog('匯出前檢查：有無法提交的資料');
    expect(within(modal).getByText('學生沒有身分證統一編號')).toBeTruthy();
    expect(within(modal).getByText('林小華（s005）')).toBeTruthy();
    expect(callsTo(fetchMock, 'POST /api/v1/rosters/exports')).toHaveLength(0);
  });
});

describe('匯出幹部名冊 (S0218S)', () => {
  it('shows only the cadre rosters', async () => {
    signIn();
    mockApi({
      'GET /api/v1/me': meFixture({ modules: [grant('S0218S')] }),
      'GET /api/v1/rosters': table,
      'GET /api/v1/rosters/exports': [done],
    });
    renderAt('/admin/cadre-rosters');
    expect(await screen.findByText('第一學期提交用')).toBeTruthy();
    expect(screen.queryByText('提交108、109名冊用')).toBeNull();
    expect(screen.getByText('尚無匯出紀錄')).toBeTruthy();
  });
});

describe('roster rules', () => {
  it('words grade sets, progress and sizes', () => {
    expect(gradesText('1-3')).toBe('一、二、三');
    expect(gradesText('3')).toBe('三');
    expect(percent({ done: 2, total: 5, state: 'running' })).toBe(40);
    expect(percent({ done: 0, total: 0, state: 'queued' })).toBe(0);
    expect(percent({ done: 4, total: 5, state: 'succeeded' })).toBe(100);
    expect(sizeText(1536)).toBe('1.5 KB');
    expect(sizeText(null)).toBe('');
    expect(linesOf(table.lines, ['cadre']).map((l) => l.roster)).toEqual(['24']);
  });
});
