/**
 * The README's privacy promise, tested as an adversary would: distinctive personal data goes through every
 * destination field, every error path (invalid values, rejected rows, unreadable input lines, unknown event names),
 * dry runs, and a misbehaving server that echoes everything it receives in its error and warning texts; secrets go
 * through every credential path. None of it may appear anywhere in stdout or stderr, nor in the rejected-records file
 * (written to a real S3-compatible server).
 *
 * To extend: add values to PERSONAL (every canary contains the marker "zqxj", which no hash, id or message of the
 * connector can contain, so any echo of any canary is caught even after normalization), add records to
 * `personalRecords()`, or add a run to the table at the bottom; `expectNothingPersonal` does the checking.
 * Build first: `npm run build`.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { basicCredential, secretForms } from '../src/airbyte/redact.js';
import { DESTINATION_FIELDS } from '../src/fields/catalog.js';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { startEchoServer, type EchoMode, type EchoServer } from './helpers/echo-server.js';
import { TIME_SCALE } from './helpers/generated.js';
import { messagesOfType, runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';
import { S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY, startS3Server } from './helpers/s3-server.js';

vi.setConfig({ testTimeout: 90_000 });

/** In every canary: a letter sequence no hex digest, derived id or connector text contains. */
const MARKER = 'zqxj';

/** Personal data fed to the connector. Each must be absent from every output, in any letter case. */
const PERSONAL = {
  email: 'Zebediah.Zqxjonset@privacy-canary.example',
  phone: '+44 20 7946 0958',
  firstName: 'Zebediah',
  lastName: 'Zqxjonset',
  street: '12 Zqxj Lane',
  city: 'Zqxjborough',
  zip: 'ZQ9 8XJ',
  dateOfBirth: '1971-03-04',
  ip: '203.0.113.77',
  ipv6: '2001:db8::7:77',
  userAgent: 'ZqxjBrowser/9.9 (Zebediah phone; rv:77)',
  url: 'https://shop.example/thanks?email=zebediah.zqxjonset%40privacy-canary.example',
  clickId: 'zqxj-click-7f3a9',
  externalId: 'ZQXJ-EXT-99871',
  maid: 'zqxj0000-1111-2222-3333-444455556666',
  search: 'zebediah zqxjonset red lamp',
  card: '4111 1111 1111 1111',
  nationalId: 'QQ 12 34 56 C',
};

/** Other spellings the connector could produce of the personal data (normalized forms). */
const DERIVED = ['2079460958', '442079460958', '19710304', 'zq98xj', '4111111111111111'];

/** Secrets of the credential paths; short ones (6 characters) are matched standing alone. */
const SECRETS = {
  accessToken: 'pina_Zq7Secret/Token+Long=',
  shortToken: 'tok3n9',
  clientId: '1484362',
  clientSecret: 'cs-Zq7/secret value',
  refreshToken: 'pinr_Zq7Refresh/Token==',
  proxyPassword: 'pr0xy/pass@word',
};

/** Every text that must not appear: personal data, its derived forms, the marker, and each secret in each form. */
function forbidden(): string[] {
  const secrets = Object.values(SECRETS).flatMap(secretForms);
  return [...Object.values(PERSONAL), ...DERIVED, MARKER, ...secrets, basicCredential(SECRETS.clientId, SECRETS.clientSecret)];
}

/** Asserts that no forbidden text appears in the run's stdout or stderr, in any letter case. */
function expectNothingPersonal(r: CliResult, what: string): void {
  expectNoneIn(`${r.stdout}\n${r.stderr}`, what);
}

/** Asserts that no forbidden text appears in `out`, in any letter case. */
function expectNoneIn(out: string, what: string): void {
  const lower = out.toLowerCase();
  const leaks = forbidden().filter((f) => lower.includes(f.toLowerCase()));
  const lines = out.split('\n').filter((l) => leaks.some((f) => l.toLowerCase().includes(f.toLowerCase())));
  expect(leaks, `${what}: leaked in\n${lines.slice(0, 8).join('\n').slice(0, 4000)}`).toEqual([]);
}

const nowSeconds = () => Math.floor(Date.now() / 1000) - 120;

/** A record of stream `people`. */
function record(data: Record<string, unknown>): string {
  return JSON.stringify({ type: 'RECORD', record: { stream: 'people', data, emitted_at: Date.now() } });
}

/** A record carrying every kind of personal data in the field made for it (valid values). */
function fullPersonRecord(): Record<string, unknown> {
  return {
    email: PERSONAL.email,
    phone: PERSONAL.phone,
    first_name: PERSONAL.firstName,
    last_name: PERSONAL.lastName,
    date_of_birth: PERSONAL.dateOfBirth,
    city: PERSONAL.city,
    zip_code: PERSONAL.zip,
    country: 'GB',
    external_id: PERSONAL.externalId,
    maid: PERSONAL.maid,
    client_ip_address: PERSONAL.ip,
    client_user_agent: PERSONAL.userAgent,
    click_id: PERSONAL.clickId,
    partner_id: `${MARKER}-partner-77`,
    event_source_url: PERSONAL.url,
    event_time: nowSeconds(),
    order_id: `${MARKER}-order-1`,
    value: '12.50',
    currency: 'GBP',
    search_string: PERSONAL.search,
    content_name: `${PERSONAL.firstName}'s lamp`,
    content_brand: `${MARKER} Brand`,
    content_category: `${MARKER} Category`,
    content_ids: [`${MARKER}-sku-1`],
    contents: [{ id: `${MARKER}-sku-1`, item_name: `${PERSONAL.lastName} lamp`, item_brand: `${MARKER} brand`, item_category: `${MARKER} cat`, item_price: '12.50', quantity: 1 }],
    app_name: `${MARKER} App`,
    device_carrier: `${MARKER}Tel`,
    device_model: `${PERSONAL.firstName}'s phone`,
    'device_info.carrier': `${MARKER}Tel`,
    'app_info.user_agent': PERSONAL.userAgent,
  };
}

/**
 * The records every run feeds: the full person (valid), then one record per destination field with a personal
 * canary in that field (valid, invalid or dropped, whatever the field makes of it), then unknown event names that are
 * personal data, then a record that is not an object, a state, and an unreadable line (which ends the sync).
 */
function personalRecords(): string[] {
  const lines = [record(fullPersonRecord())];
  const base = { email: PERSONAL.email, event_time: nowSeconds() };
  for (const f of DESTINATION_FIELDS) {
    lines.push(record({ ...base, [f.name]: `${PERSONAL.firstName} ${f.name} ${PERSONAL.lastName} ${PERSONAL.phone}` }));
    lines.push(record({ ...base, [f.name]: { nested: PERSONAL.street, list: [PERSONAL.card] } }));
  }
  for (const name of [`${PERSONAL.firstName} ${PERSONAL.lastName}`, PERSONAL.firstName, PERSONAL.phone, PERSONAL.ip, PERSONAL.street, PERSONAL.card, PERSONAL.nationalId, PERSONAL.email]) {
    lines.push(record({ ...base, event_name: name }));
  }
  lines.push(record({ ...base, event_time: `${PERSONAL.dateOfBirth} at ${PERSONAL.street}` }));
  lines.push(record({ phone: PERSONAL.phone, first_name: PERSONAL.firstName, event_time: nowSeconds() }));
  lines.push(JSON.stringify({ type: 'RECORD', record: { stream: 'people', data: `${PERSONAL.email} ${PERSONAL.phone}`, emitted_at: Date.now() } }));
  lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'people' }, stream_state: { c: 1 } } } }));
  // Unreadable input ends the sync (after the state before it): last, so that every other path runs first.
  lines.push(`{"type":"RECORD","record":{"stream":"people","data":{"email":"${PERSONAL.email}","phone":"${PERSONAL.phone}"`);
  return lines;
}

const CATALOG = { streams: [{ stream: { name: 'people', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] };

function config(credentials: object, extra: object = {}): object {
  return {
    ad_account_id: '549755885175',
    credentials,
    default_event_name: 'checkout',
    default_phone_country: 'GB',
    max_retries: 1,
    max_retry_seconds: 5,
    max_concurrent_requests: 1,
    ...extra,
  };
}
const tokenCredentials = (token = SECRETS.accessToken) => ({ auth_type: 'access_token', access_token: token });
const oauthCredentials = () => ({ auth_type: 'oauth2.0', client_id: SECRETS.clientId, client_secret: SECRETS.clientSecret, refresh_token: SECRETS.refreshToken });

let echo: EchoServer;
let fake: FakePinterest;
let stdin: string;
beforeAll(async () => {
  [echo, fake] = await Promise.all([startEchoServer(), startFakePinterest({ tokens: { [SECRETS.accessToken]: { kind: 'conversion', accounts: ['549755885175'] } } })]);
  stdin = personalRecords().join('\n') + '\n';
});
afterAll(async () => {
  await Promise.all([echo?.close(), fake?.close()]);
});

function write(cfg: object, env: Record<string, string>, extraArgs: string[] = [], catalog: object = CATALOG): Promise<CliResult> {
  return runCli(['write', '--config', writeTempJson(cfg, 'config'), '--catalog', writeTempJson(catalog, 'catalog'), ...extraArgs], {
    stdin,
    env: { PINTEREST_RETRY_TIME_SCALE: TIME_SCALE, ...env },
    timeoutMs: 60_000,
  });
}

describe('no personal data or secret in any output', () => {
  it('the records really carry the personal data to the API (the test can fail)', async () => {
    const r = await write(config(tokenCredentials()), { PINTEREST_API_BASE_URL: fake.url });
    expectNothingPersonal(r, 'write against the fake');
    expect(messagesOfType(r.messages, 'STATE')).toHaveLength(1);
    const sent = JSON.stringify(fake.accepted.map((a) => a.event));
    for (const plain of [PERSONAL.ip, PERSONAL.userAgent, PERSONAL.url, PERSONAL.clickId, PERSONAL.search]) expect(sent).toContain(plain);
    // Rejections, warnings and unknown event names were all exercised.
    const logs = messagesOfType(r.messages, 'LOG').map((m) => String(m.log.message));
    expect(logs.some((l) => l.startsWith('Rejected records by reason'))).toBe(true);
    expect(logs.filter((l) => l.includes('event name <not shown, may be personal data')).length).toBeGreaterThanOrEqual(6);
    // The unreadable last line ends the sync with one TRACE that names the line, not its content.
    const traces = messagesOfType(r.messages, 'TRACE');
    expect(traces).toHaveLength(1);
    expect(String(traces[0].trace.error.message)).toMatch(/^Input line 202 is not valid JSON \(its content is not shown\)\./);
  });

  it('unknown event names: identifiers and event words are named, anything else only by length and SHA-256 prefix', async () => {
    const t = nowSeconds();
    const names = ['order_refunded', 'Order Shipped', 'CheckoutStep3', `${PERSONAL.firstName} ${PERSONAL.lastName}`];
    const lines = names.map((event_name) => record({ email: PERSONAL.email, event_time: t, event_name }));
    const r = await runCli(['write', '--config', writeTempJson(config(tokenCredentials()), 'config'), '--catalog', writeTempJson(CATALOG, 'catalog'), '--dry-run'], {
      stdin: lines.join('\n') + '\n',
    });
    const tail =
      ' (stream people) is not a Pinterest event name; sent as "custom", which Pinterest does not report or optimize by name. ' +
      'Map it to a standard name with event_name_mapping, or define it in Ads Manager as an advertiser-defined event and list it in advertiser_defined_events.';
    const prefix = createHash('sha256').update(names[3]).digest('hex').slice(0, 8);
    expect(messagesOfType(r.messages, 'LOG').map((m) => String(m.log.message)).filter((l) => l.endsWith(tail))).toEqual([
      `The event name "order_refunded"${tail}`,
      `The event name "Order Shipped"${tail}`,
      `The event name "CheckoutStep3"${tail}`,
      `The event name <not shown, may be personal data: 18 characters, SHA-256 starts ${prefix}>${tail}`,
    ]);
    expectNothingPersonal(r, 'unknown event names');
  });

  it('write --dry-run: the samples show no free text', async () => {
    const r = await write(config(tokenCredentials()), {}, ['--dry-run']);
    expect(messagesOfType(r.messages, 'LOG').filter((m) => String(m.log.message).startsWith('Sample event'))).toHaveLength(5);
    expectNothingPersonal(r, 'dry run');
  });

  it.for<[EchoMode, number?]>([['per-event-failed'], ['per-event-warning'], ['whole-400'], ['status', 403], ['status', 404], ['status', 401], ['status', 500], ['status', 418]])(
    'write against a server that echoes everything: %s %s',
    async ([mode, status]) => {
      const server = await startEchoServer({ mode, status });
      try {
        const r = await write(config(tokenCredentials()), { PINTEREST_API_BASE_URL: server.url });
        expect(server.requests.length).toBeGreaterThan(0);
        expect(server.requests.some((q) => q.body.includes(PERSONAL.ip))).toBe(true);
        expectNothingPersonal(r, `${mode} ${status ?? ''}`);
        if (mode === 'per-event-failed') {
          // Rows refused by Pinterest are named in the log: an event_id holding personal data by length and hash only.
          const logs = messagesOfType(r.messages, 'LOG').map((m) => String(m.log.message));
          const sentId = `${PERSONAL.firstName} event_id ${PERSONAL.lastName} ${PERSONAL.phone}`;
          const prefix = createHash('sha256').update(sentId).digest('hex').slice(0, 8);
          expect(logs.some((l) => l.includes(`(event_id <not shown, may be personal data: ${sentId.length} characters, SHA-256 starts ${prefix}>) rejected: Pinterest: `))).toBe(true);
        }
      } finally {
        await server.close();
      }
    },
  );

  it('the rejected-records file of a run whose every event is refused with its values echoed holds none of it', async () => {
    const [server, s3] = await Promise.all([startEchoServer({ mode: 'per-event-failed' }), startS3Server(['privacy'])]);
    try {
      const storage = {
        storage_type: 'S3',
        s3_bucket_name: 'privacy',
        s3_bucket_region: 'us-east-1',
        bucket_path: 'rejected',
        s3_endpoint: s3.endpoint,
        access_key_id: S3RVER_ACCESS_KEY_ID,
        secret_access_key: S3RVER_SECRET_ACCESS_KEY,
      };
      // A primary key of personal fields: written as SHA-256 in the file.
      const catalog = { streams: [{ ...CATALOG.streams[0], primary_key: [['email'], ['first_name']] }] };
      const r = await write(config(tokenCredentials(), { object_storage_config: storage }), { PINTEREST_API_BASE_URL: server.url }, [], catalog);
      expectNothingPersonal(r, 'write with a rejected-records file');
      const keys = await s3.keys('privacy');
      expect(keys.length).toBe(1);
      const text = await s3.text('privacy', keys[0]);
      const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { rejected_by: string; event_id: string | null });
      // Every row is on record (the state is echoed only after), refused by the mapping, the input or Pinterest.
      expect(messagesOfType(r.messages, 'STATE')).toHaveLength(1);
      expect(rows.filter((row) => row.rejected_by === 'pinterest').length).toBeGreaterThan(150);
      const sentId = `${PERSONAL.firstName} event_id ${PERSONAL.lastName} ${PERSONAL.phone}`;
      expect(rows.some((row) => row.event_id === `sha256:${createHash('sha256').update(sentId).digest('hex')}`)).toBe(true);
      expectNoneIn(text, 'rejected-records file');
    } finally {
      await Promise.all([server.close(), s3.dispose()]);
    }
  });

  it('OAuth: a token endpoint echoing the Basic credential and the refresh token, in write and check', async () => {
    const w = await write(config(oauthCredentials()), { PINTEREST_API_BASE_URL: echo.url });
    expect(messagesOfType(w.messages, 'TRACE')).toHaveLength(1);
    expectNothingPersonal(w, 'oauth write');
    const c = await runCli(['check', '--config', writeTempJson(config(oauthCredentials()), 'config')], { env: { PINTEREST_API_BASE_URL: echo.url } });
    expect(messagesOfType(c.messages, 'CONNECTION_STATUS')[0].connectionStatus.status).toBe('FAILED');
    expectNothingPersonal(c, 'oauth check');
  });

  it('check against a server that echoes the token, and a short token echoed in its Bearer header', async () => {
    for (const token of [SECRETS.accessToken, SECRETS.shortToken]) {
      const c = await runCli(['check', '--config', writeTempJson(config(tokenCredentials(token)), 'config')], { env: { PINTEREST_API_BASE_URL: echo.url } });
      expect(messagesOfType(c.messages, 'CONNECTION_STATUS')[0].connectionStatus.status).toBe('FAILED');
      expectNothingPersonal(c, `check with ${token.length}-character token`);
    }
  });

  it('a proxy URL the URL parser rejects (unencoded / and @ in the password) is never shown whole', async () => {
    const proxy = `http://corp-user:${SECRETS.proxyPassword}@127.0.0.1:9`;
    for (const args of [['check', '--config', writeTempJson(config(tokenCredentials()), 'config')]]) {
      const r = await runCli(args, { env: { HTTPS_PROXY: proxy, PINTEREST_API_BASE_URL: 'https://api.pinterest.example/v5' } });
      const status = messagesOfType(r.messages, 'CONNECTION_STATUS')[0].connectionStatus;
      expect(status.status).toBe('FAILED');
      expect(status.message).toContain('The proxy setting HTTPS_PROXY (or https_proxy) is not a valid URL');
      expect(r.stdout).toContain('Network: https:// calls go through the proxy http://***@127.0.0.1:9');
      expectNothingPersonal(r, 'malformed proxy URL');
    }
  });
});
