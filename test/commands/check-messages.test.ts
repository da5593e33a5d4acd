/**
 * `checkFailureMessage`: Pinterest answers → the one message `check` shows. Each row sends a real request through
 * PinterestClient (and the OAuth provider for refreshes) to an undici MockAgent answering as Pinterest would, then
 * turns the resulting error into the check message. Messages are compared exactly: each must name the cause and the
 * fix, and never a secret.
 */
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFailureMessage, isMissingScope } from '../../src/commands/check.js';
import { ConfigError } from '../../src/config/config.js';
import { OAuthTokenProvider, StaticTokenProvider, type TokenProvider } from '../../src/pinterest/auth.js';
import { PinterestClient } from '../../src/pinterest/client.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { EventBatch } from '../../src/pinterest/event-batch.js';
import { RateLimiter } from '../../src/pinterest/retry.js';

const ORIGIN = 'https://api.pinterest.com';
const BASE = `${ORIGIN}/v5`;
const ACCOUNT = '549755885175';
const RID = '0a1b2c3d4e5f';
const TOKEN = 'pina-secret-token-9f8e7d';
const CLIENT_ID = 'app-client-id-1234';
const CLIENT_SECRET = 'app-client-secret-5678';
const REFRESH = 'pinr-secret-refresh-4c3b2a';
const EVENTS = `/v5/ad_accounts/${ACCOUNT}/events?test=true`;
const ACCOUNT_PATH = `/v5/ad_accounts/${ACCOUNT}`;

type Call = 'events' | 'adAccount' | 'tag';

interface Answer {
  status: number;
  body?: unknown;
  /** Times this answer is given (retries); default 1. */
  times?: number;
}

let agent: MockAgent | undefined;

afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

function setup(auth: 'access_token' | 'oauth2.0'): { pool: ReturnType<MockAgent['get']>; client: PinterestClient } {
  agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  let provider: TokenProvider;
  if (auth === 'oauth2.0') {
    provider = new OAuthTokenProvider(
      {
        auth_type: 'oauth2.0',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: REFRESH,
        access_token: TOKEN,
        token_expiry_date: new Date(Date.now() + 86_400_000).toISOString(),
      },
      { baseUrl: BASE, dispatcher: agent, onRefreshed: () => undefined, timeScale: 0 },
    );
  } else {
    provider = new StaticTokenProvider(TOKEN);
  }
  const client = new PinterestClient({
    baseUrl: BASE,
    adAccountId: ACCOUNT,
    auth: provider,
    dispatcher: agent,
    testMode: true,
    // Three attempts, no waiting.
    retry: { maxRetries: 2, maxElapsedMs: 20_000, baseDelayMs: 0, maxDelayMs: 0, timeScale: 1 },
    // The pace a 429 sets is time-scaled like backoff waits: a thousandth of it here.
    limiter: new RateLimiter(1_000_000, { timeScale: 0.001 }),
  });
  return { pool, client };
}

function reply(pool: ReturnType<MockAgent['get']>, method: 'GET' | 'POST', path: string, a: Answer): void {
  const body = typeof a.body === 'string' ? a.body : JSON.stringify(a.body ?? {});
  const contentType = typeof a.body === 'string' ? 'text/html' : 'application/json';
  pool
    .intercept({ path, method })
    .reply(a.status, body, { headers: { 'content-type': contentType, 'x-pinterest-rid': RID } })
    .times(a.times ?? 1);
}

/** Makes the call and returns the error it throws (fails the test when it does not throw). */
async function failure(client: PinterestClient, call: Call): Promise<unknown> {
  try {
    if (call === 'events') {
      const outcomes = await client.sendEvents(EventBatch.of([{ event_name: 'custom' }]));
      throw new Error(`no error; outcomes ${JSON.stringify(outcomes)}`);
    }
    if (call === 'adAccount') await client.getAdAccount();
    else await client.getConversionTag('2617998078212');
  } catch (err) {
    return err;
  }
  throw new Error('the call did not fail');
}

const FORBIDDEN_FIX =
  "The token's user must own the account or have the Admin, Analyst, Audience or Campaign role on it (Business Access), and an OAuth token needs the ads:write scope (ads:read for check). Check that ad_account_id is the right account, then use a token generated for this ad account, or grant the user access.";
const RATE_LIMITED =
  "Pinterest rate-limited the check (HTTP 429) even after retrying. Wait a minute and test again; if it persists, another integration may be using up this ad account's request limit.";
const trouble = (status: number) => `Pinterest is having trouble answering (HTTP ${status}) even after retrying. This is on Pinterest's side: test again in a few minutes.`;

const TABLE: Array<{ name: string; auth: 'access_token' | 'oauth2.0'; call: Call; answers: Answer[]; refresh?: Answer; expected: string }> = [
  {
    name: '401 on events with a conversion token → generate a new conversion access token',
    auth: 'access_token',
    call: 'events',
    answers: [{ status: 401, body: { code: 2, message: 'Authentication failed.' } }],
    expected: `Pinterest rejected the access token (HTTP 401 (code 2: Authentication failed.) [x-pinterest-rid ${RID}]). The token is wrong, expired or revoked: generate a new conversion access token in Ads Manager (Conversions → Set up API → Generate new token) for this ad account and paste it into the destination settings.`,
  },
  {
    name: '401 on events with OAuth, also after a refresh → reconnect with the scopes',
    auth: 'oauth2.0',
    call: 'events',
    answers: [{ status: 401, body: { code: 2, message: 'Authentication failed.' }, times: 2 }],
    refresh: { status: 200, body: { access_token: 'pina-new-access-1', refresh_token: 'pinr-new-refresh-1', expires_in: 2592000 } },
    expected: `Pinterest rejected the OAuth access token even after refreshing it (HTTP 401 (code 2: Authentication failed.) [x-pinterest-rid ${RID}]). Reconnect the destination with OAuth (or paste a new refresh token) and make sure the app has the ads:read and ads:write scopes.`,
  },
  {
    name: 'refresh refused (invalid grant) → reconnect or paste a new refresh token',
    auth: 'oauth2.0',
    call: 'events',
    answers: [{ status: 401, body: { code: 2, message: 'Authentication failed.' } }],
    refresh: { status: 400, body: { code: 283, message: 'The authorization grant is invalid' } },
    expected: `Pinterest refused to refresh the OAuth access token (HTTP 400 (code 283: The authorization grant is invalid) [x-pinterest-rid ${RID}]). The refresh token or the app's client_id/client_secret is wrong, expired or revoked: reconnect the destination with OAuth, or paste a new refresh token.`,
  },
  {
    name: '403 code 29 on events → own the account or get a role on it',
    auth: 'access_token',
    call: 'events',
    answers: [{ status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } }],
    expected: `Pinterest refused access to ad account ${ACCOUNT} (HTTP 403 (code 29: You are not permitted to access that resource.) [x-pinterest-rid ${RID}]). ${FORBIDDEN_FIX}`,
  },
  {
    name: '404 on the ad account → check ad_account_id',
    auth: 'oauth2.0',
    call: 'adAccount',
    answers: [{ status: 404, body: { code: 2, message: 'AdAccount not found.' } }],
    expected: `Pinterest does not know ad account ${ACCOUNT} (HTTP 404 (code 2: AdAccount not found.) [x-pinterest-rid ${RID}]). Check ad_account_id: it is the numeric ID shown in Ads Manager for the account the token belongs to.`,
  },
  {
    name: '429 on every attempt → wait and test again',
    auth: 'access_token',
    call: 'events',
    answers: [{ status: 429, body: { code: 8, message: 'This request exceeded a rate limit.' }, times: 3 }],
    expected: RATE_LIMITED,
  },
  {
    name: '503 on every attempt → Pinterest side, test later',
    auth: 'access_token',
    call: 'events',
    answers: [{ status: 503, body: { code: 4197, message: 'The endpoint has been ramped down.' }, times: 3 }],
    expected: trouble(503),
  },
  {
    name: '502 HTML from a gateway on every attempt → Pinterest side, test later',
    auth: 'access_token',
    call: 'events',
    answers: [{ status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', times: 3 }],
    expected: trouble(502),
  },
  {
    name: '500 on the ad account on every attempt → Pinterest side, test later',
    auth: 'oauth2.0',
    call: 'adAccount',
    answers: [{ status: 500, body: { code: 0, message: 'Internal server error.' }, times: 3 }],
    expected: trouble(500),
  },
  {
    name: 'an unexpected status on events is shown as Pinterest said it',
    auth: 'access_token',
    call: 'events',
    answers: [{ status: 418, body: { code: 0, message: 'teapot' } }],
    expected: `Pinterest answered the events request with an unexpected HTTP 418 (code 0: teapot) [x-pinterest-rid ${RID}].`,
  },
];

describe('checkFailureMessage: Pinterest answers → messages', () => {
  for (const row of TABLE) {
    it(row.name, async () => {
      const { pool, client } = setup(row.auth);
      const path = row.call === 'events' ? EVENTS : row.call === 'adAccount' ? ACCOUNT_PATH : `${ACCOUNT_PATH}/conversion_tags/2617998078212`;
      for (const a of row.answers) reply(pool, row.call === 'events' ? 'POST' : 'GET', path, a);
      if (row.refresh) reply(pool, 'POST', '/v5/oauth/token', row.refresh);
      const err = await failure(client, row.call);
      expect(err).toBeInstanceOf(PinterestError);
      const message = checkFailureMessage(err, BASE);
      expect(message).toBe(row.expected);
      for (const secret of [TOKEN, REFRESH, CLIENT_SECRET, CLIENT_ID, 'pina-new-access-1', 'pinr-new-refresh-1']) {
        expect(message.includes(secret)).toBe(false);
      }
      expect(agent!.pendingInterceptors()).toEqual([]);
    });
  }

  it('network error on every attempt → names the error and what to check on this machine', async () => {
    const { pool, client } = setup('access_token');
    pool
      .intercept({ path: EVENTS, method: 'POST' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }))
      .times(3);
    const err = await failure(client, 'events');
    expect(err).toBeInstanceOf(PinterestError);
    expect(checkFailureMessage(err, BASE)).toBe(
      `Could not reach Pinterest at ${BASE} (network error ECONNREFUSED). Check that this machine can open HTTPS connections to api.pinterest.com: DNS, firewall, and proxy settings (HTTPS_PROXY / NO_PROXY; extra CA certificates through NODE_EXTRA_CA_CERTS).`,
    );
  });

  it('a non-retryable network error (reason set) → the same advice', () => {
    const err = new PinterestError('Could not reach Pinterest (CERT_HAS_EXPIRED).', 'transient_error', { reason: 'CERT_HAS_EXPIRED' });
    expect(checkFailureMessage(err, BASE)).toBe(
      `Could not reach Pinterest at ${BASE} (network error CERT_HAS_EXPIRED). Check that this machine can open HTTPS connections to api.pinterest.com: DNS, firewall, and proxy settings (HTTPS_PROXY / NO_PROXY; extra CA certificates through NODE_EXTRA_CA_CERTS).`,
    );
  });

  it('a config error is shown as is (every problem by path)', () => {
    const err = new ConfigError(['ad_account_id: is required', 'credentials.access_token: is required']);
    expect(checkFailureMessage(err, BASE)).toBe('Invalid configuration:\n- ad_account_id: is required\n- credentials.access_token: is required');
  });

  it('anything else is an unexpected error, with its message', () => {
    expect(checkFailureMessage(new TypeError('x is not a function'), BASE)).toBe('Unexpected error during check: x is not a function');
    expect(checkFailureMessage('boom', BASE)).toBe('Unexpected error during check: boom');
  });
});

describe('isMissingScope: which answers mean "the token lacks ads:read"', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['401 code 3 (live Pinterest: "Your token does not have sufficient permissions")', new PinterestError('m', 'config_error', { status: 401, code: 3 }), true],
    ['403 code 3 (the fake)', new PinterestError('m', 'config_error', { status: 403, code: 3 }), true],
    ['403 code 29 (no access to the account)', new PinterestError('m', 'config_error', { status: 403, code: 29 }), false],
    ['401 code 2 (authentication failed)', new PinterestError('m', 'config_error', { status: 401, code: 2 }), false],
    ['404', new PinterestError('m', 'config_error', { status: 404 }), false],
    ['code 3 on another status', new PinterestError('m', 'system_error', { status: 400, code: 3 }), false],
    ['a config error', new ConfigError(['x']), false],
  ];
  for (const [name, err, expected] of cases) {
    it(name, () => expect(isMissingScope(err)).toBe(expected));
  }

  it('a 403 code 3 from GET ad account through the client is recognized', async () => {
    const { pool, client } = setup('oauth2.0');
    reply(pool, 'GET', ACCOUNT_PATH, { status: 403, body: { code: 3, message: 'Authorization failed. The access token is missing the required scope ads:read.' } });
    expect(isMissingScope(await failure(client, 'adAccount'))).toBe(true);
  });
});
