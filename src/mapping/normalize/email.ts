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
 * Invisible characters that copy and paste leave in text: Unicode format characters (`\p{Cf}`: zero-width space and
 * joiners, left-to-right and right-to-left marks, bidi embeddings and isolates, word joiner, invisible separators,
 * BOM, soft hyphen).
 */
const INVISIBLE = /\p{Cf}/gu;
/** `Jane Doe <jane@example.com>` (RFC 5322 name-addr, as mail clients and CRMs export it): the address between < >. */
const NAME_ADDR = /^[^<>]*<([^<>]*)>$/;
/** Characters no (unquoted) address holds: whitespace, and `< > ( ) [ ] \ , ; : "` (RFC 5322 specials). */
const NOT_IN_ADDRESS_CLASS = String.raw`\s<>()[\]\\,;:"`;
const NOT_IN_ADDRESS = new RegExp(`[${NOT_IN_ADDRESS_CLASS}]`);
/** Any character of INVISIBLE or NOT_IN_ADDRESS: a value without one is an address as it is (or has no "@"). */
const UNUSUAL = new RegExp(`[${NOT_IN_ADDRESS_CLASS}\\p{Cf}]`, 'u');

/**
 * Normalizes one email address: NFC, trim, lowercase (Pinterest's rule); before the checks, invisible characters
 * are removed (`\u200Bjane@example.com`), a `mailto:` prefix too (with its `?query`), and a display name around the address
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
  let s = normalizeText(text);
  if (s === '') return null;
  // One scan for the common case (an address and nothing else); the rest only for values that need it.
  if (UNUSUAL.test(s)) {
    s = normalizeText(s.replace(INVISIBLE, ''));
    if (s === '') return null;
    if (s.includes('<')) s = NAME_ADDR.exec(s)?.[1]?.trim() ?? s;
    // A mailto: link's query (`?subject=...`) is not part of the address.
    if (s.startsWith('mailto:')) s = s.slice('mailto:'.length).split('?', 1)[0];
    if (NOT_IN_ADDRESS.test(s)) return EMAIL_NOT_AN_ADDRESS;
  }
  const at = s.indexOf('@');
  if (at <= 0 || at === s.length - 1 || s.indexOf('@', at + 1) !== -1) return EMAIL_NOT_AN_ADDRESS;
  return s;
}
