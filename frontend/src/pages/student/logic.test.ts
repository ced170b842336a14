import dayjs from 'dayjs';
import type { LearningResult } from '../../api/types';
import { describe, expect, it } from 'vitest';
import { categories, course, limits, mp4, myCourses, pdf, performance, period, result, selections } from './fixtures';
import {
  categoryFields,
  changeBlockReason,
  createBlockReason,
  dateBounds,
  isRange,
  linkAllowed,
  outside,
  performanceDateText,
  performanceDetails,
  performanceFields,
  performanceValues,
  titleLabel,
  categoryInfo,
} from './performances';
import { courseOptions, historyActionLabel, openUploadTerm, resultActions, resultEditFields, uploadBlockReason } from './results';
import { periodBlockReason, selectableResults, selectionCountText, selectionToggle } from './selections';

const file = (name: string) => new File(['x'], name);

describe('learning results', () => {
  it('edits while 編輯中 or 認證失敗, submits while 編輯中, deletes while 編輯中 or 認證失敗 — only in the upload period of the result\'s own term', () => {
    // FAQ 004 Q12: 認證失敗後「就可以再重新編輯，重新上傳認證資料」; a result belongs to its term (FAQ 004 Q5).
    const r = (state: LearningResult['state'], term = '1151') => ({ state, term });
    expect(resultActions(r('editing'), '1151')).toEqual({ edit: true, submit: true, delete: true });
    expect(resultActions(r('editing'), null)).toEqual({ edit: false, submit: false, delete: false });
    expect(resultActions(r('submitted'), '1151')).toEqual({ edit: false, submit: false, delete: false });
    expect(resultActions(r('certified'), '1151')).toEqual({ edit: false, submit: false, delete: false });
    expect(resultActions(r('rejected'), '1151')).toEqual({ edit: true, submit: false, delete: true });
    // An earlier term's result is not opened by this term's period.
    expect(resultActions(r('editing', '1142'), '1151')).toEqual({ edit: false, submit: false, delete: false });
    expect(resultActions(r('rejected', '1142'), '1151')).toEqual({ edit: false, submit: false, delete: false });
    expect(openUploadTerm(myCourses())).toBe('1101');
    expect(openUploadTerm(myCourses({ upload_period: period({ open: false }) }))).toBeNull();
    expect(openUploadTerm(undefined)).toBeNull();
  });

  it('says why a new result cannot be uploaded: period, semester count, every subject full', () => {
    expect(uploadBlockReason(myCourses())).toBeNull();
    expect(uploadBlockReason(undefined)).toBe('尚未取得本學期修課資料');
    expect(uploadBlockReason(myCourses({ upload_period: null }))).toBe('學校尚未設定本學期的上傳時間');
    expect(uploadBlockReason(myCourses({ upload_period: period({ open: false }) }))).toBe('目前不在上傳期間');
    expect(uploadBlockReason(myCourses({ used: 10 }))).toBe('本學期已上傳 10 件，已達上限 10 件');
    expect(uploadBlockReason(myCourses({ courses: [course(1, '國語文', 3)] }))).toBe('每一門課程都已達單科上限');
    expect(uploadBlockReason(myCourses({ courses: [] }))).toBe('本學期沒有修課資料');
  });

  it('offers every course, the full ones not choosable', () => {
    expect(courseOptions(myCourses())).toEqual([
      { value: 1, label: '國語文（110-1-001）－已達單科上限', disabled: true },
      { value: 2, label: '數學（110-1-002）', disabled: false },
    ]);
  });

  it('sends an edit: the description, a replaced file, a removed one; untouched slots stay', () => {
    const video = file('新影片.mp4');
    expect(resultEditFields(result(1, { document: pdf, video: null }), { description: ' 新簡述 ', video })).toEqual({
      description: '新簡述',
      video,
    });
    expect(resultEditFields(result(1, { document: pdf, video: mp4 }), { description: '簡述', document: null })).toEqual({
      description: '簡述',
      remove_document: true,
    });
  });

  it('names history actions', () => {
    expect(['created', 'updated', 'submitted', 'certified', 'rejected', 'deleted', 'unselected', 'other'].map(historyActionLabel)).toEqual([
      '上傳',
      '修改',
      '送出認證',
      '認證成功',
      '認證失敗',
      '刪除',
      '已取消勾選',
      '其他異動',
    ]);
  });
});

describe('performance forms', () => {
  it("builds each category's form from its fields and dating", () => {
    expect(categoryFields(categories, 'competition').map((spec) => spec.field)).toEqual(['title', 'item', 'level', 'award', 'participation']);
    expect(categoryFields(categories, 'service_learning').map((spec) => spec.field)).toEqual(['title', 'organisation', 'hours']);
    expect(categoryFields(categories, undefined)).toEqual([]);
    expect(categoryFields(undefined, 'cadre')).toEqual([]);
    expect(isRange(categoryInfo(categories, 'competition'))).toBe(false);
    expect(isRange(categoryInfo(categories, 'cadre'))).toBe(true);
    expect(titleLabel(categoryInfo(categories, 'cadre'))).toBe('擔任職務');
    expect(titleLabel(undefined)).toBe('名稱');
  });

  it("sends only the category's fields, one date for a single-date category, and no empty ones", () => {
    const info = categoryInfo(categories, 'competition')!;
    const document = file('獎狀.pdf');
    const fields = performanceFields(info, {
      category: 'competition',
      title: ' 全國科展 ',
      item: '  ',
      level: '全國',
      award: '佳作',
      // Left over from another category chosen first: not sent.
      organisation: '某單位',
      hours: 3,
      start_date: dayjs('2022-03-05'),
      end_date: dayjs('2022-03-06'),
      description: ' 與同學合作研究水質。 ',
      external_link: 'https://youtu.be/x',
      document,
    });
    expect(fields).toEqual({
      category: 'competition',
      title: '全國科展',
      item: undefined,
      level: '全國',
      award: '佳作',
      participation: undefined,
      start_date: '2022-03-05',
      description: '與同學合作研究水質。',
      document,
    });
  });

  it('sends a start and an end for a range category, numbers as they are, the link only with a video', () => {
    const info = categoryInfo(categories, 'service_learning')!;
    const video = file('服務.mp4');
    const fields = performanceFields(info, {
      category: 'service_learning',
      title: '淨灘',
      organisation: '海巡署',
      hours: 2.5,
      start_date: dayjs('2022-04-01'),
      end_date: dayjs('2022-04-02'),
      description: '淨灘活動',
      external_link: ' https://youtu.be/x ',
      video,
    });
    expect(fields).toMatchObject({ hours: 2.5, start_date: '2022-04-01', end_date: '2022-04-02', external_link: 'https://youtu.be/x', video });
  });

  it('on edit sends every field again, never the category, and the file changes as remove_…', () => {
    const current = performance(3, { video: mp4, external_link: 'https://youtu.be/old' });
    const info = categoryInfo(categories, 'competition')!;
    const values = performanceValues(current);
    expect(values).toMatchObject({ title: '全國科展', level: '全國', award: '佳作', participation: '團體', item: undefined });
    expect(values.start_date?.format('YYYY-MM-DD')).toBe('2022-03-05');
    expect(performanceFields(info, values, current)).toEqual({
      title: '全國科展',
      item: undefined,
      level: '全國',
      award: '佳作',
      participation: '團體',
      start_date: '2022-03-05',
      description: '與同學合作研究水質。',
      external_link: 'https://youtu.be/old',
    });
    // The video removed: the link goes with it.
    expect(performanceFields(info, { ...values, video: null }, current)).toMatchObject({ remove_video: true });
    expect(performanceFields(info, { ...values, video: null }, current).external_link).toBeUndefined();
  });

  it('allows a link only while a video stays or is chosen', () => {
    expect(linkAllowed(null, undefined)).toBe(false);
    expect(linkAllowed(null, file('a.mp4'))).toBe(true);
    expect(linkAllowed(mp4, undefined)).toBe(true);
    expect(linkAllowed(mp4, null)).toBe(false);
  });

  it('shows dates and details', () => {
    expect(performanceDateText({ start_date: '2022-03-05', end_date: null })).toBe('111/03/05');
    expect(performanceDateText({ start_date: '2022-03-05', end_date: '2022-06-30' })).toBe('111/03/05 ~ 111/06/30');
    expect(performanceDetails(performance(1), categoryInfo(categories, 'competition'))).toBe('競賽等級：全國、獎項：佳作、參與類型：團體');
    expect(performanceDetails(performance(1), undefined)).toBe('');
  });

  it("changes only this year's unselected performances; new ones up to the year's limit", () => {
    expect(changeBlockReason(performance(1), limits())).toBeNull();
    expect(changeBlockReason(performance(1, { academic_year: 109 }), limits())).toBe('只能修改或刪除本學年的多元表現');
    expect(changeBlockReason(performance(1, { selected: true }), limits())).toBe('已勾選提交，請先取消勾選再修改或刪除');
    expect(createBlockReason(limits())).toBeNull();
    expect(createBlockReason(undefined)).toBeNull();
    expect(createBlockReason(limits({ used: 10 }))).toBe('本學年已上傳 10 件，已達上限 10 件');
    // The school's performance upload period (FAQ 000 四 Q1: 「系統管理-多元表現設定」 adjusts the upload time).
    expect(createBlockReason(limits({ upload_period: null }))).toBe('學校尚未設定本學年的多元表現上傳時間');
    expect(createBlockReason(limits({ upload_period: period({ open: false }) }))).toBe('目前不在多元表現上傳期間');
    expect(changeBlockReason(performance(1), limits({ upload_period: period({ open: false }) }))).toBe('目前不在多元表現上傳期間');
  });

  it('bounds the dates: a date or start up to 31 July, an end from the start up to 29 August', () => {
    expect(dateBounds(limits(), 'start')).toEqual(['2020-07-01', '2022-07-31']);
    expect(dateBounds(limits(), 'end', '2022-05-01')).toEqual(['2022-05-01', '2022-08-29']);
    expect(dateBounds(limits(), 'end')).toEqual(['2020-07-01', '2022-08-29']);
    expect(outside('2022-08-01', dateBounds(limits(), 'start'))).toBe(true);
    expect(outside('2022-07-31', dateBounds(limits(), 'start'))).toBe(false);
    expect(outside('2020-06-30', dateBounds(limits(), 'start'))).toBe(true);
  });
});

describe('selections', () => {
  const set = (selected: number[], overrides = {}) => ({ ...selections().results, selected, ...overrides });

  it('switches rows on up to the limit, off at any time, inside the period', () => {
    expect(selectionToggle(set([1, 2]), 3)).toEqual({ checked: false, disabled: false, reason: null });
    expect(selectionToggle(set([1, 2]), 2)).toEqual({ checked: true, disabled: false, reason: null });
    const full = set([1, 2, 3, 4, 5, 6]);
    expect(selectionToggle(full, 7)).toEqual({ checked: false, disabled: true, reason: '已達勾選上限 6 件，請先取消其他項目' });
    expect(selectionToggle(full, 6)).toEqual({ checked: true, disabled: false, reason: null });
  });

  it('moves nothing outside the period, or without one', () => {
    const closed = set([1], { period: period({ open: false }) });
    expect(selectionToggle(closed, 1)).toEqual({ checked: true, disabled: true, reason: '目前不在勾選期間' });
    expect(selectionToggle(closed, 2)).toEqual({ checked: false, disabled: true, reason: '目前不在勾選期間' });
    expect(periodBlockReason(set([], { period: null }))).toBe('學校尚未設定勾選時間');
    expect(periodBlockReason(set([]))).toBeNull();
  });

  it('counts, and offers this year’s certified results only', () => {
    expect(selectionCountText(set([1, 2]))).toBe('已勾選 2 / 6');
    const rows = [
      result(1, { state: 'certified' }),
      result(2, { state: 'submitted' }),
      result(3, { state: 'certified', academic_year: 109, term: '1092' }),
      result(4, { state: 'certified', semester: 2, term: '1102' }),
    ];
    expect(selectableResults(rows, 110).map((row) => row.id)).toEqual([1, 4]);
  });
});
