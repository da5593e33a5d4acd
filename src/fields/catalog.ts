/**
 * The single table of destination fields: every field a stream can map (via `field_mapping`) or carry
 * under its own name, what Pinterest key it fills, which JSON types the connector accepts for it, and
 * what the connector does to the value. The mapper, `discover` (see {@link destinationJsonSchema}) and
 * `docs/fields.md` (see {@link renderFieldsMarkdown}) are all derived from {@link DESTINATION_FIELDS}.
 *
 * Pinterest keys, types and limits: Pinterest API v5 OpenAPI 5.23 (`ConversionEvents`,
 * `ConversionEventAppInfo`, `ConversionEventDeviceInfo`, `ConversionEventsUserData`).
 *
 * Naming of the app/device objects (OpenAPI 5.18+): the whole object is the destination field `app_info` /
 * `device_info`; each member is the dotted destination field `app_info.<key>` / `device_info.<key>` with
 * Pinterest's key. Dotted names cannot collide with the legacy flat event fields (`app_id`, `device_brand`,
 * `os_version`, ...), which keep their own names and targets. Read unmapped, a dotted name resolves as a
 * dot path (`{"app_info": {"app_id": ...}}`) or as a top-level column spelled with the dot.
 */
import {
  DEVICE_FORM_FACTORS,
  DEVICE_NETWORK_TYPES,
  DEVICE_OS_FAMILIES,
} from '../pinterest/events.js';

/** Where a destination field goes. */
export type FieldGroup =
  | 'event'
  | 'user' // raw personal data, normalized and SHA-256 hashed by the connector
  | 'user_hashed' // already SHA-256 hashed by the sender, passed through
  | 'user_plain' // sent as is, never hashed
  | 'custom_data'
  | 'app_info'
  | 'device_info';

/** JSON types accepted from the source (after the input parser; integers may also arrive as bigint). */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

/**
 * How the mapper coerces the value (see `src/mapping/coerce.ts`). The special kinds (`event_name`,
 * `event_time`, `event_id`, `action_source`, `partner_name`, `user`) have dedicated handling.
 */
export type FieldKind =
  | 'event_name'
  | 'event_time'
  | 'event_id'
  | 'action_source'
  | 'partner_name'
  | 'user'
  | 'text'
  | 'decimal'
  | 'integer'
  | 'boolean'
  | 'currency'
  | 'language'
  | 'language_list'
  | 'string_list'
  | 'contents'
  | 'epoch_seconds'
  | 'enum'
  | 'object';

/** Limits from the OpenAPI schema; a value outside them is dropped with a warning. */
export interface FieldConstraints {
  /** Maximum length in Unicode code points. */
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  /** Closed list of values Pinterest accepts. */
  enum?: readonly string[];
  /** Loose spellings accepted for enum values (e.g. `iOS` is matched anyway; `phone` → `cellphone`). */
  enumSynonyms?: Readonly<Record<string, string>>;
  /** Maximum number of list elements. */
  maxItems?: number;
}

/** One destination field. */
export interface DestinationField {
  /** Destination field name, as written in `field_mapping[].destination_field` and as a record column. */
  readonly name: string;
  readonly group: FieldGroup;
  /** Pinterest path it fills, e.g. `user_data.em`, `custom_data.value`, `app_info.app_id`. */
  readonly target: string;
  /** JSON types accepted from the source. */
  readonly type: readonly JsonType[];
  readonly kind: FieldKind;
  readonly constraints?: FieldConstraints;
  /** One line: what the connector does to the value. */
  readonly normalization: string;
  /** One line: what the field means. */
  readonly description: string;
  /** Other names accepted for this field (record columns and `destination_field`). */
  readonly aliases: readonly string[];
}

const S: readonly JsonType[] = ['string'];
const SN: readonly JsonType[] = ['string', 'number'];
const SI: readonly JsonType[] = ['string', 'integer'];
const BOOL: readonly JsonType[] = ['boolean', 'string', 'integer'];
const INT: readonly JsonType[] = ['integer', 'string'];

function f(
  name: string,
  group: FieldGroup,
  target: string,
  type: readonly JsonType[],
  kind: FieldKind,
  normalization: string,
  description: string,
  extra: { aliases?: readonly string[]; constraints?: FieldConstraints } = {},
): DestinationField {
  return {
    name,
    group,
    target,
    type,
    kind,
    ...(extra.constraints ? { constraints: extra.constraints } : {}),
    normalization,
    description,
    aliases: extra.aliases ?? [],
  };
}

const TEXT_NORM = 'trimmed; numbers written with all digits';

function limitedText(group: 'app_info' | 'device_info', key: string, maxLength: number, description: string, type = S) {
  return f(`${group}.${key}`, group, `${group}.${key}`, type, 'text', `${TEXT_NORM}; longer than ${maxLength} characters → dropped`, description, {
    constraints: { maxLength },
  });
}

function rangedInt(group: 'app_info' | 'device_info', key: string, minimum: number, maximum: number, description: string) {
  return f(`${group}.${key}`, group, `${group}.${key}`, INT, 'integer', `integer (integral numbers or text); outside ${minimum}..${maximum} → dropped`, description, {
    constraints: { minimum, maximum },
  });
}

function rawUser(name: string, key: string, alias: string | undefined, normalization: string, description: string) {
  return f(name, 'user', `user_data.${key}`, name === 'maid' || name === 'email' ? ['string', 'array'] : SN, 'user', normalization, description, {
    aliases: alias ? [alias] : [],
  });
}

function hashedUser(raw: string, key: string, what: string) {
  return f(
    `hashed_${raw}`,
    'user_hashed',
    `user_data.${key}`,
    ['string', 'array'],
    'user',
    'trimmed and lowercased; must be 64 hex characters (SHA-256); 32/40/56/96/128 hex (MD5, SHA-1, SHA-224, SHA-384, ' +
      'SHA-512) dropped with a warning naming the algorithm; placeholders (N/A, none, -) absent; else dropped',
    `${what}, already normalized and SHA-256 hashed by the sender.`,
  );
}

/**
 * The record columns a destination field is read from when field_mapping does not map it and same-name reads are on:
 * its name, then its aliases (e.g. `email`, `em`).
 */
export function sameNameColumns(field: DestinationField): readonly string[] {
  return [field.name, ...field.aliases];
}

/** Every destination field, in documentation order. Names and aliases are unique (checked at load). */
export const DESTINATION_FIELDS: readonly DestinationField[] = Object.freeze([
  // ---- event ------------------------------------------------------------------------------------------
  f('event_name', 'event', 'event_name', S, 'event_name',
    'Pinterest names and common synonyms matched ignoring case and separators, then event_name_mapping; unknown → custom (or rejected)',
    'What happened, e.g. checkout or add_to_cart; falls back to the configured default event name.'),
  f('event_time', 'event', 'event_time', ['string', 'integer', 'number'], 'event_time',
    'Unix seconds/ms/µs/ns by magnitude, ISO-8601 (no offset = UTC), a date, or 8/14 digits as YYYYMMDD[hhmmss] (UTC) → ' +
      'Unix seconds; mapped but absent or empty column → record rejected; no mapping and no column → the record\'s ' +
      'emitted_at (milliseconds, or seconds when its magnitude says so)',
    'When the conversion happened; more than 60 s in the future rejects the record.'),
  f('event_id', 'event', 'event_id', SI, 'event_id',
    'trimmed; numbers written with all digits; absent → derived deterministically from the stream and row',
    'Deduplication key shared with the Pinterest tag; the same conversion must always carry the same id.'),
  f('action_source', 'event', 'action_source', S, 'action_source',
    'web, app_android (android), app_ios (ios) or offline, any case; anything else rejects the record; absent → config',
    'Where the conversion happened; overrides the configured action source for this record.',
    { constraints: { enum: ['web', 'app_android', 'app_ios', 'offline'] } }),
  f('event_source_url', 'event', 'event_source_url', S, 'text', 'trimmed', 'Address of the web page where the conversion happened.'),
  f('opt_out', 'event', 'opt_out', BOOL, 'boolean', 'true/false, 1/0, yes/no in any case → boolean',
    'User opted out of tracking (web/offline) or limited ad tracking (apps).'),
  f('partner_name', 'event', 'partner_name', S, 'partner_name', 'trimmed; absent → configured partner name',
    'Third-party sender name in the form ss-partnername, only when agreed with Pinterest.'),
  f('language', 'event', 'language', S, 'language', 'two-letter ISO-639-1 code, lowercase; locales such as en-US → en',
    "The user's language."),
  f('app_id', 'event', 'app_id', SN, 'text', TEXT_NORM, 'App store identifier of the app (legacy flat field).'),
  f('app_name', 'event', 'app_name', S, 'text', TEXT_NORM, 'Name of the app (legacy flat field).'),
  f('app_version', 'event', 'app_version', SN, 'text', TEXT_NORM, 'Version of the app (legacy flat field).'),
  f('device_brand', 'event', 'device_brand', S, 'text', TEXT_NORM, 'Brand of the device (legacy flat field).'),
  f('device_carrier', 'event', 'device_carrier', S, 'text', TEXT_NORM, 'Mobile carrier of the device (legacy flat field).'),
  f('device_model', 'event', 'device_model', S, 'text', TEXT_NORM, 'Model of the device (legacy flat field).'),
  f('device_type', 'event', 'device_type', S, 'text', TEXT_NORM, 'Type of the device (legacy flat field).'),
  f('os_version', 'event', 'os_version', SN, 'text', TEXT_NORM, 'Operating system version (legacy flat field).'),
  f('wifi', 'event', 'wifi', BOOL, 'boolean', 'true/false, 1/0, yes/no in any case → boolean',
    'Device was on wifi when the event happened (legacy flat field).'),

  // ---- app_info -----------------------------------------------------------------------------------------
  f('app_info', 'app_info', 'app_info', ['object', 'string'], 'object',
    'object or JSON text; known keys handled like the app_info.* fields, others dropped',
    'The whole app_info object; app_info.* fields override its members.'),
  limitedText('app_info', 'app_id', 200, 'Identifier of the app in its store.', SN),
  limitedText('app_info', 'app_name', 200, 'Name of the app.'),
  limitedText('app_info', 'app_package_name', 200, 'Package or bundle name of the app.'),
  limitedText('app_info', 'app_store', 100, 'Store the app was installed from.'),
  limitedText('app_info', 'app_version', 100, 'Version of the app.', SN),
  f('app_info.install_time', 'app_info', 'app_info.install_time', ['integer', 'string', 'number'], 'epoch_seconds',
    'read like event_time → Unix seconds; unrecognizable → dropped', 'When the app was installed.',
    { constraints: { minimum: 0 } }),
  limitedText('app_info', 'user_agent', 16384, 'User agent request header, mostly for web events.'),
  rangedInt('app_info', 'window_height', 0, 30720, 'Inner height of the window or viewport in pixels.'),
  rangedInt('app_info', 'window_width', 0, 30720, 'Inner width of the window or viewport in pixels.'),

  // ---- device_info --------------------------------------------------------------------------------------
  f('device_info', 'device_info', 'device_info', ['object', 'string'], 'object',
    'object or JSON text; known keys handled like the device_info.* fields, others dropped',
    'The whole device_info object; device_info.* fields override its members.'),
  rangedInt('device_info', 'battery_level', 0, 100, 'Battery charge in percent.'),
  limitedText('device_info', 'brand', 100, 'Brand of the device.'),
  limitedText('device_info', 'carrier', 100, 'Mobile carrier of the device.'),
  rangedInt('device_info', 'cpu_cores', 0, 1152, 'Number of CPU cores.'),
  rangedInt('device_info', 'external_storage_free_space', 0, 1048576, 'Free external storage in GB.'),
  rangedInt('device_info', 'external_storage_size', 0, 1048576, 'Size of external storage in GB.'),
  f('device_info.form_factor', 'device_info', 'device_info.form_factor', S, 'enum',
    `one of ${DEVICE_FORM_FACTORS.join(', ')} (any case; phone/mobile/smartphone → cellphone); else dropped`,
    'Kind of device.',
    { constraints: { enum: DEVICE_FORM_FACTORS, enumSynonyms: { phone: 'cellphone', mobile: 'cellphone', smartphone: 'cellphone' } } }),
  limitedText('device_info', 'kernel_version', 100, 'Kernel version of the operating system.'),
  f('device_info.languages', 'device_info', 'device_info.languages', ['array', 'string'], 'language_list',
    'list, JSON array text or comma-separated text; each element as language; invalid elements dropped; at most 100',
    'Languages installed on the device.',
    { constraints: { maxItems: 100 } }),
  limitedText('device_info', 'locale', 35, 'Device locale as a BCP-47 tag.'),
  limitedText('device_info', 'model', 100, 'Model of the device.'),
  f('device_info.network_type', 'device_info', 'device_info.network_type', S, 'enum',
    `one of ${DEVICE_NETWORK_TYPES.join(', ')} (any case; 2g..6g, lte → cellular_*); else dropped`,
    'Network the device was on.',
    {
      constraints: {
        enum: DEVICE_NETWORK_TYPES,
        enumSynonyms: { '2g': 'cellular_2g', '3g': 'cellular_3g', '4g': 'cellular_4g', lte: 'cellular_4g', '5g': 'cellular_5g', '6g': 'cellular_6g' },
      },
    }),
  f('device_info.os_family', 'device_info', 'device_info.os_family', S, 'enum',
    `one of ${DEVICE_OS_FAMILIES.join(', ')} (any case and spacing, e.g. Mac OS → macos, iPadOS → ios); else dropped`,
    'Operating system family.',
    { constraints: { enum: DEVICE_OS_FAMILIES, enumSynonyms: { osx: 'macos', macosx: 'macos', ipados: 'ios', iphoneos: 'ios' } } }),
  limitedText('device_info', 'os_name', 100, 'Short name of the operating system release.', SN),
  limitedText('device_info', 'os_release_name', 100, 'Marketing name of the operating system release.', SN),
  limitedText('device_info', 'os_version', 100, 'Full version of the operating system.', SN),
  rangedInt('device_info', 'screen_density', 0, 100000, 'Screen density in pixels per inch.'),
  rangedInt('device_info', 'screen_height', 0, 30720, 'Screen height in pixels.'),
  rangedInt('device_info', 'screen_width', 0, 30720, 'Screen width in pixels.'),
  rangedInt('device_info', 'storage_free_space', 0, 1048576, 'Free internal storage in GB.'),
  rangedInt('device_info', 'storage_size', 0, 1048576, 'Size of internal storage in GB.'),
  limitedText('device_info', 'timezone', 40, 'Time zone of the device.'),
  limitedText('device_info', 'timezone_abbr', 5, 'Abbreviation of the time zone.'),
  limitedText('device_info', 'type', 100, 'Type of the device.'),

  // ---- user_data: raw, hashed by the connector -----------------------------------------------------------
  rawUser('email', 'em', 'em', 'trim, lowercase, SHA-256', 'Email address of the user.'),
  rawUser('phone', 'ph', 'ph',
    'E.164 digits without + (national numbers read with the record\'s country or default_phone_country; +, 00, 011, (0), ' +
      '+001/+0049 handled); every possible number (right length for its country) is sent; impossible numbers dropped; SHA-256',
    'Phone number of the user.'),
  rawUser('first_name', 'fn', 'fn', 'trim, lowercase, inner spaces collapsed, SHA-256', 'First name of the user.'),
  rawUser('last_name', 'ln', 'ln', 'trim, lowercase, inner spaces collapsed, SHA-256', 'Last name of the user.'),
  rawUser('gender', 'ge', 'ge', 'f, m or n from common spellings (else dropped), SHA-256', 'Gender of the user.'),
  rawUser('date_of_birth', 'db', 'db',
    'YYYYMMDD from year-first, day-first and month-first dates with any of - / . _ or space (1985-11-30, 30.11.1985, ' +
      '11/30/1985), month names (Nov 30, 1985), a format note (04/05/1985 (dd/mm/yyyy)), ISO date-times, compact ' +
      '19851130 and 1985年11月30日; day and month both 12 or less (04/05/1985): read with date_of_birth_order, else ' +
      'dropped; two-digit years, Japanese era years (昭和60年11月30日), impossible dates and years before 1900 or in the ' +
      'future dropped; SHA-256',
    'Date of birth of the user.'),
  rawUser('city', 'ct', 'ct', 'lowercase, spaces and punctuation removed, SHA-256', 'City of residence (mostly billing).'),
  rawUser('state', 'st', 'st',
    'US, Canadian or no country: two-letter code from a code, name, written abbreviation (Fla., Ariz., Sask.) or ' +
      'US-CA form; anything else dropped with a warning. Other countries: lowercase letters and digits ' +
      '(Bayern → bayern); SHA-256',
    'State or region of residence.'),
  rawUser('zip_code', 'zp', 'zp', 'US: first 5 digits; elsewhere lowercase letters and digits; SHA-256', 'Postal code of residence.'),
  rawUser('country', 'country', undefined, 'ISO-3166 alpha-2 lowercase (names and alpha-3 mapped), SHA-256', 'Country of residence.'),
  rawUser('external_id', 'external_id', undefined, 'trimmed (case kept), SHA-256', "The advertiser's own identifier of the user, e.g. a customer or loyalty id."),
  rawUser('maid', 'hashed_maids', 'hashed_maids', 'trim, lowercase, SHA-256', 'Mobile advertising id of the device (GAID or IDFA).'),

  // ---- user_data: pre-hashed ---------------------------------------------------------------------------
  hashedUser('email', 'em', 'Email address'),
  hashedUser('phone', 'ph', 'Phone number'),
  hashedUser('first_name', 'fn', 'First name'),
  hashedUser('last_name', 'ln', 'Last name'),
  hashedUser('gender', 'ge', 'Gender'),
  hashedUser('date_of_birth', 'db', 'Date of birth'),
  hashedUser('city', 'ct', 'City'),
  hashedUser('state', 'st', 'State'),
  hashedUser('zip_code', 'zp', 'Postal code'),
  hashedUser('country', 'country', 'Country code'),
  hashedUser('external_id', 'external_id', 'Advertiser user id'),
  hashedUser('maid', 'hashed_maids', 'Mobile advertising id'),

  // ---- user_data: plain ---------------------------------------------------------------------------------
  f('client_ip_address', 'user_plain', 'user_data.client_ip_address', S, 'user', 'trimmed, sent unhashed',
    "IPv4 or IPv6 address of the user's device."),
  f('client_user_agent', 'user_plain', 'user_data.client_user_agent', S, 'user', 'trimmed, sent unhashed',
    "User agent of the user's browser."),
  f('click_id', 'user_plain', 'user_data.click_id', S, 'user', 'trimmed, sent unhashed',
    'Pinterest click id from the _epik cookie or the epik URL parameter.'),
  f('partner_id', 'user_plain', 'user_data.partner_id', S, 'user', 'trimmed, sent unhashed',
    "A third party's visitor identifier, e.g. a RampID."),

  // ---- custom_data --------------------------------------------------------------------------------------
  f('value', 'custom_data', 'custom_data.value', ['number', 'string', 'integer'], 'decimal',
    'decimal text without float noise (72.390 → 72.39); non-numeric text such as $1,299.00 → dropped',
    'Total value of the event in currency units (72.39, not cents), e.g. the order total before tax and shipping.'),
  f('currency', 'custom_data', 'custom_data.currency', S, 'currency', 'uppercase ISO-4217 code; unknown codes dropped',
    'Currency of value and item prices.'),
  f('order_id', 'custom_data', 'custom_data.order_id', SI, 'text', TEXT_NORM, 'Order identifier; also helps deduplication.'),
  f('content_ids', 'custom_data', 'custom_data.content_ids', ['array', 'string', 'integer'], 'string_list',
    'list, JSON array text or comma-separated text → list of strings; empties dropped; at most 100 (the rest dropped with a warning)',
    'Product identifiers involved in the event.'),
  f('content_name', 'custom_data', 'custom_data.content_name', S, 'text', TEXT_NORM, 'Name of the page or product.'),
  f('content_category', 'custom_data', 'custom_data.content_category', S, 'text', TEXT_NORM, 'Category of the content.'),
  f('content_brand', 'custom_data', 'custom_data.content_brand', S, 'text', TEXT_NORM, 'Brand of the content.'),
  f('contents', 'custom_data', 'custom_data.contents', ['array', 'string'], 'contents',
    'list of objects or JSON text; keys id/item_price/quantity/item_name/item_category/item_brand/item_brand_id (also sku, product_id, price, qty, name, category, brand, brand_id); item_brand_id longer than 64 characters → dropped; at most 100 items (the rest dropped with a warning)',
    'Products of the event with price and quantity.'),
  f('num_items', 'custom_data', 'custom_data.num_items', INT, 'integer', 'integer (integral numbers or text); fractions dropped',
    'Total number of products, e.g. items bought in a checkout.'),
  f('search_string', 'custom_data', 'custom_data.search_string', S, 'text', TEXT_NORM, 'Search text of a search event.'),
  f('opt_out_type', 'custom_data', 'custom_data.opt_out_type', S, 'text', 'trimmed; comma-separated flags such as LDP',
    'Privacy-law opt-out flags, e.g. LDP for limited data processing.'),
  f('predicted_ltv', 'custom_data', 'custom_data.predicted_ltv', ['number', 'string', 'integer'], 'decimal',
    'decimal text, as value', "Predicted lifetime value of the user."),
  f('external_measurement_id', 'custom_data', 'custom_data.external_measurement_id', S, 'text', TEXT_NORM,
    'Only use when instructed by Pinterest.'),
  f('external_measurement_vendor_id', 'custom_data', 'custom_data.external_measurement_vendor_id', INT, 'integer',
    'integer (integral numbers or text)', 'Only use when instructed by Pinterest.'),
]);

const BY_NAME: ReadonlyMap<string, DestinationField> = (() => {
  const m = new Map<string, DestinationField>();
  for (const field of DESTINATION_FIELDS) {
    for (const n of sameNameColumns(field)) {
      const key = n.toLowerCase();
      if (m.has(key)) throw new Error(`destination field name or alias defined twice: ${n}`);
      m.set(key, field);
    }
  }
  return m;
})();

/**
 * Looks up a destination field by its name or one of its aliases, ignoring case (`Email`, `em` →
 * the `email` field). `undefined` when unknown.
 */
export function findDestinationField(nameOrAlias: string): DestinationField | undefined {
  return BY_NAME.get(nameOrAlias.trim().toLowerCase());
}

/** Destination fields of one group, in table order. */
export function fieldsOfGroup(group: FieldGroup): DestinationField[] {
  return DESTINATION_FIELDS.filter((fd) => fd.group === group);
}

/** One-line description used by the JSON schema: description, plus aliases when there are any. */
function schemaDescription(field: DestinationField): string {
  const aliases = field.aliases.length > 0 ? ` Also accepted as: ${field.aliases.join(', ')}.` : '';
  return `${field.description} Pinterest: ${field.target}. ${capitalize(field.normalization)}.${aliases}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Draft-07 JSON Schema of one destination record: an object whose properties are every destination
 * field (by name) with its accepted JSON types and a description. No field is required and other
 * properties are allowed (they are ignored). Used as the `json_schema` of `discover`'s operation.
 * A fresh object on every call (callers may mutate it).
 */
export function destinationJsonSchema(): {
  $schema: string;
  type: 'object';
  additionalProperties: true;
  properties: Record<string, { type: JsonType[]; description: string }>;
} {
  const properties: Record<string, { type: JsonType[]; description: string }> = {};
  for (const field of DESTINATION_FIELDS) {
    properties[field.name] = { type: [...field.type], description: schemaDescription(field) };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: true, properties };
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const GROUP_TITLES: Readonly<Record<FieldGroup, string>> = {
  event: 'Event',
  app_info: 'App info (object `app_info`)',
  device_info: 'Device info (object `device_info`)',
  user: 'User data, hashed by the connector',
  user_hashed: 'User data, already hashed by the sender',
  user_plain: 'User data, sent unhashed',
  custom_data: 'Custom data',
};

/**
 * Markdown of `docs/fields.md`: one table per group, generated from {@link DESTINATION_FIELDS}.
 * Deterministic (no dates), so a test can compare it with the committed file.
 */
export function renderFieldsMarkdown(): string {
  const lines: string[] = [
    '# Destination fields',
    '',
    '<!-- Generated from src/fields/catalog.ts by scripts/generate-fields-doc.ts. Do not edit by hand. -->',
    '',
    'A destination field is filled from the source path given in `field_mapping` when the stream maps it,',
    'otherwise from the record column of the same name (or one of its aliases), unless `read_same_name_columns` is off. Dotted names such as',
    '`app_info.app_id` are read as a path into nested objects, or as a column whose name contains the dot.',
    'Values that cannot be used are dropped with a warning; see each row for what the connector does.',
    '',
    'In every user field, placeholders (`N/A`, `n/a`, `NA`, `none`, `null`, `nil`, `-`, `?`, `unknown`, `undefined`,',
    '`not available`, ...) are absent values: `NA` is not Namibia. In `first_name` and `last_name`, `Na` and `Nan`',
    'written as letters only are names. A raw value of 64 hex characters is taken as an SHA-256 hash and sent as',
    'is (lowercased); one of 32, 40, 56, 96 or 128 hex characters is a hash of another algorithm (MD5, SHA-1,',
    'SHA-224, SHA-384, SHA-512) that can never match: it is dropped with a warning naming the algorithm, except',
    '32 hex characters in `external_id` (a common id format, e.g. a UUID without dashes).',
  ];
  const groups: FieldGroup[] = ['event', 'app_info', 'device_info', 'user', 'user_hashed', 'user_plain', 'custom_data'];
  for (const group of groups) {
    lines.push('', `## ${GROUP_TITLES[group]}`, '');
    lines.push('| Field | Pinterest | Types | Aliases | Normalization | Description |');
    lines.push('|---|---|---|---|---|---|');
    for (const fd of fieldsOfGroup(group)) {
      const aliases = fd.aliases.map((a) => `\`${a}\``).join(', ');
      lines.push(
        `| \`${fd.name}\` | \`${fd.target}\` | ${fd.type.join(', ')} | ${aliases} | ${cell(fd.normalization)} | ${cell(fd.description)} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
