/**
 * Identifier normalizers (Pinterest `user_data.external_id`, `user_data.hashed_maids`).
 *
 * Rules: Pinterest OpenAPI 5.23, ConversionEventsUserData.external_id ("unique id from the advertiser", UTF-8) and
 * .hashed_maids (GAID / IDFA); project decision NOTES §3: external_id is trimmed only (case kept, NFC applied like all
 * text), a mobile advertising id is trimmed and lowercased (IDFAs are usually written in uppercase, GAIDs in
 * lowercase; both are UUIDs).
 */
import { NOT_TEXT, type Normalized, normalizeText, rejection, toText } from './text.js';

/** Warning for an external_id that is an object, boolean, Date, ... */
export const EXTERNAL_ID_NOT_TEXT = rejection('external_id: not a text value; dropped');
/** Warning for a maid that is an object, boolean, Date, ... */
export const MAID_NOT_TEXT = rejection('maid: not a text value; dropped');

/**
 * Normalizes an advertiser user id: NFC + trim, case kept. `"  CUST-00042 "` → `"CUST-00042"`; numbers and bigints
 * become their decimal text (`42` → `"42"`, `12345678901234567890n` → `"12345678901234567890"`). Objects/booleans →
 * EXTERNAL_ID_NOT_TEXT; blank/null → null. Never throws.
 */
export function normalizeExternalId(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return EXTERNAL_ID_NOT_TEXT;
  const s = text.trim().normalize('NFC');
  return s === '' ? null : s;
}

/**
 * Normalizes a mobile advertising id (GAID/IDFA): NFC, trim, lowercase.
 * `" 6D92078A-8246-4BA4-AE5B-76104861E7DC "` → `"6d92078a-8246-4ba4-ae5b-76104861e7dc"`. No UUID validation.
 * Objects/booleans → MAID_NOT_TEXT; blank/null → null. Never throws.
 */
export function normalizeMaid(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return MAID_NOT_TEXT;
  const s = normalizeText(text);
  return s === '' ? null : s;
}
