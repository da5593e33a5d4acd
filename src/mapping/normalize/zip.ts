/**
 * Postal code normalizer (Pinterest `user_data.zp`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.zp ("only digits"); project decision NOTES §3: US ZIP codes
 * are cut to their first 5 digits (ZIP+4 dropped); elsewhere lowercase letters and digits with spaces and punctuation
 * removed, since "only digits" cannot hold for UK or Canadian postcodes ("SW1A 2AA" → "sw1a2aa", "K1A 0B1" → "k1a0b1").
 */
import { USPS_COUNTRIES } from './country.js';
import {
  NOT_TEXT,
  type NormalizeContext,
  type Normalized,
  keepLettersAndDigits,
  normalizeText,
  rejection,
  toText,
} from './text.js';

/** Warning for a value that cannot be a US ZIP code although the record's country uses US ZIP codes. */
export const ZIP_NOT_US = rejection('zip_code: not a valid US ZIP code; dropped');
/** Warning for an object, boolean, Date, ... */
export const ZIP_NOT_TEXT = rejection('zip_code: not a text value; dropped');

/** Without a country, only these shapes are read as US ZIP codes: `12345`, `12345-6789`, `12345 6789`. */
const US_ZIP_NO_COUNTRY = /^(\d{5})(?:[-\s]\d{4})?$/;
/**
 * With a US country: 5 digits with optional +4 (`-`, space or nothing between), or 3-4 digits (with optional +4)
 * whose leading zeros a spreadsheet or a numeric column dropped ("2134" → "02134", "601" → "00601").
 */
const US_ZIP_WITH_COUNTRY = /^(\d{3,5})(?:[-\s]?\d{4})?$/;

/**
 * Normalizes a postal code.
 * - Record country in USPS_COUNTRIES (us, pr, gu, vi, ...): first 5 digits, left-padded with zeros when a numeric
 *   column lost them (`"94103-1234"` → `"94103"`, `941031234` → `"94103"`, `2134` → `"02134"`); anything else →
 *   ZIP_NOT_US.
 * - No country and a 5-digit or ZIP+4 value: first 5 digits.
 * - Otherwise: NFC, lowercase, only letters and digits (`"SW1A 2AA"` → `"sw1a2aa"`, `"75008"` → `"75008"`).
 * Objects/booleans → ZIP_NOT_TEXT; blank/null/punctuation only → null. Never throws.
 */
export function normalizeZip(value: unknown, ctx?: NormalizeContext): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return ZIP_NOT_TEXT;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const country = ctx?.country;
  if (country !== undefined && USPS_COUNTRIES.has(country)) {
    const m = US_ZIP_WITH_COUNTRY.exec(trimmed);
    if (m === null) return ZIP_NOT_US;
    // "123456789"-like 9-digit values match as 5+4 (the greedy group takes 5 digits and leaves exactly 4).
    return m[1].length === 5 ? m[1] : m[1].padStart(5, '0');
  }
  if (country === undefined) {
    const m = US_ZIP_NO_COUNTRY.exec(trimmed);
    if (m !== null) return m[1];
  }
  const s = keepLettersAndDigits(normalizeText(trimmed));
  return s === '' ? null : s;
}
