/**
 * The fake's advertiser-defined events and Event Quality Score endpoints, in process: every answer validated against
 * the schemas of Pinterest's API description (fake-pinterest/insights-schemas.ts), the score computed from the events
 * received (exact coverages and statuses of the fake's model), access rules, and scripted faults.
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_DEFAULTS, startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { ADVERTISER_DEFINED_EVENTS_RESPONSE, ERROR_RESPONSE, EVENT_QUALITY_SCORE_RESPONSE } from './fake-pinterest/insights-schemas.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const validAde = ajv.compile(ADVERTISER_DEFINED_EVENTS_RESPONSE);
const validEqs = ajv.compile(EVENT_QUALITY_SCORE_RESPONSE);
const validError = ajv.compile(ERROR_RESPONSE);

const ACCOUNT = FAKE_DEFAULTS.adAccountId;
const OAUTH = FAKE_DEFAULTS.oauthAccessToken;
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const nowS = () => Math.floor(Date.now() / 1000);

let fake: FakePinterest;
beforeAll(async () => {
  fake = await startFakePinterest();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function get(path: string, token: string = OAUTH) {
  const res = await fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}

async function post(data: unknown[], test = false) {
  const res = await fetch(`${fake.url}/ad_accounts/${ACCOUNT}/events${test ? '?test=true' : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${FAKE_DEFAULTS.conversionToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** GET conversion_eqs; asserts the answer matches Pinterest's schema (200) or the error schema. */
async function eqs(query = 'lookback_period=14d&ingestion_source=CONVERSIONS_API', token: string = OAUTH) {
  const r = await get(`/ad_accounts/${ACCOUNT}/conversion_eqs?${query}`, token);
  const ok = r.status === 200 ? validEqs(r.body) : validError(r.body);
  expect(ok, JSON.stringify(r.status === 200 ? validEqs.errors : validError.errors)).toBe(true);
  return r;
}

function ev(id: string, o: { name?: string; source?: string; ud?: Record<string, unknown>; cd?: Record<string, unknown>; url?: string } = {}) {
  return {
    event_name: o.name ?? 'checkout',
    action_source: o.source ?? 'web',
    event_time: nowS() - 60,
    event_id: id,
    user_data: o.ud ?? { em: [sha(`${id}@example.com`)] },
    ...(o.cd ? { custom_data: o.cd } : {}),
    ...(o.url ? { event_source_url: o.url } : {}),
  };
}

describe('fake Pinterest: advertiser-defined events', () => {
  it('lists the account\'s events to OAuth tokens with ads:read, in the documented shape', async () => {
    const r = await get(`/ad_accounts/${ACCOUNT}/advertiser_defined_events`);
    expect(r.status).toBe(200);
    expect(validAde(r.body), JSON.stringify(validAde.errors)).toBe(true);
    expect(r.body).toEqual({ items: [{ name: 'download_picture', mapped_conversion_type: 'CUSTOM' }, { name: 'Book_Demo', mapped_conversion_type: 'LEAD' }] });
    const none = await get(`/ad_accounts/${FAKE_DEFAULTS.analystAdAccountId}/advertiser_defined_events`);
    expect(none.body).toEqual({ items: [] });
    expect(fake.counters.advertiserDefinedEventsRequests).toBe(2);
  });

  it('refuses a conversion token (403 code 3) and answers 404 for an unknown account', async () => {
    const conv = await get(`/ad_accounts/${ACCOUNT}/advertiser_defined_events`, FAKE_DEFAULTS.conversionToken);
    expect([conv.status, conv.body.code]).toEqual([403, 3]);
    expect(validError(conv.body)).toBe(true);
    expect((await get('/ad_accounts/77/advertiser_defined_events')).status).toBe(404);
  });

  it('accepts events named after an advertiser-defined event, ignoring case; other unknown names fail', async () => {
    const r = await post([ev('a', { name: 'download_picture' }), ev('b', { name: 'book_demo' }), ev('c', { name: 'Book Demo' })]);
    expect(r.status).toBe(422);
    expect(r.body.details.events.map((e: any) => e.status)).toEqual(['processed', 'processed', 'failed']);
    expect(r.body.details.events[2].error_message).toBe('event_name "Book Demo" is not a supported event type.');
  });
});

describe('fake Pinterest: Event Quality Score', () => {
  it('answers an empty list before any event, and for ingestion sources other than the Conversions API', async () => {
    expect((await eqs()).body).toEqual([]);
    await post([ev('a')]);
    expect((await eqs('lookback_period=1d&ingestion_source=TAG')).body).toEqual([]);
  });

  it('computes coverage per platform, component and event type from processed events; test events do not count', async () => {
    const ipUa = { client_ip_address: '203.0.113.7', client_user_agent: 'Mozilla/5.0' };
    await post([
      ev('w1', { ud: { em: [sha('a')], external_id: [sha('c1')], ...ipUa }, cd: { order_id: 'o1', value: '10' }, url: 'https://shop.example/thanks' }),
      ev('w2', { ud: { em: [sha('b')] }, cd: { order_id: 'o2', value: '12', contents: [{ id: 'p1' }] } }),
      ev('w3', { name: 'add_to_cart', ud: { em: [sha('c')], click_id: 'dj0yJnU9' }, cd: { content_ids: ['p2'] } }),
      ev('i1', { source: 'app_ios', ud: { hashed_maids: [sha('m')], ...ipUa } }),
    ]);
    await post([ev('t1', { source: 'offline' })], true);
    const r = await eqs();
    expect(r.status).toBe(200);
    expect(r.body.map((s: any) => [s.source_platform, s.overall_status, s.ingestion_source, s.lookback_period])).toEqual([
      // WEB: (3×100 + external 33.3 + click 33.3 + ip 33.3 + ua 33.3) / 7 = 62 → FAIR
      ['WEB', 'FAIR', 'CONVERSIONS_API', '14d'],
      // MOBILE_IOS: (ip 100 + ua 100) / 7 = 28.6 → NEEDS_IMPROVEMENT
      ['MOBILE_IOS', 'NEEDS_IMPROVEMENT', 'CONVERSIONS_API', '14d'],
    ]);
    const web = r.body[0].quality_components;
    expect(web.hashed_email).toEqual({ checkout: { coverage: 100, issues: [] }, add_to_cart: { coverage: 100, issues: [] } });
    expect(web.advertiser_external_id.checkout).toEqual({
      coverage: 50,
      issues: [],
    });
    expect(web.advertiser_external_id.add_to_cart).toEqual({
      coverage: 0,
      issues: [{ id: 'LOW_COVERAGE', name: 'Low coverage', reason: 'Present on 0% of add_to_cart events; send it with more events.' }],
    });
    expect(web.click_id_epik.add_to_cart.coverage).toBe(100);
    expect(web.product_id).toMatchObject({ checkout: { coverage: 50 }, add_to_cart: { coverage: 100 } });
    expect(web.order_value.checkout.coverage).toBe(100);
    expect(web.source_url.checkout.coverage).toBe(50);
    expect(web.external_event_id.checkout).toEqual({ coverage: 100, overlap: 0, issues: [] });
    const ios = await eqs('lookback_period=1d&source_platform=MOBILE_IOS');
    expect(ios.body).toHaveLength(1);
    expect(ios.body[0].lookback_period).toBe('1d');
    expect(ios.body[0].quality_components.hashed_maid).toEqual({ checkout: { coverage: 100, issues: [] } });
  });

  it('scores GOOD with every matching identifier, and refuses bad parameters with 400', async () => {
    await post([ev('g', { ud: { em: [sha('a')], external_id: [sha('c')], click_id: 'x', client_ip_address: '203.0.113.7', client_user_agent: 'UA' } })]);
    expect((await eqs()).body[0].overall_status).toBe('GOOD');
    for (const q of ['ingestion_source=CONVERSIONS_API', 'lookback_period=7d', 'lookback_period=14d&source_platform=DESKTOP', 'lookback_period=14d&ingestion_source=API']) {
      const bad = await eqs(q);
      expect([bad.status, bad.body.code]).toEqual([400, 1]);
    }
  });

  it('refuses a conversion token with 403, like a token without ads:read', async () => {
    const conv = await eqs(undefined, FAKE_DEFAULTS.conversionToken);
    expect([conv.status, conv.body.code]).toEqual([403, 3]);
    const wo = await eqs(undefined, FAKE_DEFAULTS.writeOnlyOAuthToken);
    expect([wo.status, wo.body.code]).toEqual([403, 3]);
  });

  it('answers scripted faults first, one per request, also through the admin route', async () => {
    fake.scriptEqs([{ status: 429 }, { status: 500 }]);
    expect((await eqs()).status).toBe(429);
    expect((await eqs()).status).toBe(500);
    expect((await eqs()).status).toBe(200);
    const admin = await fetch(`${fake.url.replace(/\/v5$/, '')}/_fake/script`, { method: 'POST', body: JSON.stringify({ eqs: [{ status: 403 }], advertiser_defined_events: [{ status: 503 }] }) });
    expect(((await admin.json()) as any).pendingFaults).toEqual({ events: 0, oauth: 0, eqs: 1, advertiserDefinedEvents: 1 });
    expect((await eqs()).status).toBe(403);
    expect((await get(`/ad_accounts/${ACCOUNT}/advertiser_defined_events`)).status).toBe(503);
    fake.scriptEqs([{ delayMs: 300 }]);
    const started = Date.now();
    expect((await eqs()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(fake.counters.eqsRequests).toBe(5);
  });
});
