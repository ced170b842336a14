/**
 * ROC (民國) calendar helpers.
 *
 * The wire format is ISO 8601 (`2022-04-01`, `2022-04-01T06:05:00Z`); people read ROC dates
 * (`111/04/01`). Date-times are always shown in Taiwan time (Asia/Taipei), whatever zone the
 * browser is in. A date-only value is a calendar date and is never shifted between zones.
 */

/** ROC year 1 is 1912; ROC year = Gregorian year − 1911. */
import { tr } from '../i18n/lang';

export const ROC_YEAR_OFFSET = 1911;

export const TAIPEI_TIME_ZONE = 'Asia/Taipei';

/** A calendar date in Gregorian (ISO) terms. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface CalendarDateTime extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

export type DateInput = string | Date | null | undefined;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Date-time with a time part; an offset (Z or ±hh:mm) is optional, without one it is Taipei time.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const pad2 = (n: number): string => String(n).padStart(2, '0');

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether year/month/day names a real Gregorian calendar day. */
export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

let taipeiFormatter: Intl.DateTimeFormat | undefined;

/** The wall-clock date and time of an instant in Taipei. */
function taipeiParts(instant: Date): CalendarDateTime {
  taipeiFormatter ??= new Intl.DateTimeFormat('en-US', {
    timeZone: TAIPEI_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of taipeiFormatter.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    // Some engines render midnight as 24 even with h23; normalise.
    hour: (parts.hour ?? NaN) % 24,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

interface IsoDateTime {
  wall: CalendarDateTime;
  /** The written offset (`Z` = 0); null when there is none. */
  offsetMinutes: number | null;
}

/** An ISO date-time's parts as written (not a date-only value). Null when invalid. */
function readIsoDateTime(text: string): IsoDateTime | null {
  const dateTime = ISO_DATE_TIME.exec(text);
  if (!dateTime) return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(dateTime[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = dateTime[6] === undefined ? 0 : Number(dateTime[6]);
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const wall = { year, month, day, hour, minute, second };
  const zone = dateTime[7];
  if (zone === undefined) return { wall, offsetMinutes: null };
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = Number(digits.slice(2));
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return { wall, offsetMinutes };
}

/** The instant of a date-time; one without an offset is read at `assumedOffsetMinutes`. */
function instantOf({ wall, offsetMinutes }: IsoDateTime, assumedOffsetMinutes: number): Date {
  const utc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return new Date(utc - (offsetMinutes ?? assumedOffsetMinutes) * 60_000);
}

/**
 * Read an ISO date, an ISO date-time or a Date as a Taipei wall-clock date and time.
 * A date-only string gives midnight of that calendar date. Returns null when invalid.
 */
function toTaipei(value: DateInput): CalendarDateTime | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : taipeiParts(value);
  }
  const text = value.trim();
  const dateOnly = ISO_DATE.exec(text);
  if (dateOnly) {
    const [year, month, day] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    return isValidCalendarDate(year, month, day) ? { year, month, day, hour: 0, minute: 0, second: 0 } : null;
  }
  const dateTime = readIsoDateTime(text);
  if (!dateTime) return null;
  if (dateTime.offsetMinutes === null) {
    // No offset: already Taipei wall-clock time.
    return dateTime.wall;
  }
  return taipeiParts(instantOf(dateTime, 0));
}

function rocDateText({ year, month, day }: CalendarDate): string | null {
  const rocYear = year - ROC_YEAR_OFFSET;
  // Dates before the Republic (民國前) do not occur in this product; treat them as invalid.
  if (rocYear < 1) return null;
  return `${rocYear}/${pad2(month)}/${pad2(day)}`;
}

/**
 * `2022-04-01` → `111/04/01`. A date-time or Date is first converted to its Taipei date
 * (`2022-03-31T16:30:00Z` → `111/04/01`). Returns `fallback` for empty or invalid input.
 */
export function formatRocDate(value: DateInput, fallback = ''): string {
  const parts = toTaipei(value);
  return (parts && rocDateText(parts)) ?? fallback;
}

/** Options of the date-time formats. */
export interface DateTimeFormatOptions {
  /** Show the seconds too (`111/04/01 14:05:09`), e.g. for log entries only seconds apart. */
  seconds?: boolean;
}

/**
 * `2022-04-01T06:05:00Z` → `111/04/01 14:05` (24-hour clock, Taipei time).
 * A date-only value shows midnight. Returns `fallback` for empty or invalid input.
 */
export function formatRocDateTime(value: DateInput, fallback = '', { seconds = false }: DateTimeFormatOptions = {}): string {
  const parts = toTaipei(value);
  const date = parts && rocDateText(parts);
  if (!parts || !date) return fallback;
  const time = `${pad2(parts.hour)}:${pad2(parts.minute)}`;
  return `${date} ${seconds ? `${time}:${pad2(parts.second)}` : time}`;
}

const ROC_DATE = /^(\d{1,3})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})$/;
const ROC_DATE_COMPACT = /^(\d{3})(\d{2})(\d{2})$/;

/**
 * Parse a ROC date typed by a person back to an ISO date:
 * `111/04/01`, `111-4-1`, `111.04.01`, `1110401` (7 digits) → `2022-04-01`.
 * Returns null when the text is not a real date.
 */
export function parseRocDate(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  const match = ROC_DATE.exec(trimmed) ?? ROC_DATE_COMPACT.exec(trimmed);
  if (!match) return null;
  const rocYear = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (rocYear < 1) return null;
  const year = rocYear + ROC_YEAR_OFFSET;
  if (!isValidCalendarDate(year, month, day)) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Gregorian year → ROC year (2022 → 111). */
export function toRocYear(gregorianYear: number): number {
  return gregorianYear - ROC_YEAR_OFFSET;
}

/** ROC year → Gregorian year (111 → 2022). */
export function fromRocYear(rocYear: number): number {
  return rocYear + ROC_YEAR_OFFSET;
}

/** An academic term (學年期): ROC academic year and semester; semester 0 is the whole year. */
export interface Term {
  year: number;
  semester: 0 | 1 | 2;
}

// Four digits: a three-digit ROC year (zero-padded below 100) and the semester.
const TERM_CODE = /^(\d{3})([012])$/;

/** `1101` → `{ year: 110, semester: 1 }`; `1100` → whole year. Null when invalid. */
export function parseTerm(code: string | number | null | undefined): Term | null {
  if (code === null || code === undefined) return null;
  const text = typeof code === 'number' ? String(code).padStart(4, '0') : code.trim();
  const match = TERM_CODE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 1) return null;
  return { year, semester: Number(match[2]) as Term['semester'] };
}

/** `{ year: 110, semester: 1 }` → `1101` (`{ year: 99, semester: 2 }` → `0992`). */
export function termCode({ year, semester }: Term): string {
  return `${String(year).padStart(3, '0')}${semester}`;
}

/**
 * `{ year: 110, semester: 1 }` → `110學年度第1學期`; semester 0 → `110學年度全學年`
 * (in English: `AY 110, semester 1` / `AY 110, whole year`).
 */
export function termLabel({ year, semester }: Term): string {
  return semester === 0
    ? tr(`${year}學年度全學年`, `AY ${year}, whole year`)
    : tr(`${year}學年度第${semester}學期`, `AY ${year}, semester ${semester}`);
}

/**
 * `1101` → `110學年度第1學期`, `1100` → `110學年度全學年`.
 * Returns `fallback` for empty or invalid input.
 */
export function formatTerm(code: string | number | null | undefined, fallback = ''): string {
  const term = parseTerm(code);
  return term ? termLabel(term) : fallback;
}

/** A term as the API writes it, in two numbers (`{ academic_year: 110, semester: 1 }`). */
export interface ApiTerm {
  academic_year: number;
  semester: number;
}

/**
 * `{ academic_year: 110, semester: 1 }` → `110學年度第1學期` (semester 0 → 全學年).
 * Returns `fallback` for no term or an invalid one.
 */
export function formatApiTerm(term: ApiTerm | null | undefined, fallback = ''): string {
  if (!term) return fallback;
  return formatTerm(`${String(term.academic_year).padStart(3, '0')}${term.semester}`, fallback);
}

/** `{ academic_year: 115, semester: 1 }` → `1151`, the code the API takes (`?term=`). */
export function apiTermCode({ academic_year, semester }: ApiTerm): string {
  return termCode({ year: academic_year, semester: semester as Term['semester'] });
}

/**
 * The term before `term`, as the server's switch-back takes it: semester 2 → semester 1 of the
 * same year; semester 1 (or the whole year) → semester 2 of the year before.
 */
export function previousTerm({ academic_year, semester }: ApiTerm): ApiTerm {
  return semester >= 2 ? { academic_year, semester: 1 } : { academic_year: academic_year - 1, semester: 2 };
}

/**
 * A timestamp from the API as an instant. The API writes RFC 3339 UTC (`2022-04-01T06:05:00Z` is
 * 14:05 in Taipei); a value without an offset is read as UTC too. Null when empty or invalid.
 */
export function parseApiDateTime(value: string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const dateTime = readIsoDateTime(value.trim());
  return dateTime && instantOf(dateTime, 0);
}

/** `formatRocDateTime` for a timestamp from the API (see `parseApiDateTime`). */
export function formatApiDateTime(
  value: string | null | undefined,
  fallback = '',
  options: DateTimeFormatOptions = {},
): string {
  return formatRocDateTime(parseApiDateTime(value), fallback, options);
}

// Taiwan has kept UTC+8 without daylight saving since 1980.
const TAIPEI_OFFSET_MS = 8 * 60 * 60_000;

/**
 * The UTC instant at which a Taipei calendar day (ISO date, `2022-04-01`) begins, as an RFC 3339
 * UTC date-time (`2022-03-31T16:00:00Z`), for filters such as `from`/`to`.
 * `dayOffset` moves the day first (1: the start of the next day, an exclusive upper bound).
 * Null when the date is invalid.
 */
export function taipeiDayStartUtc(isoDate: string, dayOffset = 0): string | null {
  const match = ISO_DATE.exec(isoDate.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isValidCalendarDate(year, month, day)) return null;
  const instant = new Date(Date.UTC(year, month - 1, day + dayOffset) - TAIPEI_OFFSET_MS);
  return `${instant.toISOString().slice(0, 19)}Z`;
}
