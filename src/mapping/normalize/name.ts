/**
 * First/last name normalizer (Pinterest `user_data.fn`, `user_data.ln`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.fn/ln ("in lowercase", UTF-8); project decision NOTES §3:
 * NFC, trim, locale-independent lowercase, inner whitespace collapsed to one space, accents and punctuation kept
 * ("Jean-Luc", "O'Brien" stay as written, lowercased).
 */
import { NOT_TEXT, type Normalized, normalizeText, rejection, toText } from './text.js';

/** Warning for a first_name that is an object, boolean, Date, ... */
export const FIRST_NAME_NOT_TEXT = rejection('first_name: not a text value; dropped');
/** Warning for a last_name that is an object, boolean, Date, ... */
export const LAST_NAME_NOT_TEXT = rejection('last_name: not a text value; dropped');

const WHITESPACE_RUN = /\s+/g;

function normalizeName(value: unknown, notText: typeof FIRST_NAME_NOT_TEXT): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return notText;
  const s = normalizeText(text);
  if (s === '') return null;
  return s.replace(WHITESPACE_RUN, ' ');
}

/**
 * Normalizes a first name: `"  Mary   Ann "` → `"mary ann"`, `"Jose\u0301"` → `"josé"` (NFC, one code point for é),
 * `"İlkay"` → `"i̇lkay"` (locale-independent lowercase keeps U+0307). Blank/null → null; objects → FIRST_NAME_NOT_TEXT.
 */
export function normalizeFirstName(value: unknown): Normalized {
  return normalizeName(value, FIRST_NAME_NOT_TEXT);
}

/** Normalizes a last name; same rule as `normalizeFirstName`, warnings name `last_name`. */
export function normalizeLastName(value: unknown): Normalized {
  return normalizeName(value, LAST_NAME_NOT_TEXT);
}
