/**
 * Shared building blocks of the PII normalizers: the result shape, value coercion and the text rules every field uses.
 *
 * Project decision (NOTES §3, "all"): Unicode NFC, trim, locale-independent lowercase (`String#toLowerCase`, never
 * the locale-aware variant, so the process locale cannot change a hash); empty, whitespace-only, null or undefined means the
 * field is absent (the hash of "" is never sent).
 *
 * Consequence of locale-independent lowercasing, documented on purpose: Turkish capital dotted I (U+0130 "İ") lowercases
 * to "i" + U+0307 COMBINING DOT ABOVE (two code points, already NFC), so "İSTANBUL" becomes "i̇stanbul" (9 code points)
 * in every field that keeps combining marks; dotless "ı" (U+0131) is already lowercase and stays "ı"; ASCII "I" becomes "i".
 */

/**
 * A value that was present but could not be used. `message` is stable and value-free (it names the field and the rule,
 * e.g. "phone: not a possible phone number (wrong length for its country, or not a number); dropped") so it can be logged, grouped and counted. Instances are frozen
 * module-level constants: returning one allocates nothing.
 */
export interface Rejected {
  readonly rejected: true;
  readonly message: string;
}

/**
 * Result of one field normalizer:
 * - `string`: the normalized plaintext, non-empty, ready to be hashed with `sha256Hex`;
 * - `Rejected`: the value is unusable; the field is absent and the caller reports `message` as a warning;
 * - `null`: nothing to send and nothing to report (null, undefined, empty or whitespace-only input).
 */
export type Normalized = string | Rejected | null;

/** Per-record context some normalizers need. Built once per record by the user_data builder. */
export interface NormalizeContext {
  /** The record's country, already normalized to ISO-3166 alpha-2 lowercase (first value), if any. */
  readonly country?: string;
  /** Connector config `default_phone_country`: ISO-3166 alpha-2 in any case; used when `country` is absent. */
  readonly defaultPhoneCountry?: string;
  /** Config `date_of_birth_order`: how `a/b/yyyy` dates of birth whose day and month are both ≤ 12 are read. */
  readonly dateOfBirthOrder?: 'MDY' | 'DMY';
}

/**
 * Signature shared by every field normalizer. Never throws, whatever `value` is. Normalizers do not recognise
 * pre-hashed values: that check belongs to the caller (see `hashUserValue` in ../user-data.ts).
 */
export type FieldNormalizer = (value: unknown, ctx?: NormalizeContext) => Normalized;

/** Creates a frozen `Rejected` with the given value-free message. Call at module load, never per value. */
export function rejection(message: string): Rejected {
  return Object.freeze({ rejected: true, message });
}

/** Type guard: true when a normalizer result is a `Rejected`. */
export function isRejected(r: Normalized): r is Rejected {
  return r !== null && typeof r === 'object';
}

/** Sentinel returned by `toText` for values that are not text and cannot be coerced to text. */
export const NOT_TEXT: unique symbol = Symbol('not-text');

/**
 * Coerces a record value to text without throwing.
 * - null / undefined → null (absent);
 * - string → itself (untrimmed);
 * - finite number → `String(n)` (e.g. 14155550123 → "14155550123"); from 1e21 on, all the digits of the number
 *   (1e21 → "1000000000000000000000", never "1e+21"; integers written as digits in the input already arrive as
 *   bigint with every digit, see src/airbyte/input.ts); NaN and ±Infinity → NOT_TEXT;
 * - bigint → `String(b)`;
 * - boolean, Date, object, array, symbol, function → NOT_TEXT (a boolean is never an obvious name, phone, city, ...).
 * Project decision: "bad input never throws; numbers/bigint are coerced where obvious; objects are dropped".
 */
export function toText(value: unknown): string | typeof NOT_TEXT | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'undefined':
      return null;
    case 'number':
      if (!Number.isFinite(value)) return NOT_TEXT;
      // From 1e21 on, String() switches to exponent form ("1e+21"), which no id or phone is: write every digit.
      return Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? null : NOT_TEXT;
    default:
      return NOT_TEXT;
  }
}

/**
 * The common text rule: trim, locale-independent lowercase, Unicode NFC. Returns "" for whitespace-only input
 * (callers treat "" as absent). NOTES §3, row "all".
 */
export function normalizeText(s: string): string {
  return s.trim().toLowerCase().normalize('NFC');
}

const NOT_LETTER_MARK_OR_DIGIT = /[^\p{L}\p{M}\p{N}]+/gu;

/**
 * Removes everything that is not a letter (`\p{L}`), a combining mark (`\p{M}`) or a digit (`\p{N}`): spaces,
 * punctuation, symbols, control characters. Combining marks are kept so that scripts whose vowel signs are marks
 * (Devanagari "मुंबई", Thai, ...) survive; after NFC, Latin accents are precomposed letters anyway.
 */
export function keepLettersAndDigits(s: string): string {
  return s.replace(NOT_LETTER_MARK_OR_DIGIT, '');
}

const COMBINING_MARKS = /\p{M}+/gu;
const AMPERSAND = /&/g;

/**
 * Lookup key for closed tables (country names, state names, gender spellings): lowercase, accents removed
 * (NFD then combining marks dropped), "&" read as "and", then only letters and digits kept.
 * "Côte d'Ivoire" → "cotedivoire", "U.S.A." → "usa", "Newfoundland & Labrador" → "newfoundlandandlabrador".
 * Only used to find table entries, never hashed.
 */
export function foldKey(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(AMPERSAND, 'and')
    .replace(NOT_LETTER_MARK_OR_DIGIT, '');
}

/**
 * Placeholder spellings that stand for "no value" in exports and forms, folded with {@link foldKey}: `N/A`, `n.a.`,
 * `NA`, `none`, `null`, `nil`, `unknown`, `undefined`, `NaN`, `not available`, `(null)`, `#N/A`, ... A value made
 * only of punctuation or symbols (`-`, `--`, `?`, `.`) folds to "" and is a placeholder too.
 */
const PLACEHOLDER_KEYS: ReadonlySet<string> = new Set([
  '', 'na', 'none', 'null', 'nil', 'unknown', 'unk', 'undefined', 'nan', 'notavailable', 'notapplicable',
  'notprovided', 'notspecified', 'notset', 'nodata', 'empty', 'blank', 'tbd', 'void', 'missing', 'nonegiven',
]);

/** Longest text that can be a placeholder ("not applicable" with some padding and punctuation). */
const PLACEHOLDER_MAX_LENGTH = 24;

/**
 * True when `s` (any case, trimmed or not) is a placeholder for a missing value rather than a value: see
 * PLACEHOLDER_KEYS (`N/A`, `NA`, `none`, `null`, `-`, `unknown`, ...). Such values are absent in every user field,
 * so `NA` is never read as Namibia, nor `none` as a state. Issue: placeholders read as values. Cheap: one length
 * check for ordinary values. With `personName` (first_name, last_name), `Na`, `NA`, `Nan` and `NaN` written as
 * letters only are names (a surname, a given name), not placeholders; `N/A` and `n.a.` still are.
 */
export function isPlaceholder(s: string, personName = false): boolean {
  if (s.length > PLACEHOLDER_MAX_LENGTH || s.length === 0) return false;
  // Fast exits for ordinary values (this runs on every user value): every key starts with one of the letters
  // b e m n t u v, and a value made of punctuation starts with neither a letter nor a digit; no key has an "@".
  const c = s.charCodeAt(0) | 0x20; // ASCII lowercase
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a && !PLACEHOLDER_INITIALS.has(c))) return false;
  if (s.includes('@')) return false;
  const key = foldKey(s);
  if (!PLACEHOLDER_KEYS.has(key)) return false;
  // "Na" (a Korean and Chinese surname) and "Nan" (a given name) are names when written as plain letters.
  return !(personName && (key === 'na' || key === 'nan') && LETTERS_ONLY.test(s));
}

const LETTERS_ONLY = /^\p{L}+$/u;
/** Character codes of the first letters of PLACEHOLDER_KEYS (b, e, m, n, t, u, v). */
const PLACEHOLDER_INITIALS: ReadonlySet<number> = new Set([...PLACEHOLDER_KEYS].filter((k) => k !== '').map((k) => k.charCodeAt(0)));
