/**
 * Pinterest's own texts (an error `message`, a per-event `error_message` or `warning_message`) as they may appear
 * in a log line, a rejection reason or a TRACE. Such a text can echo what it was sent (an IP address, a user
 * agent, a URL, an id, free text), so it is normalized before it is logged or grouped: values are replaced by
 * placeholders and the length is capped. Normalized texts also group well: "invalid IP <ip>" is one reason for every
 * row, where the echoed values made one reason per row.
 */

/** ISO-8601 dates and times (`2024-01-02`, `2024-01-02T03:04:05.6Z`), shown as `<time>` here and in reason shapes. */
export const ISO_TIME = /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g;
/** UUIDs, shown as `<id>` here and in reason shapes. */
export const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** Longest normalized text, in characters (longer ones are cut and end with "…"). */
export const MAX_ANSWER_TEXT_LENGTH = 200;

/** How much of a text is looked at: the rest could only be cut off anyway. */
const MAX_INPUT_LENGTH = 2000;

/** Shortest sent value replaced by its field name when a text echoes it (shorter ones are common words or codes). */
const MIN_ECHOED_VALUE_LENGTH = 3;

/**
 * Value shapes and their placeholders, applied in this order (earlier shapes contain later ones: a URL contains
 * numbers, an e-mail address contains a host name).
 */
const SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  // Quoted values: "…", '…', `…` (Pinterest quotes the values it cites).
  [/"(?:[^"\\]|\\.)*"|'[^'\n]*'|`[^`\n]*`/g, '<value>'],
  [/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>'],
  [/[^\s@<>()[\]{},;:"']+@[^\s@<>()[\]{},;:"']+/g, '<email>'],
  // Times and UUIDs as the end-of-sync grouping names them too (src/write/reason-shape.ts), before their digits and
  // colons read as numbers or IPv6.
  [ISO_TIME, '<time>'],
  [UUID, '<id>'],
  // User agents: product/version tokens with their (comments).
  [/\b[A-Za-z][\w.-]*\/\d[\w.]*(?:\s*\([^)]*\))?(?:\s+[A-Za-z][\w.-]*\/\d[\w.]*(?:\s*\([^)]*\))?)*/g, '<user-agent>'],
  // IPv6 (at least two colons between hex groups) and IPv4 addresses.
  [/\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\b/gi, '<ip>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<ip>'],
  // Ids and hashes: long runs of letters and digits with at least one digit, and hex runs.
  [/\b(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{12,}\b/g, '<id>'],
  [/\b(?=\d*[a-f])[0-9a-f]{8,}\b/gi, '<id>'],
  // Numbers, also written with separators (phone numbers, card numbers, dates, amounts).
  // (A single digit right after letters is part of a name: IPv6, ads:v5.)
  // Status and error codes cited as "HTTP 400" and "code 4196" (this connector's own wording) are kept.
  [/(?<!\b(?:HTTP|code) [+-]?\d*)(?:(?<![A-Za-z])[+-]?\d(?:[\d,.:/_-]|\s(?=\d))*\d|(?<![A-Za-z])\d|\d{2,})/g, '<n>'],
  // Capitalized words inside a sentence are names (of people, places, products): not Pinterest's own words.
  // (A sentence starts the text, follows . ! ? or an opening parenthesis, or a cited code: "code 4196: The ...".)
  [/(?<![.!?]\s|^|<|\(|\d:\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b/g, '<value>'],
];

/**
 * A JSON pointer into the request's `data` (`/data/0/custom_data/value`, `/data/1499`, `/data/2/user_data/em/0`):
 * `/data`, an event's index, then up to three schema keys (lowercase letters and `_`: the event schema's keys, no
 * digits), each with an optional array index, standing alone (after a space, at the start or after an opening
 * parenthesis). It names where a problem is, never a value, so it is kept; a path of other segments
 * (`/data/415/555/0199`, `/data/0/user_data/jane_doe_1985`) is not a pointer, and the value shapes read it.
 */
const JSON_POINTER = /(?<![^\s(])\/data(?:\/\d{1,4}(?:\/[a-z][a-z_]{0,39}(?:\/\d{1,4})?){0,3})?(?![^\s:;,.)])/g;
/** Stands for a JSON pointer while the value shapes run: a control character none of them matches. */
const POINTER_MARK = '\u0001';
const POINTER_MARK_ALL = /\u0001/g;

/**
 * A number kept as it is: 1 to 3 digits standing alone ("more than 7 days", "at most 100 values"). Such a number
 * identifies nobody, and Pinterest's limits are what the user needs to read; phone, card and postal numbers are
 * longer or joined by separators, so they match the number shape as a whole and are replaced.
 */
const SMALL_NUMBER = /^\d{1,3}$/;

/** Capitalized words Pinterest's texts use inside sentences, kept as they are. */
const KNOWN_CAPITALIZED = new Set(['Pinterest', 'Conversions', 'Conversion', 'Ads', 'Manager', 'Business', 'Access', 'Bearer', 'Basic', 'Unix', 'Content-Type']);

/**
 * `text` with every bracketed part (`{...}` or `[...]`, nested to any depth, brackets inside quotes ignored) replaced
 * by `<value>`: an echoed JSON body or event. An unclosed bracket swallows the rest of the text.
 */
function withoutBracketed(text: string): string {
  let out = '';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (depth === 0) {
      if (c === '{' || c === '[') {
        depth = 1;
        out += '<value>';
      } else out += c;
      continue;
    }
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"') quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The text values of a sent event as [path, value] pairs (e.g. ["custom_data.search_string", "red shoes"]), to be
 * recognized when Pinterest's answer about that event echoes them. Numbers count as text; hashed values too (an echo
 * of a hash is replaced just the same).
 */
export function sentValues(event: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
      const s = String(v).trim();
      if (s.length >= MIN_ECHOED_VALUE_LENGTH) out.push([path, s]);
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, path);
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) walk(item, path ? `${path}.${k}` : k);
    }
  };
  walk(event, '');
  return out;
}

/**
 * `text` with values replaced by placeholders and cut to {@link MAX_ANSWER_TEXT_LENGTH} characters:
 * first every value of `echoed` (the event the text is about, see {@link sentValues}) by `<its path>`, matched
 * ignoring case; then every value-like shape (quoted strings, JSON, URLs, e-mail addresses, user agents, IP
 * addresses, times, UUIDs, ids, numbers except small ones standing alone, capitalized names inside a sentence). Whitespace runs become one space.
 */
export function normalizeAnswerText(text: string, echoed: ReadonlyArray<readonly [string, string]> = []): string {
  // (POINTER_MARK cannot occur in the text itself: control characters are whitespace here.)
  let out = text.slice(0, MAX_INPUT_LENGTH).replace(/[\s\u0001]+/g, ' ').trim();
  if (echoed.length) {
    const byLength = [...echoed].sort((a, b) => b[1].length - a[1].length);
    // Short values only where they stand alone ("web" must not eat into "website").
    const alternatives = byLength.map(([, v]) => (v.length >= 12 ? escapeRegExp(v) : `(?<![\\p{L}\\p{N}])${escapeRegExp(v)}(?![\\p{L}\\p{N}])`));
    const pattern = new RegExp(alternatives.join('|'), 'giu');
    const pathOf = new Map(byLength.map(([p, v]) => [v.toLowerCase(), p] as const));
    out = out.replace(pattern, (m) => `<${pathOf.get(m.toLowerCase()) ?? 'value'}>`);
  }
  out = withoutBracketed(out);
  // JSON pointers to a field (`/data/0/user_data/em/0`) name where the problem is, not a value: kept as they are,
  // set aside while the shapes run (the user-agent shape would read `data/0` as a product/version token).
  const pointers: string[] = [];
  out = out.replace(JSON_POINTER, (m) => {
    pointers.push(m);
    return POINTER_MARK;
  });
  for (const [shape, placeholder] of SHAPES) {
    out = out.replace(shape, (m) => ((placeholder === '<value>' && KNOWN_CAPITALIZED.has(m)) || (placeholder === '<n>' && SMALL_NUMBER.test(m)) ? m : placeholder));
  }
  let next = 0;
  out = out.replace(POINTER_MARK_ALL, () => pointers[next++] ?? '');
  return out.length > MAX_ANSWER_TEXT_LENGTH ? `${out.slice(0, MAX_ANSWER_TEXT_LENGTH - 1)}…` : out;
}
