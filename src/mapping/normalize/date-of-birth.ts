/**
 * Date-of-birth normalizer (Pinterest `user_data.db`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.db ("date of birthday, given as year, month, and day");
 * project decision NOTES §3: `YYYYMMDD` from ISO dates/timestamps and unambiguous year-first formats; day/month
 * orders that cannot be told apart (03/04/1990, 3-4-90, ...) are dropped with a warning rather than guessed.
 */
import { NOT_TEXT, type Normalized, rejection, toText } from './text.js';

/** Warning for a format that is not year-first (or not a date at all). */
export const DOB_UNRECOGNIZED = rejection('date_of_birth: ambiguous or unrecognized date format; dropped');
/** Warning for a year-first value that is not a real calendar date (1990-02-30, 2023-13-01, year 0000). */
export const DOB_INVALID_DATE = rejection('date_of_birth: not a valid calendar date; dropped');
/** Warning for an object, boolean, NaN, ... (a JS Date is accepted). */
export const DOB_NOT_TEXT = rejection('date_of_birth: not a text value; dropped');

/**
 * `YYYY-M-D` with an optional time part: `T` or one space, `HH:MM[:SS[.fff]]`, then an optional `Z`, `UTC`, `GMT`
 * or numeric offset. The calendar date is taken as written: no time-zone conversion (a birth date is a date).
 */
const ISO_DASH =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?\s?(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** `YYYY/M/D` or `YYYY.M.D` (the same separator twice). */
const YEAR_FIRST_SLASH_DOT = /^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$/;
/** `YYYYMMDD`. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Formats a checked date as YYYYMMDD, or DOB_INVALID_DATE when it is not a real Gregorian date (year 1..9999). */
function ymd(y: number, m: number, d: number): Normalized {
  if (y < 1 || m < 1 || m > 12 || d < 1) return DOB_INVALID_DATE;
  const maxDay = m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1];
  if (d > maxDay) return DOB_INVALID_DATE;
  return String(y).padStart(4, '0') + (m < 10 ? '0' : '') + m + (d < 10 ? '0' : '') + d;
}

/**
 * Normalizes a date of birth to `YYYYMMDD`.
 * Accepted: `1990-03-04`, `1990-3-4`, `1990-03-04T00:00:00Z`, `1990-03-04 00:00:00`, `1990-03-04T23:30:00+02:00`
 * (date part as written), `19900304` (string, number or bigint), `1990/03/04`, `1990.03.04`, and JS `Date` objects
 * (UTC calendar date, since `new Date("1990-03-04")` is UTC midnight). Real calendar dates only (leap years checked).
 * Other shapes → DOB_UNRECOGNIZED; invalid dates → DOB_INVALID_DATE; invalid `Date` → DOB_INVALID_DATE;
 * booleans/objects → DOB_NOT_TEXT; blank/null → null. Never throws.
 */
export function normalizeDateOfBirth(value: unknown): Normalized {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return DOB_INVALID_DATE;
    return ymd(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return DOB_NOT_TEXT;
  const s = text.trim();
  if (s === '') return null;
  let m = COMPACT.exec(s);
  if (m !== null) return ymd(+m[1], +m[2], +m[3]);
  m = ISO_DASH.exec(s);
  if (m !== null) return ymd(+m[1], +m[2], +m[3]);
  m = YEAR_FIRST_SLASH_DOT.exec(s);
  if (m !== null) return ymd(+m[1], +m[3], +m[4]);
  return DOB_UNRECOGNIZED;
}
