/**
 * Advertiser-defined events: up to 15 event names an advertiser defines on an ad account (in Ads Manager or with
 * `POST /ad_accounts/{id}/advertiser_defined_events`) and maps to a standard conversion type. Pinterest tracks such an
 * event only when `event_name` carries that name; sent as `custom` it is untracked. Names are 1 to 100 letters, digits,
 * `_` and `-`, and Pinterest matches them ignoring case (Pinterest docs "Define custom events"; OpenAPI 5.28
 * `advertiser_defined_events`; project reference notes §5).
 *
 * Matching is deliberately stricter than for Pinterest's own names (see event-name.ts, which ignores separators): a
 * record's name is an advertiser-defined event only when it equals one, ignoring case, after trimming.
 */
import type { AdvertiserDefinedEventName } from '../pinterest/events.js';

/** Pinterest's rule for an advertiser-defined event name: 1 to 100 ASCII letters, digits, `_` or `-`. */
export const ADVERTISER_DEFINED_EVENT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Most advertiser-defined events an ad account can have (Pinterest docs "Define custom events"). */
export const MAX_ADVERTISER_DEFINED_EVENTS = 15;

/** The comparison key of an event name: trimmed and lower-cased, nothing else (`Book_Demo ` ≡ `book_demo`). */
export function advertiserDefinedEventKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * A lookup from a record's event name to the advertiser-defined event it names, spelled as given in `names` (the
 * first spelling wins when two differ only in case); undefined when it names none.
 */
export function createAdvertiserDefinedEventLookup(names: readonly string[]): (sourceName: string) => AdvertiserDefinedEventName | undefined {
  const byKey = new Map<string, AdvertiserDefinedEventName>();
  for (const n of names) {
    const key = advertiserDefinedEventKey(n);
    if (key !== '' && !byKey.has(key)) byKey.set(key, n.trim());
  }
  if (byKey.size === 0) return () => undefined;
  return (sourceName) => byKey.get(advertiserDefinedEventKey(sourceName));
}

/**
 * The names a sync sends as advertiser-defined events: every configured name (its spelling wins), then the names the
 * ad account defines that are not configured, in the account's order. Comparison ignores case.
 */
export function mergeAdvertiserDefinedEvents(configured: readonly string[], fromAccount: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of [...configured, ...fromAccount]) {
    const key = advertiserDefinedEventKey(n);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(n.trim());
  }
  return out;
}

/** Configured names the ad account does not define (ignoring case), in configured order: Pinterest leaves them untracked. */
export function namesUnknownToAccount(configured: readonly string[], fromAccount: readonly string[]): string[] {
  const known = new Set(fromAccount.map(advertiserDefinedEventKey));
  return configured.filter((n) => !known.has(advertiserDefinedEventKey(n)));
}
