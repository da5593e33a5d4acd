/**
 * Texts about match quality (pure functions): Pinterest's Event Quality Score beside the connector's own identifier
 * coverage, the one or two changes that would raise the score most, and the advertiser-defined events of the account.
 * Nothing here contains personal data: only percentages, component names, event types and event names.
 */
import type { AdvertiserDefinedEvent, EventQualityScore, QualityComponentDetails } from '../pinterest/insights.js';
import { EQS_LOOKBACK_PERIOD } from '../pinterest/insights.js';

/** This sync's identifier coverage: events sent, and the percentage of them carrying each identifier (report.ts keys). */
export interface OwnCoverage {
  events: number;
  /** e.g. `em` → 100, `ip+user_agent` → 0. */
  percent: Readonly<Record<string, number>>;
}

/** How a quality component is named in messages, and how to raise its coverage (the connector's destination fields). */
const COMPONENTS: Readonly<Record<string, { label: string; advice: string; own?: string }>> = {
  hashed_email: { label: 'hashed email', advice: 'map email (or hashed_email)', own: 'em' },
  advertiser_external_id: { label: 'external ID', advice: 'map external_id (your customer ID)', own: 'external_id' },
  click_id_epik: {
    label: 'click ID (epik)',
    advice: "map click_id (the epik of the Pinterest click: the landing page URL's epik parameter or the _epik cookie)",
    own: 'click_id',
  },
  ip_address: { label: 'IP address', advice: 'map client_ip_address', own: 'ip+user_agent' },
  user_agent: { label: 'user agent', advice: 'map client_user_agent', own: 'ip+user_agent' },
  hashed_maid: { label: 'mobile advertising ID', advice: 'map maid (the mobile advertising ID)', own: 'hashed_maids' },
  external_event_id: { label: 'event ID (deduplication)', advice: 'map event_id to the ID your Pinterest tag sends for the same event' },
  order_id: { label: 'order ID', advice: 'map order_id' },
  order_value: { label: 'order value', advice: 'map value and currency' },
  product_id: { label: 'product ID', advice: 'map content_ids or contents' },
  source_url: { label: 'source URL', advice: 'map event_source_url' },
};

/** Display order of the components, also the tie-break of advice (most useful identifiers first). */
const ORDER = Object.keys(COMPONENTS);

/** Source platforms on which mobile advertising IDs exist. */
const MOBILE_PLATFORMS = new Set(['MOBILE', 'MOBILE_ANDROID', 'MOBILE_IOS', 'PINTEREST_ANDROID', 'PINTEREST_IOS']);

/**
 * How much a missing percentage point of a component costs, for ranking advice (the connector's judgement: Pinterest
 * does not publish its weights). Email matters most; customer ID and click ID next; MAIDs only on mobile platforms,
 * source URLs only on the web.
 */
export function componentWeight(component: string, platform: string): number {
  switch (component) {
    case 'hashed_email':
      return 5;
    case 'advertiser_external_id':
    case 'click_id_epik':
      return 3;
    case 'hashed_maid':
      return MOBILE_PLATFORMS.has(platform) ? 3 : 0;
    case 'ip_address':
    case 'user_agent':
      return 2;
    case 'source_url':
      return platform === 'WEB' || platform === 'PINTEREST_WEB' ? 1 : 0;
    default:
      return COMPONENTS[component] ? 1 : 0;
  }
}

/** Coverage at or above which a component is not worth advice (percent). */
const GOOD_ENOUGH = 90;

/** A percentage as written in messages: whole numbers as is, others with one decimal. */
export function percent(x: number): string {
  return `${Number.isInteger(x) ? x : x.toFixed(1)}%`;
}

/** One component over all event types: lowest, highest and mean coverage, mean overlap, distinct issue names. */
export function summarizeComponent(byType: Readonly<Record<string, QualityComponentDetails>>): { min: number; max: number; mean: number; overlap?: number; issues: string[] } {
  const ds = Object.values(byType);
  const coverages = ds.map((d) => d.coverage);
  const overlaps = ds.map((d) => d.overlap).filter((o): o is number => o !== undefined);
  const issues = [...new Set(ds.flatMap((d) => d.issues.map((i) => i.name || i.id)).filter(Boolean))];
  const mean = coverages.reduce((a, b) => a + b, 0) / Math.max(1, coverages.length);
  const out: { min: number; max: number; mean: number; overlap?: number; issues: string[] } = {
    min: Math.min(...coverages),
    max: Math.max(...coverages),
    mean,
    issues,
  };
  if (overlaps.length) out.overlap = overlaps.reduce((a, b) => a + b, 0) / overlaps.length;
  return out;
}

/** "Pinterest 40%" or "Pinterest 40–100% by event type". */
function coverageText(s: { min: number; max: number }): string {
  return s.min === s.max ? `Pinterest ${percent(s.min)}` : `Pinterest ${percent(s.min)}–${percent(s.max)} by event type`;
}

/**
 * The one or two changes that would raise the score most, as sentences such as "map external_id (your customer ID):
 * Pinterest sees it on 0% of your WEB events". Ranked by {@link componentWeight} × missing coverage over every
 * platform; a component already on {@link GOOD_ENOUGH}% is left out, and so is one this sync already sends on at
 * least that share of its events (Pinterest's window still holds older events without it).
 */
export function topImprovements(scores: readonly EventQualityScore[], own?: OwnCoverage, max = 2): string[] {
  const best = new Map<string, { gain: number; rank: number; text: string }>();
  for (const s of scores) {
    for (const [component, byType] of Object.entries(s.components)) {
      const info = COMPONENTS[component];
      if (!info) continue;
      const { mean, min, max } = summarizeComponent(byType);
      if (mean >= GOOD_ENOUGH) continue;
      if (own && own.events > 0 && info.own !== undefined && (own.percent[info.own] ?? 0) >= GOOD_ENOUGH) continue;
      const gain = componentWeight(component, s.sourcePlatform) * (100 - mean);
      if (gain <= 0 || (best.get(component)?.gain ?? -1) >= gain) continue;
      const seen = min === max ? percent(min) : `${percent(min)}–${percent(max)}`;
      best.set(component, { gain, rank: rank(component), text: `${info.advice}: Pinterest sees it on ${seen} of your ${s.sourcePlatform} events` });
    }
  }
  return [...best.values()].sort((a, b) => b.gain - a.gain || a.rank - b.rank).slice(0, max).map((b) => b.text);
}

/** What the lookback window means, said plainly. */
function windowText(): string {
  return `Conversions API events of the last ${EQS_LOOKBACK_PERIOD === '14d' ? '14 days' : 'day'}`;
}

/** The `check` sentence: Pinterest's status per source platform and what to improve. */
export function eventQualityCheckSummary(scores: readonly EventQualityScore[]): string {
  if (scores.length === 0) {
    return `Event Quality Score: Pinterest has no score yet for this account's ${windowText()} (a score can take a day to appear after events arrive).`;
  }
  const statuses = scores.map((s) => `${s.sourcePlatform} ${s.overallStatus}`).join(', ');
  const advice = topImprovements(scores);
  return `Event Quality Score (Pinterest, ${windowText()}): ${statuses}.` + (advice.length ? ` To raise it: ${advice.join('; ')}.` : '');
}

/**
 * The end-of-`write` summary (one multi-line LOG text): per source platform, Pinterest's overall status and each
 * component's coverage and issues beside this sync's own coverage of the same identifier, then the one or two
 * changes that would raise the score most. Says that Pinterest scores its whole lookback window, not this sync.
 */
export function eventQualityWriteSummary(adAccountId: string, scores: readonly EventQualityScore[], own: OwnCoverage): string {
  const head =
    `Event Quality Score from Pinterest for ad account ${adAccountId}, over its ${windowText()}: Pinterest computes it over that whole window ` +
    `(every sync and any other sender of this account's events), not over this sync alone. "This sync" is over its ${own.events} events sent.`;
  if (scores.length === 0) {
    return `${head}\nPinterest has no score yet for this window (a score can take a day to appear after events arrive).`;
  }
  const lines = [head];
  for (const s of scores) {
    lines.push(`${s.sourcePlatform}: ${s.overallStatus}`);
    const components = Object.keys(s.components).sort((a, b) => rank(a) - rank(b));
    for (const component of components) {
      const info = COMPONENTS[component];
      const sum = summarizeComponent(s.components[component]);
      let line = `  ${info?.label ?? component}: ${coverageText(sum)}`;
      if (sum.overlap !== undefined) line += `, seen from the tag too ${percent(Math.round(sum.overlap * 10) / 10)}`;
      if (info?.own !== undefined && own.events > 0) line += ` | this sync ${(own.percent[info.own] ?? 0).toFixed(1)}%${info.own === 'ip+user_agent' ? ' (IP and user agent together)' : ''}`;
      if (sum.issues.length) line += `; issues: ${sum.issues.join(', ')}`;
      lines.push(line);
    }
  }
  const advice = topImprovements(scores, own);
  lines.push(
    advice.length
      ? `To raise the score most: ${advice.join('; ')}.`
      : 'Nothing stands out to improve: every identifier Pinterest misses most is already on at least 90% of the events (or of this sync\'s events, which the score follows as older events leave the window).',
  );
  return lines.join('\n');
}

/** Display rank of a component (unknown ones last). */
function rank(component: string): number {
  const i = ORDER.indexOf(component);
  return i === -1 ? ORDER.length : i;
}

/** "download_picture (counted as CUSTOM), Book_Demo (counted as LEAD)". */
export function describeAdvertiserDefinedEvents(events: readonly AdvertiserDefinedEvent[]): string {
  return events.map((e) => (e.mappedConversionType ? `${e.name} (counted as ${e.mappedConversionType})` : e.name)).join(', ');
}

/** The warning about configured advertiser-defined event names the ad account does not define. */
export function unknownAdvertiserDefinedEventsWarning(adAccountId: string, names: readonly string[]): string {
  return (
    `advertiser_defined_events lists ${names.length === 1 ? 'a name' : 'names'} that ad account ${adAccountId} does not define: ${names.join(', ')}. ` +
    'Pinterest leaves events sent under such a name untracked (no reporting, no optimization). Either define it in Ads Manager ' +
    '(Conversions → advertiser-defined events) and map it to a standard type there, or map it to a standard event name with event_name_mapping ' +
    'and remove it from advertiser_defined_events.'
  );
}

/** The INFO for a conversion access token, which can read neither the score nor the account's event names. */
export const OAUTH_NEEDED_FOR_INSIGHTS =
  "Pinterest's Event Quality Score (how well these events can be matched to Pinterest users) and the ad account's list of " +
  'advertiser-defined events can only be read with OAuth credentials whose token has the ads:read scope; a conversion access token ' +
  'can only send events. Reconnect the destination with OAuth to see the score after each sync. Until then, only the names in ' +
  'advertiser_defined_events are sent as advertiser-defined events.';
