/**
 * Phone normalizer (Pinterest `user_data.ph`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.ph ("only digits with country code, area code, and number.
 * Remove any symbols, letters, spaces and leading zeros"); project decision NOTES §3: E.164 digits without "+",
 * parsed with libphonenumber-js ("max" metadata), national numbers read with the record's country or else
 * `default_phone_country`, never prepending a calling code twice. A number is sent when it is **possible** for its
 * country (a length the metadata allows), not only when the metadata calls it **valid**: validity depends on
 * number-range tables that age with the pinned package, and a real number in a newly allocated range must not lose
 * its match, while an unassigned but possible number costs nothing. Valid readings are still preferred over merely
 * possible ones. A number that is not even possible is dropped with a warning: hashing garbage only adds noise.
 */
import { type CountryCode, type PhoneNumber, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { NOT_TEXT, type NormalizeContext, type Normalized, rejection, toText } from './text.js';

/** Warning for a value libphonenumber-js cannot read as a possible number (too short, too long, unknown calling code, letters, ...). */
export const PHONE_INVALID = rejection('phone: not a possible phone number (wrong length for its country, or not a number); dropped');
/**
 * Warning for a number written without "+" or an international prefix, when the record has no country and no
 * default_phone_country is set, and no country reads it: a national number cannot be read without its country.
 */
export const PHONE_NO_COUNTRY = rejection(
  'phone: national number and neither the record\'s country nor default_phone_country to read it with; set default_phone_country; dropped',
);
/**
 * Warning (the value is kept) for a number written without "+" or an international prefix that was read as an
 * international number because the record has no country and no default_phone_country is set: a guess.
 */
export const PHONE_INTERNATIONAL_GUESS = Object.freeze({
  field: 'phone',
  message:
    'phone: a number without "+" or 00 was read as international because the record has no country and default_phone_country is not set; ' +
    'if your numbers are national, set default_phone_country; sent',
});
/** Warning for an object, boolean, Date, ... */
export const PHONE_NOT_TEXT = rejection('phone: not a text value; dropped');

/** "+" (ASCII or full-width) before the first digit: the number is international, no national reading. */
const INTERNATIONAL = /^[^0-9０-９]*[+＋]/;
/** An international prefix typed after the plus: "+001 212 ...", "+0049 30 ...", "+011 44 ...". */
const PLUS_IDD = /^([^0-9０-９]*[+＋][\s().-]*)(?:00|011)(?=[\s().-]*[1-9])/;
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

/** Text with at least 6 digits (the shortest usual national numbers), so "no country" is the likely problem. */
const NATIONAL_LENGTH = /(?:\d\D*){6}/;

/** A national number made of one digit repeated: a filler, never a subscriber (only "possible" by its length). */
const ONE_DIGIT_REPEATED = /^(\d)\1+$/;

/** What a reading must be: valid (first pass) or only possible (second pass). */
type Check = 'valid' | 'possible';

/**
 * Parses and returns the number only when it passes `check` (`isValid()`, or `isPossible()`: a length the
 * country's metadata allows). parsePhoneNumberFromString does not throw; guard anyway.
 */
function parseChecked(text: string, check: Check, region?: CountryCode): PhoneNumber | undefined {
  try {
    const p = parsePhoneNumberFromString(text, region);
    if (p === undefined) return undefined;
    if (check === 'possible' && ONE_DIGIT_REPEATED.test(p.nationalNumber)) return undefined; // 000000000, 999999999
    return (check === 'valid' ? p.isValid() : p.isPossible()) ? p : undefined;
  } catch {
    return undefined;
  }
}

/** Country calling code + national number (E.164 without "+"). Extensions are not part of it. */
function digitsOf(p: PhoneNumber): string {
  return p.countryCallingCode + p.nationalNumber;
}

/** One attempt on a text form; see normalizePhone for the order. */
function resolve(s: string, region: CountryCode | undefined, check: Check): string | undefined {
  if (INTERNATIONAL.test(s)) {
    const p = parseChecked(s, check);
    return p === undefined ? undefined : digitsOf(p);
  }
  if (region !== undefined) {
    const p = parseChecked(s, check, region);
    if (p !== undefined) {
      const cc = p.countryCallingCode;
      const nn = p.nationalNumber;
      // "4915112345678" with region DE is also a (long) valid German fixed-line number 0491 5112345678 for the
      // metadata; when the digits already start with the calling code and that reading is valid, prefer it.
      if (nn.length > cc.length && nn.startsWith(cc)) {
        const alt = parseChecked('+' + s, check);
        if (alt !== undefined && alt.countryCallingCode === cc) return digitsOf(alt);
      }
      return digitsOf(p);
    }
  }
  // No valid national reading: an explicit 00/011 prefix, or a bare number already carrying its calling code.
  const idd = IDD_PREFIX.exec(s);
  if (idd !== null) {
    const p = parseChecked('+' + s.slice(idd[0].length), check);
    if (p !== undefined) return digitsOf(p);
  }
  // Without any country, a bare number read as international must at least be valid there: a merely possible
  // reading of a national number in some other country's plan is a guess on a guess.
  if (!LEADING_ZERO.test(s) && (region !== undefined || check === 'valid')) {
    const p = parseChecked('+' + s, check);
    if (p !== undefined) return digitsOf(p);
  }
  return undefined;
}

/** Both passes: a valid reading by the rules of normalizePhone, else a possible one. */
function resolveBest(s: string, region: CountryCode | undefined): string | undefined {
  return resolve(s, region, 'valid') ?? resolve(s, region, 'possible');
}

/**
 * True when `value` is a number that normalizePhone can only read as international by guessing: text without
 * "+" or an international prefix (00, 011), while neither `ctx.country` nor `ctx.defaultPhoneCountry` gives a
 * region. Call it only for values normalizePhone kept. Issue: national numbers read as international.
 */
export function isInternationalGuess(value: unknown, ctx?: NormalizeContext): boolean {
  if (toRegion(ctx?.country) !== undefined || toRegion(ctx?.defaultPhoneCountry) !== undefined) return false;
  const text = toText(value);
  if (typeof text !== 'string') return false;
  const s = text.trim();
  return !INTERNATIONAL.test(s) && !IDD_PREFIX.test(s);
}

/**
 * Normalizes a phone number to E.164 digits without "+" (country calling code + national number).
 *
 * Order of readings: the first **valid** reading wins; when none is valid, the same order again with the first
 * **possible** reading (right length for the country by libphonenumber-js's metadata, `isPossible()`), except that
 * rule 4 without any region still needs a valid number:
 * 1. "+" before the first digit → international only (`"+44 (0)20 7946 0958"` → `"442079460958"`; the "(0)" trunk
 *    digit is dropped by libphonenumber-js; extensions such as "ext. 45" are ignored); an international prefix typed
 *    after the plus is dropped (`"+001 212 555 0199"` → `"12125550199"`, `"+0049 30 901820"` → `"4930901820"`);
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
 * invalid. Not possible → PHONE_INVALID, or PHONE_NO_COUNTRY when the number has no "+"/00/011 and there is no
 * region; objects/booleans → PHONE_NOT_TEXT; blank/null → null. A kept number for which
 * {@link isInternationalGuess} is true deserves PHONE_INTERNATIONAL_GUESS (the caller adds it). Never throws.
 */
export function normalizePhone(value: unknown, ctx?: NormalizeContext): Normalized {
  if (typeof value === 'number' && Number.isFinite(value) && (!Number.isSafeInteger(value) || value <= 0)) return PHONE_INVALID;
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return PHONE_NOT_TEXT;
  const s = text.trim();
  if (s === '') return null;
  const region = toRegion(ctx?.country) ?? toRegion(ctx?.defaultPhoneCountry);
  const plusIdd = PLUS_IDD.exec(s);
  const t = plusIdd === null ? s : plusIdd[1] + s.slice(plusIdd[0].length);
  let digits = resolveBest(t, region);
  if (digits === undefined && t.length <= VANITY_MAX_LENGTH && VANITY_CHARS.test(t) && THREE_LETTERS.test(t)) {
    digits = resolveBest(t.replace(LETTER, (ch) => KEYPAD[ch]), region);
  }
  if (digits !== undefined) return digits;
  const nationalWithoutCountry = region === undefined && !INTERNATIONAL.test(t) && !IDD_PREFIX.test(t) && NATIONAL_LENGTH.test(t);
  return nationalWithoutCountry ? PHONE_NO_COUNTRY : PHONE_INVALID;
}
