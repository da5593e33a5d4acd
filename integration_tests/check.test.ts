/**
 * `check` diagnoses (issue "check that diagnoses"): one scenario per cause, through the real CLI against the fake
 * Pinterest API. Each message must name the cause and the fix and contain no secret; `check` always exits 0.
 *
 * Speed: the scenarios run a few at a time (one per core), all started in beforeAll. Each has a fake of its own
 * (in-process, starts in milliseconds) because its requests are asserted one by one and some scenarios script faults
 * or change the fake's accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_DEFAULTS, startFakePinterest, type FakePinterest, type RecordedRequest } from './fake-pinterest/server.js';
import { invalidMessages } from './helpers/airbyte-protocol.js';
import { concurrencyLimit, handled } from './helpers/concurrency.js';
import { fakeEnv, oauthConfig, sampleConfig } from './helpers/fixtures.js';
import { UNREACHABLE_API_BASE_URL, runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';
import { OAUTH_NEEDED_FOR_INSIGHTS } from '../src/write/match-quality.js';

const FAST_RETRIES = { PINTEREST_RETRY_TIME_SCALE: '0.001' };
const ACCOUNT = FAKE_DEFAULTS.adAccountId;
/** An account the fake's OAuth app reaches, where the user only has the FINANCE_MANAGER role. */
const FINANCE_ACCOUNT = '549755885178';
const UNKNOWN_ACCOUNT = '123456789';
const MISSING_TAG = '2617998078299';
const WRONG_TOKEN = 'pina-wrong-token-5e8d1c7a';
const REVOKED_REFRESH_TOKEN = 'pinr-revoked-refresh-93b2e4f6';

interface Scenario {
  config: Record<string, any>;
  /** Extra environment (default: the scenario's fake and fast retries). */
  env?: (fake: FakePinterest) => Record<string, string>;
  /** Prepares the fake (accounts, scripted faults, events already received). */
  setup?: (fake: FakePinterest) => void | Promise<void>;
}

interface Outcome {
  result: CliResult;
  fake: FakePinterest;
  config: Record<string, any>;
  /** Unix seconds just before the CLI started and just after it ended. */
  startedS: number;
  endedS: number;
}

const SCENARIOS: Record<string, Scenario> = {
  tokenOk: { config: sampleConfig() },
  tokenWithTag: { config: sampleConfig({ conversion_tag_id: '999' }) },
  // Settings left empty, as API clients and Terraform providers send them.
  tokenWithNulls: {
    config: sampleConfig({ conversion_tag_id: null, partner_name: null, max_rejected_percent: null, date_of_birth_order: null, object_storage_config: null, advertiser_defined_events: null }),
  },
  oauthWithTag: { config: oauthConfig({ conversion_tag_id: FAKE_DEFAULTS.conversionTagId }) },
  oauthNoTag: { config: oauthConfig() },
  oauthAdvertiserDefined: { config: oauthConfig({ advertiser_defined_events: ['book_demo', 'watch_tutorial'] }) },
  oauthScored: {
    config: oauthConfig(),
    // Two web checkouts with a hashed email only, already received: Pinterest's (the fake's) score is FAIR.
    setup: async (fake) => {
      const now = Math.floor(Date.now() / 1000);
      const em = ['a'.repeat(64)];
      const data = ['s1', 's2'].map((id) => ({ event_name: 'checkout', action_source: 'web', event_time: now - 60, event_id: id, user_data: { em } }));
      const res = await fetch(`${fake.url}/ad_accounts/${ACCOUNT}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FAKE_DEFAULTS.conversionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data }),
      });
      if (res.status !== 200) throw new Error(`setup: HTTP ${res.status}`);
      fake.requests.length = 0;
    },
  },
  oauthScoreUnreadable: { config: oauthConfig(), setup: (fake) => fake.scriptEqs([{ status: 500 }]) },
  notNumeric: { config: sampleConfig({ ad_account_id: 'act_549755885175' }) },
  notFound: { config: oauthConfig({ ad_account_id: UNKNOWN_ACCOUNT }) },
  tokenRejected: { config: sampleConfig({ credentials: { auth_type: 'access_token', access_token: WRONG_TOKEN } }) },
  refreshRejected: { config: oauthConfig({}, { refresh_token: REVOKED_REFRESH_TOKEN }) },
  noAccess: { config: sampleConfig({ ad_account_id: FAKE_DEFAULTS.foreignAdAccountId }) },
  rolesCannotSend: {
    config: oauthConfig({ ad_account_id: FINANCE_ACCOUNT }),
    setup: (fake) => {
      fake.accounts.set(FINANCE_ACCOUNT, { id: FINANCE_ACCOUNT, name: 'Finance only', permissions: ['FINANCE_MANAGER'] });
      fake.oauthClients.get(FAKE_DEFAULTS.clientId)!.accounts.push(FINANCE_ACCOUNT);
    },
  },
  noAdsRead: {
    // A current OAuth access token with ads:write only (no refresh needed): it can send events but not read the account.
    config: oauthConfig(
      { conversion_tag_id: FAKE_DEFAULTS.conversionTagId },
      { access_token: FAKE_DEFAULTS.writeOnlyOAuthToken, token_expiry_date: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    ),
  },
  tagNotFound: { config: oauthConfig({ conversion_tag_id: MISSING_TAG }) },
  tagPaused: { config: oauthConfig({ conversion_tag_id: FAKE_DEFAULTS.pausedConversionTagId }) },
  unreachable: { config: sampleConfig(), env: () => ({ PINTEREST_API_BASE_URL: UNREACHABLE_API_BASE_URL, ...FAST_RETRIES }) },
  rateLimited: {
    config: sampleConfig(),
    // Retry-After: 0 keeps the retries instant without PINTEREST_RETRY_TIME_SCALE, which would also shrink the
    // 20 s retry budget to 20 ms of real time and make the number of attempts depend on machine load.
    env: (fake) => fakeEnv(fake),
    setup: (fake) => fake.script([{ status: 429, retryAfter: 0 }, { status: 429, retryAfter: 0 }, { status: 429, retryAfter: 0 }, { status: 429, retryAfter: 0 }]),
  },
  rateLimitedOnce: {
    config: sampleConfig(),
    env: (fake) => fakeEnv(fake),
    setup: (fake) => fake.script([{ status: 429, retryAfter: 0 }]),
  },
  pinterestDown: {
    config: sampleConfig(),
    env: (fake) => fakeEnv(fake),
    setup: (fake) => fake.script([{ status: 503, retryAfter: 0 }, { status: 503, retryAfter: 0 }, { status: 503, retryAfter: 0 }, { status: 503, retryAfter: 0 }]),
  },
};

const outcomes: Record<string, Promise<Outcome>> = {};
const fakes: FakePinterest[] = [];

beforeAll(async () => {
  const limit = concurrencyLimit();
  for (const [name, s] of Object.entries(SCENARIOS)) {
    const fake = await startFakePinterest();
    fakes.push(fake);
    await s.setup?.(fake);
    const path = writeTempJson(s.config, `check-${name}`);
    const env = s.env ? s.env(fake) : { ...fakeEnv(fake), ...FAST_RETRIES };
    outcomes[name] = handled(
      limit(async () => {
        const startedS = Math.floor(Date.now() / 1000);
        const result = await runCli(['check', '--config', path], { env });
        return { result, fake, config: s.config, startedS, endedS: Math.ceil(Date.now() / 1000) };
      }),
    );
  }
});

afterAll(async () => {
  await Promise.allSettled(Object.values(outcomes));
  await Promise.all(fakes.map((f) => f.close()));
});

/** `METHOD path?query status` of every request the fake saw. */
function calls(fake: FakePinterest): string[] {
  return fake.requests.map((q: RecordedRequest) => {
    const qs = new URLSearchParams(q.query).toString();
    return `${q.method} ${q.path}${qs ? `?${qs}` : ''} ${q.status}`;
  });
}

/** Every secret the run knew: the config's credentials and every token the fake issued. */
function secrets(o: Outcome): string[] {
  const c = o.config.credentials as Record<string, unknown>;
  const fromConfig = ['access_token', 'refresh_token', 'client_secret', 'client_id'].map((k) => c[k]).filter((v): v is string => typeof v === 'string');
  const issued = o.fake.issuedTokens.flatMap((t) => [t.access_token, t.refresh_token]);
  return [...fromConfig, ...issued];
}

/**
 * Common expectations: exit 0, empty stderr, valid messages, exactly one CONNECTION_STATUS and it is the last
 * message, no secret in it or in any LOG. Returns the connection status.
 */
async function status(name: string): Promise<{ o: Outcome; status: string; message: string | undefined }> {
  const o = await outcomes[name];
  const r = o.result;
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(invalidMessages(r.messages)).toEqual([]);
  const statuses = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  expect(r.messages[r.messages.length - 1]).toBe(statuses[0]);
  expect(r.messages.filter((m) => m.type === 'TRACE')).toEqual([]);
  const { status: st, message } = statuses[0].connectionStatus;
  const texts = [message ?? '', ...r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string)];
  for (const secret of secrets(o)) {
    for (const t of texts) expect(t.includes(secret), `secret in "${t}"`).toBe(false);
  }
  return { o, status: st, message };
}

/** The CONTROL message of an OAuth refresh must carry the complete config with the fake's newest tokens. */
function expectRefreshControl(o: Outcome): void {
  const controls = o.result.messages.filter((m) => m.type === 'CONTROL');
  expect(o.fake.issuedTokens).toHaveLength(1);
  const issued = o.fake.issuedTokens[0];
  expect(issued.usedRefreshToken).toBe(FAKE_DEFAULTS.refreshToken);
  expect(controls).toHaveLength(1);
  const c = controls[0].control;
  expect(c.type).toBe('CONNECTOR_CONFIG');
  expect(c.emitted_at).toBeGreaterThanOrEqual(o.startedS * 1000);
  expect(c.emitted_at).toBeLessThanOrEqual(o.endedS * 1000);
  const expiry = c.connectorConfig.config.credentials.token_expiry_date as string;
  // expires_in is 30 days in the fake.
  expect(Math.abs(Date.parse(expiry) - (c.emitted_at + 2_592_000_000))).toBeLessThan(60_000);
  expect(c.connectorConfig.config).toEqual({
    ...o.config,
    credentials: { ...o.config.credentials, access_token: issued.access_token, refresh_token: issued.refresh_token, token_expiry_date: expiry },
  });
  expect(c.connectorConfig.config.credentials.refresh_token).not.toBe(FAKE_DEFAULTS.refreshToken);
}

describe('check succeeds', () => {
  it('with a conversion token: exactly one test event, ?test=true, event_time within 60 s of now', async () => {
    const { o, status: st, message } = await status('tokenOk');
    expect(st).toBe('SUCCEEDED');
    expect(message).toBeUndefined();
    expect(calls(o.fake)).toEqual([`POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`]);
    const req = o.fake.requests[0];
    expect(req.headers.authorization).toBe(`Bearer ${FAKE_DEFAULTS.conversionToken}`);
    const data = (req.body as { data: Array<Record<string, any>> }).data;
    expect(data).toHaveLength(1);
    expect(data[0].event_time).toBeGreaterThanOrEqual(o.startedS - 60);
    expect(data[0].event_time).toBeLessThanOrEqual(o.endedS + 60);
    expect(Math.abs(data[0].event_time - req.receivedAt / 1000)).toBeLessThanOrEqual(60);
    expect(o.fake.testEvents).toHaveLength(1);
    expect(o.fake.accepted).toHaveLength(0);
    expect(o.result.messages.filter((m) => m.type === 'CONTROL')).toEqual([]);
    // The score and the account's advertiser-defined events need OAuth: said once, at INFO, and not requested.
    expect(o.result.messages.filter((m) => m.type === 'LOG').map((m) => [m.log.level, m.log.message])).toEqual([['INFO', OAUTH_NEEDED_FOR_INSIGHTS]]);
    expect(o.fake.counters.eqsRequests).toBe(0);
  });

  it('with optional settings set to null: taken as not set, succeeds with the one test event', async () => {
    const { o, status: st, message } = await status('tokenWithNulls');
    expect(st).toBe('SUCCEEDED');
    expect(message).toBeUndefined();
    expect(calls(o.fake)).toEqual([`POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`]);
  });

  it('with a conversion token and a conversion_tag_id: succeeds and says the tag could not be verified', async () => {
    const { o, status: st, message } = await status('tokenWithTag');
    expect(st).toBe('SUCCEEDED');
    expect(message).toBe(
      'Pinterest accepted the test event, so syncs can send events. conversion_tag_id 999 was not verified: a conversion access token can only send events, not read tags. Use OAuth credentials to have check verify it.',
    );
    expect(calls(o.fake)).toEqual([`POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`]);
  });

  it('with OAuth: refresh → CONTROL with the complete config, then GET ad account, GET conversion tag, test event', async () => {
    const { o, status: st } = await status('oauthWithTag');
    expect(st).toBe('SUCCEEDED');
    expect(calls(o.fake)).toEqual([
      'POST /v5/oauth/token 200',
      `GET /v5/ad_accounts/${ACCOUNT} 200`,
      `GET /v5/ad_accounts/${ACCOUNT}/conversion_tags/${FAKE_DEFAULTS.conversionTagId} 200`,
      `POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`,
      `GET /v5/ad_accounts/${ACCOUNT}/advertiser_defined_events 200`,
      `GET /v5/ad_accounts/${ACCOUNT}/conversion_eqs?lookback_period=14d&ingestion_source=CONVERSIONS_API 200`,
    ]);
    expectRefreshControl(o);
    // The refresh used the app's Basic credentials and the stored refresh token; every later call the new token.
    const [tokenReq, ...rest] = o.fake.requests;
    expect(tokenReq.headers.authorization).toBe(`Basic ${Buffer.from(`${FAKE_DEFAULTS.clientId}:${FAKE_DEFAULTS.clientSecret}`).toString('base64')}`);
    expect(tokenReq.body).toEqual({ grant_type: 'refresh_token', refresh_token: FAKE_DEFAULTS.refreshToken });
    for (const q of rest) expect(q.headers.authorization).toBe(`Bearer ${o.fake.issuedTokens[0].access_token}`);
    // The CONTROL comes before the status.
    const types = o.result.messages.map((m) => m.type);
    expect(types.indexOf('CONTROL')).toBeLessThan(types.indexOf('CONNECTION_STATUS'));
    expect(o.fake.testEvents).toHaveLength(1);
  });

  it('with OAuth and no conversion_tag_id: no conversion tag request; reports the advertiser-defined events and that there is no score yet', async () => {
    const { o, status: st, message } = await status('oauthNoTag');
    expect(st).toBe('SUCCEEDED');
    expect(calls(o.fake)).toEqual([
      'POST /v5/oauth/token 200',
      `GET /v5/ad_accounts/${ACCOUNT} 200`,
      `POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`,
      `GET /v5/ad_accounts/${ACCOUNT}/advertiser_defined_events 200`,
      `GET /v5/ad_accounts/${ACCOUNT}/conversion_eqs?lookback_period=14d&ingestion_source=CONVERSIONS_API 200`,
    ]);
    expectRefreshControl(o);
    expect(message).toBe(
      'Pinterest accepted the test event, so syncs can send events. ' +
        `Advertiser-defined events on ad account ${ACCOUNT}: download_picture (counted as CUSTOM), Book_Demo (counted as LEAD). ` +
        "Event Quality Score: Pinterest has no score yet for this account's Conversions API events of the last 14 days (a score can take a day to appear after events arrive).",
    );
  });

  it('with OAuth and advertiser_defined_events: warns about a configured name the account does not define', async () => {
    const { o, status: st, message } = await status('oauthAdvertiserDefined');
    expect(st).toBe('SUCCEEDED');
    const warning =
      `advertiser_defined_events lists a name that ad account ${ACCOUNT} does not define: watch_tutorial. Pinterest leaves events sent under such a name untracked ` +
      '(no reporting, no optimization). Either define it in Ads Manager (Conversions → advertiser-defined events) and map it to a standard type there, ' +
      'or map it to a standard event name with event_name_mapping and remove it from advertiser_defined_events.';
    expect(o.result.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message)).toEqual([warning]);
    expect(message).toContain(`Advertiser-defined events on ad account ${ACCOUNT}: download_picture (counted as CUSTOM), Book_Demo (counted as LEAD). ${warning} Event Quality Score:`);
  });

  it('with OAuth: reports the Event Quality Score per source platform and the two changes that would raise it most', async () => {
    const { o, status: st, message } = await status('oauthScored');
    expect(st).toBe('SUCCEEDED');
    expect(o.fake.counters.eqsRequests).toBe(1);
    expect(message).toMatch(/\. Event Quality Score \(Pinterest, Conversions API events of the last 14 days\): WEB FAIR\. To raise it: /);
    expect(message!.slice(message!.indexOf('To raise it:'))).toBe(
      'To raise it: map external_id (your customer ID): Pinterest sees it on 0% of your WEB events; ' +
        "map click_id (the epik of the Pinterest click: the landing page URL's epik parameter or the _epik cookie): Pinterest sees it on 0% of your WEB events.",
    );
  });

  it('with OAuth and a score Pinterest fails to give (500): still succeeds, with one WARN and a note', async () => {
    const { o, status: st, message } = await status('oauthScoreUnreadable');
    expect(st).toBe('SUCCEEDED');
    const eqsCall = o.fake.requests.find((q) => q.path.endsWith('/conversion_eqs'))!;
    const why = `Could not read the Event Quality Score of ad account ${ACCOUNT}: Pinterest failed to answer (HTTP 500 (code 0: Internal server error.) [x-pinterest-rid ${eqsCall.rid}]); it is not retried.`;
    expect(o.result.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message)).toEqual([why]);
    expect(message!.endsWith(why)).toBe(true);
    expect(o.fake.counters.eqsRequests).toBe(1);
  });

  it('with an OAuth token missing ads:read: the test event decides, and the message says what could not be verified', async () => {
    const { o, status: st, message } = await status('noAdsRead');
    // Sending events needs ads:write only, so a config that can sync must not fail check.
    expect(st).toBe('SUCCEEDED');
    expect(calls(o.fake)).toEqual([`GET /v5/ad_accounts/${ACCOUNT} 403`, `POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`]);
    const why =
      `The OAuth token lacks the ads:read scope, so check could not read ad account ${ACCOUNT} to verify the user's role on it or conversion tag ${FAKE_DEFAULTS.conversionTagId}. ` +
      'Sending events only needs ads:write; to have these verified (and to see the Event Quality Score and the advertiser-defined events), reconnect the destination with OAuth granting ads:read and ads:write.';
    expect(message).toBe(`Pinterest accepted the test event, so syncs can send events. ${why}`);
    expect(o.result.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message)).toEqual([why]);
    expect(o.result.messages.filter((m) => m.type === 'CONTROL')).toEqual([]);
  });

  it('after one 429 (retried within the check)', async () => {
    const { o, status: st } = await status('rateLimitedOnce');
    expect(st).toBe('SUCCEEDED');
    expect(calls(o.fake)).toEqual([`POST /v5/ad_accounts/${ACCOUNT}/events?test=true 429`, `POST /v5/ad_accounts/${ACCOUNT}/events?test=true 200`]);
  });
});

describe('check fails, naming the cause and the fix', () => {
  it('ad account id not numeric: config problem, no request', async () => {
    const { o, status: st, message } = await status('notNumeric');
    expect(st).toBe('FAILED');
    expect(message).toBe(
      'Invalid configuration: ad_account_id: must be the numeric ad account ID (digits only, at most 18), e.g. 549755885175 — not the account name or an "act_" id',
    );
    expect(o.fake.requests).toHaveLength(0);
  });

  it('ad account not found (404)', async () => {
    const { o, status: st, message } = await status('notFound');
    expect(st).toBe('FAILED');
    expect(calls(o.fake)).toEqual(['POST /v5/oauth/token 200', `GET /v5/ad_accounts/${UNKNOWN_ACCOUNT} 404`]);
    expect(message).toBe(
      `Pinterest does not know ad account ${UNKNOWN_ACCOUNT} (HTTP 404 (code 2: AdAccount not found.) [x-pinterest-rid ${o.fake.requests[1].rid}]). ` +
        'Check ad_account_id: it is the numeric ID shown in Ads Manager for the account the token belongs to.',
    );
  });

  it('conversion token rejected (401): generate a new conversion access token', async () => {
    const { o, status: st, message } = await status('tokenRejected');
    expect(st).toBe('FAILED');
    expect(calls(o.fake)).toEqual([`POST /v5/ad_accounts/${ACCOUNT}/events?test=true 401`]);
    expect(message).toBe(
      `Pinterest rejected the access token (HTTP 401 (code 2: Authentication failed.) [x-pinterest-rid ${o.fake.requests[0].rid}]). ` +
        'The token is wrong, expired or revoked: generate a new conversion access token in Ads Manager (Conversions → Set up API → Generate new token) for this ad account and paste it into the destination settings.',
    );
  });

  it('OAuth refresh rejected: reconnect or paste a new refresh token', async () => {
    const { o, status: st, message } = await status('refreshRejected');
    expect(st).toBe('FAILED');
    expect(calls(o.fake)).toEqual(['POST /v5/oauth/token 400']);
    expect(message).toBe(
      `Pinterest refused to refresh the OAuth access token (HTTP 400 (code 283: The authorization grant is invalid) [x-pinterest-rid ${o.fake.requests[0].rid}]). ` +
        "The refresh token or the app's client_id/client_secret is wrong, expired or revoked: reconnect the destination with OAuth, or paste a new refresh token.",
    );
    expect(o.result.messages.filter((m) => m.type === 'CONTROL')).toEqual([]);
  });

  it('no access to the ad account (403)', async () => {
    const { o, status: st, message } = await status('noAccess');
    expect(st).toBe('FAILED');
    const account = FAKE_DEFAULTS.foreignAdAccountId;
    expect(calls(o.fake)).toEqual([`POST /v5/ad_accounts/${account}/events?test=true 403`]);
    expect(message).toBe(
      `Pinterest refused access to ad account ${account} (HTTP 403 (code 29: You are not permitted to access that resource.) [x-pinterest-rid ${o.fake.requests[0].rid}]). ` +
        "The token's user must own the account or have the Admin, Analyst, Audience or Campaign role on it (Business Access), and an OAuth token needs the ads:write scope (ads:read for check). Check that ad_account_id is the right account, then use a token generated for this ad account, or grant the user access.",
    );
  });

  it("OAuth user whose roles cannot send events (only FINANCE_MANAGER): no test event", async () => {
    const { o, status: st, message } = await status('rolesCannotSend');
    expect(st).toBe('FAILED');
    expect(calls(o.fake)).toEqual(['POST /v5/oauth/token 200', `GET /v5/ad_accounts/${FINANCE_ACCOUNT} 200`]);
    expect(message).toBe(
      `The token's user has the roles FINANCE_MANAGER on ad account ${FINANCE_ACCOUNT}, none of which may send conversion events. ` +
        "In Business Access, give the user the Admin, Analyst, Audience or Campaign role on this account (or use the owner's token).",
    );
  });

  it('conversion tag not found', async () => {
    const { o, status: st, message } = await status('tagNotFound');
    expect(st).toBe('FAILED');
    expect(calls(o.fake)).toEqual(['POST /v5/oauth/token 200', `GET /v5/ad_accounts/${ACCOUNT} 200`, `GET /v5/ad_accounts/${ACCOUNT}/conversion_tags/${MISSING_TAG} 404`]);
    expect(message).toBe(
      `Conversion tag ${MISSING_TAG} does not exist in ad account ${ACCOUNT}. Copy the tag ID from Ads Manager → Conversions → Pinterest tag, or leave conversion_tag_id empty.`,
    );
  });

  it('conversion tag PAUSED', async () => {
    const { o, status: st, message } = await status('tagPaused');
    expect(st).toBe('FAILED');
    const tag = FAKE_DEFAULTS.pausedConversionTagId;
    expect(calls(o.fake)).toEqual(['POST /v5/oauth/token 200', `GET /v5/ad_accounts/${ACCOUNT} 200`, `GET /v5/ad_accounts/${ACCOUNT}/conversion_tags/${tag} 200`]);
    expect(message).toBe(
      `Conversion tag ${tag} has status PAUSED, so Pinterest cannot deduplicate against it. Activate the tag in Ads Manager, or set conversion_tag_id to an active tag.`,
    );
  });

  it('Pinterest unreachable: names the network error and what to check, nothing about syncs', async () => {
    const { status: st, message } = await status('unreachable');
    expect(st).toBe('FAILED');
    expect(message).toBe(
      `Could not reach Pinterest at ${UNREACHABLE_API_BASE_URL} (network error ECONNREFUSED). ` +
        'Check that this machine can open HTTPS connections to api.pinterest.com: DNS, firewall, and proxy settings (HTTPS_PROXY / NO_PROXY; extra CA certificates through NODE_EXTRA_CA_CERTS).',
    );
  });

  it('rate limited (429 on every attempt): three attempts, then wait-and-retry advice', async () => {
    const { o, status: st, message } = await status('rateLimited');
    expect(st).toBe('FAILED');
    const call = `POST /v5/ad_accounts/${ACCOUNT}/events?test=true 429`;
    expect(calls(o.fake)).toEqual([call, call, call]);
    expect(message).toBe(
      "Pinterest rate-limited the check (HTTP 429) even after retrying. Wait a minute and test again; if it persists, another integration may be using up this ad account's request limit.",
    );
  });

  it('Pinterest down (503 on every attempt): on Pinterest’s side, test again later', async () => {
    const { o, status: st, message } = await status('pinterestDown');
    expect(st).toBe('FAILED');
    const call = `POST /v5/ad_accounts/${ACCOUNT}/events?test=true 503`;
    expect(calls(o.fake)).toEqual([call, call, call]);
    expect(message).toBe("Pinterest is having trouble answering (HTTP 503) even after retrying. This is on Pinterest's side: test again in a few minutes.");
  });
});
