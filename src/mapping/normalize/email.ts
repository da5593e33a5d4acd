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

/** Invisible characters that copy and paste leave in text: zero-width space, joiners, word joiner, BOM, soft hyphen. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
/** `Jane Doe <jane@example.com>` (RFC 5322 name-addr, as mail clients and CRMs export it): the address between < >. */
const NAME_ADDR = /^[^<>]*<([^<>]*)>$/;
/** Characters no (unquoted) address holds: whitespace, and `< > ( ) [ ] \ , ; : "` (RFC 5322 specials). */
const NOT_IN_ADDRESS = /[\s<>()[\]\\,;:"]/;

/**
 * Normalizes one email address: NFC, trim, lowercase (Pinterest's rule); before the checks, invisible characters
 * are removed (`\u200Bjane@example.com`), a `mailto:` prefix too, and a display name around the address
 * (`Jane Doe <jane@example.com>` → `jane@example.com`): none of them is part of the address Pinterest matches. The
 * result must contain exactly one "@" with at least one character before and after it, and no whitespace or RFC 5322
 * special (`< > ( ) [ ] \ , ; : "`: two addresses in one value, a phrase), otherwise `EMAIL_NOT_AN_ADDRESS`: the hash
 * of such a value could never match. No other validation (Pinterest matches what it can).
 * `"  John.Doe@Example.COM "` → `"john.doe@example.com"`. Blank/null → null. Never throws.
 */
export function normalizeEmail(value: unknown): Normalized {
  const text = toText(value);
  if (text === null) return null;
  if (text === NOT_TEXT) return EMAIL_NOT_TEXT;
  let s = normalizeText(text.replace(INVISIBLE, ''));
  if (s === '') return null;
  if (s.includes('<')) s = NAME_ADDR.exec(s)?.[1]?.trim() ?? s;
  if (s.startsWith('mailto:')) s = s.slice('mailto:'.length);
  const at = s.indexOf('@');
  if (at <= 0 || at === s.length - 1 || s.indexOf('@', at + 1) !== -1 || NOT_IN_ADDRESS.test(s)) return EMAIL_NOT_AN_ADDRESS;
  return s;
}
