/**
 * Columns of a record that look like the time of a conversion, for the notice of a stream dated by emitted_at
 * (see RecordStep): a stream that maps no event_time while its rows carry their own times would send a whole history
 * as conversions of today. Column names may be shown in a log line; values never.
 */
import { parseTimestampSeconds } from '../mapping/coerce.js';

/** Most column names a time-column notice lists. */
const TIME_COLUMNS_LISTED = 5;
/**
 * A column name as a log line may show it: letters, digits and `_`, starting with a letter or `_`, at most 64
 * characters, no run of 4 digits (a year of birth, a phone number). Other keys are counted, not shown.
 */
const COLUMN_NAME = /^(?!.*\d{4})[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Columns the platform adds: Airbyte's `_airbyte_*` and its CDC sources' `_ab_cdc_*` (replication times). */
const AIRBYTE_METADATA = /^_(?:airbyte_|ab_)/;
/**
 * Column names that usually hold a time: `placed_at`, `order_date`, `event_ts`, `updatedAt`, `timestamp`, `time`.
 * `…_on` / `…On` (`created_on`) also counts when the value reads as a timestamp (`add_on` is not a time).
 */
const TIME_NAME = /(?:^|[_\-\s.])(?:at|time|timestamp|ts|date|datetime|dt)$/i;
const TIME_NAME_CAMEL = /[a-z0-9](?:At|Time|Timestamp|Ts|Date|Datetime|DateTime)$/;
const ON_NAME = /(?:^|[_\-\s.])on$|[a-z0-9]On$/i;

/**
 * Top-level columns of `data` that look like the time of a conversion, as a notice detail: ` Those columns: placed_at,
 * updated_at.`; "" when none. A column counts when its value is a string or a number and its name looks like a time
 * (TIME_NAME, TIME_NAME_CAMEL; ON_NAME only when the value reads as a timestamp); the platform's columns
 * (AIRBYTE_METADATA) never. Names only, at most {@link TIME_COLUMNS_LISTED}, and only those shaped like a column
 * name (COLUMN_NAME); others are counted. Never values.
 */
export function timeLikeColumns(data: Record<string, unknown>): string {
  const names: string[] = [];
  let more = 0;
  for (const key of Object.keys(data)) {
    const v = data[key];
    if ((typeof v !== 'string' && typeof v !== 'number') || AIRBYTE_METADATA.test(key)) continue;
    const timeName = TIME_NAME.test(key) || TIME_NAME_CAMEL.test(key) || (ON_NAME.test(key) && typeof parseTimestampSeconds(v) === 'number');
    if (!timeName) continue;
    // Only names shaped like a column name are logged: a key can be anything (a spreadsheet header, a pivoted value).
    if (names.length < TIME_COLUMNS_LISTED && COLUMN_NAME.test(key)) names.push(key);
    else more++;
  }
  if (names.length === 0) return more === 0 ? '' : ` ${more === 1 ? 'One such column' : `${more} such columns`} (names not shown: not shaped like column names).`;
  return ` Those columns: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
}
