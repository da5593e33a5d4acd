/**
 * Corporate proxies and private CAs through the real CLI.
 *
 * Trick: the base URL uses the reserved name `pinterest.test`, which only the test proxy resolves (→ 127.0.0.1).
 * A direct connection fails with ENOTFOUND, so every successful Pinterest call (events, OAuth token, check's
 * ad-account read) provably went through the proxy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { oauthConfig, sampleConfig } from './helpers/fixtures.js';
import { startTestProxy, type TestProxy } from './helpers/proxy.js';
import { S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from './helpers/s3-server.js';
import { messagesOfType, runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const PRIVATE_HOST = 'pinterest.test';
/** An object store's host name that only the proxy resolves: a bare name, as a Docker service is called (s3rver would read a dotted host as bucket.host). */
const S3_HOST = 'minio';
const PROXY_USER = 'corp.user@example';
const PROXY_PASS = 'pr0xy:S3cret/with%odd chars';

/** Every variable that could steer the child's proxy choice, cleared (undici treats '' as unset). */
const NO_PROXY_ENV = { HTTP_PROXY: '', http_proxy: '', HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '', NODE_EXTRA_CA_CERTS: '' };

let tmp: string;
let certs: { ca: string; key: string; cert: string } | undefined;
let caPath: string | undefined;
let configPath: string;
let oauthConfigPath: string;
let catalogPath: string;

/** A fresh fake (http, or https with the test CA's certificate), proxy and authenticating proxy for one test; the proxies resolve PRIVATE_HOST and S3_HOST. */
interface Rig {
  fake: FakePinterest;
  proxy: TestProxy;
  authProxy: TestProxy;
}

async function rig(ctx: TestContext, o: { tls?: boolean } = {}): Promise<Rig> {
  const hosts = { [PRIVATE_HOST]: '127.0.0.1', [S3_HOST]: '127.0.0.1' };
  const [fake, proxy, authProxy] = await Promise.all([
    startFakePinterest(o.tls ? { tls: { key: certs!.key, cert: certs!.cert } } : {}),
    startTestProxy({ hosts }),
    startTestProxy({ hosts, auth: { user: PROXY_USER, pass: PROXY_PASS } }),
  ]);
  ctx.onTestFinished(async () => {
    await Promise.all([fake.close(), proxy.close(), authProxy.close()]);
  });
  return { fake, proxy, authProxy };
}

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const OPENSSL = haveOpenssl();

/** A test CA and a server certificate for pinterest.test / 127.0.0.1 signed by it (EC keys: fast). */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=Destination Test Corporate CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr',
    '-subj', `/CN=${PRIVATE_HOST}`);
  writeFileSync(join(dir, 'ext.cnf'),
    `subjectAltName=DNS:${PRIVATE_HOST},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2',
    '-extfile', 'ext.cnf');
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'proxy-test-'));
  if (OPENSSL) {
    certs = makeCertificates(tmp);
    caPath = certs.ca;
  }
  const base = { default_event_name: 'checkout', field_mapping: [], streams: [], max_retries: 0, max_retry_seconds: 1 };
  configPath = writeTempJson(sampleConfig(base), 'config');
  oauthConfigPath = writeTempJson(oauthConfig(base), 'oauth-config');
  catalogPath = writeTempJson({ streams: [{ stream: { name: 's', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] }, 'catalog');
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The fake's base URL on the private host name (only the proxy resolves it). */
const privateUrl = (f: FakePinterest) => f.url.replace('127.0.0.1', PRIVATE_HOST);

function stdinFor(n: number): string {
  const t = Math.floor(Date.now() / 1000) - 60;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { email: `p${i}@example.com`, event_time: t }, emitted_at: Date.now() } }));
  }
  lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { c: n } }, id: 1 } }));
  return lines.join('\n') + '\n';
}

function write(env: Record<string, string>, o: { config?: string; n?: number } = {}): Promise<CliResult> {
  return runCli(['write', '--config', o.config ?? configPath, '--catalog', catalogPath], {
    stdin: stdinFor(o.n ?? 3),
    env: { ...NO_PROXY_ENV, ...env },
    timeoutMs: 20_000,
  });
}

function expectDelivered(res: CliResult, f: FakePinterest, n = 3): void {
  expect(res.code, res.stdout + res.stderr).toBe(0);
  expect(res.stderr).toBe('');
  const states = messagesOfType(res.messages, 'STATE');
  expect(states).toHaveLength(1);
  expect(states[0].state.destinationStats).toEqual({ recordCount: n, rejectedRecordCount: 0 });
  expect(f.accepted).toHaveLength(n);
}

/** Targets the proxy was asked for (CONNECT host:port or forwarded URL). */
const targets = (p: TestProxy) => p.requests.map((r) => r.target);

describe.concurrent('HTTP(S)_PROXY', () => {
  it.for(['HTTP_PROXY', 'http_proxy'])('%s: every events call to an http:// API goes through the proxy (CONNECT tunnel)', async (name, ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await write({ [name]: proxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(res, fake);
    expect(proxy.counts.connect).toBeGreaterThanOrEqual(1);
    expect(new Set(targets(proxy))).toEqual(new Set([`${PRIVATE_HOST}:${fake.port}`]));
    const log = messagesOfType(res.messages, 'LOG').map((m) => m.log.message).find((m: string) => m.startsWith('Network:'));
    expect(log).toBe(`Network: calls go through the proxy ${proxy.url}.`);
  });

  it('a direct connection to the private name fails (the trick above is sound)', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await write({ PINTEREST_API_BASE_URL: privateUrl(fake) });
    expect(res.code).not.toBe(0);
    expect(fake.counters.requests).toBe(0);
    expect(proxy.requests).toHaveLength(0);
    const trace = messagesOfType(res.messages, 'TRACE').at(-1);
    expect(trace.trace.error.failure_type).toBe('transient_error');
  });

  it('the OAuth token refresh and the events calls both go through the proxy', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await write({ HTTP_PROXY: proxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) }, { config: oauthConfigPath });
    expectDelivered(res, fake);
    expect(fake.counters.oauthRequests).toBe(1);
    expect(fake.counters.eventsRequests).toBeGreaterThanOrEqual(1);
    expect(messagesOfType(res.messages, 'CONTROL')).toHaveLength(1);
    expect(proxy.counts.connect).toBeGreaterThanOrEqual(1);
  });

  it('check reads the ad account through the proxy', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await runCli(['check', '--config', oauthConfigPath], {
      env: { ...NO_PROXY_ENV, http_proxy: proxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) },
      timeoutMs: 20_000,
    });
    expect(res.code).toBe(0);
    const status = messagesOfType(res.messages, 'CONNECTION_STATUS')[0];
    expect(status.connectionStatus.status, JSON.stringify(status)).toBe('SUCCEEDED');
    expect(fake.counters.requests).toBeGreaterThanOrEqual(1);
    expect(proxy.counts.connect).toBeGreaterThanOrEqual(1);
  });

  it('a proxy given without scheme (proxy.corp:3128, as curl accepts) is used as http://', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await write({ HTTP_PROXY: `127.0.0.1:${proxy.port}`, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(res, fake);
    expect(proxy.counts.connect).toBeGreaterThanOrEqual(1);
  });

  it('the lowercase variable wins over the uppercase one; an empty one counts as unset', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const a = await write({ http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9', PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(a, fake);
    fake.reset();
    const b = await write({ http_proxy: '', HTTP_PROXY: proxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(b, fake);
  });
});

describe.concurrent('proxy credentials', () => {
  it('credentials in the proxy URL are sent as Proxy-Authorization and appear in no output', async (ctx) => {
    const { fake, authProxy } = await rig(ctx);
    const url = authProxy.urlWithCredentials(PROXY_USER, PROXY_PASS);
    const res = await write({ HTTPS_PROXY: url, HTTP_PROXY: url, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(res, fake);
    const basic = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64')}`;
    expect(authProxy.requests.length).toBeGreaterThanOrEqual(1);
    for (const r of authProxy.requests) expect(r.proxyAuthorization).toBe(basic);
    expect(authProxy.counts.rejected).toBe(0);
    // The request to Pinterest itself never carries the proxy credentials.
    for (const r of fake.requests) expect(r.headers['proxy-authorization']).toBeUndefined();
    const all = res.stdout + res.stderr;
    for (const secret of [PROXY_PASS, encodeURIComponent(PROXY_PASS), PROXY_USER, encodeURIComponent(PROXY_USER), basic.slice(6)]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain(`go through the proxy http://***@127.0.0.1:${authProxy.port}`);
  });

  it('wrong proxy credentials: the run fails with one TRACE, no state, and still no credentials in the output', async (ctx) => {
    const { fake, authProxy } = await rig(ctx);
    const url = authProxy.urlWithCredentials(PROXY_USER, 'wrong-password-123');
    const res = await write({ HTTP_PROXY: url, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expect(res.code).not.toBe(0);
    expect(authProxy.counts.rejected).toBeGreaterThanOrEqual(1);
    expect(fake.counters.requests).toBe(0);
    expect(messagesOfType(res.messages, 'STATE')).toHaveLength(0);
    const traces = messagesOfType(res.messages, 'TRACE');
    expect(traces).toHaveLength(1);
    expect(res.messages.at(-1)).toEqual(traces[0]);
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    expect(traces[0].trace.error.message).toMatch(/^The HTTP proxy refused the connection to Pinterest \(HTTP 407 Proxy Authentication Required\)\. Check the user name and password in HTTPS_PROXY/);
    const all = res.stdout + res.stderr;
    for (const secret of ['wrong-password-123', PROXY_USER, encodeURIComponent(PROXY_USER)]) expect(all).not.toContain(secret);
  });
});

describe.concurrent('NO_PROXY', () => {
  it.for([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', '127.0.0.1'],
    ['NO_PROXY', 'example.com, 127.0.0.1:PORT'],
    ['NO_PROXY', '*'],
  ])('%s=%s bypasses the proxy for the API on 127.0.0.1', async ([name, value], ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await write({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, [name]: value.replace('PORT', String(fake.port)), PINTEREST_API_BASE_URL: fake.url });
    expectDelivered(res, fake);
    expect(proxy.requests).toHaveLength(0);
  });

  it('NO_PROXY=localhost bypasses the proxy for an API addressed as localhost', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const res = await write({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost', PINTEREST_API_BASE_URL: fake.url.replace('127.0.0.1', 'localhost') });
    expectDelivered(res, fake);
    expect(proxy.requests).toHaveLength(0);
  });

  it('NO_PROXY entries match host names literally: localhost does not cover 127.0.0.1; another port does not match', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const a = await write({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost', PINTEREST_API_BASE_URL: fake.url });
    expectDelivered(a, fake);
    expect(proxy.requests.length).toBeGreaterThanOrEqual(1);
    fake.reset();
    proxy.reset();
    const b = await write({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1', PINTEREST_API_BASE_URL: fake.url });
    expectDelivered(b, fake);
    expect(proxy.requests.length).toBeGreaterThanOrEqual(1);
  });
});

(OPENSSL ? describe.concurrent : describe.skip)('HTTPS API behind a proxy, private CA (NODE_EXTRA_CA_CERTS)', () => {
  it.for(['HTTPS_PROXY', 'https_proxy'])('%s + NODE_EXTRA_CA_CERTS: TLS to the API through a CONNECT tunnel', async (name, ctx) => {
    const { fake, proxy } = await rig(ctx, { tls: true });
    const res = await write({ [name]: proxy.url, NODE_EXTRA_CA_CERTS: caPath as string, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(res, fake);
    expect(new Set(targets(proxy))).toEqual(new Set([`${PRIVATE_HOST}:${fake.port}`]));
    const log = messagesOfType(res.messages, 'LOG').map((m) => m.log.message).find((m: string) => m.startsWith('Network:'));
    expect(log).toContain(`NODE_EXTRA_CA_CERTS (${caPath})`);
  });

  it('an https API uses HTTP_PROXY when HTTPS_PROXY is not set', async (ctx) => {
    const { fake, proxy } = await rig(ctx, { tls: true });
    const res = await write({ HTTP_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caPath as string, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expectDelivered(res, fake);
    expect(proxy.counts.connect).toBeGreaterThanOrEqual(1);
  });

  it('without the CA the certificate is refused: config_error TRACE naming NODE_EXTRA_CA_CERTS, nothing delivered', async (ctx) => {
    const { fake, proxy } = await rig(ctx, { tls: true });
    const res = await write({ HTTPS_PROXY: proxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) });
    expect(res.code).not.toBe(0);
    expect(fake.counters.eventsRequests).toBe(0);
    expect(proxy.counts.connect).toBeGreaterThanOrEqual(1);
    const trace = messagesOfType(res.messages, 'TRACE').at(-1);
    expect(trace.trace.error.failure_type).toBe('config_error');
    expect(trace.trace.error.message).toMatch(/^Could not verify Pinterest's TLS certificate \([A-Z_]+\)\. Behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS/);
  });

  it('a NODE_EXTRA_CA_CERTS file that does not exist is reported as a WARN LOG', async (ctx) => {
    const { fake } = await rig(ctx, { tls: true });
    const res = await write({ NODE_EXTRA_CA_CERTS: join(tmp, 'missing.pem'), PINTEREST_API_BASE_URL: fake.url });
    expect(res.code).not.toBe(0);
    const warn = messagesOfType(res.messages, 'LOG').find((m) => m.log.message.startsWith('Network:'));
    expect(warn.log.level).toBe('WARN');
    expect(warn.log.message).toContain('does not exist');
  });
});

describe.concurrent('object storage (rejected-records file) through the proxy', () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3Server(['rejected']);
  });
  afterAll(async () => {
    await s3?.dispose();
  });

  /** `check` with object_storage_config at `endpoint`, bucket path `path`; returns the run and its connection status. */
  async function checkStorage(env: Record<string, string>, endpoint: string, path: string): Promise<{ res: CliResult; status: { status: string; message?: string } }> {
    const config = sampleConfig({
      object_storage_config: {
        storage_type: 'S3',
        s3_bucket_name: 'rejected',
        s3_bucket_region: 'us-east-1',
        bucket_path: path,
        s3_endpoint: endpoint,
        access_key_id: S3RVER_ACCESS_KEY_ID,
        secret_access_key: S3RVER_SECRET_ACCESS_KEY,
      },
    });
    const res = await runCli(['check', '--config', writeTempJson(config, 'check-s3')], { env: { ...NO_PROXY_ENV, ...env }, timeoutMs: 30_000 });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const statuses = messagesOfType(res.messages, 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    return { res, status: statuses[0].connectionStatus };
  }

  /** The probe object `check` wrote under `path` and deleted: [put, delete] events. */
  const probeEvents = (path: string) => s3.events.filter((e) => e.includes(` rejected/${path}/`));

  it('HTTP_PROXY: the S3 client writes and deletes the probe object through the proxy (a host only the proxy resolves)', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const { status } = await checkStorage({ HTTP_PROXY: proxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) }, `http://${S3_HOST}:${s3.port}`, 'via-proxy');
    expect(status.status, status.message).toBe('SUCCEEDED');
    expect(probeEvents('via-proxy').map((e) => e.split(' ')[0])).toEqual(['ObjectCreated:Put', 'ObjectRemoved:Delete']);
    expect(targets(proxy)).toContain(`${S3_HOST}:${s3.port}`);
  });

  it('proxy credentials in the URL are sent to the proxy for S3 too, and appear in no message or debug output', async (ctx) => {
    const { fake, authProxy } = await rig(ctx);
    const url = authProxy.urlWithCredentials(PROXY_USER, PROXY_PASS);
    // DEBUG makes https-proxy-agent print its proxy URL on stderr: that URL must carry no credentials.
    const env = { HTTP_PROXY: url, PINTEREST_API_BASE_URL: privateUrl(fake), DEBUG: 'https-proxy-agent' };
    const { res, status } = await checkStorage(env, `http://${S3_HOST}:${s3.port}`, 'auth-proxy');
    expect(status.status).toBe('SUCCEEDED');
    expect(probeEvents('auth-proxy')).toHaveLength(2);
    const s3Tunnels = authProxy.requests.filter((r) => r.target === `${S3_HOST}:${s3.port}`);
    expect(s3Tunnels.length).toBeGreaterThanOrEqual(1);
    expect(s3Tunnels.every((r) => r.status === 200)).toBe(true);
    expect(authProxy.counts.rejected).toBe(0);
    expect(res.stderr).toContain('Creating new HttpsProxyAgent instance'); // the debug output the check below reads
    expect(res.stdout + res.stderr).not.toContain(PROXY_PASS);
    expect(res.stdout + res.stderr).not.toContain(encodeURIComponent(PROXY_PASS));
  });

  it.skipIf(!OPENSSL)('an https:// store (as AWS S3 is) through HTTPS_PROXY: TLS inside the tunnel, trusted via NODE_EXTRA_CA_CERTS', async (ctx) => {
    const tlsS3 = await startS3Server(['rejected'], { key: certs!.key, cert: certs!.cert, ca: readFileSync(caPath!, 'utf8') });
    ctx.onTestFinished(() => tlsS3.dispose());
    const { fake, proxy, authProxy } = await rig(ctx);
    // The test certificate names pinterest.test, a host only the proxy resolves; HTTP_PROXY (another proxy) is not used.
    const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: authProxy.url, NO_PROXY: '127.0.0.1', NODE_EXTRA_CA_CERTS: caPath!, PINTEREST_API_BASE_URL: fake.url };
    const { status } = await checkStorage(env, `https://${PRIVATE_HOST}:${tlsS3.port}`, 'tls');
    expect(status.status, status.message).toBe('SUCCEEDED');
    expect(tlsS3.events.filter((e) => e.includes(' rejected/tls/')).map((e) => e.split(' ')[0])).toEqual(['ObjectCreated:Put', 'ObjectRemoved:Delete']);
    expect(targets(proxy)).toEqual(expect.arrayContaining([`${PRIVATE_HOST}:${tlsS3.port}`]));
    expect(targets(authProxy)).toEqual([]);
  });

  it('an http:// store uses HTTP_PROXY, not HTTPS_PROXY', async (ctx) => {
    const { fake, proxy, authProxy } = await rig(ctx);
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: authProxy.url, PINTEREST_API_BASE_URL: privateUrl(fake) };
    const { status } = await checkStorage(env, `http://${S3_HOST}:${s3.port}`, 'http-proxy');
    expect(status.status, status.message).toBe('SUCCEEDED');
    expect(targets(proxy)).toContain(`${S3_HOST}:${s3.port}`);
    expect(targets(authProxy)).toEqual([]);
  });

  it('a proxy that refuses the tunnel is named as the cause (here 407: no credentials), not the store', async (ctx) => {
    const { fake, authProxy } = await rig(ctx);
    // Pinterest (127.0.0.1) is reached directly; only the store's requests meet the proxy.
    const env = { HTTP_PROXY: authProxy.url, NO_PROXY: '127.0.0.1', PINTEREST_API_BASE_URL: fake.url };
    const { res, status } = await checkStorage(env, `http://${S3_HOST}:${s3.port}`, 'refused');
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(
      new RegExp(
        `^Rejected-records storage \\(object_storage_config\\): Could not write s3://rejected/refused/airbyte-connection-check-\\d+\\.txt ` +
          `\\(the proxy refused to tunnel to ${S3_HOST}:${s3.port} \\(HTTP 407\\)\\)\\. The proxy wants credentials: `,
      ),
    );
    expect(authProxy.counts.rejected).toBeGreaterThanOrEqual(1);
    expect(probeEvents('refused')).toEqual([]);
    expect(res.stderr).toBe('');
  });

  it('NO_PROXY: an endpoint it lists is reached directly, while Pinterest still goes through the proxy', async (ctx) => {
    const { fake, proxy } = await rig(ctx);
    const { status } = await checkStorage({ HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${s3.port}`, PINTEREST_API_BASE_URL: privateUrl(fake) }, s3.endpoint, 'direct');
    expect(status.status).toBe('SUCCEEDED');
    expect(probeEvents('direct')).toHaveLength(2);
    expect(new Set(targets(proxy))).toEqual(new Set([`${PRIVATE_HOST}:${fake.port}`]));
  });
});
