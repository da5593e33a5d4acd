/**
 * What the write pipeline may show of a record or an event in a log line. Personal data never appears in logs:
 * user identifiers are hashed by the mapper, and the few plain-text fields that can still carry personal data
 * (an IP address, a URL with query parameters, free text, a mis-mapped event name) are masked or withheld here.
 */

import { isSha256Hex, sha256Hex } from '../mapping/hash.js';

/** How many distinct unknown event names are logged by name; the rest are counted in the summary's warnings. */
export const MAX_UNKNOWN_EVENT_NAMES_LOGGED = 20;

/**
 * Words event names are made of (lowercase): actions and objects of e-commerce, lead, app and content tracking plans
 * (Segment, GA4, Meta and Pinterest tag vocabularies). A name made only of these words is a label, not personal data.
 */
export const EVENT_NAME_VOCABULARY: ReadonlySet<string> = new Set(
  (
    'a an and the of on in to for with from by at up out off new first last my your ' +
    'order orders ordered cart carts checkout checked check purchase purchased purchases buy bought sale sold transaction ' +
    'view viewed views page pages screen screens visit visited home landing product products item items category categories ' +
    'list catalog content video videos watch watched play played playback stream article blog post ' +
    'signup sign signed register registered registration account accounts login logged logout user customer member profile ' +
    'lead leads generated generate form forms submit submitted submission application apply applied contact contacted ' +
    'search searched query filter filtered subscribe subscribed subscription subscriptions unsubscribe newsletter ' +
    'add added addition additions remove removed update updated wishlist wish favorite favorited saved save share shared click clicked tap ' +
    'payment payments info information entered billing shipping shipped delivered delivery refund refunded return returned ' +
    'started start begin began initiate initiated complete completed completion finish finished success successful failed ' +
    'cancel cancelled canceled confirmed confirmation abandoned trial trials app install installed open opened launch launched ' +
    'schedule scheduled appointment booking booked book reservation reserved find location store locator customize customized ' +
    'coupon promo promotion offer discount quote requested request demo download downloaded upgrade upgraded renew renewed ' +
    'level achieved achievement unlocked tutorial review reviewed rating rated spend credits lifetime value ' +
    'event events conversion conversions custom step funnel session engaged engagement impression ad ads'
  ).split(' '),
);

/** Longest unknown event name shown in a log line. */
const MAX_SHOWN_EVENT_NAME_LENGTH = 64;

/** True when every word of `name` (split at spaces, separators and CamelCase humps) is in the vocabulary. */
function isMadeOfEventWords(name: string): boolean {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.:/-]+/)
    .filter(Boolean);
  if (words.length === 0) return false;
  // The last word may be a short number or version after an event word (`checkout-step-3`, `signup_v2`, `SignupV2`),
  // or an event word with a short number (`CheckoutStep3`).
  const last = words.length - 1;
  return words.every(
    (w, i) =>
      EVENT_NAME_VOCABULARY.has(w) ||
      (i === last && i > 0 && /^v?\d{1,3}$/.test(w)) ||
      (i === last && /^[a-z]+\d{1,3}$/.test(w) && EVENT_NAME_VOCABULARY.has(w.replace(/\d+$/, ''))),
  );
}

/**
 * An unknown event name as it may appear in a log line, or undefined when it must not be shown. A mis-mapped column
 * can put anything into event_name, and no shape tells a label from a person's name or user name ("Order Completed"
 * and "Jane Doe", "order_refunded" and "jane.doe", "zebediah"), so a name is shown only when it is made of
 * {@link EVENT_NAME_VOCABULARY} words, in any case and joined by spaces, `_ . : / -` or CamelCase humps, with an
 * optional short number or version last (`checkout-step-3`, `signup_v2`, `CheckoutStep3`); never with "@" or a run of 4+ digits,
 * never longer than 64 characters.
 */
export function eventNameForLog(name: string): string | undefined {
  if (name.length > MAX_SHOWN_EVENT_NAME_LENGTH || /@|\d{4}/.test(name)) return undefined;
  return isMadeOfEventWords(name) ? name : undefined;
}

/**
 * How a log line names an unknown event name: `event name "Order Shipped"` when {@link eventNameForLog} shows it,
 * else a placeholder with the name's length and the first 8 hex digits of its SHA-256, so that repeats can be told
 * apart and the user can find the rows (e.g. `LEFT(SHA2(event_name, 256), 8) = '1f3a9c0b'` in SQL).
 */
export function eventNameLabel(name: string): string {
  const shown = eventNameForLog(name);
  if (shown !== undefined) return `event name "${shown}"`;
  return `event name ${withheld(name)}`;
}

/** Longest event_id shown in a log line (characters); a longer one is not shown (see {@link eventIdForLog}). */
const MAX_SHOWN_EVENT_ID_LENGTH = 100;

/** A card-like number: 13 to 19 digits passing the Luhn check (ISO/IEC 7812). */
function isCardNumber(s: string): boolean {
  if (!/^\d{13,19}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = s.charCodeAt(s.length - 1 - i) - 48;
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Digits in groups joined by `.`, `-` or `/` and nothing else: the shape of phone numbers (`415-555-0135`,
 * `020.7946.0958`), dates (`04/05/1985`, `1985-04-05`), card numbers (`4111-1111-1111-1111`), national ids
 * (`123-45-6789`) and IPv4 addresses. An order number with letters (`SO-104000`) or without separators is not one.
 */
function isDigitGroups(s: string): boolean {
  return /^\d+(?:[./-]\d+)+$/.test(s);
}

/**
 * Digits only, of the lengths phone numbers are written with when their `+` and separators are stripped: 10 to 15
 * digits (E.164 without `+`, `14155550199`; national numbers with a trunk prefix, `07946095800`; US numbers,
 * `4155550199`), or 8 to 9 digits after a trunk `0` (`089123456`). No check tells a phone number from a numeric
 * order id of the same length (a fifth of random 11-digit numbers are valid numbers of some country), so every such
 * id is withheld; ids of up to 9 digits (auto-increment keys) are shown.
 */
function isPhoneLengthDigits(s: string): boolean {
  return /^\d{10,15}$/.test(s) || /^0[1-9]\d{6,7}$/.test(s);
}

/** A date written YYYYMMDD (a date of birth, `19850405`): 8 digits, year 1900 to 2099, month 01-12, day 01-31. */
function isCompactDate(s: string): boolean {
  return /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/.test(s);
}

/**
 * An event_id as it may appear in a log line or the rejected-records file, or undefined when it must not be shown.
 * The event_id is the user's key for finding a row (order numbers, UUIDs, the connector's derived ids), but a
 * mis-mapped column can put a name, a phone number or an address there. Shown only when it is shaped like a key:
 * at most 100 characters of letters, digits and `_ . - # /`, starting with a letter or digit, with at least one
 * digit; never digits joined only by separators (phone numbers, dates, IPv4 addresses, card and national numbers
 * written in groups), a YYYYMMDD date, a card number or digits only of a phone number's length (10 to 15 digits,
 * or 8 to 9 after a trunk `0`). A name (`Zebediah`), anything with a space,
 * `@`, `+` or `:` (e-mail, phone, IPv6, URL) is withheld.
 */
export function eventIdForLog(id: string): string | undefined {
  if (id.length > MAX_SHOWN_EVENT_ID_LENGTH || !/^[A-Za-z0-9][\w.#/-]*$/.test(id) || !/\d/.test(id)) return undefined;
  if (isDigitGroups(id) || isCompactDate(id) || isCardNumber(id) || isPhoneLengthDigits(id)) return undefined;
  return id;
}

/**
 * The placeholder of a withheld text: its length (code points) and the first 8 hex digits of its SHA-256 (UTF-8),
 * enough to tell values apart and to find them in SQL (`<not shown, may be personal data: 16 characters, SHA-256
 * starts aa7900e9>`).
 */
function withheld(text: string): string {
  return `<not shown, may be personal data: ${[...text].length} characters, SHA-256 starts ${sha256Hex(text).slice(0, 8)}>`;
}

/**
 * How a log line names an event_id: the id itself when {@link eventIdForLog} shows it, else a placeholder with its
 * length and SHA-256 prefix (`<not shown, may be personal data: 44 characters, SHA-256 starts 1f3a9c0b>`).
 */
export function eventIdLabel(id: string): string {
  return eventIdForLog(id) ?? withheld(id);
}

/**
 * The event fields a dry-run sample shows as they are: closed value lists, amounts and codes. Every other text is
 * replaced by "<masked>" (user agents, URLs, product and app names, ids, device names, free text), whatever it
 * holds; numbers and booleans are shown; hashed user_data values are shown as the 64-hex SHA-256 digests that are
 * sent, and event_id when {@link eventIdForLog} shows it (a key such as `A-1007`, a UUID, a derived id). The
 * fields the connector passes on as written (partner_name, opt_out_type, locale) are shown only in the form
 * Pinterest documents for them ({@link SHOWN_WHEN}): a mis-mapped column can hold anything.
 */
export const SHOWN_IN_SAMPLES: readonly string[] = [
  'event_name',
  'action_source',
  'partner_name',
  'language',
  'custom_data.currency',
  'custom_data.value',
  'custom_data.predicted_ltv',
  'custom_data.opt_out_type',
  'custom_data.contents.item_price',
  'device_info.form_factor',
  'device_info.network_type',
  'device_info.os_family',
  'device_info.languages',
  'device_info.locale',
];

/**
 * The {@link SHOWN_IN_SAMPLES} fields that are not validated against a closed list, each with the only form in which
 * it is shown: partner_name as Pinterest's "ss-partnername" convention (OpenAPI 5.23), opt_out_type as its documented
 * flag LDP (comma-separated), device_info.locale as a BCP-47 tag (`en-us`, `pt_BR`).
 */
const SHOWN_WHEN: Readonly<Record<string, RegExp>> = {
  partner_name: /^ss-[a-z0-9-]{1,40}$/,
  'custom_data.opt_out_type': /^\s*LDP\s*(?:,\s*LDP\s*)*$/,
  'device_info.locale': /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$/,
};

/** True when the text `v` at `path` is shown in a sample (see {@link SHOWN_IN_SAMPLES}). */
function shownText(path: string, v: string): boolean {
  if (SHOWN.has(path)) return SHOWN_WHEN[path]?.test(v) ?? true;
  return (path.startsWith('user_data.') && isSha256Hex(v)) || (path === 'event_id' && eventIdForLog(v) !== undefined);
}

const SHOWN = new Set(SHOWN_IN_SAMPLES);

/** How a dry-run sample line says what it shows. */
export const SAMPLE_NOTE = `hashed user_data shown as sent; numbers, booleans, key-shaped event_id and ${SHOWN_IN_SAMPLES.join(', ')} shown (partner_name, opt_out_type and locale only in their documented form); every other text <masked>`;

/** A copy of `event` for a dry-run sample: text values outside {@link SHOWN_IN_SAMPLES} replaced by "<masked>". */
export function maskForLog(event: object): object {
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      return shownText(path, v) ? v : '<masked>';
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, path));
    if (v && typeof v === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) copy[k] = walk(item, path ? `${path}.${k}` : k);
      return copy;
    }
    return v;
  };
  return walk(event, '') as object;
}
