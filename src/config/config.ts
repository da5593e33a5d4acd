import { readFileSync } from 'node:fs';
import countries from 'i18n-iso-countries/index.js';
import type { ErrorObject } from 'ajv';
import { basicCredential, MIN_SECRET_LENGTH } from '../airbyte/redact.js';
import { MAX_ADVERTISER_DEFINED_EVENTS } from '../mapping/advertiser-defined-events.js';
import type { FieldMappingEntry } from '../mapping/types.js';
import type { ActionSource } from '../pinterest/events.js';
import { validate as validateAgainstSpec } from './config-validator.generated.js';
import { loadSpec } from './spec.js';

/** `credentials` with a conversion access token (or any OAuth access token): sent as Bearer, never refreshed. */
export interface AccessTokenCredentials {
  auth_type: 'access_token';
  access_token: string;
}

/** `credentials` of a Pinterest app: refreshed with POST /v5/oauth/token (Pinterest OpenAPI 5.23, oauth/token). */
export interface OAuthCredentials {
  auth_type: 'oauth2.0';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  access_token?: string;
  /** ISO-8601 date-time at which `access_token` expires. */
  token_expiry_date?: string;
}

/** Per-stream override; `name` is `stream` or `namespace.stream`. */
export interface StreamSettings {
  name: string;
  default_event_name?: string;
  field_mapping?: FieldMappingEntry[];
  /** Overrides the global read_same_name_columns for this stream. */
  read_same_name_columns?: boolean;
}

/**
 * `object_storage_config` with `storage_type: "S3"`: where rejected rows are written (Airbyte's data-activation
 * name and shape for it). `storage_type: "None"` is read as no setting at all.
 */
export interface ObjectStorageConfig {
  storage_type: 'S3';
  s3_bucket_name: string;
  /** e.g. us-east-1; also the signing region of an S3-compatible store. */
  s3_bucket_region: string;
  /** Key prefix inside the bucket, without leading or trailing "/" ("" for the bucket's root). */
  bucket_path: string;
  /** URL of an S3-compatible store (path-style addressing); undefined for AWS S3. */
  s3_endpoint?: string;
  /** Both keys or neither (spec.json `dependencies`); neither: the AWS SDK's default credential chain. */
  access_key_id?: string;
  secret_access_key?: string;
}

/**
 * The validated connector configuration with defaults applied. Key names are the public contract
 * documented in spec.json and the README.
 */
export interface ConnectorConfig {
  ad_account_id: string;
  credentials: AccessTokenCredentials | OAuthCredentials;
  conversion_tag_id?: string;
  action_source: ActionSource;
  test_mode: boolean;
  partner_name?: string;
  default_event_name?: string;
  default_phone_country?: string;
  /** How dates of birth written a/b/yyyy with day and month both ≤ 12 are read; unset: such values are dropped. */
  date_of_birth_order?: 'MDY' | 'DMY';
  /** Whether unmapped destination fields are read from same-named record columns (default true). */
  read_same_name_columns: boolean;
  field_mapping: FieldMappingEntry[];
  streams: StreamSettings[];
  event_name_mapping: { source_value: string; event_name: string }[];
  /**
   * Names of advertiser-defined events (at most 15, each 1–100 letters, digits, `_`, `-`): records naming one, ignoring
   * case, are sent under it instead of as `custom`. Default []. `write` adds the ones the ad account defines.
   */
  advertiser_defined_events: string[];
  reject_unknown_event_names: boolean;
  max_concurrent_requests: number;
  requests_per_minute: number;
  max_retries: number;
  /** Seconds. */
  max_retry_seconds: number;
  /** 0–100, or undefined for no limit. */
  max_rejected_percent?: number;
  /** Where rejected rows are written; undefined when not set or `storage_type` is "None". */
  object_storage_config?: ObjectStorageConfig;
}

/**
 * A configuration problem the user must fix. `problems` are value-free sentences, each naming the
 * config path (e.g. "ad_account_id: must be digits only (at most 18), e.g. 549755885175").
 * Maps to Airbyte failure_type `config_error`.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * spec.json's connectionSpecification as a validator: ajv (allErrors, defaults applied in place, ajv-formats),
 * generated ahead of time by `npm run generate:validators` so that ajv's compiler is never loaded at run time.
 */
const validator = validateAgainstSpec as unknown as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** JSON pointer `/credentials/access_token` → `credentials.access_token`; array indices as `[n]`. */
function toPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** One ajv error → a sentence naming the path; never includes the offending value. */
function describe(e: ErrorObject): string {
  const base = toPath(e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const p = base ? `${base}.${(e.params as { missingProperty: string }).missingProperty}` : (e.params as { missingProperty: string }).missingProperty;
      return `${p}: is required`;
    }
    case 'pattern':
      if (base === 'ad_account_id') return 'ad_account_id: must be the numeric ad account ID (digits only, at most 18), e.g. 549755885175 — not the account name or an "act_" id';
      if (base === 'conversion_tag_id') return 'conversion_tag_id: must be the numeric ID of the Pinterest tag (digits only, no spaces), e.g. 2614113123456 (Ads Manager → Conversions); leave it empty if you have none';
      if (base === 'default_phone_country') return 'default_phone_country: must be a two-letter ISO-3166 country code, e.g. US';
      if (base === 'object_storage_config.s3_endpoint') return 'object_storage_config.s3_endpoint: must be a URL starting with http:// or https://, e.g. http://minio:9000 (leave it empty for AWS S3)';
      if (base === 'partner_name') return 'partner_name: must look like ss-<name> in lowercase; leave it empty unless Pinterest assigned you one';
      if (/^advertiser_defined_events\[\d+\]$/.test(base)) return `${base}: must be 1 to 100 characters, each a letter (A-Z, a-z), a digit, _ or -, spelled as defined in Ads Manager, e.g. download_picture`;
      return `${base}: does not have the expected format`;
    case 'enum':
      return `${base}: must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    case 'const':
      return `${base}: must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'maxItems':
      if (base === 'advertiser_defined_events') return `advertiser_defined_events: at most ${MAX_ADVERTISER_DEFINED_EVENTS} names (Pinterest allows ${MAX_ADVERTISER_DEFINED_EVENTS} advertiser-defined events per ad account)`;
      return `${base}: ${e.message ?? 'has too many items'}`;
    case 'dependencies': {
      const p = e.params as { property: string; missingProperty: string };
      return `${base ? base + '.' : ''}${p.missingProperty}: is required when ${p.property} is set (give both keys, or neither to use the default AWS credentials)`;
    }
    case 'additionalProperties':
      return `${base ? base + '.' : ''}${(e.params as { additionalProperty: string }).additionalProperty}: is not a known setting`;
    default:
      return `${base || '(config)'}: ${e.message ?? 'is invalid'}`;
  }
}

/**
 * The settings that are a oneOf chosen by a discriminator key, with the discriminator's values in branch order
 * (spec.json).
 */
const DISCRIMINATED_SETTINGS: readonly { setting: string; key: string; values: readonly string[] }[] = [
  { setting: 'credentials', key: 'auth_type', values: ['access_token', 'oauth2.0'] },
  { setting: 'object_storage_config', key: 'storage_type', values: ['None', 'S3'] },
];

/** Index of the oneOf branch of setting `d` that `value` chooses by its discriminator key, or -1. */
function chosenBranch(d: (typeof DISCRIMINATED_SETTINGS)[number], value: unknown): number {
  const chosen = value && typeof value === 'object' ? (value as Record<string, unknown>)[d.key] : undefined;
  return d.values.indexOf(chosen as string);
}

/**
 * Picks the meaningful errors: for a oneOf setting such as `credentials`, only the errors of the branch chosen by
 * its discriminator (`auth_type`), instead of ajv's errors for every branch plus "must match exactly one schema".
 */
function relevantErrors(errors: ErrorObject[], raw: Record<string, unknown>): ErrorObject[] {
  let out = errors;
  for (const d of DISCRIMINATED_SETTINGS) out = relevantBranchErrors(out, raw, d);
  return out;
}

/** {@link relevantErrors} for one discriminated setting. */
function relevantBranchErrors(errors: ErrorObject[], raw: Record<string, unknown>, d: (typeof DISCRIMINATED_SETTINGS)[number]): ErrorObject[] {
  const value = raw[d.setting] as Record<string, unknown> | undefined;
  const branch = chosenBranch(d, value);
  const branchPath = new RegExp(`/properties/${d.setting}/oneOf/(\\d+)/`);
  const out: ErrorObject[] = [];
  let unknownBranch = false;
  for (const e of errors) {
    const m = branchPath.exec(e.schemaPath);
    if (m) {
      if (branch === Number(m[1]) && !(e.keyword === 'const' && e.instancePath.endsWith(`/${d.key}`))) out.push(e);
      else if (branch === -1) unknownBranch = true;
      continue;
    }
    if (e.keyword === 'oneOf' && e.instancePath === `/${d.setting}`) {
      if (branch === -1) unknownBranch = true;
      continue;
    }
    out.push(e);
  }
  if (unknownBranch && value && typeof value === 'object') {
    out.push({
      instancePath: `/${d.setting}/${d.key}`,
      schemaPath: '#/custom',
      keyword: 'enum',
      params: { allowedValues: [...d.values] },
      message: `must be ${d.values.join(' or ')}`,
    } as ErrorObject);
  }
  return out;
}

/**
 * Validates a parsed config object against spec.json (ajv, all errors) and applies defaults.
 * The input object is not modified; the returned config is a deep copy with defaults.
 *
 * @throws ConfigError listing every problem by path.
 */
export function parseConfig(raw: unknown): ConnectorConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(['the configuration must be a JSON object']);
  const copy = structuredClone(raw) as Record<string, unknown>;
  dropNullSettings(copy, loadSpec().connectionSpecification as SchemaNode);
  trimCredentials(copy);
  if (!validator(copy)) {
    const problems = [...new Set(relevantErrors(validator.errors ?? [], raw as Record<string, unknown>).map(describe))];
    throw new ConfigError(problems.length ? problems : ['the configuration does not match the specification']);
  }
  const cfg = copy as unknown as ConnectorConfig;
  cfg.field_mapping ??= [];
  cfg.streams ??= [];
  cfg.event_name_mapping ??= [];
  cfg.advertiser_defined_events ??= [];
  if (cfg.default_phone_country) cfg.default_phone_country = cfg.default_phone_country.toUpperCase();
  cfg.object_storage_config = normalizeObjectStorage(cfg.object_storage_config as ObjectStorageConfig | { storage_type: 'None' } | undefined);
  const problems = [...credentialProblems(cfg.credentials), ...phoneCountryProblems(cfg.default_phone_country), ...duplicateStreamNames(cfg.streams)];
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

/** A JSON schema node of spec.json, as far as {@link dropNullSettings} reads it. */
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
}

/**
 * Removes, in place, every setting whose value is `null`, at any depth spec.json describes (top level,
 * `credentials` and `object_storage_config` in the branch their discriminator chooses (see
 * {@link DISCRIMINATED_SETTINGS}), `streams[]` and `field_mapping[]` entries), so
 * that `null` means "not set", as when the key is absent: an optional setting gets its default, a required one is
 * reported as required. API clients and Terraform providers send `null` for settings left empty; rejecting it
 * ("must be string") told users to fix what they had not set, and named a type instead of what is missing.
 * Nulls inside arrays (`advertiser_defined_events: [null]`) stay and fail validation by position.
 */
function dropNullSettings(value: unknown, schema: SchemaNode, setting?: string): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) dropNullSettings(item, schema.items);
    return;
  }
  const obj = value as Record<string, unknown>;
  let node: SchemaNode | undefined = schema;
  if (schema.oneOf) {
    const d = DISCRIMINATED_SETTINGS.find((x) => x.setting === setting);
    node = d ? schema.oneOf[chosenBranch(d, obj)] : undefined;
  }
  if (node?.properties === undefined) return;
  for (const [key, sub] of Object.entries(node.properties)) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    if (obj[key] === null) delete obj[key];
    else dropNullSettings(obj[key], sub, key);
  }
}

/** The credential fields: each is sent to Pinterest (Bearer, Basic or form body) and redacted from all output. */
export const CREDENTIAL_FIELDS = ['access_token', 'refresh_token', 'client_id', 'client_secret'] as const;

/**
 * Removes whitespace around each credential of `config.credentials` in place: a pasted token often brings a line
 * break along, which HTTP headers cannot carry.
 */
function trimCredentials(config: Record<string, unknown>): void {
  const c = config.credentials;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return;
  const creds = c as Record<string, unknown>;
  for (const k of CREDENTIAL_FIELDS) if (typeof creds[k] === 'string') creds[k] = (creds[k] as string).trim();
}

/** C0 and C1 control characters (line breaks, tabs, NUL, DEL...): never part of a token, and not allowed in HTTP headers. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Credentials that cannot work or cannot be kept out of the logs: a control character inside (a paste that
 * split the token), or fewer than {@link MIN_SECRET_LENGTH} characters. Value-free sentences naming the field.
 */
function credentialProblems(credentials: AccessTokenCredentials | OAuthCredentials): string[] {
  const c = credentials as unknown as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of CREDENTIAL_FIELDS) {
    const v = c[k];
    if (typeof v !== 'string' || v === '') continue;
    if (CONTROL_CHARACTER.test(v)) {
      problems.push(`credentials.${k}: contains a control character (such as a line break or a tab) inside the value; paste it again as one line`);
    } else if (v.length < MIN_SECRET_LENGTH) {
      problems.push(
        `credentials.${k}: is only ${v.length} characters long, too short to be a real credential or to be kept out of the logs safely (at least ${MIN_SECRET_LENGTH}); paste the whole value`,
      );
    }
  }
  return problems;
}

/**
 * `default_phone_country` must be an assigned ISO-3166 alpha-2 code (i18n-iso-countries); `UK`, the most common
 * mistake, is named as `GB`.
 */
function phoneCountryProblems(code: string | undefined): string[] {
  if (code === undefined || countries.isValid(code)) return [];
  if (code === 'UK') return ['default_phone_country: UK is not an ISO-3166 code; the United Kingdom is GB'];
  return [`default_phone_country: ${code} is not an ISO-3166 alpha-2 country code; use the two-letter code, e.g. US, GB, DE`];
}

/** `streams[]` entries whose name an earlier entry already has: only the first would ever be used. */
function duplicateStreamNames(streams: StreamSettings[]): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  streams.forEach((s, i) => {
    const j = first.get(s.name);
    if (j === undefined) first.set(s.name, i);
    else problems.push(`streams[${i}]: has the same name as streams[${j}] (${JSON.stringify(s.name)}), so it would never be used; merge the two entries`);
  });
  return problems;
}

/** `storage_type: "None"` → undefined; bucket_path without surrounding slashes; empty optional strings → undefined. */
function normalizeObjectStorage(o: ObjectStorageConfig | { storage_type: 'None' } | undefined): ObjectStorageConfig | undefined {
  if (!o || o.storage_type !== 'S3') return undefined;
  return {
    ...o,
    bucket_path: o.bucket_path.replace(/^\/+|\/+$/g, ''),
    s3_endpoint: o.s3_endpoint || undefined,
    access_key_id: o.access_key_id || undefined,
    secret_access_key: o.secret_access_key || undefined,
  };
}

/**
 * Reads and validates the config file given with `--config`.
 * @throws ConfigError when the file cannot be read, is not JSON, or is invalid.
 */
export function loadConfig(path: string): { config: ConnectorConfig; raw: Record<string, unknown> } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read the config file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ConfigError([`the config file ${path} is not valid JSON`]);
  }
  return { config: parseConfig(raw), raw: raw as Record<string, unknown> };
}

/**
 * Top-level keys of the raw config that spec.json does not define, e.g. a typo such as `default_event_nam`.
 * They are ignored (Airbyte may store keys of its own), but `check` and `write` mention them.
 */
export function unknownSettings(raw: Record<string, unknown>): string[] {
  const known = (loadSpec().connectionSpecification.properties ?? {}) as Record<string, unknown>;
  return Object.keys(raw).filter((k) => !(k in known));
}

/**
 * Every secret in the config, to be redacted from any output: the tokens, the OAuth client id and secret, the
 * Basic credential built from them for the token endpoint (base64 of `client_id:client_secret`), and the object
 * storage keys.
 */
export function configSecrets(config: ConnectorConfig): string[] {
  const c = config.credentials as unknown as Record<string, unknown>;
  const secrets = CREDENTIAL_FIELDS.map((k) => c[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  if (config.credentials.auth_type === 'oauth2.0') secrets.push(basicCredential(config.credentials.client_id, config.credentials.client_secret));
  for (const k of [config.object_storage_config?.access_key_id, config.object_storage_config?.secret_access_key]) if (k) secrets.push(k);
  return secrets;
}
