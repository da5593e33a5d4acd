/**
 * OAuth through the real CLI against the fake Pinterest API: refresh before expiry and once on a 401, the CONTROL
 * message carrying the complete new config, one shared refresh for concurrent requests, and refresh failures.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import { FAKE_DEFAULTS } from './fake-pinterest/server.js';
import {
  describeRun,
  echoedStates,
  eventsRequests,
  expectAcceptedExactly,
  fakePerTest,
  generateOrders,
  logTexts,
  oauthOrdersConfig,
  requestEventIds,
  runWrite,
  traceErrors,
} from './helpers/generated.js';

const newFake = fakePerTest();

// CLI runs are slow to start on a busy machine; the time bounds that matter are asserted inside the tests.
vi.setConfig({ testTimeout: 90_000 });


const controls = (messages: any[]) => messages.filter((m) => m?.type === 'CONTROL');
const DAY_MS = 86_400_000;


describe.concurrent('OAuth token refresh', () => {
  it('refreshes at start (no access token) and again whenever the token dies after N requests; each CONTROL carries the complete new config', async () => {
    const fake = await newFake({ issuedTokenExpiresAfterRequests: 2, revokeOldRefreshTokens: true });
    fake.scriptOAuth([{ status: 503 }]); // the token endpoint hiccups once: retried
    const input = generateOrders(5000, 1000);
    const config = oauthOrdersConfig({ requests_per_minute: 4000, max_retries: 5 });
    const started = Date.now();
    const r = await runWrite(fake, config, input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expectAcceptedExactly(fake, input.ids);

    // Refresh 1 before any request; the read of the account's advertiser-defined events and events request 1 pass;
    // request 2 → 401 → refresh 2 → retry; 3 passes; 4 → 401 → refresh 3 → retry; 5 passes; the Event Quality Score
    // read at the end → 401 → refresh 4 → read again.
    const seen = fake.requests.map((q) => `${q.path.split('/').at(-1)} ${q.status}`);
    expect(seen).toEqual([
      'token 503', 'token 200', 'advertiser_defined_events 200',
      'events 200', 'events 401', 'token 200', 'events 200', 'events 200', 'events 401', 'token 200', 'events 200', 'events 200',
      'conversion_eqs 401', 'token 200', 'conversion_eqs 200',
    ]);
    const reqs = eventsRequests(fake);
    expect(requestEventIds(reqs[2].body)).toEqual(requestEventIds(reqs[1].body));
    expect(requestEventIds(reqs[5].body)).toEqual(requestEventIds(reqs[4].body));
    expect(fake.issuedTokens).toHaveLength(4);
    expect(fake.counters.oauthRequests).toBe(5);
    // Continuous refresh tokens: each refresh used the refresh token the previous one returned.
    expect(fake.issuedTokens.map((t) => t.usedRefreshToken)).toEqual([
      FAKE_DEFAULTS.refreshToken,
      fake.issuedTokens[0].refresh_token,
      fake.issuedTokens[1].refresh_token,
      fake.issuedTokens[2].refresh_token,
    ]);

    const cs = controls(r.messages);
    expect(cs).toHaveLength(4);
    cs.forEach((c, k) => {
      expect(c.control.type).toBe('CONNECTOR_CONFIG');
      expect(typeof c.control.emitted_at).toBe('number');
      expect(c.control.emitted_at).toBeGreaterThanOrEqual(started);
      const got = c.control.connectorConfig.config;
      const { token_expiry_date, ...creds } = got.credentials;
      // Complete config: every key of the original, only the tokens and their expiry changed.
      expect({ ...got, credentials: creds }).toEqual({
        ...config,
        credentials: { ...config.credentials, access_token: fake.issuedTokens[k].access_token, refresh_token: fake.issuedTokens[k].refresh_token },
      });
      const expiry = Date.parse(token_expiry_date);
      expect(expiry).toBeGreaterThan(started + 29 * DAY_MS);
      expect(expiry).toBeLessThan(Date.now() + 31 * DAY_MS);
    });
    // States keep flowing across the refreshes.
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1, 2, 3, 4, 5]);
    // Tokens never appear in LOG text.
    const logs = logTexts(r.messages).join('\n');
    for (const t of fake.issuedTokens) {
      expect(logs).not.toContain(t.access_token);
      expect(logs).not.toContain(t.refresh_token);
    }
  });

  it('concurrent requests that all meet a 401 share exactly one refresh', async () => {
    // Answers slow enough that all 4 batches are sent before the first 401 comes back, even on a busy machine
    // (at 300 ms the 4th batch was sometimes built after the refresh, and rightly sent with the new token).
    const fake = await newFake({ latencyMs: 1500 });
    // Good for one request, the read of the account's advertiser-defined events at the start; dead for the events.
    fake.tokens.set('stale-oauth-token', { kind: 'oauth', accounts: [FAKE_DEFAULTS.adAccountId], expiresAfterRequests: 1 });
    fake.scriptOAuth([{ delayMs: 1500 }]); // a slow refresh: every 401 arrives while it is under way
    const input = generateOrders(4000, 1000);
    const r = await runWrite(
      fake,
      oauthOrdersConfig({ max_concurrent_requests: 4, requests_per_minute: 120_000 }, { access_token: 'stale-oauth-token' }),
      input.lines,
    );
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    expect(fake.counters.oauthRequests).toBe(1);
    expect(controls(r.messages)).toHaveLength(1);
    const statuses = eventsRequests(fake).map((q) => q.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(fake.counters.maxInFlight).toBeGreaterThanOrEqual(4);
  });

  it('refreshes before the first request when token_expiry_date is near, once for 4 concurrent requests, with no 401', async () => {
    const fake = await newFake();
    const input = generateOrders(4000, 1000);
    const r = await runWrite(
      fake,
      oauthOrdersConfig(
        { max_concurrent_requests: 4, requests_per_minute: 120_000 },
        { access_token: FAKE_DEFAULTS.oauthAccessToken, token_expiry_date: new Date(Date.now() + 60_000).toISOString() },
      ),
      input.lines,
    );
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    expect(fake.counters.oauthRequests).toBe(1);
    expect(fake.tokenUses(FAKE_DEFAULTS.oauthAccessToken)).toBe(0);
    expect(eventsRequests(fake).every((q) => q.status === 200)).toBe(true);
    expect(controls(r.messages)).toHaveLength(1);
  });

  it('keeps a token that is valid for long: no refresh, no CONTROL', async () => {
    const fake = await newFake();
    const input = generateOrders(100, 50);
    const r = await runWrite(
      fake,
      oauthOrdersConfig({}, { access_token: FAKE_DEFAULTS.oauthAccessToken, token_expiry_date: new Date(Date.now() + 20 * DAY_MS).toISOString() }),
      input.lines,
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.counters.oauthRequests).toBe(0);
    expect(controls(r.messages)).toEqual([]);
    expectAcceptedExactly(fake, input.ids);
  });

  it('a short-lived token (expires_in below the refresh margin) is refreshed when due, not before every request', async () => {
    const fake = await newFake({ issuedTokenExpiresIn: 120 });
    const input = generateOrders(4000, 1000);
    const r = await runWrite(fake, oauthOrdersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    // The run lasts seconds; a 2-minute token needs no second refresh.
    expect(fake.counters.oauthRequests).toBe(1);
    const [c] = controls(r.messages);
    const expiry = Date.parse(c.control.connectorConfig.config.credentials.token_expiry_date);
    expect(Math.abs(expiry - (Date.now() + 120_000))).toBeLessThan(20_000);
  });

  it('a revoked refresh token ends the run with config_error telling the user to reconnect; nothing is sent', async () => {
    const fake = await newFake();
    const input = generateOrders(20, 10);
    const r = await runWrite(fake, oauthOrdersConfig({}, { refresh_token: 'revoked-refresh-token' }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const traces = traceErrors(r.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    expect(traces[0].trace.error.message).toMatch(/[Rr]econnect/);
    expect(traces[0].trace.error.message).not.toContain('revoked-refresh-token');
    expect(r.messages.at(-1)).toEqual(traces[0]);
    expect(eventsRequests(fake)).toEqual([]);
    expect(echoedStates(r.messages)).toEqual([]);
  });

  it('a fresh token that still gets 401 ends with config_error after exactly one refresh', async () => {
    const fake = await newFake({ issuedTokenExpiresAfterRequests: 0 });
    const input = generateOrders(20, 10);
    const r = await runWrite(fake, oauthOrdersConfig({}, { access_token: 'stale-oauth-token-unknown' }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const [t] = traceErrors(r.messages);
    expect(t.trace.error.failure_type).toBe('config_error');
    expect(t.trace.error.message).toMatch(/even after refreshing/);
    expect(fake.counters.oauthRequests).toBe(1);
    // The first request, the read of the account's advertiser-defined events, meets the 401: the sync ends there.
    expect(fake.requests.map((q) => `${q.path.split('/').at(-1)} ${q.status}`)).toEqual(['advertiser_defined_events 401', 'token 200', 'advertiser_defined_events 401']);
    expect(eventsRequests(fake)).toEqual([]);
    // The refreshed tokens are still handed to Airbyte (the refresh token rotated), before the TRACE.
    expect(controls(r.messages)).toHaveLength(1);
    expect(r.messages.at(-1).type).toBe('TRACE');
  });
});
