/**
 * Date-of-birth normalizer (Pinterest `user_data.db`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.db ("date of birthday, given as year, month, and day");
 * project decision NOTES §3: `YYYYMMDD` from every unambiguous way of writing a date. A day-first or month-first
 * date whose day and month are both 12 or less (04/05/1985) is read with the `date_of_birth_order` setting, or
 * dropped with a warning naming that setting when it is not set. Impossible dates and implausible years are dropped
 * with a warning. Nothing is guessed: a value that matches no form below is dropped.
 */
import { NOT_TEXT, type NormalizeContext, type Normalized, rejection, toText } from './text.js';

/** Warning for a value that is not a date in any form this module reads. */
export const DOB_UNRECOGNIZED = rejection('date_of_birth: unrecognized date format; dropped');
/** Warning for a day-first/month-first date whose order cannot be told and `date_of_birth_order` is not set. */
export const DOB_AMBIGUOUS = rejection(
  'date_of_birth: day and month are both 12 or less and date_of_birth_order (MDY or DMY) is not set; dropped',
);
/** Warning for a value that is not a real calendar date (1990-02-30, 2023-13-01, Feb 29 of 1990, year 0000). */
export const DOB_INVALID_DATE = rejection('date_of_birth: not a valid calendar date; dropped');
/** Warning for a real date that cannot be a date of birth: year before {@link DOB_MIN_YEAR}, or after today. */
export const DOB_IMPLAUSIBLE = rejection('date_of_birth: year before 1900 or date in the future; dropped');
/** Warning for an object, boolean, NaN, ... (a JS Date is accepted). */
export const DOB_NOT_TEXT = rejection('date_of_birth: not a text value; dropped');

/** Earliest year accepted as a year of birth. */
export const DOB_MIN_YEAR = 1900;

/** Order of day and month in dates written `a/b/yyyy`: config `date_of_birth_order`. */
export type DateOfBirthOrder = 'MDY' | 'DMY';

/**
 * An optional time of day after a date (`T` or space, `H:MM[:SS[.fff]]`, optional AM/PM, optional `Z`/`UTC`/`GMT`
 * or numeric offset). It is dropped: the calendar date is taken as written, with no time-zone conversion (a birth
 * date is a date, and exports such as `11/30/1985 12:00:00 AM` carry a meaningless midnight).
 */
const TIME_SUFFIX =
  /(?:[T ]|, ?)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?: ?[ap]\.?m\.?)?(?: ?(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?))?$/i;
/** A note in parentheses or brackets after the date: `11/30/1985 (month/day/year)`, `04.05.1985 [dd.mm.yyyy]`. */
const TRAILING_NOTE = /^(.*?\S)\s*[([]([^()[\]]*)[)\]]$/;
/** Spaces around a separator: `30 . 11 . 1985` → `30.11.1985`. */
const SPACED_SEPARATOR = /\s*([-/._])\s*/g;
/** `YYYY?M?D` with one separator (`-`, `/`, `.`, `_` or a space) used twice. */
const YEAR_FIRST = /^(\d{4})([-/._ ])(\d{1,2})\2(\d{1,2})$/;
/** `A?B?YYYY` with one separator used twice: day-first or month-first. */
const YEAR_LAST = /^(\d{1,2})([-/._ ])(\d{1,2})\2(\d{4})$/;
/** `YYYYMMDD`. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
/** Chinese, Japanese and Korean year/month/day markers: `1985年11月30日`, `1985년 11월 30일`. */
const CJK = /^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?$/;
/** Text with English month names, split into tokens on spaces and punctuation. */
const WORD_SPLIT = /[\s,./_-]+/;
const ORDINAL = /^(\d{1,2})(?:st|nd|rd|th)$/;
const DIGITS = /^\d+$/;

const MONTHS: ReadonlyMap<string, number> = (() => {
  const names = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
  const m = new Map<string, number>();
  names.forEach((name, i) => {
    m.set(name, i + 1);
    m.set(name.slice(0, 3), i + 1);
  });
  m.set('sept', 9);
  return m;
})();
/** Words that may stand in a written date without changing it: weekdays, "of" ("30th of November"). */
const FILLER: ReadonlySet<string> = new Set([
  'of', 'the', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
]);

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Today (UTC) plus one day, as YYYYMMDD: a birth date after it is in the future in every time zone. */
function latestPlausible(): string {
  const d = new Date(Date.now() + 86_400_000);
  return ymdText(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function ymdText(y: number, m: number, d: number): string {
  return String(y).padStart(4, '0') + (m < 10 ? '0' : '') + m + (d < 10 ? '0' : '') + d;
}

/**
 * Formats a checked date as YYYYMMDD; DOB_INVALID_DATE when it is not a real Gregorian date (leap years checked),
 * DOB_IMPLAUSIBLE when the year is before 1900 or the date after today.
 */
function ymd(y: number, m: number, d: number): Normalized {
  if (y < 1 || m < 1 || m > 12 || d < 1) return DOB_INVALID_DATE;
  const maxDay = m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1];
  if (d > maxDay) return DOB_INVALID_DATE;
  if (y < DOB_MIN_YEAR) return DOB_IMPLAUSIBLE;
  const text = ymdText(y, m, d);
  return text > latestPlausible() ? DOB_IMPLAUSIBLE : text;
}

/**
 * The day/month order a format note states (`month/day/year`, `mm/dd/yyyy`, `DD.MM.YYYY`, `jj/mm/aaaa` is not
 * read): 'MDY', 'DMY', 'YMD', or undefined when the note names no such order.
 */
function orderFromNote(note: string): DateOfBirthOrder | 'YMD' | undefined {
  const parts = note.toLowerCase().split(/[^a-z]+/).filter((p) => p !== '');
  const letters = parts.map((p) => (/^(d+|day)$/.test(p) ? 'D' : /^(m+|month)$/.test(p) ? 'M' : /^(y+|year)$/.test(p) ? 'Y' : '?'));
  const order = letters.join('');
  return order === 'MDY' || order === 'DMY' || order === 'YMD' ? order : undefined;
}

/** `a?b?yyyy`: read with the note's order, or by the values when only one reading is a date, or with `order`. */
function dayMonthYear(a: number, b: number, y: number, note: DateOfBirthOrder | 'YMD' | undefined, order?: DateOfBirthOrder): Normalized {
  if (note === 'MDY') return ymd(y, a, b);
  if (note === 'DMY') return ymd(y, b, a);
  if (note === 'YMD') return DOB_UNRECOGNIZED; // the note contradicts the digits
  if (a > 12 && b > 12) return DOB_INVALID_DATE;
  if (a > 12) return ymd(y, b, a);
  if (b > 12 || a === b) return ymd(y, a, b);
  if (order === 'MDY') return ymd(y, a, b);
  if (order === 'DMY') return ymd(y, b, a);
  return DOB_AMBIGUOUS;
}

/** A date written with an English month name: `Nov 30, 1985`, `30 November 1985`, `30-Nov-1985`, `1985 Nov 30`. */
function withMonthName(s: string): Normalized | undefined {
  const tokens = s.toLowerCase().split(WORD_SPLIT);
  let month: number | undefined;
  let year: number | undefined;
  let day: number | undefined;
  let words = 0;
  for (const raw of tokens) {
    if (raw === '') continue;
    const ord = ORDINAL.exec(raw);
    const t = ord !== null ? ord[1] : raw;
    if (DIGITS.test(t)) {
      if (t.length === 4 && year === undefined && ord === null) year = +t;
      else if (t.length <= 2 && day === undefined) day = +t;
      else return DOB_UNRECOGNIZED;
      continue;
    }
    words++;
    const m = MONTHS.get(t);
    if (m !== undefined && month === undefined) month = m;
    else if (!FILLER.has(t)) return undefined;
  }
  if (words === 0) return undefined;
  if (month === undefined || year === undefined || day === undefined) return DOB_UNRECOGNIZED;
  return ymd(year, month, day);
}

/**
 * Normalizes a date of birth to `YYYYMMDD`.
 *
 * Accepted (a time of day after the date is ignored, the date taken as written):
 * - year first, with `-`, `/`, `.`, `_` or a space: `1990-03-04`, `1990/3/4`, `1990.03.04`, ISO date-times
 *   `1990-03-04T00:00:00Z`, `1990-03-04 23:30:00+02:00`; compact `19900304` (string, number or bigint);
 * - day or month first with a 4-digit year and the same separators: `30.11.1985`, `11/30/1985`, `02-14-1979`,
 *   `30 11 1985`. A day above 12 tells the order; when day and month are both 12 or less and differ (`04/05/1985`),
 *   `ctx.dateOfBirthOrder` (`MDY` or `DMY`) decides, else DOB_AMBIGUOUS; equal day and month need no order;
 * - a format note in parentheses after the digits, which also decides the order: `11/30/1985 (month/day/year)`,
 *   `04/05/1985 (dd/mm/yyyy)` → `19850504`;
 * - English month names and abbreviations, any order, optional weekday, ordinals and "of": `Nov 30, 1985`,
 *   `30 November 1985`, `30-Nov-1985`, `Saturday, November 30th, 1985`, `30th of Nov. 1985`;
 * - Chinese/Japanese/Korean markers: `1985年11月30日`, `1985년 11월 30일`;
 * - JS `Date` objects (UTC calendar date, since `new Date("1990-03-04")` is UTC midnight).
 * Two-digit years (`3-4-90`) are never read (the century is a guess) → DOB_UNRECOGNIZED.
 * Not a real date (Feb 29 of a non-leap year, month 13) → DOB_INVALID_DATE; year before 1900 or after today →
 * DOB_IMPLAUSIBLE; booleans/objects → DOB_NOT_TEXT; blank/null → null. Never throws.
 */
export function normalizeDateOfBirth(value: unknown, ctx?: NormalizeContext): Normalized {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return DOB_INVALID_DATE;
    return ymd(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return DOB_NOT_TEXT;
  let s = text.trim();
  if (s === '') return null;
  if (s.length > 100) return DOB_UNRECOGNIZED;
  let note: ReturnType<typeof orderFromNote>;
  const noted = TRAILING_NOTE.exec(s);
  if (noted !== null) {
    note = orderFromNote(noted[2]);
    if (note === undefined) return DOB_UNRECOGNIZED;
    s = noted[1];
  }
  s = s.replace(TIME_SUFFIX, '').replace(SPACED_SEPARATOR, '$1');
  let m = COMPACT.exec(s) ?? YEAR_FIRST.exec(s);
  if (m !== null) {
    if (note !== undefined && note !== 'YMD') return DOB_UNRECOGNIZED;
    return m.length === 4 ? ymd(+m[1], +m[2], +m[3]) : ymd(+m[1], +m[3], +m[4]);
  }
  m = YEAR_LAST.exec(s);
  if (m !== null) return dayMonthYear(+m[1], +m[3], +m[4], note, ctx?.dateOfBirthOrder);
  if (note !== undefined) return DOB_UNRECOGNIZED;
  m = CJK.exec(s);
  if (m !== null) return ymd(+m[1], +m[2], +m[3]);
  return withMonthName(s) ?? DOB_UNRECOGNIZED;
}
