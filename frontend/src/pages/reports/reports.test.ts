import { describe, expect, it } from 'vitest';
import { reminderRunText } from '../admin/labels';
import { xlsxName } from './ReportFilters';
import { selectionCountText, sumTeachers, termOptions, yearOptions } from './reports';

const term = (code: string, is_current = false) => ({
  academic_year: Number(code.slice(0, 3)),
  semester: Number(code.slice(3)),
  code,
  is_current,
});

describe('report filters', () => {
  it('names a workbook with its term or year in words, as the server does (issue #24: `…_1151.xlsx`)', () => {
    expect(xlsxName('自主學習認證統計', '1151')).toBe('自主學習認證統計_115學年度第1學期.xlsx');
    expect(xlsxName('數據分析', '1150')).toBe('數據分析_115學年度全學年.xlsx');
    expect(xlsxName('學習成果勾選情形', 110)).toBe('學習成果勾選情形_110學年度.xlsx');
    expect(xlsxName('課程諮詢紀錄', undefined)).toBe('課程諮詢紀錄.xlsx');
  });

  it('offers the terms newest first, each year followed by its 全學年', () => {
    expect(termOptions([term('1101'), term('1102', true), term('1092')])).toEqual([
      { value: '1102', label: '110學年度第2學期（目前）' },
      { value: '1101', label: '110學年度第1學期' },
      { value: '1100', label: '110學年度全學年' },
      { value: '1092', label: '109學年度第2學期' },
      { value: '1090', label: '109學年度全學年' },
    ]);
    expect(termOptions([])).toEqual([]);
  });

  it('offers each academic year once', () => {
    expect(yearOptions([term('1101'), term('1102'), term('1092')])).toEqual([
      { value: 110, label: '110學年度' },
      { value: 109, label: '109學年度' },
    ]);
  });
});

describe('report figures', () => {
  it('writes 勾選數目 as selected of selectable', () => {
    expect(selectionCountText(3, 8)).toBe('3 / 8');
  });

  it('adds up the teachers for the 合計 row', () => {
    expect(
      sumTeachers([
        { certified: 3, rejected: 1, waiting: 2 },
        { certified: 0, rejected: 2, waiting: 5 },
      ]),
    ).toEqual({ certified: 3, rejected: 3, waiting: 7 });
    expect(sumTeachers([])).toEqual({ certified: 0, rejected: 0, waiting: 0 });
  });

  it('says what a reminder run did', () => {
    expect(reminderRunText({ planned: 3, sent: 2, failed: 1 })).toBe('新排入 3 封、寄出 2 封、失敗 1 封。');
    expect(reminderRunText({ planned: 0, sent: 0, failed: 0 })).toBe('目前沒有需要寄送的提醒信。');
  });
});
