/**
 * Problems the user must fix are config errors that say what to fix, never network or internal errors that Airbyte
 * retries for ever: credentials as pasted, country codes, the configured catalog, an API base URL or proxy that leads
 * somewhere else than Pinterest. And stopping: SIGINT like SIGTERM, and a closed stdout stops the sync.
 * Through the real CLI against the fake Pinterest API. Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import { FAKE_DEFAULTS } from './fake-pinterest/server.js';
import {
  echoedStates,
  envFor,
  eventsRequests,
  fakePerTest,
  generateOrders,
  ORDERS_CATALOG,
  ordersConfig,
  runWrite,
  spawnWrite,
  stdinOf,
  traceErrors,
  writeArgs,
} from './helpers/generated.js';
import { messagesOfType, runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const newFake = fakePerTest();
vi.setConfig({ testTimeout: 60_000 });

/** Runs `check` with `config` against `env` and returns its one CONNECTION_STATUS. */
async function check(config: object, env: Record<string, string>): Promise<{ status: string; message?: string; result: CliResult }> {
  const result = await runCli(['check', '--config', writeTempJson(config, 'config')], { env });
  expect(result.code, result.stderr).toBe(0);
  const statuses = messagesOfType(result.messages, 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return { ...statuses[0].connectionStatus, result };
}

/** The one TRACE error of a failed write. */
function onlyTrace(r: CliResult): { failure_type: string; message: string } {
  const traces = traceErrors(r.messages);
  expect(traces, JSON.stringify(r.messages.slice(-5))).toHaveLength(1);
  expect(r.code).not.toBe(0);
  return traces[0].trace.error;
}

const withToken = (token: string) => ordersConfig({ credentials: { auth_type: 'access_token', access_token: token } });

describe.concurrent('credentials as pasted', () => {
  it('a token with surrounding whitespace and a trailing line break works: check succeeds and write delivers', async () => {
    const fake = await newFake();
    const pasted = `  ${FAKE_DEFAULTS.conversionToken}\r\n`;
    const c = await check(withToken(pasted), envFor(fake));
    expect(c.status, c.message).toBe('SUCCEEDED');
    const input = generateOrders(3, 3);
    const r = await runWrite(fake, withToken(pasted), input.lines);
    expect(traceErrors(r.messages)).toEqual([]);
    expect(r.code).toBe(0);
    expect(fake.acceptedEventIds()).toEqual(input.ids);
    expect(new Set(eventsRequests(fake).map((q) => q.headers.authorization))).toEqual(new Set([`Bearer ${FAKE_DEFAULTS.conversionToken}`]));
  });

  it('a control character inside a credential is a config error naming the field, before any request', async () => {
    const fake = await newFake();
    const broken = `${FAKE_DEFAULTS.conversionToken.slice(0, 8)}\n${FAKE_DEFAULTS.conversionToken.slice(8)}`;
    const c = await check(withToken(broken), envFor(fake));
    expect(c.status).toBe('FAILED');
    expect(c.message).toBe(
      'Invalid configuration: credentials.access_token: contains a control character (such as a line break or a tab) inside the value; paste it again as one line',
    );
    const r = await runWrite(fake, withToken(broken), generateOrders(2, 2).lines);
    expect(onlyTrace(r)).toMatchObject({ failure_type: 'config_error', message: c.message });
    const oauth = ordersConfig({
      credentials: { auth_type: 'oauth2.0', client_id: FAKE_DEFAULTS.clientId, client_secret: `${FAKE_DEFAULTS.clientSecret}\t`, refresh_token: `x\u0007${FAKE_DEFAULTS.refreshToken}` },
    });
    const o = await check(oauth, envFor(fake));
    expect(o.status).toBe('FAILED');
    expect(o.message).toBe(
      'Invalid configuration: credentials.refresh_token: contains a control character (such as a line break or a tab) inside the value; paste it again as one line',
    );
    expect(fake.counters.requests).toBe(0);
  });

  it('a credential too short to be kept out of the logs is a config error', async () => {
    const fake = await newFake({ tokens: { abc: { kind: 'conversion', accounts: [FAKE_DEFAULTS.adAccountId] } } });
    const c = await check(withToken('abc'), envFor(fake));
    expect(c.status).toBe('FAILED');
    expect(c.message).toBe(
      'Invalid configuration: credentials.access_token: is only 3 characters long, too short to be a real credential or to be kept out of the logs safely (at least 6); paste the whole value',
    );
    expect(fake.counters.requests).toBe(0);
  });
});

describe.concurrent('a proxy password too short to be kept out of the logs', () => {
  it('is a config error naming the variable, before any connection', async () => {
    const c = await check(withToken(FAKE_DEFAULTS.conversionToken), { HTTPS_PROXY: 'http://corp-user:abc@127.0.0.1:9', PINTEREST_API_BASE_URL: 'https://api.pinterest.example/v5' });
    expect(c.status).toBe('FAILED');
    expect(c.message).toBe(
      'The proxy password in HTTPS_PROXY (or https_proxy) is shorter than 6 characters, too short to be kept out of the logs safely: use a longer proxy password.',
    );
  });
});

describe.concurrent('config values that were silently misread', () => {
  it.for([
    ['UK', 'default_phone_country: UK is not an ISO-3166 code; the United Kingdom is GB'],
    ['uk', 'default_phone_country: UK is not an ISO-3166 code; the United Kingdom is GB'],
    ['XX', 'default_phone_country: XX is not an ISO-3166 alpha-2 country code; use the two-letter code, e.g. US, GB, DE'],
  ])('default_phone_country %s is a config error', async ([code, message]) => {
    const c = await check(ordersConfig({ default_phone_country: code }), {});
    expect(c.status).toBe('FAILED');
    expect(c.message).toBe(`Invalid configuration: ${message}`);
  });

  it('default_phone_country gb is accepted (any case)', async () => {
    const fake = await newFake();
    const c = await check(ordersConfig({ default_phone_country: 'gb' }), envFor(fake));
    expect(c.status, c.message).toBe('SUCCEEDED');
  });

  it('two streams[] entries with the same name are a config error', async () => {
    const fake = await newFake();
    const config = ordersConfig({ streams: [{ name: 'orders', default_event_name: 'lead' }, { name: 'other' }, { name: 'orders', default_event_name: 'signup' }] });
    const r = await runWrite(fake, config, generateOrders(2, 2).lines);
    expect(onlyTrace(r)).toEqual(
      expect.objectContaining({
        failure_type: 'config_error',
        message: 'Invalid configuration: streams[2]: has the same name as streams[0] ("orders"), so it would never be used; merge the two entries',
      }),
    );
    expect(fake.counters.requests).toBe(0);
  });

  it('a flat primary_key in the configured catalog is a config error showing the right shape', async () => {
    const fake = await newFake();
    const catalog = { streams: [{ ...ORDERS_CATALOG.streams[0], primary_key: ['order_id', 'line'] }] };
    const r = await runCli(writeArgs(ordersConfig(), catalog), { stdin: stdinOf(generateOrders(2, 2).lines), env: envFor(fake) });
    expect(onlyTrace(r)).toEqual(
      expect.objectContaining({
        failure_type: 'config_error',
        message:
          `Invalid configuration: the configured catalog's streams[0] (orders).primary_key is a flat list of field names (["order_id","line"]); ` +
          `the Airbyte protocol wants a list of field paths, e.g. [["order_id"],["line"]]`,
      }),
    );
    expect(fake.counters.requests).toBe(0);
  });
});

describe.concurrent('an API that is not Pinterest', () => {
  const misdirectedMessage = (url: string, what: string) =>
    `The API at ${url} answered with ${what}, which Pinterest's API never does for this call: PINTEREST_API_BASE_URL or a proxy points somewhere else than Pinterest's API v5. Unset PINTEREST_API_BASE_URL (or set it to https://api.pinterest.com/v5) and check the proxy settings.`;

  it('a redirect is a config error, not followed and not retried', async () => {
    const fake = await newFake();
    fake.script([{ status: 302, headers: { location: 'https://login.elsewhere.example/sso?next=%2Fv5' } }]);
    const r = await runWrite(fake, ordersConfig({ max_retries: 3 }), generateOrders(2, 2).lines);
    expect(onlyTrace(r)).toEqual(
      expect.objectContaining({ failure_type: 'config_error', message: misdirectedMessage(fake.url, 'a redirect (HTTP 302 to https://login.elsewhere.example)') }),
    );
    expect(eventsRequests(fake)).toHaveLength(1);
    expect(echoedStates(r.messages)).toEqual([]);
  });

  it('204 No Content is a config error (check says so too)', async () => {
    const fake = await newFake();
    fake.script([{ status: 204 }]);
    const r = await runWrite(fake, ordersConfig(), generateOrders(2, 2).lines);
    expect(onlyTrace(r)).toEqual(expect.objectContaining({ failure_type: 'config_error', message: misdirectedMessage(fake.url, 'HTTP 204 No Content') }));
    fake.script([{ status: 301, headers: { location: '/v6/elsewhere' } }]);
    const c = await check(ordersConfig(), envFor(fake));
    expect(c.status).toBe('FAILED');
    expect(c.message).toBe(misdirectedMessage(fake.url, `a redirect (HTTP 301 to http://127.0.0.1:${fake.port})`));
  });

  it.for([
    ['ftp://127.0.0.1:9/v5', ' (it uses ftp:)'],
    ['localhost:9/v5', ' (it uses localhost:)'],
    ['not a url', ''],
  ])('PINTEREST_API_BASE_URL=%s is a config error', async ([url, uses]) => {
    const message = `PINTEREST_API_BASE_URL is not an http:// or https:// URL${uses}: set it to the API's base URL, e.g. https://api.pinterest.com/v5, or unset it to use Pinterest's API.`;
    const r = await runCli(writeArgs(ordersConfig()), { stdin: stdinOf(generateOrders(2, 2).lines), env: { PINTEREST_API_BASE_URL: url } });
    expect(onlyTrace(r)).toEqual(expect.objectContaining({ failure_type: 'config_error', message }));
    const c = await check(ordersConfig(), { PINTEREST_API_BASE_URL: url });
    expect(c).toMatchObject({ status: 'FAILED', message });
  });
});

describe.concurrent('stopping', () => {
  it('SIGINT stops like SIGTERM: confirmed states echoed, no TRACE, exit 130', async () => {
    const fake = await newFake({ latencyMs: 300 });
    const input = generateOrders(4000, 500);
    const run = spawnWrite(fake, ordersConfig());
    await run.write(stdinOf(input.lines.slice(0, Math.floor(input.lines.length / 2))));
    await run.waitForMessage((m) => m.type === 'STATE', 15_000);
    run.kill('SIGINT');
    const r = await run.exited;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(traceErrors(r.messages)).toEqual([]);
    const logs = messagesOfType(r.messages, 'LOG').map((m) => m.log.message as string);
    expect(logs).toContain('Received SIGINT: stopping.');
    const states = echoedStates(r.messages);
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(states.map((s) => s.id)).toEqual(input.states.slice(0, states.length).map((s) => s.id));
  });

  it('a closed stdout (EPIPE) stops reading and sending even though stdin stays open', async () => {
    const fake = await newFake({ latencyMs: 50 });
    const input = generateOrders(20_000, 1000);
    const run = spawnWrite(fake, ordersConfig());
    await run.write(stdinOf(input.lines.slice(0, 2100)));
    await run.waitForMessage((m) => m.type === 'STATE', 15_000);
    run.child.stdout.destroy();
    // The source keeps streaming; stdin is never closed. The next STATE the CLI echoes meets EPIPE.
    const more = input.lines.slice(2100);
    void (async () => {
      for (let i = 0; i < more.length; i += 500) {
        try {
          await run.write(stdinOf(more.slice(i, i + 500)));
        } catch {
          return; // the CLI stopped reading and exited
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const exitCode = await new Promise<number | null>((resolve) => run.child.once('exit', (code) => resolve(code)));
    expect(exitCode).toBe(1);
    expect(fake.counters.eventsReceived).toBeLessThan(input.ids.length);
  });
});
