/**
 * Tests of the test infrastructure: the fake Pinterest API, the fixtures (determinism, rebasing), and the CLI harness
 * (against stub scripts; the real CLI is exercised by the other integration tests).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { FAKE_DEFAULTS, startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { generateMessages } from './fixtures/generate-messages.js';
import {
  FIXTURE_ANCHOR_MS,
  FIXTURE_BAD_ROWS,
  FIXTURE_SUMMARY,
  configuredCatalog,
  expectedStateStats,
  invalidConfig,
  loadMessageObjects,
  loadMessages,
  oauthConfig,
  rawMessageLines,
  rebaseDeltaSeconds,
  sampleConfig,
  shiftIsoString,
} from './helpers/fixtures.js';
import { CliHarnessError, runCli, spawnCli, writeTempJson, UNREACHABLE_API_BASE_URL } from './helpers/run-cli.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const nowS = () => Math.floor(Date.now() / 1000);
const ACCOUNT = FAKE_DEFAULTS.adAccountId;

/** A minimal valid event. */
function event(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_name: 'checkout',
    action_source: 'web',
    event_time: nowS() - 30,
    event_id: id,
    user_data: { em: [sha('jane@example.com')] },
    ...extra,
  };
}

interface PostOpts {
  token?: string;
  account?: string;
  test?: boolean;
  contentType?: string;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

async function postEvents(fake: FakePinterest, data: unknown[] | undefined, o: PostOpts = {}) {
  const res = await fetch(`${fake.url}/ad_accounts/${o.account ?? ACCOUNT}/events${o.test ? '?test=true' : ''}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${o.token ?? FAKE_DEFAULTS.conversionToken}`,
      'content-type': o.contentType ?? 'application/json',
      ...(o.headers ?? {}),
    },
    body: o.raw ?? JSON.stringify({ data }),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, rid: res.headers.get('x-pinterest-rid'), headers: res.headers };
}

async function get(fake: FakePinterest, path: string, token: string) {
  const res = await fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any, rid: res.headers.get('x-pinterest-rid') };
}

async function refresh(fake: FakePinterest, refreshToken: string, auth = `${FAKE_DEFAULTS.clientId}:${FAKE_DEFAULTS.clientSecret}`) {
  const res = await fetch(`${fake.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  return { status: res.status, body: (await res.json()) as any, rid: res.headers.get('x-pinterest-rid') };
}

describe('fake Pinterest: events endpoint', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('accepts a valid body with the sample config token and records it', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v5$/);
    const r = await postEvents(fake, [event('e1'), event('e2', { custom_data: { value: '12.50', currency: 'USD' } })]);
    expect(r.status).toBe(200);
    expect(r.rid).toMatch(/^[0-9a-f]{16}$/);
    expect(r.body).toEqual({
      num_events_received: 2,
      num_events_processed: 2,
      events: [
        { status: 'processed', error_message: null, warning_message: null },
        { status: 'processed', error_message: null, warning_message: null },
      ],
    });
    expect(fake.acceptedEventIds()).toEqual(['e1', 'e2']);
    expect(fake.accepted[1].event.custom_data).toEqual({ value: '12.50', currency: 'USD' });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req).toMatchObject({ method: 'POST', path: `/v5/ad_accounts/${ACCOUNT}/events`, status: 200, rid: r.rid });
    expect(req.headers.authorization).toBe(`Bearer ${FAKE_DEFAULTS.conversionToken}`);
    expect((req.body as any).data).toHaveLength(2);
    expect(fake.counters).toMatchObject({ eventsRequests: 1, eventsReceived: 2, eventsProcessed: 2, acceptedEvents: 2 });
  });

  it('answers 400 code 4196 naming the path and the key for an unknown key, and accepts nothing', async () => {
    const r = await postEvents(fake, [event('ok'), event('ok2'), event('ok3'), event('bad', { custom_data: { value: '1', foo: 1 } })]);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(4196);
    expect(r.body.message).toBe('The request was invalid. /data/3/custom_data: must NOT have additional properties (foo)');
    expect(r.rid).toBeTruthy();
    expect(fake.accepted).toHaveLength(0);
  });

  it('reports every schema error at once (allErrors) and folds the user_data anyOf', async () => {
    const r = await postEvents(fake, [
      event('a', { user_data: { ph: [sha('15555550100')] } }),
      event('b', { event_time: '1700000000', np: 'x' }),
    ]);
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('/data/0/user_data: must match a schema in anyOf (missing em, hashed_maids, client_ip_address, client_user_agent)');
    expect(r.body.message).toContain('/data/1/event_time: must be integer');
    expect(r.body.message).toContain('/data/1: must NOT have additional properties (np)');
    const empty = await postEvents(fake, []);
    expect(empty.body.message).toContain('/data: must NOT have fewer than 1 items');
    const big = await postEvents(fake, Array.from({ length: 1001 }, (_, i) => event(`x${i}`)));
    expect(big.body.message).toContain('/data: must NOT have more than 1000 items');
  });

  it('checks the token, the account id and the grant, in that order', async () => {
    expect((await postEvents(fake, [event('a')], { token: 'nope' })).body).toEqual({ code: 2, message: 'Authentication failed.' });
    const noAuth = await fetch(`${fake.url}/ad_accounts/${ACCOUNT}/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(noAuth.status).toBe(401);
    const badId = await postEvents(fake, [event('a')], { account: 'act_123' });
    expect(badId.status).toBe(400);
    expect(badId.body.code).toBe(1);
    expect((await postEvents(fake, [event('a')], { account: '1234567890123456789' })).status).toBe(400);
    const foreign = await postEvents(fake, [event('a')], { account: FAKE_DEFAULTS.foreignAdAccountId });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe(29);
    const unknown = await postEvents(fake, [event('a')], { account: '42' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 2, message: 'AdAccount not found.' });
    const writeOnly = await postEvents(fake, [event('a')], { token: FAKE_DEFAULTS.writeOnlyOAuthToken });
    expect(writeOnly.status).toBe(200);
    expect((await postEvents(fake, [event('b')], { token: FAKE_DEFAULTS.oauthAccessToken, account: FAKE_DEFAULTS.analystAdAccountId })).status).toBe(200);
  });

  it('rejects non-JSON content types and bodies; accepts gzip', async () => {
    const ct = await postEvents(fake, [event('a')], { contentType: 'text/plain' });
    expect(ct.status).toBe(400);
    expect(ct.body.code).toBe(4196);
    const bad = await postEvents(fake, undefined, { raw: '{"data": [' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('not valid JSON');
    const gz = await postEvents(fake, undefined, {
      raw: gzipSync(JSON.stringify({ data: [event('gz')] })),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(gz.status).toBe(200);
    expect(fake.acceptedEventIds()).toEqual(['gz']);
  });

  it('fails events one by one (hash, time window, event name, failEventIds) with 422 details in request order', async () => {
    fake.failEventIds.add('forced');
    fake.warnEventIds.add('warned');
    const r = await postEvents(fake, [
      event('ok1'),
      event('upper', { user_data: { em: [sha('a@example.com').toUpperCase()] } }),
      event('plain', { user_data: { em: ['jane@example.com'], client_ip_address: '192.0.2.1', client_user_agent: 'x' } }),
      event('future', { event_time: nowS() + 3600 }),
      event('old', { event_time: nowS() - 8 * 86400 }),
      event('name', { event_name: 'purchase' }),
      event('forced'),
      event('warned'),
      event('ok2', { event_name: 'start_trial', event_time: nowS() + 30 }),
      event('value', { custom_data: { value: 'twelve' } }),
    ]);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe(4198);
    expect(r.body.message).toBe('Not all events were successfully processed.');
    const { details } = r.body;
    expect(details.num_events_received).toBe(10);
    expect(details.num_events_processed).toBe(4);
    const st = details.events.map((e: any) => e.status);
    expect(st).toEqual(['processed', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'processed', 'processed', 'processed']);
    expect(details.events[1].error_message).toContain('user_data.em[0]');
    expect(details.events[2].error_message).toContain('user_data.em[0]');
    expect(details.events[3].error_message).toContain('future');
    expect(details.events[4].error_message).toContain('7 days');
    expect(details.events[5].error_message).toContain('purchase');
    expect(details.events[6].error_message).toBeTruthy();
    expect(details.events[7].warning_message).toBeTruthy();
    expect(details.events[9].warning_message).toContain('custom_data.value');
    expect(fake.acceptedEventIds()).toEqual(['ok1', 'warned', 'ok2', 'value']);
    expect(fake.counters).toMatchObject({ eventsFailed: 6, eventsWarned: 2, eventsProcessed: 4 });

    fake.partialFailureDetails = 'array';
    const arr = await postEvents(fake, [event('forced'), event('ok3')]);
    expect(arr.status).toBe(422);
    expect(arr.body.details.map((e: any) => e.status)).toEqual(['failed', 'processed']);
    fake.partialFailureStatus = 200;
    const as200 = await postEvents(fake, [event('forced')]);
    expect(as200.status).toBe(200);
    expect(as200.body.num_events_processed).toBe(0);
    fake.partialFailureDetails = 'object';
    fake.partialFailureStatus = 422;
  });

  it('keeps ?test=true events apart from accepted ones', async () => {
    const r = await postEvents(fake, [event('t1')], { test: true });
    expect(r.status).toBe(200);
    expect(fake.accepted).toHaveLength(0);
    expect(fake.testEvents.map((e) => e.event_id)).toEqual(['t1']);
    expect(fake.requests[0].query).toEqual({ test: 'true' });
    expect(fake.counters.testRequests).toBe(1);
  });

  it('answers a whole-request 400 for a poisoned event (for bisection)', async () => {
    fake.poisonEventIds.add('p');
    const r = await postEvents(fake, [event('a'), event('p'), event('b')]);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(4196);
    expect(r.body.message).toContain('/data/1');
    expect(fake.accepted).toHaveLength(0);
    expect((await postEvents(fake, [event('a'), event('b')])).status).toBe(200);
  });

  it('counts duplicates of accepted event ids', async () => {
    await postEvents(fake, [event('d1'), event('d2')]);
    await postEvents(fake, [event('d1')]);
    expect(fake.acceptedEventIds()).toEqual(['d1', 'd2', 'd1']);
    expect(fake.counters.duplicateAcceptedEvents).toBe(1);
  });
});

describe('fake Pinterest: fault script', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('consumes one fault per events request, in order', async () => {
    fake.script([
      { status: 429, retryAfter: 2, rateLimitReset: 7 },
      { status: 503 },
      { status: 502 },
      { status: 500, body: { code: 99, message: 'custom' } },
      { status: 401 },
      {},
      { delayMs: 120 },
    ]);
    expect(fake.pendingFaults()).toEqual({ events: 7, oauth: 0, eqs: 0, advertiserDefinedEvents: 0 });
    const r429 = await postEvents(fake, [event('a')]);
    expect(r429.status).toBe(429);
    expect(r429.body.code).toBe(8);
    expect(r429.headers.get('retry-after')).toBe('2');
    expect(r429.headers.get('x-ratelimit-reset')).toBe('7');
    expect(r429.rid).toBeTruthy();
    const r503 = await postEvents(fake, [event('a')]);
    expect([r503.status, r503.body.code]).toEqual([503, 4197]);
    const r502 = await postEvents(fake, [event('a')]);
    expect(r502.status).toBe(502);
    expect(r502.headers.get('content-type')).toContain('text/html');
    expect(typeof r502.body).toBe('string');
    expect(await postEvents(fake, [event('a')])).toMatchObject({ status: 500, body: { code: 99, message: 'custom' } });
    expect(await postEvents(fake, [event('a')])).toMatchObject({ status: 401, body: { code: 2 } });
    expect(fake.accepted).toHaveLength(0);
    expect((await postEvents(fake, [event('pass')])).status).toBe(200);
    const t0 = Date.now();
    expect((await postEvents(fake, [event('slow')])).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(fake.acceptedEventIds()).toEqual(['pass', 'slow']);
    expect(fake.pendingFaults().events).toBe(0);
    expect(fake.counters.faultsInjected).toBe(5);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 503, 502, 500, 401, 200, 200]);
    expect(fake.requests[0].fault).toMatchObject({ status: 429 });
  });

  it('a fault with forEventId waits for the request that carries that event_id; others pass it by', async () => {
    fake.script([{ status: 503, forEventId: 'b2' }, { status: 500 }]);
    expect((await postEvents(fake, [event('a1')])).status).toBe(500);
    expect((await postEvents(fake, [event('a2')])).status).toBe(200);
    expect((await postEvents(fake, [event('b1'), event('b2')])).status).toBe(503);
    expect(fake.pendingFaults().events).toBe(0);
    expect(fake.acceptedEventIds()).toEqual(['a2']);
    fake.reset();
  });

  it('destroys the socket mid-response or before it, optionally after processing', async () => {
    fake.script([{ destroySocket: true }, { destroySocket: 'before-response' }, { destroySocket: true, afterProcessing: true }]);
    await expect(postEvents(fake, [event('lost1')])).rejects.toThrow();
    await expect(postEvents(fake, [event('lost2')])).rejects.toThrow();
    expect(fake.accepted).toHaveLength(0);
    await expect(postEvents(fake, [event('kept')])).rejects.toThrow();
    expect(fake.acceptedEventIds()).toEqual(['kept']);
    expect(fake.counters.byStatus.destroyed).toBe(3);
    expect((await postEvents(fake, [event('after')])).status).toBe(200);
  });

  it('answers 429 on every nth events request with rate429Every', async () => {
    fake.rate429Every = 3;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await postEvents(fake, [event(`r${i}`)])).status);
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429, 200]);
  });

  it('expires a token after N authenticated requests', async () => {
    fake.tokens.set('short-lived', { kind: 'conversion', accounts: [ACCOUNT], expiresAfterRequests: 2 });
    const st: number[] = [];
    for (let i = 0; i < 3; i++) st.push((await postEvents(fake, [event(`x${i}`)], { token: 'short-lived' })).status);
    expect(st).toEqual([200, 200, 401]);
    expect(fake.tokenUses('short-lived')).toBe(3);
  });

  it('restores the injection knobs on reset', async () => {
    fake.failEventIds.add('f');
    fake.rate429Every = 1;
    fake.script([{ status: 500 }]);
    fake.reset();
    expect(fake.failEventIds.size).toBe(0);
    expect(fake.rate429Every).toBe(0);
    expect(fake.pendingFaults()).toEqual({ events: 0, oauth: 0, eqs: 0, advertiserDefinedEvents: 0 });
    expect((await postEvents(fake, [event('f')])).status).toBe(200);
  });

  it('exposes admin routes for out-of-process use', async () => {
    const origin = fake.url.replace(/\/v5$/, '');
    const s = await fetch(`${origin}/_fake/script`, { method: 'POST', body: JSON.stringify([{ status: 503 }]) });
    expect(s.status).toBe(200);
    expect((await postEvents(fake, [event('a')])).status).toBe(503);
    const c = (await (await fetch(`${origin}/_fake/counters`)).json()) as any;
    expect(c.byStatus['503']).toBe(1);
    expect(c.requests).toBe(1);
    expect((await postEvents(fake, [event('b')])).status).toBe(200);
    const a = (await (await fetch(`${origin}/_fake/accepted`)).json()) as any;
    expect(a.accepted.map((e: any) => e.event_id)).toEqual(['b']);
    expect(a.accepted[0]).toEqual(event('b'));
    expect(a.test_events).toEqual([]);
  });

  it('answers 409 on /_fake/accepted when it keeps counters only', async () => {
    const bare = await startFakePinterest({ recordBodies: false });
    try {
      const r = await fetch(`${bare.url.replace(/\/v5$/, '')}/_fake/accepted`);
      expect(r.status).toBe(409);
    } finally {
      await bare.close();
    }
  });
});

describe('fake Pinterest: OAuth token endpoint', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest();
  });
  afterAll(() => fake.close());

  it('rotates the refresh token on every refresh; old ones stay valid by default', async () => {
    const first = await refresh(fake, FAKE_DEFAULTS.refreshToken);
    expect(first.status).toBe(200);
    expect(first.rid).toBeTruthy();
    expect(first.body).toMatchObject({ token_type: 'bearer', response_type: 'refresh_token', expires_in: 2592000, refresh_token_expires_in: 5184000, scope: 'ads:read,ads:write' });
    expect(first.body.access_token).toMatch(/^pina_/);
    expect(first.body.refresh_token).toMatch(/^pinr_/);
    expect(first.body.refresh_token).not.toBe(FAKE_DEFAULTS.refreshToken);
    const second = await refresh(fake, first.body.refresh_token);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    expect((await refresh(fake, FAKE_DEFAULTS.refreshToken)).status).toBe(200);
    expect(fake.issuedTokens).toHaveLength(3);
    expect(fake.issuedTokens[1].usedRefreshToken).toBe(first.body.refresh_token);

    // Issued access tokens carry the client's accounts and scopes.
    expect((await postEvents(fake, [event('o1')], { token: second.body.access_token })).status).toBe(200);
    const acct = await get(fake, `/ad_accounts/${ACCOUNT}`, second.body.access_token);
    expect(acct.status).toBe(200);
    expect((await postEvents(fake, [event('o2')], { token: second.body.access_token, account: FAKE_DEFAULTS.foreignAdAccountId })).status).toBe(403);
  });

  it('refuses bad client credentials, bad grants and unknown refresh tokens', async () => {
    expect((await refresh(fake, FAKE_DEFAULTS.refreshToken, 'demo-client-id:wrong')).body).toEqual({ code: 2, message: 'Authentication failed.' });
    const unknown = await refresh(fake, 'pinr_nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ code: 283, message: 'The authorization grant is invalid' });
    const json = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${FAKE_DEFAULTS.clientId}:${FAKE_DEFAULTS.clientSecret}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: FAKE_DEFAULTS.refreshToken }),
    });
    expect(json.status).toBe(400);
  });

  it('revokes used refresh tokens when asked, and honours scripted token-endpoint faults', async () => {
    const strict = await startFakePinterest({ revokeOldRefreshTokens: true });
    try {
      const a = await refresh(strict, FAKE_DEFAULTS.refreshToken);
      expect(a.status).toBe(200);
      expect((await refresh(strict, FAKE_DEFAULTS.refreshToken)).status).toBe(400);
      strict.scriptOAuth([{ status: 503 }]);
      expect((await refresh(strict, a.body.refresh_token)).status).toBe(503);
      expect((await refresh(strict, a.body.refresh_token)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('can make issued access tokens expire after N requests', async () => {
    const f = await startFakePinterest({ issuedTokenExpiresAfterRequests: 1 });
    try {
      const t = (await refresh(f, FAKE_DEFAULTS.refreshToken)).body.access_token;
      expect((await postEvents(f, [event('1')], { token: t })).status).toBe(200);
      expect((await postEvents(f, [event('2')], { token: t })).status).toBe(401);
    } finally {
      await f.close();
    }
  });
});

describe('fake Pinterest: ad account and conversion tag reads', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest();
  });
  afterAll(() => fake.close());

  it('returns the ad account with the caller permissions to OAuth tokens with ads:read', async () => {
    const r = await get(fake, `/ad_accounts/${ACCOUNT}`, FAKE_DEFAULTS.oauthAccessToken);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ACCOUNT, currency: 'USD', country: 'US', permissions: ['OWNER'] });
    expect(r.rid).toBeTruthy();
    const analyst = await get(fake, `/ad_accounts/${FAKE_DEFAULTS.analystAdAccountId}`, FAKE_DEFAULTS.oauthAccessToken);
    expect(analyst.body.permissions).toEqual(['ANALYST']);
  });

  it('refuses conversion tokens and tokens without ads:read; 404 for unknown, 403 for not granted', async () => {
    const conv = await get(fake, `/ad_accounts/${ACCOUNT}`, FAKE_DEFAULTS.conversionToken);
    expect([conv.status, conv.body.code]).toEqual([403, 3]);
    expect(conv.body.message).toContain('ads:read');
    const wo = await get(fake, `/ad_accounts/${ACCOUNT}`, FAKE_DEFAULTS.writeOnlyOAuthToken);
    expect([wo.status, wo.body.code]).toEqual([403, 3]);
    expect(wo.body.message).toContain('ads:read');
    expect((await get(fake, `/ad_accounts/${ACCOUNT}`, 'nope')).status).toBe(401);
    expect((await get(fake, '/ad_accounts/77', FAKE_DEFAULTS.oauthAccessToken)).status).toBe(404);
    expect((await get(fake, '/ad_accounts/act_1', FAKE_DEFAULTS.oauthAccessToken)).status).toBe(400);
    const foreign = await get(fake, `/ad_accounts/${FAKE_DEFAULTS.foreignAdAccountId}`, FAKE_DEFAULTS.oauthAccessToken);
    expect([foreign.status, foreign.body.code]).toEqual([403, 29]);
  });

  it('returns conversion tags with their status, 404 when unknown', async () => {
    const base = `/ad_accounts/${ACCOUNT}/conversion_tags`;
    const active = await get(fake, `${base}/${FAKE_DEFAULTS.conversionTagId}`, FAKE_DEFAULTS.oauthAccessToken);
    expect(active.body).toMatchObject({ id: FAKE_DEFAULTS.conversionTagId, ad_account_id: ACCOUNT, status: 'ACTIVE' });
    const paused = await get(fake, `${base}/${FAKE_DEFAULTS.pausedConversionTagId}`, FAKE_DEFAULTS.oauthAccessToken);
    expect(paused.body.status).toBe('PAUSED');
    expect((await get(fake, `${base}/999`, FAKE_DEFAULTS.oauthAccessToken)).status).toBe(404);
    expect((await get(fake, `${base}/${FAKE_DEFAULTS.conversionTagId}`, FAKE_DEFAULTS.conversionToken)).status).toBe(403);
    fake.conversionTags.set('555', { id: '555', ad_account_id: ACCOUNT, status: 'ARCHIVED' });
    expect((await get(fake, `${base}/555`, FAKE_DEFAULTS.oauthAccessToken)).body.status).toBe('ARCHIVED');
  });
});

describe('fake Pinterest: load', () => {
  it('handles many concurrent keep-alive requests of 1,000 events', async () => {
    const fake = await startFakePinterest({ recordBodies: false, latencyMs: 5 });
    const agent = new Agent({ connections: 16 });
    try {
      const t = nowS();
      const body = (k: number) =>
        JSON.stringify({
          data: Array.from({ length: 1000 }, (_, i) => ({
            event_name: 'checkout',
            action_source: 'web',
            event_time: t,
            event_id: `b${k}-${i}`,
            user_data: { em: [sha(`u${i}@example.com`)], ph: [sha(`1555555${i}`)] },
            custom_data: { value: '10.00', currency: 'USD', order_id: `o${i}` },
          })),
        });
      const t0 = Date.now();
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, k) => {
          const res = await request(`${fake.url}/ad_accounts/${ACCOUNT}/events`, {
            method: 'POST',
            dispatcher: agent,
            headers: { authorization: `Bearer ${FAKE_DEFAULTS.conversionToken}`, 'content-type': 'application/json' },
            body: body(k),
          });
          const json = (await res.body.json()) as any;
          return [res.statusCode, json.num_events_processed];
        }),
      );
      const elapsed = Date.now() - t0;
      expect(results.every(([s, n]) => s === 200 && n === 1000)).toBe(true);
      expect(fake.counters.acceptedEvents).toBe(40_000);
      expect(fake.counters.maxInFlight).toBeGreaterThan(1);
      expect(fake.requests).toHaveLength(0);
      expect(fake.accepted).toHaveLength(0);
      expect(elapsed).toBeLessThan(15_000);
    } finally {
      await agent.close();
      await fake.close();
    }
  });
});

describe('fixtures', () => {
  it('messages.jsonl is exactly what the generator writes', () => {
    expect(rawMessageLines()).toEqual(generateMessages());
  });

  it('has the documented shape: streams, states every 50 records, one trace, the bad rows', () => {
    const msgs = rawMessageLines().map((l) => JSON.parse(l));
    const recs = msgs.filter((m) => m.type === 'RECORD');
    expect(msgs).toHaveLength(FIXTURE_SUMMARY.totalLines);
    expect(recs.filter((m) => m.record.stream === 'orders')).toHaveLength(FIXTURE_SUMMARY.records.orders);
    expect(recs.filter((m) => m.record.stream === 'signups')).toHaveLength(FIXTURE_SUMMARY.records.signups);
    expect(recs.every((m) => (m.record.stream === 'orders' ? m.record.namespace === 'shop' : !('namespace' in m.record)))).toBe(true);
    const states = msgs.filter((m) => m.type === 'STATE');
    expect(states).toHaveLength(FIXTURE_SUMMARY.totalStates);
    expect(states.map((s) => s.state.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(msgs.filter((m) => m.type === 'TRACE')).toHaveLength(1);
    const exp = expectedStateStats();
    expect(exp.map((e) => e.sourceRecordCount)).toEqual(states.map((s) => s.state.sourceStats.recordCount));
    expect(exp.every((e) => e.recordCount + e.rejectedRecordCount === e.sourceRecordCount)).toBe(true);
    expect(exp.reduce((s, e) => s + e.rejectedRecordCount, 0)).toBe(FIXTURE_BAD_ROWS.length);
    expect(exp.reduce((s, e) => s + e.recordCount, 0)).toBe(FIXTURE_SUMMARY.expectedAccepted);
    const orders = recs.filter((m) => m.record.stream === 'orders').map((m) => m.record.data);
    const signups = recs.filter((m) => m.record.stream === 'signups').map((m) => m.record.data);
    expect(orders[37].customer.email).toBeUndefined();
    expect(orders[112].customer.email.trim()).toBe('');
    expect(orders[150].placed_at).toBe('31/02/2026 25:61');
    expect([signups[23].email, signups[23].ip]).toEqual([null, null]);
    expect(signups[88].created_at).toBe('yesterday');
    expect(new Set(orders.map((o) => o.order_id)).size).toBe(orders.length);
    const text = rawMessageLines().join('\n');
    for (const m of text.matchAll(/@([A-Za-z.]+)/g)) expect(m[1].toLowerCase()).toMatch(/^example\.(com|org)$/);
  });

  it('rebases every time value by one whole-second delta, keeping formats', () => {
    const nowMs = Date.UTC(2031, 5, 15, 8, 30, 15, 250);
    const delta = rebaseDeltaSeconds(nowMs);
    const raw = rawMessageLines().map((l) => JSON.parse(l));
    const shifted = loadMessageObjects({ nowMs });
    expect(loadMessages({ nowMs })).toEqual(shifted.map((m) => JSON.stringify(m)));
    let newest = 0;
    raw.forEach((r, i) => {
      const s = shifted[i];
      if (r.type === 'RECORD') {
        expect(s.record.emitted_at - r.record.emitted_at).toBe(delta * 1000);
        newest = Math.max(newest, s.record.emitted_at);
        const d = r.record.data;
        if (r.record.stream === 'orders' && d.placed_at !== '31/02/2026 25:61') {
          const a = d.placed_at as string;
          const b = s.record.data.placed_at as string;
          expect(b.length).toBe(a.length);
          expect(b.slice(19)).toBe(a.slice(19)); // fraction and offset kept
          expect(Date.parse(b) - Date.parse(a)).toBe(delta * 1000);
        } else if (r.record.stream === 'signups' && typeof d.created_at === 'number') {
          expect(s.record.data.created_at - d.created_at).toBe(delta);
          expect(Number.isInteger(s.record.data.created_at)).toBe(true);
        } else {
          expect(s.record.data).toEqual(d);
        }
      } else if (r.type === 'STATE') {
        const c0 = r.state.stream.stream_state.cursor;
        const c1 = s.state.stream.stream_state.cursor;
        if (typeof c0 === 'number') expect(c1 - c0).toBe(delta);
        else expect(Date.parse(c1) - Date.parse(c0)).toBe(delta * 1000);
        expect({ ...s.state, stream: undefined }).toEqual({ ...r.state, stream: undefined });
      } else if (r.type === 'TRACE') {
        expect(s.trace.emitted_at - r.trace.emitted_at).toBe(delta * 1000);
        newest = Math.max(newest, s.trace.emitted_at);
      }
    });
    expect(newest).toBe(FIXTURE_ANCHOR_MS + delta * 1000);
    expect(nowMs - 600_000 - newest).toBeGreaterThanOrEqual(0);
    expect(nowMs - 600_000 - newest).toBeLessThan(1000);
    expect(shiftIsoString('2026-03-01T23:59:59-05:00', 1)).toBe('2026-03-02T00:00:00-05:00');
    expect(shiftIsoString('2026-03-01T10:00:00.120Z', -3600)).toBe('2026-03-01T09:00:00.120Z');
    expect(shiftIsoString('yesterday', 10)).toBe('yesterday');
  });

  it('rebased good rows pass the fake (times inside Pinterest windows) when mapped naively', async () => {
    const fake = await startFakePinterest();
    try {
      const msgs = loadMessageObjects({ nowMs: Date.now() });
      const ordinals: Record<string, number> = {};
      const events: any[] = [];
      for (const m of msgs) {
        if (m.type !== 'RECORD') continue;
        const stream = m.record.stream as string;
        const ordinal = (ordinals[stream] = (ordinals[stream] ?? -1) + 1);
        if (FIXTURE_BAD_ROWS.some((b) => b.stream === stream && b.ordinal === ordinal)) continue;
        const d = m.record.data;
        const email = stream === 'orders' ? d.customer.email : d.email;
        const user_data: any = {};
        if (email) user_data.em = [sha(String(email).trim().toLowerCase())];
        if (stream === 'signups' && d.ip && d.user_agent) Object.assign(user_data, { client_ip_address: d.ip, client_user_agent: d.user_agent });
        const event_time = stream === 'orders' ? Math.floor(Date.parse(d.placed_at) / 1000) : d.created_at;
        events.push({ event_name: stream === 'orders' ? 'checkout' : 'signup', action_source: 'web', event_time, event_id: `${stream}-${ordinal}`, user_data });
      }
      expect(events).toHaveLength(FIXTURE_SUMMARY.expectedAccepted);
      const r = await postEvents(fake, events);
      expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
      expect(r.body.num_events_processed).toBe(events.length);
    } finally {
      await fake.close();
    }
  });

  it('configs and catalog carry the public contract keys', () => {
    const c = sampleConfig();
    expect(c).toMatchObject({ ad_account_id: FAKE_DEFAULTS.adAccountId, credentials: { auth_type: 'access_token', access_token: FAKE_DEFAULTS.conversionToken } });
    expect(c.streams.map((s: any) => s.name)).toEqual(['orders', 'signups']);
    expect(oauthConfig().credentials).toMatchObject({ auth_type: 'oauth2.0', client_id: FAKE_DEFAULTS.clientId, refresh_token: FAKE_DEFAULTS.refreshToken });
    const bad = invalidConfig();
    expect(bad.ad_account_id).toBe('act_123');
    expect(bad.credentials.access_token).toBeUndefined();
    expect(bad.max_concurrent_requests).toBe(99);
    const cat = configuredCatalog();
    expect(cat.streams.map((s: any) => [s.stream.name, s.stream.namespace, s.destination_sync_mode, s.sync_mode])).toEqual([
      ['orders', 'shop', 'append', 'incremental'],
      ['signups', undefined, 'append', 'incremental'],
    ]);
    expect(cat.streams[0].primary_key).toEqual([['order_id']]);
  });
});

describe('CLI harness (stub entry scripts)', () => {
  const stub = (name: string, code: string) => {
    const p = join(dirname(writeTempJson({}, 'anchor')), `${name}.mjs`);
    writeFileSync(p, code);
    return p;
  };

  it('parses stdout lines, passes stdin and env, and keeps the real API unreachable by default', async () => {
    const entry = stub(
      'echo',
      `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{
        console.log(JSON.stringify({type:'LOG',log:{level:'INFO',message:process.argv.slice(2).join(' ')}}));
        console.log(JSON.stringify({type:'ECHO',stdin:s,base:process.env.PINTEREST_API_BASE_URL,x:process.env.X_TEST}));
        process.stderr.write('warn\\n');process.exitCode=3;});`,
    );
    const r = await runCli(['write', '--config', 'c.json'], { entry, stdin: 'hello\n', env: { X_TEST: 'y' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('warn\n');
    expect(r.messages).toEqual([
      { type: 'LOG', log: { level: 'INFO', message: 'write --config c.json' } },
      { type: 'ECHO', stdin: 'hello\n', base: UNREACHABLE_API_BASE_URL, x: 'y' },
    ]);
    const r2 = await runCli([], { entry, env: { PINTEREST_API_BASE_URL: 'http://127.0.0.1:1/v5' } });
    expect(r2.messages[1].base).toBe('http://127.0.0.1:1/v5');
  });

  it('fails loudly on a non-JSON stdout line and on timeouts', async () => {
    const noisy = stub('noisy', `console.log('{"type":"LOG"}');console.log('hello world');`);
    await expect(runCli([], { entry: noisy })).rejects.toThrow(/non-JSON line.*\n.*hello world/);
    const hang = stub('hang', `setInterval(()=>{},1000);`);
    await expect(runCli([], { entry: hang, timeoutMs: 500 })).rejects.toBeInstanceOf(CliHarnessError);
  });

  it('spawnCli streams messages and delivers signals', async () => {
    const entry = stub(
      'stream',
      `process.stdin.setEncoding('utf8');process.stdin.on('data',d=>{for(const l of d.split('\\n'))if(l)console.log(JSON.stringify({type:'GOT',l}))});
       process.on('SIGTERM',()=>{console.log(JSON.stringify({type:'BYE'}));process.exit(143)});`,
    );
    const run = spawnCli([], { entry });
    await run.write('a\n');
    expect(await run.waitForMessage((m) => m.type === 'GOT' && m.l === 'a')).toEqual({ type: 'GOT', l: 'a' });
    await run.write('b\n');
    await run.waitForMessage((m) => m.l === 'b');
    run.kill('SIGTERM');
    const res = await run.exited;
    expect(res.code).toBe(143);
    expect(res.messages.map((m) => m.type)).toEqual(['GOT', 'GOT', 'BYE']);
  });

  it('writeTempJson writes parseable files', async () => {
    const p = writeTempJson({ a: 1 }, 'cfg/../x');
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ a: 1 });
  });
});
