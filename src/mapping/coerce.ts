/**
 * Value coercions from warehouse record values to the JSON types Pinterest's events endpoint accepts.
 *
 * Record values may be string, number, boolean, null, bigint (integers beyond 2^53 arrive as bigint so no
 * digit is lost), arrays or objects. Every coercer here is pure and allocation-light.
 *
 * Field coercers share one signature ({@link FieldCoercer}): they return the coerced value, or `undefined`
 * when the value is absent (null, undefined, empty or whitespace-only text) or unusable. An unusable value
 * also pushes one value-free warning `"<field>: <problem>; dropped"` onto `warnings`.
 */
import { parse as parseLosslessJson } from 'lossless-json';
import currencyCodes from 'currency-codes';
import type { MappingWarning } from './types.js';

/** Coerces one raw record value for the destination field `field`; see the module docstring. */
export type FieldCoercer<T> = (raw: unknown, field: string, warnings: MappingWarning[]) => T | undefined;

/** Pushes the standard "dropped" warning. */
export function dropWarning(warnings: MappingWarning[], field: string, problem: string): undefined {
  warnings.push({ field, message: `${field}: ${problem}; dropped` });
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------------------

/**
 * Renders a scalar as text: strings trimmed; integral numbers as all their digits (never exponent form,
 * `1e21` → `"1000000000000000000000"`); other finite numbers with JavaScript's shortest round-trip form;
 * bigint as all its digits; booleans as `"true"`/`"false"`.
 * Returns `undefined` for null/undefined/empty text and for non-scalars or non-finite numbers.
 */
export function scalarToText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': {
      const s = v.trim();
      return s === '' ? undefined : s;
    }
    case 'number':
      if (!Number.isFinite(v)) return undefined;
      if (Number.isInteger(v)) return Math.abs(v) < 1e21 ? String(v === 0 ? 0 : v) : BigInt(v).toString();
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** True for values treated as "not provided": undefined, null, and text that is empty after trimming. */
export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * Text field (`order_id`, `content_name`, `event_source_url`, ...): see {@link scalarToText}.
 * Objects, arrays and non-finite numbers → dropped with "not a string".
 */
export const toText: FieldCoercer<string> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  const s = scalarToText(raw);
  return s === undefined ? dropWarning(warnings, field, 'not a string') : s;
};

/** Length in Unicode code points, the unit JSON Schema's maxLength counts (ajv counts the same way). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // count a surrogate pair once
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Text of at most `maxLength` code points; longer → dropped with "longer than N characters". */
export function textWithMaxLength(maxLength: number): FieldCoercer<string> {
  const problem = `longer than ${maxLength} characters`;
  return (raw, field, warnings) => {
    const s = toText(raw, field, warnings);
    if (s === undefined) return undefined;
    if (s.length > maxLength && codePointLength(s) > maxLength) return dropWarning(warnings, field, problem);
    return s;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Decimals (money)
// ---------------------------------------------------------------------------------------------------------

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Canonical decimal text of a decimal literal, computed on the digits (no float rounding):
 * optional sign, digits, optional fraction, optional exponent (`"72.390"`, `"+.5"`, `"1.5E3"`).
 * Leading zeros and trailing fractional zeros are removed, the exponent is expanded, `-0` becomes `"0"`:
 * `"72.390"` → `"72.39"`, `"0.10"` → `"0.1"`, `"10.00"` → `"10"`, `".5"` → `"0.5"`, `"1e21"` →
 * `"1000000000000000000000"`, `"1.5e-7"` → `"0.00000015"`.
 * Returns `undefined` when `text` is not such a literal or lies outside the double range (Pinterest parses
 * the result as a double; `"1e400"` would be infinite).
 */
export function canonicalDecimal(text: string): string | undefined {
  const m = DECIMAL_RE.exec(text);
  if (m === null) return undefined;
  const sign = m[1];
  const intPart = m[2];
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!(Math.abs(exp) <= 400) || !Number.isFinite(Number(text))) return undefined;
  let digits = intPart + fracPart;
  let point = intPart.length + exp; // position of the decimal point within `digits`
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48) lead++;
  let end = digits.length;
  while (end > lead && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(lead, end);
  point -= lead;
  if (digits === '') return '0';
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign === '-' ? `-${out}` : out;
}

/**
 * Decimal string for Pinterest's string-typed amounts (`custom_data.value`, `predicted_ltv`,
 * `contents[].item_price`; OpenAPI 5.23: "accepted as a string ... parsed into a double").
 *
 * - number: integral → all digits (`10` → `"10"`, `1e21` → `"1000000000000000000000"`); otherwise
 *   rounded to 15 significant digits to remove binary float noise (`72.39` → `"72.39"`,
 *   `0.1 + 0.2` → `"0.3"`), written without exponent. NaN/±Infinity → invalid.
 * - bigint → all digits.
 * - string: trimmed; a decimal literal is kept exactly but canonicalised ({@link canonicalDecimal}):
 *   `"72.390"` → `"72.39"`, `"0.10"` → `"0.1"`. Anything else (`"$1,299.00"`, `"12,5"`) → invalid.
 * Negative amounts are kept (refunds). Invalid → dropped with "not a number".
 */
export function decimalText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) return undefined;
      if (Number.isInteger(v)) return Math.abs(v) < 1e21 ? String(v === 0 ? 0 : v) : BigInt(v).toString();
      return canonicalDecimal(v.toPrecision(15));
    case 'bigint':
      return v.toString();
    case 'string':
      return canonicalDecimal(v.trim());
    default:
      return undefined;
  }
}

/** Field coercer for amounts; see {@link decimalText}. */
export const toDecimal: FieldCoercer<string> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  const s = decimalText(raw);
  return s === undefined ? dropWarning(warnings, field, 'not a number') : s;
};

// ---------------------------------------------------------------------------------------------------------
// Integers and booleans
// ---------------------------------------------------------------------------------------------------------

const INTEGER_TEXT_RE = /^[+-]?\d+(?:\.0*)?$/;

/**
 * Safe JavaScript integer from an integral number, a bigint within ±(2^53−1), or integral text
 * (`"5"`, `"+5"`, `"5.0"`). Returns `undefined` for anything else (fractions, larger magnitudes,
 * booleans, other text). Integers in events must be JSON numbers, hence the safe range.
 */
export function integerValue(v: unknown): number | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? (v === 0 ? 0 : v) : undefined;
    case 'bigint':
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : undefined;
    case 'string': {
      const s = v.trim();
      if (!INTEGER_TEXT_RE.test(s)) return undefined;
      const n = Math.trunc(Number(s));
      return Number.isSafeInteger(n) ? (n === 0 ? 0 : n) : undefined;
    }
    default:
      return undefined;
  }
}

/** Field coercer for integers (`num_items`, `contents[].quantity`, ...); see {@link integerValue}. */
export const toInteger: FieldCoercer<number> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  const n = integerValue(raw);
  return n === undefined ? dropWarning(warnings, field, 'not an integer') : n;
};

/**
 * Integer within `[minimum, maximum]` (OpenAPI 5.23 ranges of app_info/device_info). Out of range →
 * dropped with "out of range min..max"; not an integer → dropped with "not an integer".
 */
export function integerInRange(minimum: number, maximum: number): FieldCoercer<number> {
  const problem = `out of range ${minimum}..${maximum}`;
  return (raw, field, warnings) => {
    const n = toInteger(raw, field, warnings);
    if (n === undefined) return undefined;
    return n < minimum || n > maximum ? dropWarning(warnings, field, problem) : n;
  };
}

const TRUE_TEXT = new Set(['true', 'yes', '1']);
const FALSE_TEXT = new Set(['false', 'no', '0']);

/**
 * Boolean from `true`/`false`, the numbers (or bigints) 1/0, or the text `true`/`false`/`yes`/`no`/`1`/`0`
 * in any case, trimmed. Anything else → `undefined`.
 */
export function booleanValue(v: unknown): boolean | undefined {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
    case 'bigint':
      // eslint-disable-next-line eqeqeq
      return v == 1 ? true : v == 0 ? false : undefined;
    case 'string': {
      const s = v.trim().toLowerCase();
      return TRUE_TEXT.has(s) ? true : FALSE_TEXT.has(s) ? false : undefined;
    }
    default:
      return undefined;
  }
}

/** Field coercer for booleans (`opt_out`, `wifi`); see {@link booleanValue}. Invalid → "not a boolean". */
export const toBoolean: FieldCoercer<boolean> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  const b = booleanValue(raw);
  return b === undefined ? dropWarning(warnings, field, 'not a boolean') : b;
};

// ---------------------------------------------------------------------------------------------------------
// Codes: currency, language, enums
// ---------------------------------------------------------------------------------------------------------

/**
 * ISO-4217 alphabetic codes from the maintained `currency-codes` package, without `XTS` (reserved for
 * testing) and `XXX` (no currency).
 */
export const CURRENCY_CODES: ReadonlySet<string> = new Set(
  currencyCodes.codes().filter((c) => c !== 'XTS' && c !== 'XXX'),
);

/** Uppercase ISO-4217 code from trimmed text in any case (`"usd"` → `"USD"`); otherwise `undefined`. */
export function currencyCode(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toUpperCase();
  return CURRENCY_CODES.has(s) ? s : undefined;
}

/** Field coercer for `custom_data.currency`; invalid → "not an ISO-4217 currency code". */
export const toCurrency: FieldCoercer<string> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  const c = currencyCode(raw);
  return c === undefined ? dropWarning(warnings, field, 'not an ISO-4217 currency code') : c;
};

/** ISO 639-1 two-letter language codes (the 183 current codes plus `bh`). */
export const ISO_639_1_CODES: ReadonlySet<string> = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee ' +
    'el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is ' +
    'it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms ' +
    'mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk ' +
    'sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi ' +
    'yo za zh zu'
  ).split(' '),
);

/** Withdrawn ISO 639 codes some platforms (older Java locales) still emit → current code. */
const LEGACY_LANGUAGE_CODES: Readonly<Record<string, string>> = { iw: 'he', in: 'id', ji: 'yi' };

const LANGUAGE_TAG_RE = /^([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*$/;

/**
 * Lowercase ISO-639-1 code from a code or a BCP-47 / POSIX locale whose primary subtag has two letters:
 * `"EN"` → `"en"`, `"en-US"` → `"en"`, `"pt_BR"` → `"pt"`, legacy `"iw"` → `"he"`. Three-letter
 * codes, names and unknown codes → `undefined`. Source: OpenAPI 5.23, `language` is "two-character
 * ISO-639-1".
 */
export function languageCode(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = LANGUAGE_TAG_RE.exec(v.trim());
  if (m === null) return undefined;
  let code = m[1].toLowerCase();
  code = LEGACY_LANGUAGE_CODES[code] ?? code;
  return ISO_639_1_CODES.has(code) ? code : undefined;
}

/** Field coercer for `language`; invalid → "not an ISO-639-1 language code". */
export const toLanguage: FieldCoercer<string> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  const c = languageCode(raw);
  return c === undefined ? dropWarning(warnings, field, 'not an ISO-639-1 language code') : c;
};

/** Lowercase letters and digits only (Unicode-aware): the key used for case/separator-insensitive matching. */
export function looseKey(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Coercer for a closed list of values (OpenAPI enums such as `device_info.os_family`): the text is
 * matched case- and separator-insensitively against `allowed` and against `synonyms` (loose key → allowed
 * value). No match → dropped with "not an allowed value".
 */
export function enumValue(
  allowed: readonly string[],
  synonyms: Readonly<Record<string, string>> = {},
): FieldCoercer<string> {
  const table = new Map<string, string>();
  for (const a of allowed) table.set(looseKey(a), a);
  for (const [k, a] of Object.entries(synonyms)) {
    if (!allowed.includes(a)) throw new Error(`enum synonym ${k} targets unknown value ${a}`);
    table.set(looseKey(k), a);
  }
  return (raw, field, warnings) => {
    if (isAbsent(raw)) return undefined;
    const hit = typeof raw === 'string' ? table.get(looseKey(raw)) : undefined;
    return hit === undefined ? dropWarning(warnings, field, 'not an allowed value') : hit;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lists and objects
// ---------------------------------------------------------------------------------------------------------

/**
 * Parses JSON text with every number kept as its exact source text (so `[12345678901234567890]` keeps all
 * digits). Returns `undefined` on a syntax error.
 */
export function parseJsonLossless(text: string): unknown {
  try {
    return parseLosslessJson(text, null, (numberText: string) => numberText);
  } catch {
    return undefined;
  }
}

/**
 * Most elements sent in one list: `custom_data.content_ids`, `custom_data.contents` and every user_data array (em,
 * ph, ...). Pinterest's OpenAPI 5.23 sets no maxItems on them; this connector chooses 100, the largest array limit
 * Pinterest states for an event (`device_info.languages`). A record holding a huge list is read only up to the cap,
 * so it costs no more than a record with 100 elements, and the event stays small. Further elements are dropped with
 * the warning {@link tooManyElements}.
 */
export const MAX_LIST_ITEMS = 100;

/**
 * Records that `field` held more than {@link MAX_LIST_ITEMS} elements (`noun`: "values" or "items") and that the
 * first ones were kept ("the first 100 distinct ones" when duplicates were skipped). The same message for every
 * record, so the end-of-sync report counts such records per field and stream.
 */
export function tooManyElements(warnings: MappingWarning[], field: string, noun: 'values' | 'items', distinct = false): void {
  warnings.push({ field, message: `${field}: more than ${MAX_LIST_ITEMS} ${noun}; the first ${MAX_LIST_ITEMS}${distinct ? ' distinct ones' : ''} kept` });
}

/**
 * List of non-empty strings (`custom_data.content_ids`) from:
 * - an array: each scalar element rendered with {@link scalarToText}; empty elements skipped;
 *   object/array elements dropped with "list element is not a string";
 * - text starting with `[`: a JSON array, handled as above (numbers keep all digits); invalid JSON →
 *   dropped with "not a list of strings";
 * - other text: comma-separated, each part trimmed, empties skipped (`"a, b,,c"` → `["a","b","c"]`);
 * - a number, bigint or boolean: a one-element list.
 * Objects → dropped with "not a list of strings". An empty result → `undefined`. At most `maxItems` elements are
 * kept: reading stops there, with the {@link tooManyElements} warning.
 */
export function stringList(maxItems: number): FieldCoercer<string[]> {
  return (raw, field, warnings) => readStringList(raw, field, warnings, maxItems);
}

/** {@link stringList} capped at {@link MAX_LIST_ITEMS} (`custom_data.content_ids`). */
export const toStringList: FieldCoercer<string[]> = stringList(MAX_LIST_ITEMS);

function readStringList(raw: unknown, field: string, warnings: MappingWarning[], maxItems: number): string[] | undefined {
  if (isAbsent(raw)) return undefined;
  let arr: unknown = raw;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s.startsWith('[')) {
      arr = parseJsonLossless(s);
      if (!Array.isArray(arr)) return dropWarning(warnings, field, 'not a list of strings');
    } else {
      const out: string[] = [];
      for (let start = 0; start <= s.length; ) {
        let end = s.indexOf(',', start);
        if (end < 0) end = s.length;
        const p = s.slice(start, end).trim();
        start = end + 1;
        if (p === '') continue;
        if (out.length >= maxItems) {
          tooManyElements(warnings, field, 'values');
          break;
        }
        out.push(p);
      }
      return out.length > 0 ? out : undefined;
    }
  }
  if (!Array.isArray(arr)) {
    const one = scalarToText(arr);
    return one === undefined ? dropWarning(warnings, field, 'not a list of strings') : [one];
  }
  const out: string[] = [];
  let bad = false;
  for (const el of arr) {
    if (isAbsent(el)) continue;
    const t = scalarToText(el);
    if (t === undefined) bad = true;
    else if (out.length >= maxItems) {
      tooManyElements(warnings, field, 'values');
      break;
    } else out.push(t);
  }
  if (bad) dropWarning(warnings, field, 'list element is not a string');
  return out.length > 0 ? out : undefined;
}

/**
 * An object from an object value or from text holding a JSON object (numbers kept as exact text).
 * Arrays, other scalars, invalid JSON → dropped with "not an object".
 */
export const toObject: FieldCoercer<Record<string, unknown>> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  let v: unknown = raw;
  if (typeof raw === 'string') v = parseJsonLossless(raw.trim());
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return dropWarning(warnings, field, 'not an object');
  return v as Record<string, unknown>;
};

// ---------------------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------------------

/**
 * Magnitude thresholds for numeric Unix timestamps (positive values only):
 * below 1e11 → seconds (1e11 s is the year 5138); below 1e14 → milliseconds (1e11 ms is 1973-03-03);
 * below 1e17 → microseconds; below 1e20 → nanoseconds. Fractions of a second are truncated.
 */
export const EPOCH_THRESHOLDS = { secondsBelow: 1e11, millisBelow: 1e14, microsBelow: 1e17, nanosBelow: 1e20 } as const;

/** Unix seconds from a positive epoch number of unknown unit; see {@link EPOCH_THRESHOLDS}. */
function epochNumberToSeconds(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n < EPOCH_THRESHOLDS.secondsBelow) return Math.floor(n);
  if (n < EPOCH_THRESHOLDS.millisBelow) return Math.floor(n / 1e3);
  if (n < EPOCH_THRESHOLDS.microsBelow) return Math.floor(n / 1e6);
  if (n < EPOCH_THRESHOLDS.nanosBelow) return Math.floor(n / 1e9);
  return undefined;
}

/**
 * Unix seconds from a record's `emitted_at`: milliseconds by the Airbyte protocol, but some clients write seconds
 * (PyAirbyte's cached path does), so it is read with the same magnitude rule as event_time ({@link EPOCH_THRESHOLDS}).
 * `undefined` for a non-finite, zero or negative value.
 */
export function emittedAtToSeconds(emittedAt: number): number | undefined {
  const s = epochNumberToSeconds(emittedAt);
  return s === undefined || s <= 0 ? undefined : s;
}

const EPOCH_TEXT_RE = /^\d+(?:\.\d+)?$/;
/** `YYYYMMDD` or `YYYYMMDDhhmmss` written as digits: a calendar date(-time), never epoch seconds or milliseconds. */
const COMPACT_DATE_RE = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/;

/**
 * Unix seconds (UTC) from compact `YYYYMMDD` / `YYYYMMDDhhmmss` digits; `null` when they are no real date-time.
 * As epoch values they would be instants of 1970 (8 digits as seconds) or of the 27th century (14 digits as ms).
 */
function compactDateToSeconds(digits: string): number | null {
  const m = COMPACT_DATE_RE.exec(digits)!;
  const iso = `${m[1]}-${m[2]}-${m[3]}${m[4] === undefined ? '' : `T${m[4]}:${m[5]}:${m[6]}`}`;
  return isoTextToSeconds(iso) ?? null;
}
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(?:([Zz]|UTC|GMT)|([+-])(\d{1,2})(?::?(\d{2}))?)?$/;

/** Unix seconds from ISO-8601 / RFC 3339 / SQL text; `undefined` when not recognised or out of range. */
function isoTextToSeconds(s: string): number | undefined {
  const m = ISO_RE.exec(s);
  if (m === null) return undefined;
  const year = Number(m[1]);
  if (year < 1970) return undefined; // before the epoch; and Date.UTC would read years 0-99 as 1900-1999
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined; // e.g. 2023-02-30
  let offset = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = m[10] === undefined ? 0 : Number(m[10]);
    if (oh > 23 || om > 59) return undefined;
    offset = (oh * 3600 + om * 60) * (m[8] === '-' ? -1 : 1);
  }
  return Math.floor(ms / 1000) - offset;
}

/**
 * Unix seconds (integer) from a timestamp in any of these forms:
 * - a number or bigint: epoch seconds, milliseconds, microseconds or nanoseconds, decided by magnitude
 *   ({@link EPOCH_THRESHOLDS}); text made only of digits (optionally with a fraction) is read the same way;
 * - except exactly 8 or 14 digits (number or text): compact `YYYYMMDD` (midnight UTC) or `YYYYMMDDhhmmss` (UTC),
 *   `null` when not a real date-time (as epoch values they would be instants of 1970 or of the 27th century);
 * - ISO-8601 / RFC 3339 text with `T` or a space between date and time, optional fraction, optional
 *   offset (`Z`, `UTC`, `GMT`, `+02:00`, `+0200`, `+02`, `-3:30`): `2024-05-01T10:15:30+02:00`. Without an
 *   offset the time is UTC (`2024-05-01 10:15:30`, Airbyte `timestamp_without_timezone`);
 * - a date only (`2024-05-01`, Airbyte `date`): midnight UTC;
 * - a `Date`.
 * Returns `null` when the value is present but not recognizable (including `BC` dates, times before
 * 1970-01-01, years written below 100 such as `0024-05-01`, impossible dates), `undefined` when absent. No clock
 * checks here.
 */
export function parseTimestampSeconds(v: unknown): number | null | undefined {
  if (isAbsent(v)) return undefined;
  let out: number | undefined;
  switch (typeof v) {
    case 'number':
    case 'bigint': {
      const digits = Number.isInteger(v) || typeof v === 'bigint' ? String(v) : '';
      if (digits.length === 8 || digits.length === 14) return compactDateToSeconds(digits);
      out = epochNumberToSeconds(Number(v));
      break;
    }
    case 'string': {
      const s = v.trim();
      if ((s.length === 8 || s.length === 14) && COMPACT_DATE_RE.test(s)) return compactDateToSeconds(s);
      out = EPOCH_TEXT_RE.test(s) ? epochNumberToSeconds(Number(s)) : isoTextToSeconds(s);
      break;
    }
    case 'object':
      if (v instanceof Date && Number.isFinite(v.getTime())) out = Math.floor(v.getTime() / 1000);
      break;
    default:
      break;
  }
  return out === undefined || out <= 0 ? null : out;
}

/** Field coercer for non-event timestamps (e.g. `app_info.install_time`); invalid → "not a recognizable timestamp". */
export const toEpochSeconds: FieldCoercer<number> = (raw, field, warnings) => {
  const t = parseTimestampSeconds(raw);
  if (t === undefined) return undefined;
  return t === null ? dropWarning(warnings, field, 'not a recognizable timestamp') : t;
};

// ---------------------------------------------------------------------------------------------------------
// custom_data.contents
// ---------------------------------------------------------------------------------------------------------

/** Keys of one Pinterest `contents` item (OpenAPI 5.23; `item_brand_id` since 5.28). */
export const CONTENT_ITEM_KEYS = ['id', 'item_price', 'quantity', 'item_name', 'item_category', 'item_brand', 'item_brand_id'] as const;

/**
 * Longest `contents[].item_brand_id` sent, in characters. Pinterest's schema (5.28) gives no limit; 64 is the cap other
 * Conversions API senders apply (project reference notes §5), and a longer value is dropped rather than cut.
 */
export const ITEM_BRAND_ID_MAX_LENGTH = 64;
const itemBrandIdText = textWithMaxLength(ITEM_BRAND_ID_MAX_LENGTH);

/**
 * Accepted spellings of each `contents` item key, matched case- and separator-insensitively
 * (`productId`, `product-id`, `PRODUCT_ID` are one spelling). When an item carries several spellings of
 * one key, the earlier spelling in this table wins (Pinterest's own key first).
 */
export const CONTENT_ITEM_KEY_VARIANTS: Readonly<Record<(typeof CONTENT_ITEM_KEYS)[number], readonly string[]>> = {
  id: ['id', 'product_id', 'item_id', 'content_id', 'sku'],
  item_price: ['item_price', 'price', 'unit_price'],
  quantity: ['quantity', 'qty', 'item_quantity'],
  item_name: ['item_name', 'name', 'product_name'],
  item_category: ['item_category', 'category', 'product_category'],
  item_brand: ['item_brand', 'brand', 'product_brand'],
  item_brand_id: ['item_brand_id', 'brand_id', 'product_brand_id'],
};

const CONTENT_KEY_TABLE: ReadonlyMap<string, { slot: number; rank: number }> = (() => {
  const m = new Map<string, { slot: number; rank: number }>();
  CONTENT_ITEM_KEYS.forEach((k, slot) => {
    CONTENT_ITEM_KEY_VARIANTS[k].forEach((variant, rank) => m.set(looseKey(variant), { slot, rank }));
  });
  return m;
})();

type ContentItemOut = Partial<Record<(typeof CONTENT_ITEM_KEYS)[number], string | number>>;

/**
 * `custom_data.contents` from an array of objects or text holding a JSON array of objects. Item keys are
 * mapped to Pinterest's with {@link CONTENT_ITEM_KEY_VARIANTS}; other keys are dropped (one warning
 * "contents: unknown item keys; dropped" per record). Each item value is coerced like the field it maps
 * to: `id`, `item_name`, `item_category`, `item_brand` text; `item_brand_id` text of at most
 * {@link ITEM_BRAND_ID_MAX_LENGTH} characters; `item_price` decimal text ({@link decimalText}); `quantity` integer. Warnings for item values name `contents.<key>`. Non-object items are dropped
 * ("contents: item is not an object; dropped"), items left empty are skipped, an empty list → `undefined`.
 * Not an array / invalid JSON → dropped with "not a list of objects". At most {@link MAX_LIST_ITEMS} items are
 * kept: reading stops there, with the {@link tooManyElements} warning.
 */
export const toContents: FieldCoercer<ContentItemOut[]> = (raw, field, warnings) => {
  if (isAbsent(raw)) return undefined;
  let arr: unknown = raw;
  if (typeof raw === 'string') arr = parseJsonLossless(raw.trim());
  if (!Array.isArray(arr)) return dropWarning(warnings, field, 'not a list of objects');
  const out: ContentItemOut[] = [];
  let unknownKeys = false;
  let nonObject = false;
  const values: unknown[] = new Array(CONTENT_ITEM_KEYS.length);
  const ranks: number[] = new Array(CONTENT_ITEM_KEYS.length);
  for (const item of arr) {
    if (item === null || item === undefined) continue;
    if (out.length >= MAX_LIST_ITEMS) {
      tooManyElements(warnings, field, 'items');
      break;
    }
    if (typeof item !== 'object' || Array.isArray(item)) {
      nonObject = true;
      continue;
    }
    values.fill(undefined);
    ranks.fill(Infinity);
    for (const key of Object.keys(item)) {
      const hit = CONTENT_KEY_TABLE.get(looseKey(key));
      if (hit === undefined) {
        unknownKeys = true;
        continue;
      }
      const v = (item as Record<string, unknown>)[key];
      if (hit.rank < ranks[hit.slot] && !isAbsent(v)) {
        ranks[hit.slot] = hit.rank;
        values[hit.slot] = v;
      }
    }
    const o: ContentItemOut = {};
    let any = false;
    for (let slot = 0; slot < CONTENT_ITEM_KEYS.length; slot++) {
      const v = values[slot];
      if (v === undefined) continue;
      const key = CONTENT_ITEM_KEYS[slot];
      const sub = `${field}.${key}`;
      const c =
        key === 'item_price'
          ? toDecimal(v, sub, warnings)
          : key === 'quantity'
            ? toInteger(v, sub, warnings)
            : key === 'item_brand_id'
              ? itemBrandIdText(v, sub, warnings)
              : toText(v, sub, warnings);
      if (c !== undefined) {
        o[key] = c;
        any = true;
      }
    }
    if (any) out.push(o);
  }
  if (nonObject) dropWarning(warnings, field, 'item is not an object');
  if (unknownKeys) dropWarning(warnings, field, 'unknown item keys');
  return out.length > 0 ? out : undefined;
};
