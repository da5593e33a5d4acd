/**
 * TypeScript shapes of one Pinterest Conversions API event (an item of `POST /v5/ad_accounts/{id}/events`
 * body `data`), and Pinterest's closed value lists.
 *
 * Source of every shape and list: Pinterest API v5 OpenAPI description 5.23.0 (`ConversionEvents`,
 * `ConversionEventAppInfo`, `ConversionEventDeviceInfo`), mirrored as JSON Schema in
 * `src/pinterest/conversion-events.schema.json`. Every object below is `additionalProperties: false` at
 * Pinterest: an unknown key fails the whole request, so these types list exactly the allowed keys.
 * Optional keys are absent rather than `null` or empty in what this connector sends.
 */

/** Pinterest action sources. Source: OpenAPI 5.23, `ConversionEvents.data[].action_source`. */
export type ActionSource = 'web' | 'app_android' | 'app_ios' | 'offline';

/**
 * Pinterest `user_data` (OpenAPI 5.23, ConversionEventsUserDataProperties). Hashed keys hold non-empty arrays of
 * 64-character lowercase hex strings (SHA-256 of the normalized value); plain keys hold non-empty trimmed strings.
 * Absent keys are omitted.
 */
export interface PinterestUserData {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ge?: string[];
  db?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
  hashed_maids?: string[];
  client_ip_address?: string;
  client_user_agent?: string;
  click_id?: string;
  partner_id?: string;
}

/**
 * Event names listed in the OpenAPI 5.23 enum of `event_name`.
 * Source: OpenAPI 5.23, `ConversionEvents.data[].event_name` description.
 */
export const SPEC_EVENT_NAMES = [
  'add_payment_info',
  'add_to_cart',
  'add_to_wishlist',
  'app_install',
  'checkout',
  'custom',
  'initiate_checkout',
  'lead',
  'page_visit',
  'search',
  'signup',
  'subscribe',
  'view_category',
  'view_content',
  'watch_video',
] as const;

/**
 * Event names Pinterest's conversion documentation accepts in addition to the OpenAPI enum.
 * Source: Pinterest developer docs, "Conversions API" event list (see project reference notes §1).
 */
export const DOCUMENTED_EXTRA_EVENT_NAMES = [
  'app_open',
  'contact',
  'customize_product',
  'find_location',
  'schedule',
  'start_trial',
  'submit_application',
] as const;

/** Every event name this connector sends: the OpenAPI enum plus the documented additions. */
export const PINTEREST_EVENT_NAMES = [...SPEC_EVENT_NAMES, ...DOCUMENTED_EXTRA_EVENT_NAMES] as const;

/** One of {@link PINTEREST_EVENT_NAMES}. Anything else must be sent as `custom`, or be an advertiser-defined event. */
export type PinterestEventName = (typeof PINTEREST_EVENT_NAMES)[number];

/**
 * The name of an advertiser-defined event, spelled as configured or as the ad account lists it: 1 to 100 letters,
 * digits, `_` and `-` (Pinterest docs "Define custom events"; project reference notes §5). Pinterest tracks such an
 * event only when `event_name` carries this name.
 */
export type AdvertiserDefinedEventName = string & { readonly advertiserDefined?: true };

/** What `event_name` may carry: a Pinterest event name or an advertiser-defined one (OpenAPI types it as a string). */
export type SentEventName = PinterestEventName | AdvertiserDefinedEventName;

/** Allowed `action_source` values. Source: OpenAPI 5.23, `ConversionEvents.data[].action_source`. */
export const ACTION_SOURCES: readonly ActionSource[] = ['web', 'app_android', 'app_ios', 'offline'];

/** Allowed `device_info.form_factor` values. Source: OpenAPI 5.23, `ConversionEventDeviceInfo.form_factor`. */
export const DEVICE_FORM_FACTORS = [
  'desktop',
  'laptop',
  'cellphone',
  'tablet',
  'smartwatch',
  'tv',
  'vr',
  'console',
  'other',
] as const;

/** Allowed `device_info.network_type` values. Source: OpenAPI 5.23, `ConversionEventDeviceInfo.network_type`. */
export const DEVICE_NETWORK_TYPES = [
  'wifi',
  'cellular_2g',
  'cellular_3g',
  'cellular_4g',
  'cellular_5g',
  'cellular_6g',
  'ethernet',
  'unknown',
] as const;

/** Allowed `device_info.os_family` values. Source: OpenAPI 5.23, `ConversionEventDeviceInfo.os_family`. */
export const DEVICE_OS_FAMILIES = ['ios', 'android', 'macos', 'windows', 'linux', 'bsd', 'other'] as const;

/** One product of `custom_data.contents`. Source: OpenAPI 5.23. */
export interface ContentItem {
  id?: string;
  /** Decimal string; Pinterest parses it as a double. Original price before discount. */
  item_price?: string;
  /** Integer (int64). */
  quantity?: number;
  item_name?: string;
  item_category?: string;
  item_brand?: string;
  /** Brand identifier (OpenAPI 5.28); at most 64 characters as sent by this connector. */
  item_brand_id?: string;
}

/** `custom_data`. Source: OpenAPI 5.23. `np` exists in the spec ("Pinterest internal use only") and is never sent. */
export interface CustomData {
  /** ISO-4217 code, uppercase. */
  currency?: string;
  /** Decimal string; Pinterest parses it as a double. */
  value?: string;
  content_ids?: string[];
  content_name?: string;
  content_category?: string;
  content_brand?: string;
  contents?: ContentItem[];
  /** Integer (int64). */
  num_items?: number;
  order_id?: string;
  search_string?: string;
  /** Comma-separated privacy opt-out flags, e.g. `LDP`. */
  opt_out_type?: string;
  /** Decimal string; Pinterest parses it as a double. */
  predicted_ltv?: string;
  /** Spec: "Only use when instructed". */
  external_measurement_id?: string;
  /** Integer. Spec: "Only use when instructed". */
  external_measurement_vendor_id?: number;
}

/** `app_info` (OpenAPI 5.18+). Lengths are maximums in characters; integers carry the spec's ranges. */
export interface AppInfo {
  /** ≤ 200. */
  app_id?: string;
  /** ≤ 200. */
  app_name?: string;
  /** ≤ 200. */
  app_package_name?: string;
  /** ≤ 100. */
  app_store?: string;
  /** ≤ 100. */
  app_version?: string;
  /** Unix seconds, ≥ 0. */
  install_time?: number;
  /** ≤ 16384. */
  user_agent?: string;
  /** Pixels, 0..30720. */
  window_height?: number;
  /** Pixels, 0..30720. */
  window_width?: number;
}

/** `device_info` (OpenAPI 5.18+). Lengths are maximums in characters; integers carry the spec's ranges. */
export interface DeviceInfo {
  /** Percent, 0..100. */
  battery_level?: number;
  /** ≤ 100. */
  brand?: string;
  /** ≤ 100. */
  carrier?: string;
  /** 0..1152. */
  cpu_cores?: number;
  /** GB, 0..1048576. */
  external_storage_free_space?: number;
  /** GB, 0..1048576. */
  external_storage_size?: number;
  form_factor?: (typeof DEVICE_FORM_FACTORS)[number];
  /** ≤ 100. */
  kernel_version?: string;
  /** ISO-639-1 codes, at most 100. */
  languages?: string[];
  /** BCP-47, ≤ 35. */
  locale?: string;
  /** ≤ 100. */
  model?: string;
  network_type?: (typeof DEVICE_NETWORK_TYPES)[number];
  os_family?: (typeof DEVICE_OS_FAMILIES)[number];
  /** ≤ 100. */
  os_name?: string;
  /** ≤ 100. */
  os_release_name?: string;
  /** ≤ 100. */
  os_version?: string;
  /** PPI, 0..100000. */
  screen_density?: number;
  /** Pixels, 0..30720. */
  screen_height?: number;
  /** Pixels, 0..30720. */
  screen_width?: number;
  /** GB, 0..1048576. */
  storage_free_space?: number;
  /** GB, 0..1048576. */
  storage_size?: number;
  /** ≤ 40. */
  timezone?: string;
  /** ≤ 5. */
  timezone_abbr?: string;
  /** ≤ 100. */
  type?: string;
}

/**
 * One event as sent to Pinterest. Required keys per OpenAPI 5.23: event_name, action_source, event_time,
 * event_id, user_data.
 */
export interface PinterestEvent {
  event_name: SentEventName;
  action_source: ActionSource;
  /** Unix seconds (integer). */
  event_time: number;
  /** Dedup key shared with the Pinterest tag. */
  event_id: string;
  /** Hashed and plain identifiers; needs em, hashed_maids, or client_ip_address + client_user_agent. */
  user_data: PinterestUserData;
  event_source_url?: string;
  opt_out?: boolean;
  /** `ss-<partner>` lowercase, only when agreed with Pinterest. */
  partner_name?: string;
  /** ISO-639-1, two lowercase letters. */
  language?: string;
  app_id?: string;
  app_name?: string;
  app_version?: string;
  device_brand?: string;
  device_carrier?: string;
  device_model?: string;
  device_type?: string;
  os_version?: string;
  wifi?: boolean;
  app_info?: AppInfo;
  device_info?: DeviceInfo;
  custom_data?: CustomData;
}
