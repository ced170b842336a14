import { describe, expect, it } from 'vitest';
import { defaultWindow, fromTaipeiInput, toTaipeiInput, windowTooShort } from './receipts';

const taipei = (s: string) => new Date(`${s}:00+08:00`);

describe('receipt windows', () => {
  it('defaults to the manual: 3/25 10:27 → 3/26 11:00 – 3/28 11:00', () => {
    // 備註說明 A/B: "3/25 10:27 系統將預設 3/26 11:00" … "3/28 11:00".
    const { start, end } = defaultWindow(taipei('2021-03-25T10:27'));
    expect(toTaipeiInput(start)).toBe('2021-03-26T11:00');
    expect(toTaipeiInput(end)).toBe('2021-03-28T11:00');
    expect(windowTooShort(start, end)).toBe(false);
  });

  it('refuses a window shorter than 3 days or ending before it starts', () => {
    expect(windowTooShort(taipei('2021-03-26T11:00'), taipei('2021-03-27T23:00'))).toBe(true);
    expect(windowTooShort(taipei('2021-03-26T11:00'), taipei('2021-03-26T10:00'))).toBe(true);
  });

  it('round-trips the Taipei input form', () => {
    expect(fromTaipeiInput('2021-03-26T11:00')).toBe('2021-03-26T11:00:00+08:00');
    expect(toTaipeiInput(fromTaipeiInput('2021-03-26T11:00'))).toBe('2021-03-26T11:00');
  });
});
