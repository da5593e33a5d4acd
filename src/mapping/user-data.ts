/**
 * Builds Pinterest `user_data` from the destination fields of one record.
 *
 * Sources: Pinterest OpenAPI 5.23, ConversionEventsUserData / ConversionEventsUserDataProperties (hashed fields are
 * arrays of lowercase SHA-256 hex of UTF-8 text; client_ip_address, client_user_agent, click_id, partner_id are plain
 * strings; at least em, hashed_maids, or client_ip_address + client_user_agent); project decisions NOTES §1 and §3.
 *
 * Hot path (millions of records): lookup tables and regexes are built at module load, rejections are preallocated
 * constants, arrays are created only when a value is kept, and every kept value is hashed exactly once.
 * Nothing here throws on bad input; warnings carry field names and rules, never values.
 */
import { isIP } from 'node:net';
import type { PinterestUserData } from '../pinterest/events.js';
import { isSha256Hex, OTHER_HASH_ALGORITHMS, otherHashAlgorithm, sha256Hex } from './hash.js';
import {
  type FieldNormalizer,
  NOT_TEXT,
  type NormalizeContext,
  type Normalized,
  type Rejected,
  PHONE_INTERNATIONAL_GUESS,
  isInternationalGuess,
  isPlaceholder,
  normalizeCity,
  normalizeCountry,
  normalizeDateOfBirth,
  normalizeEmail,
  normalizeExternalId,
  normalizeFirstName,
  normalizeGender,
  normalizeLastName,
  normalizeMaid,
  normalizePhone,
  normalizeState,
  normalizeZip,
  rejection,
  toText,
} from './normalize/index.js';
import { MAX_LIST_ITEMS, tooManyElements } from './coerce.js';
import type { MappingWarning } from './types.js';

/** Destination field names accepted in the user group whose values are normalized, then hashed. */
export const RAW_USER_FIELDS = [
  'email',
  'phone',
  'first_name',
  'last_name',
  'gender',
  'date_of_birth',
  'city',
  'state',
  'zip_code',
  'country',
  'external_id',
  'maid',
] as const;
/** One of RAW_USER_FIELDS. */
export type RawUserField = (typeof RAW_USER_FIELDS)[number];

/** `hashed_${RawUserField}`: destination fields whose values are already SHA-256 hex digests. */
export type HashedUserField = `hashed_${RawUserField}`;
/** hashed_email, hashed_phone, ..., hashed_maid, in RAW_USER_FIELDS order. */
export const HASHED_USER_FIELDS: readonly HashedUserField[] = RAW_USER_FIELDS.map((f) => `hashed_${f}` as const);

/** Destination fields sent to Pinterest as plain strings (never hashed). */
export const PLAIN_USER_FIELDS = ['client_ip_address', 'client_user_agent', 'click_id', 'partner_id'] as const;
/** One of PLAIN_USER_FIELDS. */
export type PlainUserField = (typeof PLAIN_USER_FIELDS)[number];

/**
 * input: keys are destination field names: RAW_USER_FIELDS, `hashed_${RawUserField}` (hashed_email, hashed_phone,
 * ..., hashed_maid), PLAIN_USER_FIELDS. Values as they came from the record (string | number | bigint | boolean |
 * null | Date | arrays of those | other junk). Other keys are ignored.
 */
export type UserDataInput = Partial<Record<string, unknown>>;

/** Pinterest `user_data`: its shape describes Pinterest's API, so it lives in `pinterest/events.ts`. */
export type { PinterestUserData };

/** Pinterest keys that hold arrays of hashes. */
export type PinterestHashedKey = Exclude<keyof PinterestUserData, PlainUserField>;

/** Per-stream settings the builder needs. */
export interface UserDataContext {
  /** Config `default_phone_country`: ISO-3166 alpha-2, any case; reads national numbers of records with no country. */
  defaultPhoneCountry?: string;
  /** Config `date_of_birth_order` (MDY or DMY): reads dates of birth such as 04/05/1985; unset, they are dropped. */
  dateOfBirthOrder?: 'MDY' | 'DMY';
}

/** Raw destination field → Pinterest key (hashed_${field} feeds the same key). */
export const PINTEREST_KEY_OF: Readonly<Record<RawUserField, PinterestHashedKey>> = {
  email: 'em',
  phone: 'ph',
  first_name: 'fn',
  last_name: 'ln',
  gender: 'ge',
  date_of_birth: 'db',
  city: 'ct',
  state: 'st',
  zip_code: 'zp',
  country: 'country',
  external_id: 'external_id',
  maid: 'hashed_maids',
};

/**
 * The normalizer of each raw field (see ./normalize/*.ts for the rule and source of each). Shape:
 * `(value: unknown, ctx?: NormalizeContext) => string | Rejected | null`: normalized plaintext, a value-free rejection
 * to report as a warning, or null when there is nothing to send. Normalizers do not handle pre-hashed values; use
 * `hashUserValue` for the complete per-value rule.
 */
export const USER_FIELD_NORMALIZERS: Readonly<Record<RawUserField, FieldNormalizer>> = {
  email: normalizeEmail,
  phone: normalizePhone,
  first_name: normalizeFirstName,
  last_name: normalizeLastName,
  gender: normalizeGender,
  date_of_birth: normalizeDateOfBirth,
  city: normalizeCity,
  state: normalizeState,
  zip_code: normalizeZip,
  country: normalizeCountry,
  external_id: normalizeExternalId,
  maid: normalizeMaid,
};

/**
 * Normalizes and hashes one value of a raw field; the complete per-value rule of NOTES §3.
 * - A string that, trimmed, is 64 hex characters (any case) is taken as already hashed: returned lowercased, not
 *   hashed again (checked before any other normalization, so it applies to every raw field).
 * - A string of 32, 40, 56, 96 or 128 hex characters is a digest of another algorithm (MD5, SHA-1, SHA-224,
 *   SHA-384, SHA-512: Airbyte's hashing mapper offers them, NOTES §6): a Rejected naming the algorithm, never hashed
 *   again nor sent. Exception: external_id keeps 32-hex values (UUIDs without dashes and hex keys are common ids).
 * - A placeholder (`N/A`, `NA`, `none`, `null`, `-`, `unknown`, ...; see `isPlaceholder`) is absent: null.
 * - Otherwise the field's normalizer runs on the trimmed value; a plaintext result is returned as its SHA-256 hex.
 * Returns the 64-char lowercase hex to send, a `Rejected` (report `message`), or null (absent). Never throws.
 * `ctx.country` must already be normalized (alpha-2 lowercase): it steers phone, zip_code and state.
 * Results for country, state and gender are cached (see closedSetResults); callers must not mutate a Rejected.
 */
export function hashUserValue(field: RawUserField, value: unknown, ctx?: NormalizeContext): string | Rejected | null {
  if ((field === 'country' || field === 'state' || field === 'gender') && typeof value === 'string' && value.length <= MAX_CLOSED_SET_TEXT) {
    // state also depends on the record's country (names are read for US, Canadian and country-less records only)
    const key = field === 'state' ? `state\u0000${ctx?.country ?? ''}\u0000${value}` : `${field}\u0000${value}`;
    let r = closedSetResults.get(key);
    if (r === undefined) {
      r = hashUncached(field, value, ctx);
      if (closedSetResults.size >= MAX_CLOSED_SET_ENTRIES) closedSetResults.clear();
      closedSetResults.set(key, r);
    }
    return r;
  }
  return hashUncached(field, value, ctx);
}

/**
 * Results of {@link hashUserValue} for country, state and gender, whose values come from small closed sets (ISO 3166
 * countries, US/Canadian state and province codes and names, genders) and so recur on nearly every row: normalizing
 * and hashing country and state again for each of the bench's 70,000 orders took about 130 ms of CPU, 30 ms with
 * this cache (2026-12-06, Node 20; issue 16). Keyed by field, the raw text (and the record's
 * country for state); results depend on nothing else, so a hit returns exactly what the computation would. Values longer than {@link MAX_CLOSED_SET_TEXT} are not kept; a column of distinct junk
 * cannot grow the map beyond {@link MAX_CLOSED_SET_ENTRIES} (it is emptied then).
 */
const closedSetResults = new Map<string, string | Rejected | null>();
/** Entries of the closed-set cache before it is emptied. */
const MAX_CLOSED_SET_ENTRIES = 1024;
/** Longest raw text (UTF-16 units) whose closed-set result is cached ("Saint Vincent and the Grenadines" has 32). */
const MAX_CLOSED_SET_TEXT = 64;

/** {@link hashUserValue} without the closed-set cache. */
function hashUncached(field: RawUserField, value: unknown, ctx?: NormalizeContext): string | Rejected | null {
  let v = value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    if (isSha256Hex(trimmed)) return trimmed.toLowerCase();
    const other = otherHashRejection(field, trimmed);
    if (other !== undefined) return other;
    if (isPlaceholder(trimmed, field === 'first_name' || field === 'last_name')) return null;
    v = trimmed;
  }
  const r = USER_FIELD_NORMALIZERS[field](v, ctx);
  return typeof r === 'string' ? sha256Hex(r) : r;
}

/** `${field}:${hex length}` → the rejection naming the other algorithm, for raw and hashed_* fields. */
const OTHER_HASH = new Map<string, Rejected>();
for (const f of [...RAW_USER_FIELDS, ...HASHED_USER_FIELDS]) {
  for (const [length, algorithm] of OTHER_HASH_ALGORITHMS) {
    OTHER_HASH.set(
      `${f}:${length}`,
      rejection(
        `${f}: ${length} hex characters, a ${algorithm} hash, not SHA-256, so it cannot match; send the raw value (the connector ` +
          `normalizes and hashes it) or the SHA-256 of the normalized value; dropped`,
      ),
    );
  }
}

/** The rejection for a value of `field` that is a digest of another algorithm than SHA-256, or undefined. */
function otherHashRejection(field: RawUserField | HashedUserField, trimmed: string): Rejected | undefined {
  if (trimmed.length === 32 && field === 'external_id') return undefined;
  return otherHashAlgorithm(trimmed) === undefined ? undefined : OTHER_HASH.get(`${field}:${trimmed.length}`);
}

const HASHED_NOT_HEX = new Map<string, Rejected>();
const NOT_TEXT_REJECTION = new Map<string, Rejected>();
for (const f of [...HASHED_USER_FIELDS, ...PLAIN_USER_FIELDS]) {
  NOT_TEXT_REJECTION.set(f, rejection(`${f}: not a text value; dropped`));
}
for (const f of HASHED_USER_FIELDS) HASHED_NOT_HEX.set(f, rejection(`${f}: not a SHA-256 hex string; dropped`));

/**
 * Checks one value of a `hashed_*` field (NOTES §3): trimmed, must be exactly 64 hex characters in any case, returned
 * lowercased. A digest of another algorithm (32, 40, 56, 96, 128 hex) → a Rejected naming it; anything else →
 * Rejected "hashed_x: not a SHA-256 hex string; dropped" (objects/booleans: "hashed_x: not a text value; dropped");
 * blank/null and placeholders (`N/A`, `none`, `-`, ...) → null. Never hashes. Never throws.
 */
export function normalizeHashedValue(field: HashedUserField, value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return NOT_TEXT_REJECTION.get(field)!;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (isSha256Hex(trimmed)) return trimmed.toLowerCase();
  if (isPlaceholder(trimmed)) return null;
  return otherHashRejection(field, trimmed) ?? HASHED_NOT_HEX.get(field)!;
}

/** Warning for a client_ip_address that is neither IPv4 nor IPv6 (node:net isIP). */
export const IP_INVALID = rejection('client_ip_address: not a valid IP address; dropped');

/**
 * Normalizes one value of a plain field (OpenAPI 5.23: plain strings, never hashed): text coerced (numbers, bigints),
 * trimmed, case kept; placeholders (`N/A`, `unknown`, `-`, ...) are absent. client_ip_address must be IPv4 or IPv6 by `node:net` isIP (no brackets, ports or zones
 * stripped), else IP_INVALID. Objects/booleans → "X: not a text value; dropped"; blank/null → null. Never throws.
 */
export function normalizePlainValue(field: PlainUserField, value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return NOT_TEXT_REJECTION.get(field)!;
  const trimmed = text.trim();
  if (trimmed === '' || isPlaceholder(trimmed)) return null;
  if (field === 'client_ip_address' && isIP(trimmed) === 0) return IP_INVALID;
  return trimmed;
}

const SEVERAL_VALUES = new Map<string, string>(PLAIN_USER_FIELDS.map((f) => [f, `${f}: several values; first kept`]));

/**
 * Most distinct values sent in one user_data array (em, ph, external_id, ...): the cap of every list the connector
 * sends ({@link MAX_LIST_ITEMS}, see there), far above what identifies one person, and small enough that
 * de-duplicating a column holding a huge list stays cheap. Further values are dropped with a warning.
 */
export const MAX_VALUES_PER_IDENTIFIER = MAX_LIST_ITEMS;

/**
 * Scratch lists of the record being built, by RAW_USER_FIELDS index (hashes) and PLAIN_USER_FIELDS index (plain
 * values). Every entry is written for every record, so none can carry a value of an earlier record (even after a
 * throw), and {@link assembleUserData} empties them, so no hash or plain value outlives its record here. Building
 * user_data is synchronous and never re-entered.
 */
const hashLists: (string[] | undefined)[] = new Array<string[] | undefined>(RAW_USER_FIELDS.length).fill(undefined);
const plainValues: (string | undefined)[] = new Array<string | undefined>(PLAIN_USER_FIELDS.length).fill(undefined);

/**
 * user_data from the scratch lists, keys in Pinterest's documentation order (RAW_USER_FIELDS mapped by
 * PINTEREST_KEY_OF, then PLAIN_USER_FIELDS), absent ones omitted; empties the lists. One store per key, each by its name: stores by a
 * computed key were megamorphic and took a tenth of the mapper's time (issue 16).
 */
function assembleUserData(): PinterestUserData {
  const h = hashLists;
  const p = plainValues;
  const u: PinterestUserData = {};
  if (h[0] !== undefined) u.em = h[0];
  if (h[1] !== undefined) u.ph = h[1];
  if (h[2] !== undefined) u.fn = h[2];
  if (h[3] !== undefined) u.ln = h[3];
  if (h[4] !== undefined) u.ge = h[4];
  if (h[5] !== undefined) u.db = h[5];
  if (h[6] !== undefined) u.ct = h[6];
  if (h[7] !== undefined) u.st = h[7];
  if (h[8] !== undefined) u.zp = h[8];
  if (h[9] !== undefined) u.country = h[9];
  if (h[10] !== undefined) u.external_id = h[10];
  if (h[11] !== undefined) u.hashed_maids = h[11];
  if (p[0] !== undefined) u.client_ip_address = p[0];
  if (p[1] !== undefined) u.client_user_agent = p[1];
  if (p[2] !== undefined) u.click_id = p[2];
  if (p[3] !== undefined) u.partner_id = p[3];
  for (let i = 0; i < h.length; i++) h[i] = undefined;
  for (let i = 0; i < p.length; i++) p[i] = undefined;
  return u;
}

/** First slot of the hashed_* fields, and of the plain fields, in a {@link UserSlots} array. */
const HASHED_BASE = RAW_USER_FIELDS.length;
const PLAIN_BASE = 2 * RAW_USER_FIELDS.length;

/**
 * Where each user destination field's value sits in a {@link UserSlots} array: RAW_USER_FIELDS at 0–11, their
 * `hashed_*` forms at 12–23 (same order), PLAIN_USER_FIELDS at 24–27. The record mapper fills one array per record
 * instead of an object keyed by field name, so building user_data reads by index, not by name.
 */
export const USER_SLOT_OF: ReadonlyMap<string, number> = new Map<string, number>([
  ...RAW_USER_FIELDS.map((f, i) => [f, i] as const),
  ...HASHED_USER_FIELDS.map((f, i) => [f, HASHED_BASE + i] as const),
  ...PLAIN_USER_FIELDS.map((f, i) => [f, PLAIN_BASE + i] as const),
]);
/** Length of a {@link UserSlots} array (28). */
export const USER_SLOT_COUNT = PLAIN_BASE + PLAIN_USER_FIELDS.length;
/** One record's user field values by {@link USER_SLOT_OF} index; `undefined` or `null` where the record has none. */
export type UserSlots = unknown[];
const COUNTRY_SLOT = USER_SLOT_OF.get('country')!;

function pushUnique(acc: string[] | undefined, v: string): string[] {
  if (acc === undefined) return [v];
  if (!acc.includes(v)) acc.push(v);
  return acc;
}

function addRaw(
  field: RawUserField,
  value: unknown,
  ctx: NormalizeContext,
  acc: string[] | undefined,
  warnings: MappingWarning[],
): string[] | undefined {
  const r = hashUserValue(field, value, ctx);
  if (r === null) return acc;
  if (typeof r === 'string') {
    if (field === 'phone' && isInternationalGuess(value, ctx) && !(typeof value === 'string' && isSha256Hex(value.trim()))) {
      warnings.push(PHONE_INTERNATIONAL_GUESS);
    }
    return pushUnique(acc, r);
  }
  warnings.push({ field, message: r.message });
  return acc;
}

function addHashed(
  field: HashedUserField,
  value: unknown,
  acc: string[] | undefined,
  warnings: MappingWarning[],
): string[] | undefined {
  const r = normalizeHashedValue(field, value);
  if (r === null) return acc;
  if (typeof r === 'string') return pushUnique(acc, r);
  warnings.push({ field, message: r.message });
  return acc;
}

/**
 * The record's country for phone/zip/state: the first `country` value that normalizes (pre-hashed ones cannot).
 * One array level only, like everywhere else (no recursion, so deeply nested junk cannot exhaust the stack).
 */
function firstCountry(value: unknown): string | undefined {
  if (!Array.isArray(value)) return countryOf(value);
  for (const v of value) {
    const r = countryOf(v);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** One country value normalized, or undefined; a placeholder such as `NA` or `N/A` is no country (not Namibia). */
function countryOf(v: unknown): string | undefined {
  if (typeof v === 'string' && isPlaceholder(v.trim())) return undefined;
  const r = normalizeCountry(v);
  return typeof r === 'string' ? r : undefined;
}

function plainValue(field: PlainUserField, value: unknown, warnings: MappingWarning[]): string | undefined {
  if (!Array.isArray(value)) {
    const r = normalizePlainValue(field, value);
    if (r === null || typeof r === 'string') return r ?? undefined;
    warnings.push({ field, message: r.message });
    return undefined;
  }
  let first: string | undefined;
  let several = false;
  for (const v of value) {
    const r = normalizePlainValue(field, v);
    if (r === null) continue;
    if (typeof r !== 'string') warnings.push({ field, message: r.message });
    else if (first === undefined) first = r;
    else if (r !== first) several = true;
  }
  if (several) warnings.push({ field, message: SEVERAL_VALUES.get(field)! });
  return first;
}

/**
 * Builds Pinterest `user_data` from one record's user fields.
 *
 * - Raw fields (RAW_USER_FIELDS) are normalized and hashed with `hashUserValue`; `hashed_*` fields are checked with
 *   `normalizeHashedValue`. `email` and `hashed_email` both feed `em` (raw values first), `maid`/`hashed_maid` feed
 *   `hashed_maids`, and so on (PINTEREST_KEY_OF).
 * - Array values give several hashes in the same Pinterest array, deduplicated, first-seen order kept, at most
 *   {@link MAX_VALUES_PER_IDENTIFIER} per key (then warning "X: more than 100 values; ..."). Nested arrays are not
 *   flattened (their elements are "not a text value").
 * - The record's country (first `country` value that normalizes) steers phone parsing, zip_code and state; phone falls
 *   back to `ctx.defaultPhoneCountry`. A phone kept although it could only be read as international by guessing (no
 *   "+"/00 and no country at all) adds the warning PHONE_INTERNATIONAL_GUESS.
 * - Plain fields (PLAIN_USER_FIELDS): trimmed strings, numbers coerced; client_ip_address must be IPv4/IPv6. For an
 *   array, the first usable value is kept, with warning "X: several values; first kept" if others differ.
 * - Never emits an empty array or an empty string; keys with nothing to send are omitted. Keys of `input` that are not
 *   user fields are ignored.
 * Returns the user_data and one warning per dropped value (`field` = destination field name, e.g. "phone" or
 * "hashed_email"; `message` stable and value-free). Never throws. Does not check `hasRequiredIdentifier`: that is
 * the caller's decision (reject the record or not).
 */
export function buildUserData(
  input: UserDataInput,
  ctx: UserDataContext,
): { userData: PinterestUserData; warnings: MappingWarning[] } {
  const warnings: MappingWarning[] = [];
  return { userData: buildUserDataInto(input, ctx, warnings), warnings };
}

/**
 * {@link buildUserData} with the warnings appended to the caller's `warnings` (in the same order) instead of a new
 * array and result object.
 */
export function buildUserDataInto(input: UserDataInput, ctx: UserDataContext, warnings: MappingWarning[]): PinterestUserData {
  const slots: UserSlots = new Array<unknown>(USER_SLOT_COUNT).fill(undefined);
  for (const [field, i] of USER_SLOT_OF) slots[i] = input[field];
  return buildUserDataFromSlots(slots, ctx, warnings);
}

/**
 * {@link buildUserDataInto} for the per-record hot path: the record's values in a {@link UserSlots} array (read by
 * index, no object keyed by field name per record). Same result and warnings. `slots` is only read.
 */
export function buildUserDataFromSlots(slots: UserSlots, ctx: UserDataContext, warnings: MappingWarning[]): PinterestUserData {
  const countryValue = slots[COUNTRY_SLOT];
  const country = countryValue == null ? undefined : firstCountry(countryValue);
  const nctx: NormalizeContext =
    country === undefined ? ctx : { country, defaultPhoneCountry: ctx.defaultPhoneCountry, dateOfBirthOrder: ctx.dateOfBirthOrder };

  for (let i = 0; i < HASHED_BASE; i++) {
    const rawValue = slots[i];
    const hashedValue = slots[HASHED_BASE + i];
    let acc: string[] | undefined;
    if (rawValue != null) {
      const field = RAW_USER_FIELDS[i];
      if (!Array.isArray(rawValue)) acc = addRaw(field, rawValue, nctx, acc, warnings);
      else {
        for (let j = 0; j < rawValue.length; j++) {
          if (acc !== undefined && acc.length >= MAX_VALUES_PER_IDENTIFIER) {
            tooManyElements(warnings, field, 'values', true);
            break;
          }
          acc = addRaw(field, rawValue[j], nctx, acc, warnings);
        }
      }
    }
    if (hashedValue != null) {
      const field = HASHED_USER_FIELDS[i];
      if (!Array.isArray(hashedValue)) acc = addHashed(field, hashedValue, acc, warnings);
      else {
        for (let j = 0; j < hashedValue.length; j++) {
          if (acc !== undefined && acc.length >= MAX_VALUES_PER_IDENTIFIER) {
            tooManyElements(warnings, field, 'values', true);
            break;
          }
          acc = addHashed(field, hashedValue[j], acc, warnings);
        }
      }
    }
    hashLists[i] = acc; // every entry written on every call: nothing of an earlier record can remain
  }

  for (let i = 0; i < PLAIN_USER_FIELDS.length; i++) {
    const value = slots[PLAIN_BASE + i];
    plainValues[i] = value == null ? undefined : plainValue(PLAIN_USER_FIELDS[i], value, warnings);
  }
  return assembleUserData();
}

/**
 * Pinterest's identifier rule (OpenAPI ConversionEventsUserData anyOf): em, or hashed_maids, or both
 * client_ip_address and client_user_agent. Empty arrays and empty strings do not count.
 */
export function hasRequiredIdentifier(u: PinterestUserData): boolean {
  return (
    (u.em !== undefined && u.em.length > 0) ||
    (u.hashed_maids !== undefined && u.hashed_maids.length > 0) ||
    (!!u.client_ip_address && !!u.client_user_agent)
  );
}
