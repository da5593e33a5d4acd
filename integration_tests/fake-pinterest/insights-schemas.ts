/**
 * JSON Schemas (draft-07) of the two read answers the fake serves for match-quality reports, written for this project
 * from Pinterest's API description: `GET /ad_accounts/{id}/advertiser_defined_events` (200: AdvertiserDefinedEventsResponse,
 * OpenAPI 5.28) and `GET /ad_accounts/{id}/conversion_eqs` (200: array of EventQualityScore, OpenAPI 5.23), plus the error
 * body both use. The fake's tests validate its answers against them, so the fake cannot drift from Pinterest's shapes.
 * Additional properties are refused here (Pinterest allows them) to catch typos in the fake.
 */

/** The conversion types an advertiser-defined event may be mapped to (OpenAPI, `mapped_conversion_type` enum). */
export const CONVERSION_TYPES = [
  'PAGE_LOAD', 'UNKNOWN', 'INITIALIZED', 'PAGE_VISIT', 'SIGNUP', 'CHECKOUT', 'CUSTOM', 'VIEW_CATEGORY', 'SEARCH',
  'ADD_TO_CART', 'WATCH_VIDEO', 'LEAD', 'APP_INSTALL', 'WEB_SESSION', 'EXTERNAL_MEASUREMENT', 'ADD_PAYMENT_INFO',
  'ADD_TO_WISHLIST', 'INITIATE_CHECKOUT', 'SUBSCRIBE', 'VIEW_CONTENT', 'ADVERTISER_DEFINED_EVENT', 'APP_OPEN', 'CONTACT',
  'SCHEDULE', 'FIND_LOCATION', 'CUSTOMIZE_PRODUCT', 'SUBMIT_APPLICATION', 'START_TRIAL',
] as const;

/** 200 answer of GET advertiser_defined_events. */
export const ADVERTISER_DEFINED_EVENTS_RESPONSE = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          mapped_conversion_type: { anyOf: [{ type: 'string', enum: [...CONVERSION_TYPES] }, { type: 'null' }] },
        },
      },
    },
  },
} as const;

const details = {
  type: 'object',
  additionalProperties: false,
  required: ['coverage'],
  properties: {
    coverage: { type: 'number' },
    overlap: { type: 'number' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'reason'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } },
      },
    },
  },
} as const;

/** Each quality component maps an event type to its details. */
const component = { type: 'object', additionalProperties: details } as const;

/** 200 answer of GET conversion_eqs. */
export const EVENT_QUALITY_SCORE_RESPONSE = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['overall_status', 'quality_components', 'ingestion_source', 'source_platform', 'lookback_period'],
    properties: {
      ingestion_source: { type: 'string', enum: ['TAG', 'MMP', 'FILE_UPLOAD', 'CONVERSIONS_API', 'NATIVE'] },
      lookback_period: { type: 'string', enum: ['1d', '14d'] },
      overall_status: { type: 'string', enum: ['NEEDS_IMPROVEMENT', 'FAIR', 'GOOD'] },
      source_platform: {
        type: 'string',
        enum: ['WEB', 'MOBILE', 'MOBILE_ANDROID', 'MOBILE_IOS', 'OFFLINE', 'PINTEREST_WEB', 'PINTEREST_ANDROID', 'PINTEREST_IOS', 'POINT_OF_SALE'],
      },
      quality_components: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          [
            'advertiser_external_id', 'click_id_epik', 'external_event_id', 'hashed_email', 'hashed_maid', 'ip_address',
            'order_id', 'order_value', 'product_id', 'source_url', 'user_agent',
          ].map((k) => [k, component]),
        ),
      },
    },
  },
} as const;

/** Error answer of both endpoints: `{code, message}`. */
export const ERROR_RESPONSE = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'integer' }, message: { type: 'string' } },
} as const;
