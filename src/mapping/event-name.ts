/**
 * Source event names → Pinterest event names.
 *
 * Matching is case- and separator-insensitive: names are compared by their "loose key" (lowercase letters
 * and digits only, Unicode-aware), so `Add To Cart`, `AddToCart`, `add-to-cart` and `add_to_cart` are one
 * name. Only names Pinterest accepts are produced ({@link PINTEREST_EVENT_NAMES}: OpenAPI 5.23 enum plus
 * the names Pinterest's docs add).
 */
import { PINTEREST_EVENT_NAMES, type PinterestEventName, type SentEventName } from '../pinterest/events.js';
import { createAdvertiserDefinedEventLookup } from './advertiser-defined-events.js';
import { looseKey } from './coerce.js';

/** Thrown by {@link createEventNameResolver} for a configuration that can never work. */
export class EventNameMappingError extends Error {
  override name = 'EventNameMappingError';
}

/**
 * Built-in synonyms (source name → Pinterest name), beyond Pinterest's own names, which always match.
 * Sources: Pinterest tag event names (`pagevisit`, `addtocart`, `watchvideo`, ... match as loose keys of
 * Pinterest's names already); Segment e-commerce / video / mobile spec event names; GA4 recommended events;
 * Meta standard events.
 */
export const EVENT_NAME_SYNONYMS: Readonly<Record<string, PinterestEventName>> = {
  // Segment e-commerce spec
  'Order Completed': 'checkout',
  'Product Added': 'add_to_cart',
  'Products Searched': 'search',
  'Product Searched': 'search',
  'Signed Up': 'signup',
  'Product Viewed': 'view_content',
  'Checkout Started': 'initiate_checkout',
  'Payment Info Entered': 'add_payment_info',
  'Product Added to Wishlist': 'add_to_wishlist',
  'Product List Viewed': 'view_category',
  'Product Category Viewed': 'view_category',
  'Page Viewed': 'page_visit',
  'Page View': 'page_visit',
  'Lead Generated': 'lead',
  'Subscription Started': 'subscribe',
  'Trial Started': 'start_trial',
  // Segment video / mobile spec
  'Video Playback Started': 'watch_video',
  'Video Watched': 'watch_video',
  'Video Content Playing': 'watch_video',
  'Application Installed': 'app_install',
  'Application Opened': 'app_open',
  // GA4 recommended events
  purchase: 'checkout',
  begin_checkout: 'initiate_checkout',
  view_item: 'view_content',
  view_item_list: 'view_category',
  sign_up: 'signup',
  generate_lead: 'lead',
  page_view: 'page_visit',
  first_open: 'app_install',
  // Meta standard events
  CompleteRegistration: 'signup',
  SubmitApplication: 'submit_application',
  FindLocation: 'find_location',
  StartTrial: 'start_trial',
  AddPaymentInfo: 'add_payment_info',
};

/** Loose key → Pinterest name for Pinterest's own names only. */
const PINTEREST_BY_KEY: ReadonlyMap<string, PinterestEventName> = new Map(
  PINTEREST_EVENT_NAMES.map((n) => [looseKey(n), n] as const),
);

/**
 * Resolves a Pinterest event name given loosely (`AddToCart`, `add to cart` → `add_to_cart`);
 * `undefined` when it is not one of Pinterest's names. Synonyms such as `purchase` are not resolved here.
 */
export function pinterestEventNameOf(name: string): PinterestEventName | undefined {
  return PINTEREST_BY_KEY.get(looseKey(name));
}

/** Resolves one trimmed source event name; `undefined` when unknown. */
export type EventNameResolver = (sourceName: string) => SentEventName | undefined;

/**
 * Builds the resolver for one stream. Lookup order: the advertiser-defined events (exact match ignoring case, sent
 * spelled as in `advertiserDefined`; see advertiser-defined-events.ts), then the config's `event_name_mapping` (keys
 * matched loosely), Pinterest's own names, then {@link EVENT_NAME_SYNONYMS}.
 *
 * @param advertiserDefined names of advertiser-defined events (configured ones first), already validated
 * @param mapping source value → Pinterest event name. Targets may be written loosely (`AddToCart`).
 * @throws EventNameMappingError when a key is empty after removing separators, or a target is not a
 *   Pinterest event name (message names the offending key and target; these are config values, not data).
 */
export function createEventNameResolver(mapping?: Readonly<Record<string, string>>, advertiserDefined: readonly string[] = []): EventNameResolver {
  const table = new Map<string, PinterestEventName>();
  for (const [k, v] of Object.entries(EVENT_NAME_SYNONYMS)) table.set(looseKey(k), v);
  for (const [k, v] of PINTEREST_BY_KEY) table.set(k, v);
  for (const [source, target] of Object.entries(mapping ?? {})) {
    const key = looseKey(source);
    if (key === '') {
      throw new EventNameMappingError(`event_name_mapping: key ${JSON.stringify(source)} has no letters or digits`);
    }
    const resolved = typeof target === 'string' ? pinterestEventNameOf(target) : undefined;
    if (resolved === undefined) {
      throw new EventNameMappingError(
        `event_name_mapping: ${JSON.stringify(source)} maps to ${JSON.stringify(target)}, which is not a Pinterest ` +
          `event name (allowed: ${PINTEREST_EVENT_NAMES.join(', ')})`,
      );
    }
    table.set(key, resolved);
  }
  const advertiserDefinedEvent = createAdvertiserDefinedEventLookup(advertiserDefined);
  return (sourceName) => advertiserDefinedEvent(sourceName) ?? table.get(looseKey(sourceName));
}
