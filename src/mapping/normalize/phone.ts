/**
 * Phone normalizer (Pinterest `user_data.ph`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.ph ("only digits with country code, area code, and number.
 * Remove any symbols, letters, spaces and leading zeros"); project decision NOTES §3: E.164 digits without "+",
 * parsed with libphonenumber-js ("max" metadata, for accurate validity), national numbers read with the record's
 * country or else `default_phone_country`, never prepending a calling code twice. A number that cannot be made valid
 * is dropped with a warning: hashing garbage would only add noise to matching.
 */
import { type CountryCode, type PhoneNumber, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { NOT_TEXT, type NormalizeContext, type Normalized, rejection, toText } from './text.js';

/** Warning for a value libphonenumber-js cannot turn into a valid number (too short, unknown prefix, no country, ...). */
export const PHONE_INVALID = rejection('phone: not a valid phone number; dropped');
/** Warning for an object, boolean, Date, ... */
export const PHONE_NOT_TEXT = rejection('phone: not a text value; dropped');

/** "+" (ASCII or full-width) before the first digit: the number is international, no national reading. */
const INTERNATIONAL = /^[^0-9０-９]*[+＋]/;
/** An international dialling prefix typed instead of "+": 00 (most of the world) or 011 (North America). */
const IDD_PREFIX = /^[\s(]*(?:00|011)/;
/** Leading zero (after optional punctuation): a trunk prefix, so "+" + digits cannot be an international number. */
const LEADING_ZERO = /^[^0-9]*0/;
/** Vanity numbers ("1-800-FLOWERS"): only digits, separators and ASCII letters ... */
const VANITY_CHARS = /^[+0-9\s().\-/A-Za-z]+$/;
/** ... with at least three letters (linear-time pattern: letter and non-letter classes are disjoint). */
const THREE_LETTERS = /[A-Za-z][^A-Za-z]*[A-Za-z][^A-Za-z]*[A-Za-z]/;
/** Longest text worth a vanity attempt (E.164 has at most 15 digits; leave room for separators). */
const VANITY_MAX_LENGTH = 40;
const LETTER = /[A-Za-z]/g;
/** ITU E.161 keypad letters. */
const KEYPAD: Readonly<Record<string, string>> = (() => {
  const map: Record<string, string> = {};
  const groups = ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'];
  groups.forEach((letters, i) => {
    for (const ch of letters) map[ch] = map[ch.toUpperCase()] = String(i + 2);
  });
  return map;
})();

const regionCache = new Map<string, CountryCode | null>();

/** Alpha-2 in any case → libphonenumber-js region, or undefined when absent or not supported. Memoized. */
function toRegion(alpha2: string | undefined): CountryCode | undefined {
  if (alpha2 === undefined || alpha2 === '') return undefined;
  let region = regionCache.get(alpha2);
  if (region === undefined) {
    const upper = alpha2.trim().toUpperCase();
    region = isSupportedCountry(upper) ? (upper as CountryCode) : null;
    if (regionCache.size < 1024) regionCache.set(alpha2, region);
  }
  return region ?? undefined;
}

/** Parses and returns the number only when valid. parsePhoneNumberFromString does not throw; guard anyway. */
function parseValid(text: string, region?: CountryCode): PhoneNumber | undefined {
  try {
    const p = parsePhoneNumberFromString(text, region);
    return p !== undefined && p.isValid() ? p : undefined;
  } catch {
    return undefined;
  }
}

/** Country calling code + national number (E.164 without "+"). Extensions are not part of it. */
function digitsOf(p: PhoneNumber): string {
  return p.countryCallingCode + p.nationalNumber;
}

/** One attempt on a text form; see normalizePhone for the order. */
function resolve(s: string, region: CountryCode | undefined): string | undefined {
  if (INTERNATIONAL.test(s)) {
    const p = parseValid(s);
    return p === undefined ? undefined : digitsOf(p);
  }
  if (region !== undefined) {
    const p = parseValid(s, region);
    if (p !== undefined) {
      const cc = p.countryCallingCode;
      const nn = p.nationalNumber;
      // "4915112345678" with region DE is also a (long) valid German fixed-line number 0491 5112345678 for the
      // metadata; when the digits already start with the calling code and that reading is valid, prefer it.
      if (nn.length > cc.length && nn.startsWith(cc)) {
        const alt = parseValid('+' + s);
        if (alt !== undefined && alt.countryCallingCode === cc) return digitsOf(alt);
      }
      return digitsOf(p);
    }
  }
  // No valid national reading: an explicit 00/011 prefix, or a bare number already carrying its calling code.
  const idd = IDD_PREFIX.exec(s);
  if (idd !== null) {
    const p = parseValid('+' + s.slice(idd[0].length));
    if (p !== undefined) return digitsOf(p);
  }
  if (!LEADING_ZERO.test(s)) {
    const p = parseValid('+' + s);
    if (p !== undefined) return digitsOf(p);
  }
  return undefined;
}

/**
 * Normalizes a phone number to E.164 digits without "+" (country calling code + national number).
 *
 * Order of readings (first valid wins):
 * 1. "+" before the first digit → international only (`"+44 (0)20 7946 0958"` → `"442079460958"`; the "(0)" trunk
 *    digit is dropped by libphonenumber-js; extensions such as "ext. 45" are ignored);
 * 2. national, with the region `ctx.country` (the record's country) or else `ctx.defaultPhoneCountry`
 *    (`"(415) 555-0123"` + US → `"14155550123"`, `"020 7946 0958"` + GB → `"442079460958"`); when that reading
 *    keeps the calling code inside the national number and the international reading is valid too, the
 *    international one wins (`"4915112345678"` + DE → `"4915112345678"`, not `"494915112345678"`);
 * 3. a leading `00` / `011` read as "+" (`"011 44 20 7946 0958"` with DE, `"0044 20 7946 0958"` with US);
 * 4. "+" + the value, unless it starts with 0 (`"442079460958"` with US or with no region → `"442079460958"`).
 *    Without any region this also reads bare national numbers as international ones when they happen to be valid
 *    (US "2015550123" is also Egyptian +20 1555 0123): configure default_phone_country when data is national.
 *    Known limit: a foreign number without "+" whose digits are also valid nationally in the record's country is
 *    read nationally ("442079460958" with country DE → "49442079460958": Germany's plan accepts it). Preferring the
 *    foreign reading would break far more common data (Chinese mobiles "131..." and German mobiles without their
 *    trunk 0 are valid US numbers once "+1" is prepended), so only the record country's own calling code is
 *    recognised inside a national reading (rule 2).
 * 5. If all fail and the value is a vanity number (three or more letters), letters → keypad digits and 1–4 again
 *    (`"1-800-FLOWERS"` + US → `"18003569377"`).
 * Numbers: safe non-negative integers are read as their digits (14155550123 → "14155550123"), other numbers are
 * invalid. Invalid → PHONE_INVALID; objects/booleans → PHONE_NOT_TEXT; blank/null → null. Never throws.
 */
export function normalizePhone(value: unknown, ctx?: NormalizeContext): Normalized {
  if (typeof value === 'number' && Number.isFinite(value) && (!Number.isSafeInteger(value) || value <= 0)) return PHONE_INVALID;
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return PHONE_NOT_TEXT;
  const s = text.trim();
  if (s === '') return null;
  const region = toRegion(ctx?.country) ?? toRegion(ctx?.defaultPhoneCountry);
  let digits = resolve(s, region);
  if (digits === undefined && s.length <= VANITY_MAX_LENGTH && VANITY_CHARS.test(s) && THREE_LETTERS.test(s)) {
    digits = resolve(s.replace(LETTER, (ch) => KEYPAD[ch]), region);
  }
  return digits ?? PHONE_INVALID;
}
