import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as undici from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from '../../integration_tests/fake-pinterest/server.js';
import { EnvHttpProxyAgent, request } from '../../src/pinterest/undici-core.js';

const DIST_HTTP = fileURLToPath(new URL('../../dist/pinterest/http.js', import.meta.url));

describe('undici-core', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest({ recordBodies: true });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('gives the same EnvHttpProxyAgent class as undici\'s entry point, with its API methods', () => {
    expect(EnvHttpProxyAgent).toBe(undici.EnvHttpProxyAgent);
    const agent = new EnvHttpProxyAgent({ httpProxy: '', httpsProxy: '', noProxy: '' });
    expect(typeof (agent as unknown as { request: unknown }).request).toBe('function');
    expect(typeof (agent as unknown as { connect: unknown }).connect).toBe('function');
    void agent.close();
  });

  it('sends a request with its method, path, query, headers and body', async () => {
    const dispatcher = new EnvHttpProxyAgent({ httpProxy: '', httpsProxy: '', noProxy: '' });
    const res = await request(`${fake.url}/ad_accounts/549755885175/events?test=true`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', authorization: 'Bearer token-for-the-undici-core-test' },
      body: '{"data":[]}',
    });
    await res.body.text();
    await dispatcher.close();
    const got = fake.requests.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', path: '/v5/ad_accounts/549755885175/events', query: { test: 'true' }, body: { data: [] } });
    expect(got.headers['content-type']).toBe('application/json');
  });

  it('leaves undici\'s entry point (fetch, WebSocket, cache, mocks) unloaded when the HTTP module loads', () => {
    const script = `import(${JSON.stringify(DIST_HTTP)}).then(() => {
      const { createRequire } = require('node:module');
      const entry = createRequire(${JSON.stringify(DIST_HTTP)}).resolve('undici');
      process.stdout.write(JSON.stringify({ entry: entry in require.cache, proxyAgent: Object.keys(require.cache).some((k) => k.endsWith('env-http-proxy-agent.js')) }));
    });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ entry: false, proxyAgent: true });
  });
});
