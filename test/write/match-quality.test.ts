import { describe, expect, it } from 'vitest';
import { parseAdvertiserDefinedEvents, parseEventQualityScores, type EventQualityScore } from '../../src/pinterest/insights.js';
import { eventQualityCheckSummary, summarizeComponent, topImprovements } from '../../src/write/match-quality.js';

const d = (coverage: number) => ({ coverage, issues: [] });

function score(platform: string, components: Record<string, number>): EventQualityScore {
  return {
    sourcePlatform: platform,
    ingestionSource: 'CONVERSIONS_API',
    lookbackPeriod: '14d',
    overallStatus: 'FAIR',
    components: Object.fromEntries(Object.entries(components).map(([c, v]) => [c, { checkout: d(v) }])),
  };
}

describe('Event Quality Score answers', () => {
  it('parse leniently: malformed items and details are skipped, unknown components kept', () => {
    const scores = parseEventQualityScores([
      {
        overall_status: 'GOOD',
        source_platform: 'WEB',
        ingestion_source: 'CONVERSIONS_API',
        lookback_period: '14d',
        quality_components: {
          hashed_email: { checkout: { coverage: 97.5, issues: [{ id: 'X', name: 'Bad hash', reason: 'r' }] }, lead: { issues: [] } },
          new_component: { checkout: { coverage: 10 } },
        },
      },
      { source_platform: 'WEB' },
      'nonsense',
    ]);
    expect(scores).toEqual([
      {
        sourcePlatform: 'WEB',
        ingestionSource: 'CONVERSIONS_API',
        lookbackPeriod: '14d',
        overallStatus: 'GOOD',
        components: {
          hashed_email: { checkout: { coverage: 97.5, issues: [{ id: 'X', name: 'Bad hash', reason: 'r' }] } },
          new_component: { checkout: { coverage: 10, issues: [] } },
        },
      },
    ]);
    expect(parseEventQualityScores({ items: [] })).toBeUndefined();
    expect(parseAdvertiserDefinedEvents({ items: [{ name: ' a ', mapped_conversion_type: 'LEAD' }, { name: 'b', mapped_conversion_type: null }, { name: '' }, 3] })).toEqual([
      { name: 'a', mappedConversionType: 'LEAD' },
      { name: 'b' },
    ]);
    expect(parseAdvertiserDefinedEvents([])).toBeUndefined();
  });

  it('summarizes a component over event types: range, mean, overlap, distinct issue names', () => {
    expect(
      summarizeComponent({
        checkout: { coverage: 40, overlap: 10, issues: [{ id: 'L', name: 'Low coverage', reason: '' }] },
        lead: { coverage: 100, overlap: 30, issues: [{ id: 'L', name: 'Low coverage', reason: '' }] },
      }),
    ).toEqual({ min: 40, max: 100, mean: 70, overlap: 20, issues: ['Low coverage'] });
  });

  it('advises the one or two changes worth most: weight × missing coverage, over every platform', () => {
    const scores = [
      score('WEB', { hashed_email: 60, advertiser_external_id: 0, click_id_epik: 50, hashed_maid: 0, source_url: 0 }),
      score('MOBILE_IOS', { hashed_email: 100, hashed_maid: 10, advertiser_external_id: 95 }),
    ];
    // email 5×40 = 200 (WEB), external_id 3×100 = 300 (WEB), click_id 3×50 = 150, maid 3×90 = 270 (iOS only), source_url 1×100.
    expect(topImprovements(scores)).toEqual([
      'map external_id (your customer ID): Pinterest sees it on 0% of your WEB events',
      'map maid (the mobile advertising ID): Pinterest sees it on 10% of your MOBILE_IOS events',
    ]);
    // What this sync already sends on 90%+ of its events is left out: the score follows as the window moves.
    expect(topImprovements(scores, { events: 10, percent: { external_id: 100, hashed_maids: 0 } })[0]).toBe(
      'map maid (the mobile advertising ID): Pinterest sees it on 10% of your MOBILE_IOS events',
    );
    expect(topImprovements([score('WEB', { hashed_email: 95, advertiser_external_id: 92 })])).toEqual([]);
  });

  it('check sentence: status per platform, then the advice; a plain note when there is no score yet', () => {
    expect(eventQualityCheckSummary([score('WEB', { hashed_email: 100, advertiser_external_id: 20 }), { ...score('OFFLINE', { hashed_email: 95 }), overallStatus: 'GOOD' }])).toBe(
      'Event Quality Score (Pinterest, Conversions API events of the last 14 days): WEB FAIR, OFFLINE GOOD. To raise it: map external_id (your customer ID): Pinterest sees it on 20% of your WEB events.',
    );
    expect(eventQualityCheckSummary([])).toMatch(/^Event Quality Score: Pinterest has no score yet/);
  });
});
