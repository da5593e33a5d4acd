/**
 * Pinterest's own feedback on the events of an ad account, read for reports only: the advertiser-defined events it
 * knows, and its Event Quality Score (EQS). Both reads need an OAuth token with `ads:read` (a conversion token is
 * refused), are one bounded request each ({@link PinterestClient.readOnce}), and never throw: a failure comes back as a
 * value-free sentence for one WARN line.
 *
 * Sources: Pinterest OpenAPI 5.28 `GET /ad_accounts/{id}/advertiser_defined_events` (AdvertiserDefinedEventsResponse)
 * and OpenAPI 5.23 `GET /ad_accounts/{id}/conversion_eqs` (EventQualityScore, QualityComponents,
 * QualityComponentDetails, QualityComponentIssue); project reference notes §5.
 */
import type { PinterestClient } from './client.js';
import { describeAnswer, errorBody, PinterestError } from './errors.js';

/** How long one report read may take before it is abandoned, ms. */
export const INSIGHT_READ_TIMEOUT_MS = 10_000;

/** The lookback window asked for: Pinterest computes the score over the events of this many days (`1d` or `14d`). */
export const EQS_LOOKBACK_PERIOD = '14d';

/**
 * Outcome of a report read: the value, or why there is none (a sentence without secrets or personal data). `fatal` is
 * set when the credentials themselves failed (the OAuth refresh was refused, or a 401 after refreshing): the same
 * error would end a sync at its first events request.
 */
export type InsightRead<T> = { ok: true; value: T } | { ok: false; problem: string; fatal?: PinterestError };

/** One advertiser-defined event of the ad account. */
export interface AdvertiserDefinedEvent {
  /** The name, as Pinterest lists it. */
  name: string;
  /** The standard conversion type it counts as (e.g. LEAD), when Pinterest says. */
  mappedConversionType?: string;
}

/** Coverage of one quality component for one event type (QualityComponentDetails). */
export interface QualityComponentDetails {
  /** Percent of the events carrying the component, 0–100. */
  coverage: number;
  /** Percent of the events that Pinterest also received from the tag (only for external_event_id). */
  overlap?: number;
  /** Issue names and reasons Pinterest lists. */
  issues: { id: string; name: string; reason: string }[];
}

/** One EventQualityScore: a source platform's score over the lookback window. */
export interface EventQualityScore {
  /** e.g. WEB, MOBILE_IOS, OFFLINE. */
  sourcePlatform: string;
  ingestionSource: string;
  lookbackPeriod: string;
  /** NEEDS_IMPROVEMENT, FAIR or GOOD. */
  overallStatus: string;
  /** Component (e.g. hashed_email) → event type → details. */
  components: Record<string, Record<string, QualityComponentDetails>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Why a report read failed, as one phrase naming the cause: 401/403 → the token lacks access, 404, 429, 5xx, other
 * answers, network errors and timeouts.
 */
export function readFailure(err: unknown, answer?: { status: number; body: unknown; requestId?: string }): string {
  if (answer) {
    const what = describeAnswer(answer.status, errorBody(answer.body), answer.requestId);
    if (answer.status === 401 || answer.status === 403) return `Pinterest refused it (${what}): it needs OAuth credentials whose token has the ads:read scope on this ad account`;
    if (answer.status === 404) return `Pinterest does not offer it for this ad account (${what})`;
    if (answer.status === 429) return `Pinterest rate-limited the request (${what}); it is not retried, so the sync is not held up`;
    if (answer.status >= 500) return `Pinterest failed to answer (${what}); it is not retried`;
    if (answer.status === 200) return 'Pinterest answered in a shape this connector does not know';
    return `Pinterest answered ${what}`;
  }
  if (err instanceof PinterestError) return err.message.replace(/^Could not read from Pinterest \((.*)\)\.$/, '$1');
  return (err as Error)?.message ?? String(err);
}

/** `{items: [{name, mapped_conversion_type}]}` → the events; items without a usable name are skipped. */
export function parseAdvertiserDefinedEvents(body: unknown): AdvertiserDefinedEvent[] | undefined {
  if (!isObject(body) || !Array.isArray(body.items)) return undefined;
  const out: AdvertiserDefinedEvent[] = [];
  for (const item of body.items) {
    if (!isObject(item) || typeof item.name !== 'string' || item.name.trim() === '') continue;
    const type = item.mapped_conversion_type;
    out.push(typeof type === 'string' && type ? { name: item.name.trim(), mappedConversionType: type } : { name: item.name.trim() });
  }
  return out;
}

/** One QualityComponentDetails; undefined without a numeric coverage. */
function parseDetails(v: unknown): QualityComponentDetails | undefined {
  if (!isObject(v) || typeof v.coverage !== 'number' || !Number.isFinite(v.coverage)) return undefined;
  const issues = Array.isArray(v.issues)
    ? v.issues.filter(isObject).map((i) => ({ id: String(i.id ?? ''), name: String(i.name ?? ''), reason: String(i.reason ?? '') }))
    : [];
  const d: QualityComponentDetails = { coverage: v.coverage, issues };
  if (typeof v.overlap === 'number' && Number.isFinite(v.overlap)) d.overlap = v.overlap;
  return d;
}

/** The conversion_eqs answer (an array of EventQualityScore) → scores; malformed items and details are skipped. */
export function parseEventQualityScores(body: unknown): EventQualityScore[] | undefined {
  if (!Array.isArray(body)) return undefined;
  const out: EventQualityScore[] = [];
  for (const item of body) {
    if (!isObject(item) || typeof item.overall_status !== 'string' || typeof item.source_platform !== 'string') continue;
    const components: EventQualityScore['components'] = {};
    for (const [component, byType] of Object.entries(isObject(item.quality_components) ? item.quality_components : {})) {
      if (!isObject(byType)) continue;
      for (const [type, raw] of Object.entries(byType)) {
        const d = parseDetails(raw);
        if (d) (components[component] ??= {})[type] = d;
      }
    }
    out.push({
      sourcePlatform: item.source_platform,
      ingestionSource: String(item.ingestion_source ?? ''),
      lookbackPeriod: String(item.lookback_period ?? ''),
      overallStatus: item.overall_status,
      components,
    });
  }
  return out;
}

/** Runs one bounded read and parses a 200 answer; anything else becomes `{ok: false, problem}`. */
async function readParsed<T>(client: PinterestClient, subPath: string, query: Record<string, string>, parse: (body: unknown) => T | undefined): Promise<InsightRead<T>> {
  let answer: { status: number; body: unknown; requestId?: string };
  try {
    answer = await client.readOnce(subPath, query, INSIGHT_READ_TIMEOUT_MS);
  } catch (err) {
    if (err instanceof PinterestError && err.failureType === 'config_error') return { ok: false, problem: err.message, fatal: err };
    return { ok: false, problem: readFailure(err) };
  }
  const value = answer.status === 200 ? parse(answer.body) : undefined;
  return value === undefined ? { ok: false, problem: readFailure(undefined, answer) } : { ok: true, value };
}

/** `GET /ad_accounts/{id}/advertiser_defined_events`: the account's advertiser-defined events. */
export function readAdvertiserDefinedEvents(client: PinterestClient): Promise<InsightRead<AdvertiserDefinedEvent[]>> {
  return readParsed(client, 'advertiser_defined_events', {}, parseAdvertiserDefinedEvents);
}

/**
 * `GET /ad_accounts/{id}/conversion_eqs?lookback_period=14d&ingestion_source=CONVERSIONS_API`: the score of the
 * Conversions API events of every source platform (an empty list when Pinterest has none yet).
 */
export function readEventQualityScores(client: PinterestClient): Promise<InsightRead<EventQualityScore[]>> {
  return readParsed(client, 'conversion_eqs', { lookback_period: EQS_LOOKBACK_PERIOD, ingestion_source: 'CONVERSIONS_API' }, parseEventQualityScores);
}
