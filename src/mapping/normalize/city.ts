/**
 * City normalizer (Pinterest `user_data.ct`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.ct ("in lowercase, and without spaces or punctuation", UTF-8);
 * project decision NOTES §3: keep letters (accents included) and digits.
 *
 * Refinement of the brief's `[\p{L}\p{N}]`: combining marks (`\p{M}`) are kept as well, because in scripts such as
 * Devanagari or Thai the vowel signs are marks ("मुंबई" would otherwise become "मबई"). For Latin text this changes
 * nothing after NFC except the Turkish case: "İSTANBUL" → "i̇stanbul" (i + U+0307, see text.ts).
 */
import { NOT_TEXT, type Normalized, keepLettersAndDigits, normalizeText, rejection, toText } from './text.js';

/** Warning for an object, boolean, Date, ... */
export const CITY_NOT_TEXT = rejection('city: not a text value; dropped');

/**
 * Normalizes a city: NFC, lowercase, spaces/punctuation/symbols removed. `"New York"` → `"newyork"`,
 * `"St. Louis"` → `"stlouis"`, `"São Paulo"` → `"sãopaulo"`, `"Winston-Salem"` → `"winstonsalem"`.
 * A value with no letter or digit (e.g. "---") → null (absent, no warning). Blank/null → null. Never throws.
 */
export function normalizeCity(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return CITY_NOT_TEXT;
  const s = keepLettersAndDigits(normalizeText(text));
  return s === '' ? null : s;
}
