/**
 * A local fake of the parts of the Pinterest API v5 this destination uses, for integration tests, the demo and
 * benchmarks. Plain node:http (node:https with the `tls` option), listening on 127.0.0.1 (port 0 by default). Point the CLI at it with
 * `PINTEREST_API_BASE_URL=<fake.url>`.
 *
 * Endpoints (base `/v5`):
 * - `POST /v5/ad_accounts/{id}/events[?test=true]` — conversions (Bearer token, JSON body).
 * - `POST /v5/oauth/token` — refresh-token grant only (Basic client auth, form body), continuous rotation.
 * - `GET  /v5/ad_accounts/{id}` — ad account (OAuth tokens with `ads:read` only).
 * - `GET  /v5/ad_accounts/{id}/conversion_tags/{tag_id}` — conversion tag (OAuth tokens with `ads:read` only).
 * - `GET  /v5/ad_accounts/{id}/advertiser_defined_events` — the account's advertiser-defined events, `{items: [{name,
 *   mapped_conversion_type}]}` (OAuth tokens with `ads:read` only; OpenAPI 5.28).
 * - `GET  /v5/ad_accounts/{id}/conversion_eqs?lookback_period=1d|14d[&source_platform=..][&ingestion_source=..]` — Event
 *   Quality Score computed from the events processed so far (OAuth tokens with `ads:read` only; model in event-quality.ts).
 * - `GET /_fake/accepted` — the events processed so far, as sent: `{accepted: [...], test_events: [...]}` (409 unless
 *   recordBodies);
 * - `GET /_fake/counters`, `POST /_fake/script` (body: Fault[] or {faults, oauth?, eqs?, advertiser_defined_events?}), `POST /_fake/reset` — admin
 *   routes for out-of-process use (cli.ts); never recorded, never delayed, never faulted.
 *
 * The fake's model of Pinterest (decisions where Pinterest documents nothing are marked "model"):
 * - Every response carries `x-pinterest-rid`.
 * - Events: checks run in this order; the first failing check answers the whole request.
 *   1. scripted fault (`script()`), then `rate429Every`;
 *   2. `Authorization: Bearer <token>`: missing/unknown/expired token → 401 `{code: 2, message: "Authentication failed."}`;
 *      an OAuth token without `ads:write` → 403 `{code: 3, ...scope message}` (model);
 *   3. account id not `^\d{1,18}$` → 400 `{code: 1, message: "Invalid parameters. ..."}` (model);
 *   4. account unknown → 404 `{code: 2, message: "AdAccount not found."}` (documented since OpenAPI 5.28); known but not
 *      granted to the token → 403 `{code: 29, message: "You are not permitted to access that resource."}`;
 *   5. content-type not application/json, or body not JSON → 400 `{code: 4196, message: "The request was invalid. ..."}`;
 *   6. JSON Schema (project's conversion-events.schema.json, ajv allErrors, compiled once) → 400 code 4196 with
 *      `<instancePath>: <ajv message> (<extra>)` parts joined by "; ";
 *   7. any event_id in `poisonEventIds` → 400 code 4196 for the whole request;
 *   8. per event (model): hashed user_data items must be 64 lowercase hex; event_time at most 60 s in the future and
 *      at most 7 days old; event_name in PINTEREST_EVENT_NAMES or, ignoring case, the name of one of the account's
 *      advertiser-defined events; event_id not in `failEventIds` — else the event is
 *      `failed` with an error_message. `warnEventIds`, and a custom_data.value that is not a decimal number, give
 *      `processed` with a warning_message.
 *   All processed → 200 `{num_events_received, num_events_processed, events}`; any failed → 422
 *   `{code: 4198, message: "Not all events were successfully processed.", details: {num_events_received,
 *   num_events_processed, events}}` (model; `partialFailureDetails: 'array'` makes details the events array and
 *   `partialFailureStatus: 200` answers a plain 200 instead). Processed events are recorded in `accepted`
 *   (or `testEvents` for `?test=true`), failed ones nowhere. Messages of clean events are `null`.
 * - OAuth token: Basic auth failure → 401 `{code: 2, message: "Authentication failed."}`; missing/unsupported
 *   grant_type or missing refresh_token → 400 `{code: 1, ...}`; unknown or revoked refresh token →
 *   `invalidGrantStatus` (400) `{code: 283, message: "The authorization grant is invalid"}` (code and message as
 *   reported publicly against Pinterest's SDK). Success: new access token AND new refresh token every time.
 * - GET ad account / conversion tag: a conversion token or an OAuth token without `ads:read` → 403 `{code: 3,
 *   message: "Authorization failed. ... ads:read ..."}` (model: a conversion token only works on the events endpoint);
 *   unknown account or tag → 404 `{code: 2, message: "AdAccount not found." | "Conversion tag not found."}` (the
 *   code follows the OpenAPI example; branch on the HTTP status, not the code); account known but not granted →
 *   403 code 29.
 * - GET advertiser-defined events / EQS: the same access rules as the ad account (so 403 code 3 for a conversion token,
 *   as Pinterest answers a token without ads:read); EQS: `lookback_period` missing or not 1d/14d, or an unknown
 *   `source_platform` / `ingestion_source` → 400 code 1. Faults scripted with `scriptEqs()` /
 *   `scriptAdvertiserDefinedEvents()` answer those requests first (e.g. `{status: 429}`, or `{delayMs: 15000}` for a
 *   read that times out).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { EventQualityTally, INGESTION_SOURCES, LOOKBACK_PERIODS, SOURCE_PLATFORMS } from './event-quality.js';

/** Event names Pinterest accepts: the OpenAPI 5.23 list plus the names Pinterest's docs add. */
export const PINTEREST_EVENT_NAMES: readonly string[] = Object.freeze([
  'add_payment_info', 'add_to_cart', 'add_to_wishlist', 'app_install', 'checkout', 'custom', 'initiate_checkout',
  'lead', 'page_visit', 'search', 'signup', 'subscribe', 'view_category', 'view_content', 'watch_video',
  'app_open', 'contact', 'customize_product', 'find_location', 'schedule', 'start_trial', 'submit_application',
]);

/** user_data keys whose array items must be lowercase SHA-256 hex digests. */
export const HASHED_USER_DATA_KEYS: readonly string[] = Object.freeze([
  'em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id', 'hashed_maids',
]);

/** Identifiers the fake knows out of the box; `sample_config.json` uses the first account and the conversion token. */
export const FAKE_DEFAULTS = Object.freeze({
  /** Account the sample config targets; OWNER for every default token. */
  adAccountId: '549755885175',
  /** Existing account no default token is granted on (→ 403 code 29). */
  foreignAdAccountId: '549755885176',
  /** Account the default tokens reach with the ANALYST role only. */
  analystAdAccountId: '549755885177',
  /** Conversion access token (Ads Manager kind) granted on adAccountId and analystAdAccountId. */
  conversionToken: 'demo-conversion-token',
  /** OAuth access token with ads:read and ads:write on adAccountId and analystAdAccountId. */
  oauthAccessToken: 'demo-oauth-access-token',
  /** OAuth access token with ads:write only (no ads:read) on adAccountId. */
  writeOnlyOAuthToken: 'demo-oauth-write-only-token',
  /** OAuth app client id / secret and its initial refresh token. */
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  refreshToken: 'demo-refresh-token',
  /** ACTIVE conversion tag on adAccountId. */
  conversionTagId: '2617998078212',
  /** PAUSED conversion tag on adAccountId. */
  pausedConversionTagId: '2617998078213',
  /** Advertiser-defined events of adAccountId (the other default accounts define none). */
  advertiserDefinedEvents: Object.freeze([
    Object.freeze({ name: 'download_picture', mapped_conversion_type: 'CUSTOM' }),
    Object.freeze({ name: 'Book_Demo', mapped_conversion_type: 'LEAD' }),
  ]),
});

/** One advertiser-defined event of an account (OpenAPI 5.28 `AdvertiserDefinedEvent`). */
export interface FakeAdvertiserDefinedEvent {
  name: string;
  /** A conversion type such as LEAD or CHECKOUT, or null. */
  mapped_conversion_type: string | null;
}

/** An ad account the fake knows. */
export interface FakeAdAccount {
  /** 1 to 18 digits. */
  id: string;
  name?: string;
  /** ISO-4217 code, default "USD". */
  currency?: string;
  /** ISO-3166 alpha-2, default "US". */
  country?: string;
  /** The caller's business-access roles returned as `permissions`, default ["OWNER"]. */
  permissions?: string[];
  owner?: { id: string; username: string };
  /** Event names defined by the advertiser; accepted as event_name ignoring case; default none. */
  advertiserDefinedEvents?: FakeAdvertiserDefinedEvent[];
}

/** A bearer token the fake accepts. */
export interface FakeToken {
  /** Ad account ids the token may use. */
  accounts: string[];
  /** 'conversion': Ads Manager conversion token (events endpoint only); 'oauth': OAuth access token. */
  kind: 'conversion' | 'oauth';
  /** OAuth scopes (ignored for conversion tokens); default ["ads:read", "ads:write"]. */
  scopes?: string[];
  /** The token answers 401 from its (N+1)th authenticated request on. */
  expiresAfterRequests?: number;
}

/** An OAuth app (client) able to refresh tokens. */
export interface FakeOAuthClient {
  secret: string;
  /** Refresh tokens currently valid for this client; rotated tokens are appended. Mutable. */
  refreshTokens: string[];
  /** Scopes granted to access tokens issued to this client. */
  scopes: string[];
  /** Ad accounts granted to access tokens issued to this client. */
  accounts: string[];
}

/** A conversion tag the fake knows. */
export interface FakeConversionTag {
  id: string;
  ad_account_id: string;
  /** EntityStatus: ACTIVE, PAUSED, ARCHIVED, DRAFT, DELETED_DRAFT; default ACTIVE. */
  status?: string;
  name?: string;
}

/**
 * One scripted action, consumed by one request (events requests for `script()`, token requests for `scriptOAuth()`).
 * - `{status, body?, retryAfter?, rateLimitReset?, headers?}`: answer that status without processing (default body
 *   per status: 401 code 2, 403 code 29, 429 code 8, 503 code 4197, 500 code 0; 502 answers an HTML page, as a
 *   gateway would). `retryAfter` sets `Retry-After` (seconds), `rateLimitReset` sets `X-RateLimit-Reset` (seconds).
 * - `{destroySocket: true | 'mid-response'}`: write 200 headers and part of a body, then destroy the socket;
 *   `'before-response'`: destroy without writing anything. With `afterProcessing: true` the events are processed
 *   and recorded first (a lost response: Pinterest has the events, the client does not know).
 * - `{delayMs}`: wait, then apply the rest of the fault (or process normally when nothing else is set).
 * - `{trickleMs}`: write 200 headers, then one space (valid JSON whitespace) every `trickleMs` ms, never ending: a
 *   server that an idle (body) timeout never catches. Stops when the client closes the connection.
 * - `{bodyBytes}`: write 200 headers (no content-length), then `bodyBytes` bytes of spaces as fast as the client reads
 *   them, then `{}`: an oversized answer. `RecordedRequest.bytesSent` says how much was written before the client hung up.
 * - `{}`: no fault (a placeholder to let one request through).
 * - `forEventId` (events requests only) with any of the above: the fault waits in the queue for the first request
 *   whose body carries that event_id; other requests pass it by. For tests with batches in flight together, whose
 *   arrival order is not fixed.
 */
export interface Fault {
  status?: number;
  body?: unknown;
  retryAfter?: number;
  rateLimitReset?: number;
  headers?: Record<string, string>;
  destroySocket?: boolean | 'mid-response' | 'before-response';
  afterProcessing?: boolean;
  delayMs?: number;
  trickleMs?: number;
  bodyBytes?: number;
  forEventId?: string;
}

/** Options of startFakePinterest; every one has a default that accepts `sample_config.json`. */
export interface FakePinterestOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Known ad accounts (ids or objects); default: the three FAKE_DEFAULTS accounts. */
  accounts?: Array<string | FakeAdAccount>;
  /** Bearer token → grant; default: the FAKE_DEFAULTS tokens. */
  tokens?: Record<string, FakeToken>;
  /** client_id → OAuth app; default: FAKE_DEFAULTS.clientId. */
  oauthClients?: Record<string, FakeOAuthClient>;
  /** Known conversion tags; default: the two FAKE_DEFAULTS tags. */
  conversionTags?: FakeConversionTag[];
  /** Delay before every answer (ms); default 0. */
  latencyMs?: number;
  /** Events with these event_ids come back `failed`. */
  failEventIds?: Iterable<string>;
  /** Events with these event_ids come back `processed` with a warning_message. */
  warnEventIds?: Iterable<string>;
  /** A request containing any of these event_ids gets a whole-request 400 code 4196. */
  poisonEventIds?: Iterable<string>;
  /** Every nth events request (1-based count) answers 429; 0/undefined = never. */
  rate429Every?: number;
  /**
   * A rate ceiling: an events request answers 429 (Retry-After: 1) when this many were already answered normally
   * in the past second; 0/undefined = no ceiling.
   */
  maxEventsRequestsPerSecond?: number;
  /** Record requests, bodies and accepted events; false keeps counters only (benchmarks). Default true. */
  recordBodies?: boolean;
  /** When true a refresh token stops working once used; default false (old ones stay valid). */
  revokeOldRefreshTokens?: boolean;
  /** expires_in of issued access tokens (s); default 2592000 (30 days). */
  issuedTokenExpiresIn?: number;
  /** refresh_token_expires_in of issued refresh tokens (s); default 5184000 (60 days). */
  refreshTokenExpiresIn?: number;
  /** expiresAfterRequests given to issued access tokens; default none. */
  issuedTokenExpiresAfterRequests?: number;
  /** HTTP status for an unknown/revoked refresh token; default 400. */
  invalidGrantStatus?: number;
  /** Status when some events failed: 422 (default) or 200. */
  partialFailureStatus?: 422 | 200;
  /** Shape of 422 `details`: 'object' (default, {num_events_received, num_events_processed, events}) or 'array'. */
  partialFailureDetails?: 'object' | 'array';
  /** Clock in ms used for event_time checks; default Date.now. */
  now?: () => number;
  /** Largest accepted request body (bytes, after gunzip); default 20 MiB → 413 above. */
  maxBodyBytes?: number;
  /** Serve HTTPS with this PEM key and certificate (e.g. signed by a test CA); `url` then starts with https://. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** One request as the fake saw it (recorded only when recordBodies is true). */
export interface RecordedRequest {
  /** 1-based arrival number among recorded requests. */
  seq: number;
  method: string;
  /** Path without query, e.g. "/v5/ad_accounts/549755885175/events". */
  path: string;
  query: Record<string, string>;
  /** Lowercased header names, including authorization. */
  headers: Record<string, string>;
  /** Parsed JSON (events), form fields object (oauth), raw text when unparseable, undefined when empty. */
  body: unknown;
  /** Final HTTP status; 0 while in flight or when the socket was destroyed before a status line. */
  status: number;
  /** Scripted fault applied, if any. */
  fault?: Fault;
  /** The x-pinterest-rid sent back. */
  rid: string;
  /** Date.now() when the request's headers arrived (before its body was read). */
  receivedAt: number;
  /** Body bytes written for a `trickleMs` or `bodyBytes` fault before the answer ended or the client hung up. */
  bytesSent?: number;
}

/** An event the fake recorded as processed. */
export interface AcceptedEvent {
  event_id: string;
  /** The event exactly as sent. */
  event: Record<string, unknown>;
  adAccountId: string;
  /** seq of the request that carried it (0 when requests are not recorded). */
  requestSeq: number;
}

/** One access/refresh token pair issued by POST /oauth/token. */
export interface IssuedToken {
  clientId: string;
  access_token: string;
  refresh_token: string;
  /** The refresh token that was exchanged. */
  usedRefreshToken: string;
  scopes: string[];
}

/** Counters kept even with recordBodies false. */
export interface FakeCounters {
  requests: number;
  eventsRequests: number;
  testRequests: number;
  oauthRequests: number;
  adAccountRequests: number;
  conversionTagRequests: number;
  advertiserDefinedEventsRequests: number;
  eqsRequests: number;
  eventsReceived: number;
  eventsProcessed: number;
  eventsFailed: number;
  eventsWarned: number;
  /** Processed events of non-test requests. */
  acceptedEvents: number;
  /** Accepted events whose event_id had been accepted before (counted only when recordBodies is true). */
  duplicateAcceptedEvents: number;
  testEventsProcessed: number;
  faultsInjected: number;
  tokensIssued: number;
  bytesReceived: number;
  inFlight: number;
  maxInFlight: number;
  /** HTTP status → number of responses ("destroyed" for destroyed sockets). */
  byStatus: Record<string, number>;
}

/** A running fake. Option-like fields are live: mutate them at runtime. */
export interface FakePinterest {
  /** Base URL ending in /v5, e.g. http://127.0.0.1:41234/v5 — the value for PINTEREST_API_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** Every request (recordBodies true), in arrival order. */
  readonly requests: RecordedRequest[];
  /** Processed events of non-test requests, in processing order. */
  readonly accepted: AcceptedEvent[];
  /** Processed events of `?test=true` requests. */
  readonly testEvents: AcceptedEvent[];
  /** Token pairs issued by the token endpoint, in order. */
  readonly issuedTokens: IssuedToken[];
  readonly counters: FakeCounters;
  accounts: Map<string, FakeAdAccount>;
  tokens: Map<string, FakeToken>;
  oauthClients: Map<string, FakeOAuthClient>;
  conversionTags: Map<string, FakeConversionTag>;
  latencyMs: number;
  failEventIds: Set<string>;
  warnEventIds: Set<string>;
  poisonEventIds: Set<string>;
  rate429Every: number;
  maxEventsRequestsPerSecond: number;
  revokeOldRefreshTokens: boolean;
  issuedTokenExpiresAfterRequests: number | undefined;
  partialFailureStatus: 422 | 200;
  partialFailureDetails: 'object' | 'array';
  /** Queue faults for the next events requests (one per request, in order). */
  script(faults: Fault[]): void;
  /** Queue faults for the next POST /oauth/token requests. */
  scriptOAuth(faults: Fault[]): void;
  /** Queue faults for the next GET conversion_eqs requests. */
  scriptEqs(faults: Fault[]): void;
  /** Queue faults for the next GET advertiser_defined_events requests. */
  scriptAdvertiserDefinedEvents(faults: Fault[]): void;
  /** Faults not consumed yet. */
  pendingFaults(): { events: number; oauth: number; eqs: number; advertiserDefinedEvents: number };
  /** event_ids of `accepted`, in order (with duplicates, if any). */
  acceptedEventIds(): string[];
  /** Authenticated-request count per token (what expiresAfterRequests compares against). */
  tokenUses(token: string): number;
  /**
   * Clear recordings, counters, fault queues and token use counts, and restore failEventIds, warnEventIds,
   * poisonEventIds, rate429Every and latencyMs to their start values. Tokens, accounts, OAuth clients (including
   * rotated refresh tokens and issued access tokens) and tags are kept.
   */
  reset(): void;
  /** Stop listening and drop every connection. */
  close(): Promise<void>;
}

const SCHEMA_URL = new URL('../../src/pinterest/conversion-events.schema.json', import.meta.url);
let validator: ValidateFunction | undefined;

/** The events-body validator, compiled once per process. */
function getValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strictTypes: false, strictRequired: false });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Renders ajv errors as "<path>: <message> (<detail>)" parts; anyOf branches are folded into their anyOf. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined, max = 10): string {
  if (!errors || errors.length === 0) return 'invalid body';
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const parts: string[] = [];
  for (const e of errors) {
    const folded = anyOfs.some(
      (a) => a !== e && a.instancePath === e.instancePath && e.schemaPath.startsWith(a.schemaPath + '/'),
    );
    if (folded) continue;
    const path = e.instancePath || '/';
    let detail = '';
    if (e.keyword === 'additionalProperties') detail = ` (${String(e.params.additionalProperty)})`;
    else if (e.keyword === 'enum') detail = ` (${(e.params.allowedValues as unknown[]).join(', ')})`;
    else if (e.keyword === 'anyOf') {
      const missing = errors
        .filter((s) => s.keyword === 'required' && s.instancePath === e.instancePath && s.schemaPath.startsWith(e.schemaPath + '/'))
        .map((s) => String(s.params.missingProperty));
      if (missing.length) detail = ` (missing ${missing.join(', ')})`;
    }
    parts.push(`${path}: ${e.message ?? e.keyword}${detail}`);
  }
  const shown = parts.slice(0, max);
  if (parts.length > max) shown.push(`(and ${parts.length - max} more)`);
  return shown.join('; ');
}

const HEX64 = /^[0-9a-f]{64}$/;
const DECIMAL = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const ACCOUNT_ID = /^\d{1,18}$/;
const SEVEN_DAYS_S = 7 * 24 * 3600;

function defaultAccounts(): FakeAdAccount[] {
  return [
    {
      id: FAKE_DEFAULTS.adAccountId,
      name: 'Demo Shop Ads',
      permissions: ['OWNER'],
      advertiserDefinedEvents: FAKE_DEFAULTS.advertiserDefinedEvents.map((e) => ({ ...e })),
    },
    { id: FAKE_DEFAULTS.foreignAdAccountId, name: 'Someone Else Ads', permissions: ['OWNER'], owner: { id: '9000000000000002', username: 'someone_else' } },
    { id: FAKE_DEFAULTS.analystAdAccountId, name: 'Partner Agency Ads', permissions: ['ANALYST'], currency: 'GBP', country: 'GB', owner: { id: '9000000000000003', username: 'partner_agency' } },
  ];
}

function defaultTokens(): Record<string, FakeToken> {
  return {
    [FAKE_DEFAULTS.conversionToken]: { kind: 'conversion', accounts: [FAKE_DEFAULTS.adAccountId, FAKE_DEFAULTS.analystAdAccountId] },
    [FAKE_DEFAULTS.oauthAccessToken]: { kind: 'oauth', accounts: [FAKE_DEFAULTS.adAccountId, FAKE_DEFAULTS.analystAdAccountId], scopes: ['ads:read', 'ads:write'] },
    [FAKE_DEFAULTS.writeOnlyOAuthToken]: { kind: 'oauth', accounts: [FAKE_DEFAULTS.adAccountId], scopes: ['ads:write'] },
  };
}

function defaultOAuthClients(): Record<string, FakeOAuthClient> {
  return {
    [FAKE_DEFAULTS.clientId]: {
      secret: FAKE_DEFAULTS.clientSecret,
      refreshTokens: [FAKE_DEFAULTS.refreshToken],
      scopes: ['ads:read', 'ads:write'],
      accounts: [FAKE_DEFAULTS.adAccountId, FAKE_DEFAULTS.analystAdAccountId],
    },
  };
}

function defaultTags(): FakeConversionTag[] {
  return [
    { id: FAKE_DEFAULTS.conversionTagId, ad_account_id: FAKE_DEFAULTS.adAccountId, status: 'ACTIVE', name: 'Demo Shop Checkout Tag' },
    { id: FAKE_DEFAULTS.pausedConversionTagId, ad_account_id: FAKE_DEFAULTS.adAccountId, status: 'PAUSED', name: 'Old Landing Tag' },
  ];
}

function emptyCounters(): FakeCounters {
  return {
    requests: 0, eventsRequests: 0, testRequests: 0, oauthRequests: 0, adAccountRequests: 0, conversionTagRequests: 0,
    advertiserDefinedEventsRequests: 0, eqsRequests: 0,
    eventsReceived: 0, eventsProcessed: 0, eventsFailed: 0, eventsWarned: 0, acceptedEvents: 0,
    duplicateAcceptedEvents: 0, testEventsProcessed: 0, faultsInjected: 0, tokensIssued: 0, bytesReceived: 0,
    inFlight: 0, maxInFlight: 0, byStatus: {},
  };
}

/** The event_ids in an events request body (`{data: [{event_id}]}`), or none when it has another shape. */
function bodyEventIds(body: unknown): string[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data.map((e) => String((e as { event_id?: unknown } | null)?.event_id)) : [];
}

/** Pinterest-like default body for a scripted status. */
function defaultFaultBody(status: number): unknown {
  switch (status) {
    case 400: return { code: 4196, message: 'The request was invalid.' };
    case 401: return { code: 2, message: 'Authentication failed.' };
    case 403: return { code: 29, message: 'You are not permitted to access that resource.' };
    case 404: return { code: 2, message: 'Not found.' };
    case 429: return { code: 8, message: 'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.' };
    case 503: return { code: 4197, message: 'The endpoint has been ramped down and is currently not accepting any traffic.' };
    default: return { code: 0, message: status >= 500 ? 'Internal server error.' : `HTTP ${status}` };
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writes one space every `intervalMs` until the client hangs up; resolves with the bytes written. */
function trickle(res: http.ServerResponse, intervalMs: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) return;
      res.write(' ');
      sent += 1;
    }, intervalMs);
    res.on('close', () => {
      clearInterval(timer);
      resolve(sent);
    });
  });
}

/** Writes `total` bytes of spaces then `{}`, pausing while the client does not read; resolves with the bytes written. */
async function writeSpaces(res: http.ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  while (sent < total && !res.destroyed) {
    const n = Math.min(chunk.length, total - sent);
    sent += n;
    if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
      await new Promise<void>((r) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          r();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end('{}');
  return sent;
}

interface Reply {
  status: number;
  body?: unknown;
  /** Raw text body (with its content type) instead of JSON. */
  text?: { contentType: string; data: string };
  headers?: Record<string, string>;
}

const err = (status: number, code: number, message: string): Reply => ({ status, body: { code, message } });

class FakePinterestServer implements FakePinterest {
  url = '';
  port = 0;
  requests: RecordedRequest[] = [];
  accepted: AcceptedEvent[] = [];
  testEvents: AcceptedEvent[] = [];
  issuedTokens: IssuedToken[] = [];
  counters: FakeCounters = emptyCounters();
  accounts: Map<string, FakeAdAccount>;
  tokens: Map<string, FakeToken>;
  oauthClients: Map<string, FakeOAuthClient>;
  conversionTags: Map<string, FakeConversionTag>;
  latencyMs: number;
  failEventIds: Set<string>;
  warnEventIds: Set<string>;
  poisonEventIds: Set<string>;
  rate429Every: number;
  maxEventsRequestsPerSecond: number;
  revokeOldRefreshTokens: boolean;
  issuedTokenExpiresAfterRequests: number | undefined;
  partialFailureStatus: 422 | 200;
  partialFailureDetails: 'object' | 'array';

  private readonly server: http.Server | https.Server;
  private readonly opts: FakePinterestOptions;
  private readonly recordBodies: boolean;
  private readonly now: () => number;
  private eventFaults: Fault[] = [];
  private oauthFaults: Fault[] = [];
  private eqsFaults: Fault[] = [];
  private adeFaults: Fault[] = [];
  private readonly quality = new EventQualityTally();
  private uses = new Map<string, number>();
  private acceptedIds = new Set<string>();
  private ridSeq = 0;
  private tokenSeq = 0;
  private readonly ridPrefix = randomBytes(3).toString('hex');

  constructor(opts: FakePinterestOptions) {
    this.opts = opts;
    this.recordBodies = opts.recordBodies ?? true;
    this.now = opts.now ?? Date.now;
    this.accounts = new Map(
      (opts.accounts ?? defaultAccounts()).map((a) => (typeof a === 'string' ? { id: a } : { ...a })).map((a) => [a.id, a]),
    );
    this.tokens = new Map(Object.entries(opts.tokens ?? defaultTokens()).map(([k, v]) => [k, { ...v, accounts: [...v.accounts] }]));
    this.oauthClients = new Map(
      Object.entries(opts.oauthClients ?? defaultOAuthClients()).map(([k, v]) => [k, { ...v, refreshTokens: [...v.refreshTokens] }]),
    );
    this.conversionTags = new Map((opts.conversionTags ?? defaultTags()).map((t) => [t.id, { ...t }]));
    this.latencyMs = opts.latencyMs ?? 0;
    this.failEventIds = new Set(opts.failEventIds ?? []);
    this.warnEventIds = new Set(opts.warnEventIds ?? []);
    this.poisonEventIds = new Set(opts.poisonEventIds ?? []);
    this.rate429Every = opts.rate429Every ?? 0;
    this.maxEventsRequestsPerSecond = opts.maxEventsRequestsPerSecond ?? 0;
    this.revokeOldRefreshTokens = opts.revokeOldRefreshTokens ?? false;
    this.issuedTokenExpiresAfterRequests = opts.issuedTokenExpiresAfterRequests;
    this.partialFailureStatus = opts.partialFailureStatus ?? 422;
    this.partialFailureDetails = opts.partialFailureDetails ?? 'object';
    getValidator();
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.send(res, { status: 500, body: { code: 0, message: `fake-pinterest bug: ${String(e)}` } }, this.nextRid());
        }
      });
    };
    this.server = opts.tls
      ? https.createServer({ keepAlive: true, key: opts.tls.key, cert: opts.tls.cert }, onRequest)
      : http.createServer({ keepAlive: true }, onRequest);
    // Longer than undici's 4 s default so that the client, not the server, closes idle sockets.
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 35_000;
    this.server.maxHeadersCount = 200;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}/v5`;
  }

  script(faults: Fault[]): void {
    this.eventFaults.push(...faults.map((f) => ({ ...f })));
  }

  /** The first scripted events fault that applies to a request with this body (see `Fault.forEventId`), dequeued. */
  private takeEventFault(body: unknown): Fault | undefined {
    let ids: string[] | undefined;
    const i = this.eventFaults.findIndex((f) => f.forEventId === undefined || (ids ??= bodyEventIds(body)).includes(f.forEventId));
    return i < 0 ? undefined : this.eventFaults.splice(i, 1)[0];
  }

  scriptOAuth(faults: Fault[]): void {
    this.oauthFaults.push(...faults.map((f) => ({ ...f })));
  }

  scriptEqs(faults: Fault[]): void {
    this.eqsFaults.push(...faults.map((f) => ({ ...f })));
  }

  scriptAdvertiserDefinedEvents(faults: Fault[]): void {
    this.adeFaults.push(...faults.map((f) => ({ ...f })));
  }

  pendingFaults(): { events: number; oauth: number; eqs: number; advertiserDefinedEvents: number } {
    return { events: this.eventFaults.length, oauth: this.oauthFaults.length, eqs: this.eqsFaults.length, advertiserDefinedEvents: this.adeFaults.length };
  }

  acceptedEventIds(): string[] {
    return this.accepted.map((a) => a.event_id);
  }

  tokenUses(token: string): number {
    return this.uses.get(token) ?? 0;
  }

  reset(): void {
    this.requests.length = 0;
    this.accepted.length = 0;
    this.testEvents.length = 0;
    this.issuedTokens.length = 0;
    const inFlight = this.counters.inFlight;
    Object.assign(this.counters, emptyCounters(), { inFlight });
    this.eventFaults = [];
    this.oauthFaults = [];
    this.eqsFaults = [];
    this.adeFaults = [];
    this.quality.clear();
    this.uses.clear();
    this.acceptedIds.clear();
    this.failEventIds = new Set(this.opts.failEventIds ?? []);
    this.warnEventIds = new Set(this.opts.warnEventIds ?? []);
    this.poisonEventIds = new Set(this.opts.poisonEventIds ?? []);
    this.rate429Every = this.opts.rate429Every ?? 0;
    this.maxEventsRequestsPerSecond = this.opts.maxEventsRequestsPerSecond ?? 0;
    this.recentEventsRequests = [];
    this.latencyMs = this.opts.latencyMs ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Times (ms) of the events requests answered normally in the past second, for maxEventsRequestsPerSecond. */
  private recentEventsRequests: number[] = [];

  /** True when this events request goes over maxEventsRequestsPerSecond; otherwise counts it. */
  private overRateCeiling(): boolean {
    if (this.maxEventsRequestsPerSecond <= 0) return false;
    const now = Date.now();
    while (this.recentEventsRequests.length > 0 && this.recentEventsRequests[0] <= now - 1000) this.recentEventsRequests.shift();
    if (this.recentEventsRequests.length >= this.maxEventsRequestsPerSecond) return true;
    this.recentEventsRequests.push(now);
    return false;
  }

  private nextRid(): string {
    this.ridSeq += 1;
    return `${this.ridPrefix}${this.ridSeq.toString(16).padStart(10, '0')}`;
  }

  private count(status: number | 'destroyed'): void {
    const k = String(status);
    this.counters.byStatus[k] = (this.counters.byStatus[k] ?? 0) + 1;
  }

  private send(res: http.ServerResponse, reply: Reply, rid: string): void {
    const headers: Record<string, string> = { 'x-pinterest-rid': rid, ...(reply.headers ?? {}) };
    if (reply.status === 204 || reply.status === 304) {
      // HTTP forbids a body on these (RFC 9110 §15.3.5, §15.4.5): answer them bare, as a server would.
      this.count(reply.status);
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    let payload: string;
    if (reply.text) {
      headers['content-type'] = reply.text.contentType;
      payload = reply.text.data;
    } else {
      headers['content-type'] = 'application/json; charset=utf-8';
      payload = JSON.stringify(reply.body ?? {});
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    this.count(reply.status);
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const rawUrl = new URL(req.url ?? '/', 'http://fake');
    const path = rawUrl.pathname;
    let raw = await this.readBody(req);

    if (path.startsWith('/_fake/')) {
      this.admin(req.method ?? 'GET', path, raw, res);
      return;
    }

    const c = this.counters;
    c.requests += 1;
    c.bytesReceived += raw.length;
    c.inFlight += 1;
    c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
    const rid = this.nextRid();
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(rawUrl.searchParams);
    const record: RecordedRequest | undefined = this.recordBodies
      ? {
          seq: this.requests.length + 1,
          method,
          path,
          query,
          headers: Object.fromEntries(
            Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
          ),
          body: undefined,
          status: 0,
          rid,
          receivedAt: arrivedAt,
        }
      : undefined;
    if (record) this.requests.push(record);

    try {
      if ((req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip' && raw.length > 0) {
        try {
          raw = gunzipSync(raw);
        } catch {
          return this.finish(res, record, err(400, 4196, 'The request was invalid. Body is not valid gzip.'), rid);
        }
      }
      // The latency is spent before the body is parsed: a dozen parsed batches held through it made the fake's
      // garbage collector compete with the connector for the machine's cores (real Pinterest does not share them).
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const text = raw.toString('utf8');
      const contentType = (req.headers['content-type'] ?? '').toLowerCase();
      let parsed: unknown = undefined;
      let jsonOk = false;
      if (text.length > 0) {
        if (contentType.includes('application/x-www-form-urlencoded')) parsed = Object.fromEntries(new URLSearchParams(text));
        else {
          try {
            parsed = JSON.parse(text);
            jsonOk = true;
          } catch {
            parsed = text;
          }
        }
      }
      if (record) record.body = parsed;

      if (raw.length > (this.opts.maxBodyBytes ?? 20 * 1024 * 1024)) {
        return this.finish(res, record, err(413, 4196, 'The request was invalid. Request body too large.'), rid);
      }

      const segs = path.split('/').filter(Boolean);
      if (segs[0] !== 'v5') return this.finish(res, record, err(404, 404, `No route for ${method} ${path}`), rid);

      if (segs.length === 3 && segs[1] === 'oauth' && segs[2] === 'token') {
        if (method !== 'POST') return this.finish(res, record, err(405, 405, 'Method not allowed.'), rid);
        c.oauthRequests += 1;
        const fault = this.oauthFaults.shift();
        if (fault && (await this.applyFault(fault, req, res, record, rid))) return;
        return this.finish(res, record, this.oauthToken(req, parsed, contentType), rid);
      }

      if (segs[1] === 'ad_accounts' && segs.length >= 3) {
        const accountId = decodeURIComponent(segs[2]);
        if (segs.length === 4 && segs[3] === 'events') {
          if (method !== 'POST') return this.finish(res, record, err(405, 405, 'Method not allowed.'), rid);
          c.eventsRequests += 1;
          const fault = this.takeEventFault(parsed);
          if (fault && (await this.applyFault(fault, req, res, record, rid, () => this.events(req, accountId, query, parsed, jsonOk, contentType, record)))) return;
          if (this.rate429Every > 0 && c.eventsRequests % this.rate429Every === 0) {
            c.faultsInjected += 1;
            return this.finish(res, record, { status: 429, body: defaultFaultBody(429) }, rid);
          }
          if (this.overRateCeiling()) {
            c.faultsInjected += 1;
            return this.finish(res, record, { status: 429, body: defaultFaultBody(429), headers: { 'retry-after': '1' } }, rid);
          }
          return this.finish(res, record, this.events(req, accountId, query, parsed, jsonOk, contentType, record), rid);
        }
        if (segs.length === 3) {
          if (method !== 'GET') return this.finish(res, record, err(405, 405, 'Method not allowed.'), rid);
          c.adAccountRequests += 1;
          return this.finish(res, record, this.getAdAccount(req, accountId), rid);
        }
        if (segs.length === 4 && (segs[3] === 'conversion_eqs' || segs[3] === 'advertiser_defined_events')) {
          if (method !== 'GET') return this.finish(res, record, err(405, 405, 'Method not allowed.'), rid);
          const eqs = segs[3] === 'conversion_eqs';
          if (eqs) c.eqsRequests += 1;
          else c.advertiserDefinedEventsRequests += 1;
          const fault = (eqs ? this.eqsFaults : this.adeFaults).shift();
          if (fault && (await this.applyFault(fault, req, res, record, rid))) return;
          return this.finish(res, record, eqs ? this.getEventQualityScore(req, accountId, query) : this.getAdvertiserDefinedEvents(req, accountId), rid);
        }
        if (segs.length === 5 && segs[3] === 'conversion_tags') {
          if (method !== 'GET') return this.finish(res, record, err(405, 405, 'Method not allowed.'), rid);
          c.conversionTagRequests += 1;
          return this.finish(res, record, this.getConversionTag(req, accountId, decodeURIComponent(segs[4])), rid);
        }
      }
      return this.finish(res, record, err(404, 404, `No route for ${method} ${path}`), rid);
    } finally {
      c.inFlight -= 1;
    }
  }

  private finish(res: http.ServerResponse, record: RecordedRequest | undefined, reply: Reply, rid: string): void {
    if (record) record.status = reply.status;
    if (!res.destroyed) this.send(res, reply, rid);
  }

  /** Applies a fault; true when the request has been answered (or its socket destroyed). */
  private async applyFault(
    fault: Fault,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: RecordedRequest | undefined,
    rid: string,
    process?: () => Reply,
  ): Promise<boolean> {
    if (record) record.fault = fault;
    if (fault.delayMs && fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.destroySocket) {
      this.counters.faultsInjected += 1;
      if (fault.afterProcessing && process) {
        const r = process();
        if (record) record.status = r.status;
      }
      this.count('destroyed');
      if (fault.destroySocket === 'before-response') {
        if (record) record.status = 0;
        req.socket.destroy();
        return true;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096', 'x-pinterest-rid': rid });
      res.write('{"num_events_received":');
      if (record) record.status = 200;
      await new Promise<void>((r) => setImmediate(r));
      req.socket.destroy();
      return true;
    }
    if (fault.trickleMs !== undefined || fault.bodyBytes !== undefined) {
      this.counters.faultsInjected += 1;
      this.count(200);
      if (record) record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'x-pinterest-rid': rid });
      const sent = fault.trickleMs !== undefined ? await trickle(res, fault.trickleMs) : await writeSpaces(res, fault.bodyBytes!);
      if (record) record.bytesSent = sent;
      return true;
    }
    if (fault.status !== undefined) {
      this.counters.faultsInjected += 1;
      const headers: Record<string, string> = { ...(fault.headers ?? {}) };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.rateLimitReset !== undefined) headers['x-ratelimit-reset'] = String(fault.rateLimitReset);
      let reply: Reply;
      if (fault.body !== undefined) {
        reply = typeof fault.body === 'string'
          ? { status: fault.status, text: { contentType: 'text/plain; charset=utf-8', data: fault.body }, headers }
          : { status: fault.status, body: fault.body, headers };
      } else if (fault.status === 502) {
        reply = { status: 502, text: { contentType: 'text/html', data: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n' }, headers };
      } else {
        reply = { status: fault.status, body: defaultFaultBody(fault.status), headers };
      }
      this.finish(res, record, reply, rid);
      return true;
    }
    return false;
  }

  /** Resolves the bearer token; a Reply when authentication fails. Counts a use on success. */
  private authenticate(req: http.IncomingMessage): { token: string; grant: FakeToken } | Reply {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    const grant = m ? this.tokens.get(m[1]) : undefined;
    if (!m || !grant) return err(401, 2, 'Authentication failed.');
    const used = (this.uses.get(m[1]) ?? 0) + 1;
    this.uses.set(m[1], used);
    if (grant.expiresAfterRequests !== undefined && used > grant.expiresAfterRequests) {
      return err(401, 2, 'Authentication failed.');
    }
    return { token: m[1], grant };
  }

  private events(
    req: http.IncomingMessage,
    accountId: string,
    query: Record<string, string>,
    body: unknown,
    jsonOk: boolean,
    contentType: string,
    record: RecordedRequest | undefined,
  ): Reply {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    const { grant } = auth;
    if (grant.kind === 'oauth' && !(grant.scopes ?? ['ads:read', 'ads:write']).includes('ads:write')) {
      return err(403, 3, 'Authorization failed. The access token is missing the required scope ads:write.');
    }
    if (!ACCOUNT_ID.test(accountId)) {
      return err(400, 1, `Invalid parameters. ad_account_id must be 1 to 18 digits (got "${accountId.slice(0, 40)}").`);
    }
    if (!this.accounts.has(accountId)) return err(404, 2, 'AdAccount not found.');
    if (!grant.accounts.includes(accountId)) return err(403, 29, 'You are not permitted to access that resource.');
    if (!contentType.startsWith('application/json')) {
      return err(400, 4196, 'The request was invalid. Content-Type must be application/json.');
    }
    if (!jsonOk) return err(400, 4196, 'The request was invalid. The body is not valid JSON.');
    const validate = getValidator();
    if (!validate(body)) {
      return err(400, 4196, `The request was invalid. ${describeSchemaErrors(validate.errors)}`);
    }
    const events = (body as { data: Array<Record<string, unknown>> }).data;
    if (this.poisonEventIds.size > 0) {
      const idx = events.findIndex((e) => this.poisonEventIds.has(String(e.event_id)));
      if (idx >= 0) {
        return err(400, 4196, `The request was invalid. /data/${idx}: event could not be parsed.`);
      }
    }

    const isTest = String(query.test ?? '').toLowerCase() === 'true';
    const c = this.counters;
    if (isTest) c.testRequests += 1;
    const nowS = Math.floor(this.now() / 1000);
    const advertiserDefined = new Set((this.accounts.get(accountId)?.advertiserDefinedEvents ?? []).map((e) => e.name.toLowerCase()));
    const results: Array<{ status: 'processed' | 'failed'; error_message: string | null; warning_message: string | null }> = [];
    let processed = 0;
    for (const ev of events) {
      const errors: string[] = [];
      const warnings: string[] = [];
      const eventId = String(ev.event_id);
      if (!PINTEREST_EVENT_NAMES.includes(String(ev.event_name)) && !advertiserDefined.has(String(ev.event_name).toLowerCase())) {
        errors.push(`event_name "${String(ev.event_name)}" is not a supported event type.`);
      }
      const t = ev.event_time as number;
      if (t > nowS + 60) errors.push('event_time is in the future.');
      else if (t < nowS - SEVEN_DAYS_S) errors.push('event_time is more than 7 days in the past.');
      const ud = (ev.user_data ?? {}) as Record<string, unknown>;
      for (const key of HASHED_USER_DATA_KEYS) {
        const arr = ud[key];
        if (!Array.isArray(arr)) continue;
        arr.forEach((v, i) => {
          if (typeof v !== 'string' || !HEX64.test(v)) {
            errors.push(`user_data.${key}[${i}] is not a SHA-256 hash (64 lowercase hex characters).`);
          }
        });
      }
      if (this.failEventIds.has(eventId)) errors.push('Event could not be processed.');
      const cd = ev.custom_data as Record<string, unknown> | undefined;
      if (cd && typeof cd.value === 'string' && !DECIMAL.test(cd.value)) warnings.push('custom_data.value is not a number and was ignored.');
      if (this.warnEventIds.has(eventId)) warnings.push('Some fields are not standard and were ignored.');

      if (errors.length) {
        c.eventsFailed += 1;
        results.push({ status: 'failed', error_message: errors.join(' '), warning_message: warnings.length ? warnings.join(' ') : null });
        continue;
      }
      processed += 1;
      if (warnings.length) c.eventsWarned += 1;
      results.push({ status: 'processed', error_message: null, warning_message: warnings.length ? warnings.join(' ') : null });
      if (isTest) {
        c.testEventsProcessed += 1;
        if (this.recordBodies) this.testEvents.push({ event_id: eventId, event: ev, adAccountId: accountId, requestSeq: record?.seq ?? 0 });
      } else {
        c.acceptedEvents += 1;
        this.quality.add(accountId, ev);
        if (this.recordBodies) {
          if (this.acceptedIds.has(eventId)) c.duplicateAcceptedEvents += 1;
          else this.acceptedIds.add(eventId);
          this.accepted.push({ event_id: eventId, event: ev, adAccountId: accountId, requestSeq: record?.seq ?? 0 });
        }
      }
    }
    c.eventsReceived += events.length;
    c.eventsProcessed += processed;
    const summary = { num_events_received: events.length, num_events_processed: processed, events: results };
    if (processed === events.length || this.partialFailureStatus === 200) return { status: 200, body: summary };
    return {
      status: 422,
      body: {
        code: 4198,
        message: 'Not all events were successfully processed.',
        details: this.partialFailureDetails === 'array' ? results : summary,
      },
    };
  }

  private oauthToken(req: http.IncomingMessage, body: unknown, contentType: string): Reply {
    const m = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    let clientId = '';
    let secret = '';
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0) {
        clientId = decoded.slice(0, i);
        secret = decoded.slice(i + 1);
      }
    }
    const client = this.oauthClients.get(clientId);
    if (!client || client.secret !== secret) return err(401, 2, 'Authentication failed.');
    if (!contentType.includes('application/x-www-form-urlencoded') || typeof body !== 'object' || body === null) {
      return err(400, 1, 'Missing request body parameter: grant_type (expected application/x-www-form-urlencoded).');
    }
    const form = body as Record<string, string>;
    if (!form.grant_type) return err(400, 1, 'Missing request body parameter: grant_type.');
    if (form.grant_type !== 'refresh_token') {
      return err(400, 1, `Unsupported grant_type "${form.grant_type}" (the fake implements refresh_token only).`);
    }
    if (!form.refresh_token) return err(400, 1, 'Missing request body parameter: refresh_token.');
    const idx = client.refreshTokens.indexOf(form.refresh_token);
    if (idx < 0) return err(this.opts.invalidGrantStatus ?? 400, 283, 'The authorization grant is invalid');

    let scopes = client.scopes;
    if (form.scope) {
      const asked = form.scope.split(/[\s,]+/).filter(Boolean);
      scopes = client.scopes.filter((s) => asked.includes(s));
    }
    this.tokenSeq += 1;
    const access = `pina_fake${this.tokenSeq}_${randomBytes(12).toString('hex')}`;
    const refresh = `pinr_fake${this.tokenSeq}_${randomBytes(12).toString('hex')}`;
    this.tokens.set(access, {
      kind: 'oauth',
      accounts: [...client.accounts],
      scopes: [...scopes],
      expiresAfterRequests: this.issuedTokenExpiresAfterRequests,
    });
    if (this.revokeOldRefreshTokens) client.refreshTokens.splice(idx, 1);
    client.refreshTokens.push(refresh);
    this.counters.tokensIssued += 1;
    this.issuedTokens.push({ clientId, access_token: access, refresh_token: refresh, usedRefreshToken: form.refresh_token, scopes: [...scopes] });
    const refreshExpiresIn = this.opts.refreshTokenExpiresIn ?? 5_184_000;
    return {
      status: 200,
      body: {
        access_token: access,
        refresh_token: refresh,
        response_type: 'refresh_token',
        token_type: 'bearer',
        expires_in: this.opts.issuedTokenExpiresIn ?? 2_592_000,
        refresh_token_expires_in: refreshExpiresIn,
        refresh_token_expires_at: Math.floor(this.now() / 1000) + refreshExpiresIn,
        scope: scopes.join(','),
      },
    };
  }

  /** Shared auth for the read endpoints: OAuth token with ads:read, valid id, granted account. */
  private readAccess(req: http.IncomingMessage, accountId: string): { account: FakeAdAccount } | Reply {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    const { grant } = auth;
    if (grant.kind === 'conversion') {
      return err(403, 3, 'Authorization failed. A conversion access token can only send conversion events; this endpoint needs an OAuth token with scope ads:read.');
    }
    if (!(grant.scopes ?? ['ads:read', 'ads:write']).includes('ads:read')) {
      return err(403, 3, 'Authorization failed. The access token is missing the required scope ads:read.');
    }
    if (!ACCOUNT_ID.test(accountId)) {
      return err(400, 1, `Invalid parameters. ad_account_id must be 1 to 18 digits (got "${accountId.slice(0, 40)}").`);
    }
    const account = this.accounts.get(accountId);
    if (!account) return err(404, 2, 'AdAccount not found.');
    if (!grant.accounts.includes(accountId)) return err(403, 29, 'You are not permitted to access that resource.');
    return { account };
  }

  private getAdAccount(req: http.IncomingMessage, accountId: string): Reply {
    const r = this.readAccess(req, accountId);
    if ('status' in r) return r;
    const a = r.account;
    return {
      status: 200,
      body: {
        id: a.id,
        name: a.name ?? `Ad account ${a.id}`,
        owner: a.owner ?? { id: '9000000000000001', username: 'demo_shop' },
        country: a.country ?? 'US',
        currency: a.currency ?? 'USD',
        permissions: a.permissions ?? ['OWNER'],
        created_time: 1_600_000_000,
        updated_time: 1_700_000_000,
      },
    };
  }

  private getConversionTag(req: http.IncomingMessage, accountId: string, tagId: string): Reply {
    const r = this.readAccess(req, accountId);
    if ('status' in r) return r;
    if (!ACCOUNT_ID.test(tagId)) return err(400, 1, 'Invalid parameters. conversion_tag_id must be 1 to 18 digits.');
    const tag = this.conversionTags.get(tagId);
    if (!tag || tag.ad_account_id !== accountId) return err(404, 2, 'Conversion tag not found.');
    return {
      status: 200,
      body: {
        ad_account_id: tag.ad_account_id,
        id: tag.id,
        name: tag.name ?? `Tag ${tag.id}`,
        status: tag.status ?? 'ACTIVE',
        code_snippet: '<script type="text/javascript">/* fake tag */</script>',
        enhanced_match_status: 'VALIDATION_COMPLETE',
        last_fired_time_ms: 1_700_000_000_000,
        version: '3',
        configs: {
          aem_enabled: true, aem_db_enabled: false, aem_fnln_enabled: false, aem_ge_enabled: false,
          aem_ph_enabled: false, aem_loc_enabled: false, aem_external_id_enabled: false, md_frequency: 1,
        },
      },
    };
  }

  private getAdvertiserDefinedEvents(req: http.IncomingMessage, accountId: string): Reply {
    const r = this.readAccess(req, accountId);
    if ('status' in r) return r;
    return { status: 200, body: { items: (r.account.advertiserDefinedEvents ?? []).map((e) => ({ name: e.name, mapped_conversion_type: e.mapped_conversion_type })) } };
  }

  private getEventQualityScore(req: http.IncomingMessage, accountId: string, query: Record<string, string>): Reply {
    const r = this.readAccess(req, accountId);
    if ('status' in r) return r;
    const oneOf = (name: string, allowed: readonly string[], required: boolean): Reply | undefined => {
      const v = query[name];
      if (v === undefined ? required : !allowed.includes(v)) {
        return err(400, 1, `Invalid parameters. ${name} must be one of ${allowed.join(', ')}.`);
      }
      return undefined;
    };
    const bad =
      oneOf('lookback_period', LOOKBACK_PERIODS, true) ??
      oneOf('source_platform', SOURCE_PLATFORMS, false) ??
      oneOf('ingestion_source', INGESTION_SOURCES, false);
    if (bad) return bad;
    return {
      status: 200,
      body: this.quality.scores(accountId, { lookbackPeriod: query.lookback_period, sourcePlatform: query.source_platform, ingestionSource: query.ingestion_source }),
    };
  }

  private admin(method: string, path: string, raw: Buffer, res: http.ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      const payload = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
      res.end(payload);
    };
    if (method === 'GET' && path === '/_fake/counters') return reply(200, { ...this.counters, pendingFaults: this.pendingFaults() });
    if (method === 'GET' && path === '/_fake/accepted') {
      if (!this.recordBodies) return reply(409, { ok: false, message: 'accepted events are recorded only with --record (recordBodies)' });
      return reply(200, { accepted: this.accepted.map((a) => a.event), test_events: this.testEvents.map((a) => a.event) });
    }
    if (method === 'POST' && path === '/_fake/reset') {
      this.reset();
      return reply(200, { ok: true });
    }
    if (method === 'POST' && path === '/_fake/script') {
      try {
        const body = JSON.parse(raw.toString('utf8')) as
          | Fault[]
          | { faults?: Fault[]; oauth?: Fault[]; eqs?: Fault[]; advertiser_defined_events?: Fault[] };
        const events = Array.isArray(body) ? body : body.faults ?? [];
        const oauth = Array.isArray(body) ? [] : body.oauth ?? [];
        this.script(events);
        this.scriptOAuth(oauth);
        if (!Array.isArray(body)) {
          this.scriptEqs(body.eqs ?? []);
          this.scriptAdvertiserDefinedEvents(body.advertiser_defined_events ?? []);
        }
        return reply(200, { ok: true, pendingFaults: this.pendingFaults() });
      } catch (e) {
        return reply(400, { ok: false, message: String(e) });
      }
    }
    return reply(404, { ok: false, message: `unknown admin route ${method} ${path}` });
  }
}

/**
 * Starts a fake Pinterest API on 127.0.0.1 and resolves once it listens. `startFakePinterest()` with no options
 * accepts `integration_tests/sample_config.json` (see FAKE_DEFAULTS).
 */
export async function startFakePinterest(options: FakePinterestOptions = {}): Promise<FakePinterest> {
  const fake = new FakePinterestServer(options);
  await fake.listen();
  return fake;
}
