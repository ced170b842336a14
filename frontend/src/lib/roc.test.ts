import { describe, expect, it } from 'vitest';
import {
  formatRocDate,
  formatApiDateTime,
  formatApiTerm,
  formatRocDateTime,
  formatTerm,
  fromRocYear,
  isValidCalendarDate,
  parseApiDateTime,
  parseRocDate,
  parseTerm,
  previousTerm,
  termCode,
  taipeiDayStartUtc,
  termLabel,
  toRocYear,
} from './roc';

describe('test environment', () => {
  it('runs outside Taipei time so zone handling is exercised', () => {
    // Los Angeles (see vite.config.ts): never UTC+8.
    expect(new Date('2022-04-01T00:00:00Z').getTimezoneOffset()).not.toBe(-480);
  });
});

describe('formatRocDate', () => {
  it('formats an ISO date', () => {
    expect(formatRocDate('2022-04-01')).toBe('111/04/01');
    expect(formatRocDate('2024-12-25')).toBe('113/12/25');
  });

  it('does not shift a date-only value across zones', () => {
    expect(formatRocDate('2022-01-01')).toBe('111/01/01');
    expect(formatRocDate('2021-12-31')).toBe('110/12/31');
  });

  it('handles the year boundary and ROC years below 100', () => {
    expect(formatRocDate('2010-12-31')).toBe('99/12/31');
    expect(formatRocDate('2011-01-01')).toBe('100/01/01');
    expect(formatRocDate('1912-01-01')).toBe('1/01/01');
  });

  it('converts a date-time to its Taipei date', () => {
    // 16:30 UTC on 31 March is 00:30 on 1 April in Taipei.
    expect(formatRocDate('2022-03-31T16:30:00Z')).toBe('111/04/01');
    expect(formatRocDate('2022-03-31T15:59:59Z')).toBe('111/03/31');
    expect(formatRocDate(new Date('2021-12-31T16:00:00Z'))).toBe('111/01/01');
  });

  it('accepts leap days only in leap years', () => {
    expect(formatRocDate('2024-02-29')).toBe('113/02/29');
    expect(formatRocDate('2023-02-29')).toBe('');
    expect(formatRocDate('2000-02-29')).toBe('89/02/29');
    expect(formatRocDate('1900-02-29')).toBe('');
  });

  it('returns the fallback for empty or invalid input', () => {
    expect(formatRocDate(null)).toBe('');
    expect(formatRocDate(undefined, '—')).toBe('—');
    expect(formatRocDate('', '—')).toBe('—');
    expect(formatRocDate('not a date', '—')).toBe('—');
    expect(formatRocDate('2022-13-01')).toBe('');
    expect(formatRocDate('2022-04-31')).toBe('');
    expect(formatRocDate('2022/04/01')).toBe('');
    expect(formatRocDate(new Date('invalid'), '?')).toBe('?');
    // Before the Republic (民國前): out of range.
    expect(formatRocDate('1911-12-31', '?')).toBe('?');
  });
});

describe('formatRocDateTime', () => {
  it('shows Taipei wall-clock time on a 24-hour clock', () => {
    expect(formatRocDateTime('2022-04-01T06:05:00Z')).toBe('111/04/01 14:05');
    expect(formatRocDateTime('2022-04-01T14:05:00+08:00')).toBe('111/04/01 14:05');
    expect(formatRocDateTime('2022-04-01T14:05:00.123+0800')).toBe('111/04/01 14:05');
    expect(formatRocDateTime('2022-04-01T02:05:00-04:00')).toBe('111/04/01 14:05');
    expect(formatRocDateTime(new Date(Date.UTC(2022, 3, 1, 6, 5)))).toBe('111/04/01 14:05');
  });

  it('shows midnight as 00 and crosses the year boundary', () => {
    expect(formatRocDateTime('2021-12-31T16:00:00Z')).toBe('111/01/01 00:00');
    expect(formatRocDateTime('2021-12-31T15:59:00Z')).toBe('110/12/31 23:59');
  });

  it('treats a date-time without offset as Taipei time', () => {
    expect(formatRocDateTime('2022-04-01T14:05:00')).toBe('111/04/01 14:05');
    expect(formatRocDateTime('2022-04-01 09:30')).toBe('111/04/01 09:30');
  });

  it('shows midnight for a date-only value', () => {
    expect(formatRocDateTime('2022-04-01')).toBe('111/04/01 00:00');
  });

  it('returns the fallback for invalid input', () => {
    expect(formatRocDateTime(null, '—')).toBe('—');
    expect(formatRocDateTime('2022-04-01T24:00:00Z', '—')).toBe('—');
    expect(formatRocDateTime('2022-04-01T12:60:00Z', '—')).toBe('—');
    expect(formatRocDateTime('2022-02-30T12:00:00Z', '—')).toBe('—');
    expect(formatRocDateTime('yesterday', '—')).toBe('—');
  });
});

describe('parseRocDate', () => {
  it('parses the usual forms', () => {
    expect(parseRocDate('111/04/01')).toBe('2022-04-01');
    expect(parseRocDate('111-4-1')).toBe('2022-04-01');
    expect(parseRocDate('111.04.01')).toBe('2022-04-01');
    expect(parseRocDate(' 111 / 04 / 01 ')).toBe('2022-04-01');
    expect(parseRocDate('1110401')).toBe('2022-04-01');
    expect(parseRocDate('99/12/31')).toBe('2010-12-31');
    expect(parseRocDate('100/01/01')).toBe('2011-01-01');
  });

  it('round-trips with formatRocDate', () => {
    for (const iso of ['2022-04-01', '2010-12-31', '2011-01-01', '2024-02-29', '1912-01-01']) {
      expect(parseRocDate(formatRocDate(iso))).toBe(iso);
    }
  });

  it('rejects impossible or malformed dates', () => {
    expect(parseRocDate('112/02/29')).toBeNull(); // 2023 is not a leap year
    expect(parseRocDate('113/02/29')).toBe('2024-02-29');
    expect(parseRocDate('111/13/01')).toBeNull();
    expect(parseRocDate('111/00/10')).toBeNull();
    expect(parseRocDate('111/04/31')).toBeNull();
    expect(parseRocDate('0/01/01')).toBeNull();
    expect(parseRocDate('2022-04-01')).toBeNull();
    expect(parseRocDate('111/04')).toBeNull();
    expect(parseRocDate('abc')).toBeNull();
    expect(parseRocDate('')).toBeNull();
    expect(parseRocDate(null)).toBeNull();
    expect(parseRocDate(undefined)).toBeNull();
  });
});

describe('ROC years', () => {
  it('converts both ways', () => {
    expect(toRocYear(2022)).toBe(111);
    expect(fromRocYear(111)).toBe(2022);
  });

  it('validates calendar dates', () => {
    expect(isValidCalendarDate(2024, 2, 29)).toBe(true);
    expect(isValidCalendarDate(2023, 2, 29)).toBe(false);
    expect(isValidCalendarDate(2023, 4, 30)).toBe(true);
    expect(isValidCalendarDate(2023, 4, 31)).toBe(false);
    expect(isValidCalendarDate(2023, 1, 1.5)).toBe(false);
  });
});

describe('terms', () => {
  it('formats a semester and the whole year', () => {
    expect(formatTerm('1101')).toBe('110學年度第1學期');
    expect(formatTerm('1102')).toBe('110學年度第2學期');
    expect(formatTerm('1100')).toBe('110學年度全學年');
    expect(formatTerm(1111)).toBe('111學年度第1學期');
  });

  it('handles academic years below 100 (zero-padded code)', () => {
    expect(formatTerm('0992')).toBe('99學年度第2學期');
    expect(formatTerm(991)).toBe('99學年度第1學期');
    expect(termCode({ year: 99, semester: 2 })).toBe('0992');
  });

  it('returns the fallback for invalid codes', () => {
    expect(formatTerm('1103', '—')).toBe('—');
    expect(formatTerm('110', '—')).toBe('—'); // ambiguous three-digit code
    expect(formatTerm('991', '—')).toBe('—');
    expect(formatTerm(' 1101 ')).toBe('110學年度第1學期');
    expect(formatTerm('11011', '—')).toBe('—');
    expect(formatTerm('abcd', '—')).toBe('—');
    expect(formatTerm('0001', '—')).toBe('—');
    expect(formatTerm(null)).toBe('');
    expect(formatTerm(undefined, '—')).toBe('—');
  });

  it('parses and builds codes', () => {
    expect(parseTerm('1101')).toEqual({ year: 110, semester: 1 });
    expect(parseTerm('1100')).toEqual({ year: 110, semester: 0 });
    expect(parseTerm('x')).toBeNull();
    expect(termCode({ year: 110, semester: 2 })).toBe('1102');
    expect(termLabel({ year: 112, semester: 0 })).toBe('112學年度全學年');
  });

  it('formats the API\'s year and semester, and steps back a term', () => {
    expect(formatApiTerm({ academic_year: 110, semester: 1 })).toBe('110學年度第1學期');
    expect(formatApiTerm({ academic_year: 99, semester: 0 })).toBe('99學年度全學年');
    expect(formatApiTerm({ academic_year: 110, semester: 3 }, '—')).toBe('—');
    expect(formatApiTerm(null, '—')).toBe('—');
    expect(previousTerm({ academic_year: 110, semester: 2 })).toEqual({ academic_year: 110, semester: 1 });
    expect(previousTerm({ academic_year: 110, semester: 1 })).toEqual({ academic_year: 109, semester: 2 });
    expect(previousTerm({ academic_year: 110, semester: 0 })).toEqual({ academic_year: 109, semester: 2 });
  });
});

describe('API timestamps', () => {
  it('reads a date-time without offset as UTC', () => {
    expect(formatApiDateTime('2022-04-01T06:05:00')).toBe('111/04/01 14:05');
    expect(formatApiDateTime('2022-03-31T16:30:00.123456')).toBe('111/04/01 00:30');
    expect(formatApiDateTime('2022-04-01T06:05:00Z')).toBe('111/04/01 14:05');
    expect(formatApiDateTime('2022-04-01T14:05:00+08:00')).toBe('111/04/01 14:05');
    expect(formatApiDateTime(null, '—')).toBe('—');
    expect(formatApiDateTime('nonsense', '—')).toBe('—');
    expect(formatApiDateTime('2022-02-30T12:00:00', '—')).toBe('—');
    expect(parseApiDateTime('2022-04-01T06:05:00')?.toISOString()).toBe('2022-04-01T06:05:00.000Z');
    expect(parseApiDateTime('2022-04-01T14:05:00+08:00')?.toISOString()).toBe('2022-04-01T06:05:00.000Z');
    expect(parseApiDateTime(undefined)).toBeNull();
  });

  it('shows the seconds on request', () => {
    expect(formatApiDateTime('2022-02-13T00:09:07Z', '', { seconds: true })).toBe('111/02/13 08:09:07');
    expect(formatApiDateTime('2022-02-13T00:09:07.9Z', '', { seconds: true })).toBe('111/02/13 08:09:07');
    expect(formatRocDateTime('2022-02-13', '', { seconds: true })).toBe('111/02/13 00:00:00');
    expect(formatRocDateTime(new Date('2022-02-13T00:09:07Z'), '', { seconds: true })).toBe('111/02/13 08:09:07');
  });

  it('gives the UTC start of a Taipei day', () => {
    expect(taipeiDayStartUtc('2022-04-01')).toBe('2022-03-31T16:00:00Z');
    expect(taipeiDayStartUtc('2022-04-30', 1)).toBe('2022-04-30T16:00:00Z');
    expect(taipeiDayStartUtc('2022-12-31', 1)).toBe('2022-12-31T16:00:00Z');
    expect(taipeiDayStartUtc('2022-02-30')).toBeNull();
    expect(taipeiDayStartUtc('111/04/01')).toBeNull();
  });
});
