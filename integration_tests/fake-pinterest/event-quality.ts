/**
 * The fake's model of Pinterest's Event Quality Score (`GET /v5/ad_accounts/{id}/conversion_eqs`): Pinterest's
 * answer shape (OpenAPI 5.23 `EventQualityScore`), with values computed from the events the fake processed.
 *
 * Model (Pinterest does not publish how it scores; every number here is the fake's own choice):
 * - Only processed events of non-test requests count, each under the source platform of its action_source
 *   (web → WEB, app_android → MOBILE_ANDROID, app_ios → MOBILE_IOS, offline → OFFLINE), all with ingestion source
 *   CONVERSIONS_API. The lookback period is echoed but not applied: every event since the last reset counts.
 * - Per platform, component and event type (the event_name as sent): `coverage` = percentage of the events carrying
 *   the component, rounded to 0.1. `external_event_id` also has `overlap` 0 (the fake receives no tag events).
 * - An issue `{id: "LOW_COVERAGE", ...}` is listed for a component whose coverage is below 50%.
 * - `overall_status` from a weighted mean of the matching components over all the platform's events: hashed_email 3,
 *   advertiser_external_id, click_id_epik, ip_address and user_agent 1 each; GOOD from 70, FAIR from 40, else
 *   NEEDS_IMPROVEMENT.
 */

/** Keys of `quality_components` (OpenAPI 5.23 `QualityComponents`). */
export const EQS_COMPONENTS = [
  'hashed_email',
  'hashed_maid',
  'ip_address',
  'user_agent',
  'click_id_epik',
  'advertiser_external_id',
  'external_event_id',
  'order_id',
  'order_value',
  'product_id',
  'source_url',
] as const;
export type EqsComponent = (typeof EQS_COMPONENTS)[number];

/** `source_platform` values (OpenAPI 5.23 `SourcePlatformOptions`). */
export const SOURCE_PLATFORMS = ['WEB', 'MOBILE', 'MOBILE_ANDROID', 'MOBILE_IOS', 'OFFLINE', 'PINTEREST_WEB', 'PINTEREST_ANDROID', 'PINTEREST_IOS', 'POINT_OF_SALE'] as const;
/** `ingestion_source` values (OpenAPI 5.23 `IngestionSourceOptions`). */
export const INGESTION_SOURCES = ['TAG', 'MMP', 'FILE_UPLOAD', 'CONVERSIONS_API', 'NATIVE'] as const;
/** `lookback_period` values (OpenAPI 5.23 `LookbackPeriodOptions`). */
export const LOOKBACK_PERIODS = ['1d', '14d'] as const;

/** Weights of the overall status (model). */
export const EQS_STATUS_WEIGHTS: Readonly<Partial<Record<EqsComponent, number>>> = {
  hashed_email: 3,
  advertiser_external_id: 1,
  click_id_epik: 1,
  ip_address: 1,
  user_agent: 1,
};
/** Lowest weighted coverage (percent) of each status (model). */
export const EQS_STATUS_THRESHOLDS = { GOOD: 70, FAIR: 40 } as const;
/** Coverage (percent) below which a component lists a LOW_COVERAGE issue (model). */
export const EQS_LOW_COVERAGE = 50;

const PLATFORM_OF_ACTION_SOURCE: Readonly<Record<string, string>> = {
  web: 'WEB',
  app_android: 'MOBILE_ANDROID',
  app_ios: 'MOBILE_IOS',
  offline: 'OFFLINE',
};

type Json = Record<string, unknown>;
const has = (o: Json | undefined, k: string): boolean => {
  const v = o?.[k];
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
};

/** Whether `event` carries each component, in {@link EQS_COMPONENTS} order. */
export function componentsOf(event: Json): boolean[] {
  const ud = (event.user_data ?? {}) as Json;
  const cd = (event.custom_data ?? undefined) as Json | undefined;
  const contents = Array.isArray(cd?.contents) ? (cd!.contents as Json[]) : [];
  const present: Record<EqsComponent, boolean> = {
    hashed_email: has(ud, 'em'),
    hashed_maid: has(ud, 'hashed_maids'),
    ip_address: has(ud, 'client_ip_address'),
    user_agent: has(ud, 'client_user_agent'),
    click_id_epik: has(ud, 'click_id'),
    advertiser_external_id: has(ud, 'external_id'),
    external_event_id: has(event, 'event_id'),
    order_id: has(cd, 'order_id'),
    order_value: has(cd, 'value'),
    product_id: has(cd, 'content_ids') || contents.some((c) => has(c, 'id')),
    source_url: has(event, 'event_source_url'),
  };
  return EQS_COMPONENTS.map((c) => present[c]);
}

interface TypeTally {
  events: number;
  hits: number[];
}

/** One item of the answer (OpenAPI 5.23 `EventQualityScore`). */
export interface FakeEventQualityScore {
  ingestion_source: string;
  lookback_period: string;
  overall_status: 'NEEDS_IMPROVEMENT' | 'FAIR' | 'GOOD';
  quality_components: Record<string, Record<string, { coverage: number; issues: { id: string; name: string; reason: string }[]; overlap?: number }>>;
  source_platform: string;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** What the fake learned from processed events, per ad account → source platform → event type. */
export class EventQualityTally {
  private readonly accounts = new Map<string, Map<string, Map<string, TypeTally>>>();

  /** Counts one processed (non-test) event of `accountId`. */
  add(accountId: string, event: Json): void {
    const platform = PLATFORM_OF_ACTION_SOURCE[String(event.action_source)] ?? 'WEB';
    const type = String(event.event_name);
    let platforms = this.accounts.get(accountId);
    if (!platforms) this.accounts.set(accountId, (platforms = new Map()));
    let types = platforms.get(platform);
    if (!types) platforms.set(platform, (types = new Map()));
    let t = types.get(type);
    if (!t) types.set(type, (t = { events: 0, hits: EQS_COMPONENTS.map(() => 0) }));
    t.events += 1;
    componentsOf(event).forEach((p, i) => {
      if (p) t!.hits[i] += 1;
    });
  }

  clear(): void {
    this.accounts.clear();
  }

  /**
   * The answer for one account: one score per platform with events (filtered by `sourcePlatform`), none for an
   * ingestion source other than CONVERSIONS_API.
   */
  scores(accountId: string, q: { lookbackPeriod: string; sourcePlatform?: string; ingestionSource?: string }): FakeEventQualityScore[] {
    if (q.ingestionSource !== undefined && q.ingestionSource !== 'CONVERSIONS_API') return [];
    const out: FakeEventQualityScore[] = [];
    for (const [platform, types] of this.accounts.get(accountId) ?? []) {
      if (q.sourcePlatform !== undefined && q.sourcePlatform !== platform) continue;
      const components: FakeEventQualityScore['quality_components'] = {};
      const totals = EQS_COMPONENTS.map(() => 0);
      let events = 0;
      for (const [type, t] of types) {
        events += t.events;
        EQS_COMPONENTS.forEach((c, i) => {
          totals[i] += t.hits[i];
          const coverage = round1((100 * t.hits[i]) / t.events);
          const issues =
            coverage < EQS_LOW_COVERAGE
              ? [{ id: 'LOW_COVERAGE', name: 'Low coverage', reason: `Present on ${coverage}% of ${type} events; send it with more events.` }]
              : [];
          (components[c] ??= {})[type] = c === 'external_event_id' ? { coverage, issues, overlap: 0 } : { coverage, issues };
        });
      }
      let weighted = 0;
      let weights = 0;
      EQS_COMPONENTS.forEach((c, i) => {
        const w = EQS_STATUS_WEIGHTS[c] ?? 0;
        weighted += w * ((100 * totals[i]) / events);
        weights += w;
      });
      const score = weighted / weights;
      out.push({
        ingestion_source: 'CONVERSIONS_API',
        lookback_period: q.lookbackPeriod,
        overall_status: score >= EQS_STATUS_THRESHOLDS.GOOD ? 'GOOD' : score >= EQS_STATUS_THRESHOLDS.FAIR ? 'FAIR' : 'NEEDS_IMPROVEMENT',
        quality_components: components,
        source_platform: platform,
      });
    }
    return out;
  }
}
