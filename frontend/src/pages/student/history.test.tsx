import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ResultEvent } from '../../api/types';
import { setLang } from '../../i18n/lang';
import { ResultHistory } from './ResultDetailDrawer';
import { historyActionLabel } from './results';
import { actionName } from '../selfdirected/types';

const CJK = /[\u4e00-\u9fff]/;

/** Every action a learning result's history holds (`ResultAction` in the OpenAPI document). */
const ACTIONS = ['created', 'updated', 'submitted', 'certified', 'rejected', 'deleted', 'unselected'] as const;

const event = (action: (typeof ACTIONS)[number], minute: number): ResultEvent => ({
  action,
  state: 'editing',
  at: `2026-12-01T0${minute}:00:00Z`,
  actor_account: '999999_T001',
  actor_name: '王大明',
});

describe('a learning result history', () => {
  it('names every action in zh-TW, with 已取消勾選 for unselected', () => {
    render(<ResultHistory events={ACTIONS.map(event)} />);
    expect(screen.getByText('已取消勾選')).toBeTruthy();
    const labels = ACTIONS.map(historyActionLabel);
    expect(labels).toEqual(['上傳', '修改', '送出認證', '認證成功', '認證失敗', '刪除', '已取消勾選']);
    for (const label of labels) expect(screen.getByText(label)).toBeTruthy();
    expect(screen.queryByText('unselected')).toBeNull();
  });

  it('names every action in English, none as its raw code', () => {
    setLang('en');
    render(<ResultHistory events={ACTIONS.map(event)} />);
    expect(screen.getByText('Unselected')).toBeTruthy();
    const labels = ACTIONS.map(historyActionLabel);
    expect(labels.filter((label) => CJK.test(label))).toEqual([]);
    for (const action of ACTIONS) expect(labels).not.toContain(action);
    for (const label of labels) expect(screen.getByText(label)).toBeTruthy();
  });
});

describe("a self-directed plan's history", () => {
  it('names every action in both languages, none as its raw code', () => {
    const actions = ['submitted', 'approved', 'returned'] as const;
    expect(actions.map(actionName)).toEqual(['送出', '通過', '退回']);
    setLang('en');
    expect(actions.map(actionName)).toEqual(['Submitted', 'Approved', 'Returned']);
    expect(actionName('something_new')).toBe('Other change');
  });
});
