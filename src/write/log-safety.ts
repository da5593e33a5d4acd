/**
 * What the write pipeline may show of a record or an event in a log line. Personal data never appears in logs:
 * user identifiers are hashed by the mapper, and the few plain-text fields that can still carry personal data
 * (an IP address, a URL with query parameters, free text, a mis-mapped event name) are masked or withheld here.
 */

/** How many distinct unknown event names are logged by name; the rest are counted in the summary's warnings. */
export const MAX_UNKNOWN_EVENT_NAMES_LOGGED = 20;

/**
 * An unknown event name as it may appear in a log line, or undefined when it could be personal data or an id
 * (contains "@", a run of 5+ digits, or is longer than 64 characters): event names are meant to be labels like
 * "Purchase Completed", but a mis-mapped column can put anything there.
 */
export function eventNameForLog(name: string): string | undefined {
  return name.length > 64 || /@|\d{5}/.test(name) ? undefined : name;
}

/** Plain-text event fields that can carry personal data (an IP address, a URL with query parameters, free text). */
export const MASKED_IN_LOGS: Readonly<Record<string, readonly string[]>> = {
  '': ['event_source_url'],
  user_data: ['client_ip_address', 'click_id', 'partner_id'],
  custom_data: ['search_string'],
};

/** A copy of `event` with the {@link MASKED_IN_LOGS} fields replaced by "<masked>", for dry-run samples. */
export function maskForLog(event: object): object {
  const copy = structuredClone(event) as Record<string, Record<string, unknown> | unknown>;
  for (const [part, keys] of Object.entries(MASKED_IN_LOGS)) {
    const target = (part ? copy[part] : copy) as Record<string, unknown> | undefined;
    if (!target || typeof target !== 'object') continue;
    for (const k of keys) if (target[k] !== undefined) target[k] = '<masked>';
  }
  return copy;
}
