/**
 * Email normalizer (Pinterest `user_data.em`).
 *
 * Rule: Pinterest OpenAPI 5.23, ConversionEventsUserData.em ("lowercase version of user's email addresses", UTF-8);
 * project decision NOTES §3 (trim + lowercase + NFC, no provider-specific rewriting such as removing Gmail dots or
 * "+tags").
 */
import { NOT_TEXT, type Normalized, normalizeText, rejection, toText } from './text.js';

/** Warning when the value has no single "@" with text on both sides. */
export const EMAIL_NOT_AN_ADDRESS = rejection('email: not an email address; dropped');
/** Warning when the value is an object, boolean, Date, NaN, ... */
export const EMAIL_NOT_TEXT = rejection('email: not a text value; dropped');

/**
 * Normalizes one email address: NFC, trim, lowercase. The result must contain exactly one "@" with at least one
 * character before and after it, otherwise `EMAIL_NOT_AN_ADDRESS`. No other validation (Pinterest matches what it can).
 * `"  John.Doe@Example.COM "` → `"john.doe@example.com"`. Blank/null → null. Never throws.
 */
export function normalizeEmail(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return EMAIL_NOT_TEXT;
  const s = normalizeText(text);
  if (s === '') return null;
  const at = s.indexOf('@');
  if (at <= 0 || at === s.length - 1 || s.indexOf('@', at + 1) !== -1) return EMAIL_NOT_AN_ADDRESS;
  return s;
}
