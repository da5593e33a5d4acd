/**
 * Pinterest's feedback through the real CLI and the fake: advertiser-defined events (configured, read from the ad
 * account, unknown) and the Event Quality Score at the end of `write` (OAuth), its absence with a conversion token, and
 * failed score reads (403, 429, 500, timeout) that cost one WARN each while the sync succeeds with every state echoed.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import { OAUTH_NEEDED_FOR_INSIGHTS } from '../src/write/match-quality.js';
import { FAKE_DEFAULTS, type Fault } from './fake-pinterest/server.js';
import {
  describeRun,
  echoedStates,
  expectAcceptedExactly,
  fakePerTest,
  generateOrders,
  oauthOrdersConfig,
  ordersConfig,
  envFor,
  runWrite,
  stdinOf,
  traceErrors,
  writeArgs,
} from './helpers/generated.js';
import { runCli } from './helpers/run-cli.js';

const newFake = fakePerTest();

vi.setConfig({ testTimeout: 90_000 });

const ACCOUNT = FAKE_DEFAULTS.adAccountId;
const EQS_PATH = `/v5/ad_accounts/${ACCOUNT}/conversion_eqs`;
const ADE_PATH = `/v5/ad_accounts/${ACCOUNT}/advertiser_defined_events`;

const logs = (messages: any[], level?: string): string[] =>
  messages.filter((m) => m?.type === 'LOG' && (level === undefined || m.log.level === level)).map((m) => String(m.log.message));

/** Records of stream `orders` carrying their own event_name, then one state. */
function namedEvents(names: string[]): string[] {
  const t = Math.floor(Date.now() / 1000) - 120;
  const records = names.map((name, i) =>
    JSON.stringify({ type: 'RECORD', record: { stream: 'orders', emitted_at: Date.now(), data: { event_name: name, email: `u${i}@example.com`, order_id: `n${i}`, event_time: t } } }),
  );
  const state = JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: names.length } }, sourceStats: { recordCount: names.length }, id: 1 } });
  return [...records, state];
}

const UNKNOWN_NAME_WARNING =
  'The event name "watch_tutorial" (stream orders) is not a Pinterest event name; sent as "custom", which Pinterest does not report or optimize by name. ' +
  'Map it to a standard name with event_name_mapping, or define it in Ads Manager as an advertiser-defined event and list it in advertiser_defined_events.';

describe.concurrent('advertiser-defined events in write', () => {
  it('with OAuth: sends configured names as configured, names read from the account as the account spells them, and unknown names as custom with both fixes suggested', async () => {
    const fake = await newFake();
    const config = oauthOrdersConfig({ advertiser_defined_events: ['Download_Picture'], default_event_name: undefined });
    const r = await runWrite(fake, config, namedEvents(['download_picture', ' BOOK_DEMO ', 'watch_tutorial', 'Add To Cart']));
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.accepted.map((a) => a.event.event_name)).toEqual(['Download_Picture', 'Book_Demo', 'custom', 'add_to_cart']);
    // One read of the account's list, before the first events request.
    const paths = fake.requests.map((q) => q.path);
    expect(paths.filter((p) => p === ADE_PATH)).toHaveLength(1);
    expect(paths.indexOf(ADE_PATH)).toBeLessThan(paths.indexOf(`/v5/ad_accounts/${ACCOUNT}/events`));
    expect(logs(r.messages, 'INFO')).toContain(
      `Advertiser-defined events of ad account ${ACCOUNT}: download_picture (counted as CUSTOM), Book_Demo (counted as LEAD). Records naming one of them (ignoring case) are sent under that name.`,
    );
    expect(logs(r.messages, 'WARN')).toContain(UNKNOWN_NAME_WARNING);
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 4, rejectedRecordCount: 0 }]);
  });

  it('with a conversion token: only the configured names, no read of the account; one INFO that OAuth is needed and no score request', async () => {
    const fake = await newFake();
    const r = await runWrite(fake, ordersConfig({ advertiser_defined_events: ['book_demo'], default_event_name: undefined }), namedEvents(['Book_Demo', 'download_picture']));
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.accepted.map((a) => a.event.event_name)).toEqual(['book_demo', 'custom']);
    expect(fake.counters.advertiserDefinedEventsRequests).toBe(0);
    expect(fake.counters.eqsRequests).toBe(0);
    expect(logs(r.messages).filter((l) => l === OAUTH_NEEDED_FOR_INSIGHTS)).toHaveLength(1);
    expect(logs(r.messages).filter((l) => /Event Quality Score/.test(l))).toEqual([OAUTH_NEEDED_FOR_INSIGHTS]);
  });

  it('a failed read of the account list is one WARN; the configured names still apply and the sync succeeds', async () => {
    const fake = await newFake();
    fake.scriptAdvertiserDefinedEvents([{ status: 503 }]);
    const r = await runWrite(fake, oauthOrdersConfig({ advertiser_defined_events: ['download_picture'], default_event_name: undefined }), namedEvents(['Download_Picture', 'Book_Demo']));
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.accepted.map((a) => a.event.event_name)).toEqual(['download_picture', 'custom']);
    const rid = fake.requests.find((q) => q.path === ADE_PATH)!.rid;
    expect(logs(r.messages, 'WARN').filter((l) => l.includes('advertiser-defined events of ad account'))).toEqual([
      `Could not read the advertiser-defined events of ad account ${ACCOUNT}: Pinterest failed to answer (HTTP 503 (code 4197: The endpoint has been ramped down and is currently not accepting any traffic.) [x-pinterest-rid ${rid}]); it is not retried. ` +
        'This sync sends only the names listed in advertiser_defined_events under an advertiser-defined name; other names Pinterest does not know go as custom. The sync itself is not affected.',
    ]);
    expect(fake.counters.advertiserDefinedEventsRequests).toBe(1);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1]);
  });

  it('an invalid name fails write with a config error that says what is allowed', async () => {
    const fake = await newFake();
    const r = await runWrite(fake, ordersConfig({ advertiser_defined_events: ['ok_name', 'Book Demo!'] }), namedEvents(['x']));
    expect(r.code).toBe(1);
    const [t] = traceErrors(r.messages);
    expect(t.trace.error.failure_type).toBe('config_error');
    expect(t.trace.error.message).toBe(
      'Invalid configuration: advertiser_defined_events[1]: must be 1 to 100 characters, each a letter (A-Z, a-z), a digit, _ or -, spelled as defined in Ads Manager, e.g. download_picture',
    );
    const tooMany = await runWrite(fake, ordersConfig({ advertiser_defined_events: Array.from({ length: 16 }, (_, i) => `e${i}`) }), namedEvents(['x']));
    expect(traceErrors(tooMany.messages)[0].trace.error.message).toBe(
      'Invalid configuration: advertiser_defined_events: at most 15 names (Pinterest allows 15 advertiser-defined events per ad account)',
    );
    expect(fake.requests).toEqual([]);
  });
});

describe.concurrent('Event Quality Score at the end of write', () => {
  it('with OAuth: one read after every state was echoed, and one summary beside this sync\'s coverage with the changes that would raise the score most', async () => {
    const fake = await newFake();
    const input = generateOrders(30, 10);
    const r = await runWrite(fake, oauthOrdersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    const eqsCalls = fake.requests.filter((q) => q.path === EQS_PATH);
    expect(eqsCalls.map((q) => [q.query, q.status])).toEqual([[{ lookback_period: '14d', ingestion_source: 'CONVERSIONS_API' }, 200]]);
    const summaries = logs(r.messages).filter((l) => l.startsWith('Event Quality Score from Pinterest'));
    expect(summaries).toEqual([
      [
        `Event Quality Score from Pinterest for ad account ${ACCOUNT}, over its Conversions API events of the last 14 days: Pinterest computes it over that whole window ` +
          '(every sync and any other sender of this account\'s events), not over this sync alone. "This sync" is over its 30 events sent.',
        'WEB: FAIR',
        '  hashed email: Pinterest 100% | this sync 100.0%',
        '  external ID: Pinterest 0% | this sync 0.0%; issues: Low coverage',
        '  click ID (epik): Pinterest 0% | this sync 0.0%; issues: Low coverage',
        '  IP address: Pinterest 0% | this sync 0.0% (IP and user agent together); issues: Low coverage',
        '  user agent: Pinterest 0% | this sync 0.0% (IP and user agent together); issues: Low coverage',
        '  mobile advertising ID: Pinterest 0% | this sync 0.0%; issues: Low coverage',
        '  event ID (deduplication): Pinterest 100%, seen from the tag too 0%',
        '  order ID: Pinterest 100%',
        '  order value: Pinterest 100%',
        '  product ID: Pinterest 0%; issues: Low coverage',
        '  source URL: Pinterest 0%; issues: Low coverage',
        'To raise the score most: map external_id (your customer ID): Pinterest sees it on 0% of your WEB events; ' +
          "map click_id (the epik of the Pinterest click: the landing page URL's epik parameter or the _epik cookie): Pinterest sees it on 0% of your WEB events.",
      ].join('\n'),
    ]);
    // The read comes after the last state: a slow or failed read cannot hold a state back.
    const lastState = r.messages.map((m) => m.type).lastIndexOf('STATE');
    const summaryAt = r.messages.findIndex((m) => m.type === 'LOG' && String(m.log.message).startsWith('Event Quality Score from Pinterest'));
    expect(summaryAt).toBeGreaterThan(lastState);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1, 2, 3]);
  });

  it('not in test mode and not in dry runs', async () => {
    const fake = await newFake();
    const input = generateOrders(5, 5);
    const test = await runWrite(fake, oauthOrdersConfig({ test_mode: true }), input.lines);
    expect(test.code, describeRun(test)).toBe(0);
    const dry = await runCli([...writeArgs(oauthOrdersConfig()), '--dry-run'], { stdin: stdinOf(input.lines), env: envFor(fake) });
    expect(dry.code, describeRun(dry)).toBe(0);
    expect(fake.counters.testEventsProcessed).toBe(5);
    expect(fake.counters.eqsRequests).toBe(0);
    expect(logs(test.messages).filter((l) => /Event Quality Score/.test(l))).toEqual([]);
  });

  const failures: [string, Fault, (rid: string) => string][] = [
    [
      '403',
      { status: 403, body: { code: 3, message: 'Authorization failed.' } },
      (rid) => `Pinterest refused it (HTTP 403 (code 3: Authorization failed.) [x-pinterest-rid ${rid}]): it needs OAuth credentials whose token has the ads:read scope on this ad account`,
    ],
    [
      '429',
      { status: 429, retryAfter: 60 },
      (rid) =>
        `Pinterest rate-limited the request (HTTP 429 (code 8: This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.) [x-pinterest-rid ${rid}]); it is not retried, so the sync is not held up`,
    ],
    ['500', { status: 500 }, (rid) => `Pinterest failed to answer (HTTP 500 (code 0: Internal server error.) [x-pinterest-rid ${rid}]); it is not retried`],
    ['a timeout', { delayMs: 15_000 }, () => 'no answer within 10 s'],
  ];
  for (const [name, fault, problem] of failures) {
    it(`a score read that fails with ${name} costs one WARN and one request; the sync succeeds with every state echoed`, async () => {
      const fake = await newFake();
      fake.scriptEqs([fault]);
      const input = generateOrders(20, 5);
      const r = await runWrite(fake, oauthOrdersConfig(), input.lines);
      const ended = Date.now();
      expect(r.code, describeRun(r)).toBe(0);
      expect(traceErrors(r.messages)).toEqual([]);
      expectAcceptedExactly(fake, input.ids);
      expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1, 2, 3, 4]);
      const calls = fake.requests.filter((q) => q.path === EQS_PATH);
      expect(calls).toHaveLength(1);
      // Bounded: a timed-out read is abandoned, and the process ends, before the fake's answer 15 s after the request.
      if (fault.delayMs) expect(ended - calls[0].receivedAt).toBeLessThan(15_000);
      expect(logs(r.messages, 'WARN')).toEqual([
        `Could not read the Event Quality Score of ad account ${ACCOUNT}: ${problem(calls[0].rid)}. The sync itself is not affected.`,
      ]);
      expect(logs(r.messages).filter((l) => l.startsWith('Event Quality Score from Pinterest'))).toEqual([]);
    });
  }
});
