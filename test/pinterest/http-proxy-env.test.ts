import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bypassesProxy, describeNetworkEnv, proxySecrets, proxySettingsFromEnv, redactProxyUrl } from '../../src/pinterest/http.js';

describe('proxySettingsFromEnv', () => {
  it('reads upper and lower case, lowercase winning, empty counting as unset', () => {
    expect(proxySettingsFromEnv({ HTTPS_PROXY: 'http://a:1' })).toEqual({ httpProxy: undefined, httpsProxy: 'http://a:1', noProxy: undefined });
    expect(proxySettingsFromEnv({ https_proxy: 'http://b:1', HTTPS_PROXY: 'http://a:1' }).httpsProxy).toBe('http://b:1');
    expect(proxySettingsFromEnv({ https_proxy: '', HTTPS_PROXY: 'http://a:1' }).httpsProxy).toBe('http://a:1');
    expect(proxySettingsFromEnv({ no_proxy: ' ', NO_PROXY: 'x.com' }).noProxy).toBe('x.com');
    expect(proxySettingsFromEnv({})).toEqual({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined });
  });

  it('uses the http proxy for https targets when no https proxy is set, and adds a missing scheme', () => {
    expect(proxySettingsFromEnv({ HTTP_PROXY: 'proxy.corp:3128' })).toEqual({
      httpProxy: 'http://proxy.corp:3128',
      httpsProxy: 'http://proxy.corp:3128',
      noProxy: undefined,
    });
    expect(proxySettingsFromEnv({ HTTP_PROXY: 'https://p:443' }).httpsProxy).toBe('https://p:443');
  });
});

describe('proxy credentials', () => {
  it('redactProxyUrl hides user info only', () => {
    expect(redactProxyUrl('http://u:p@proxy:8080')).toBe('http://***@proxy:8080');
    expect(redactProxyUrl('http://proxy:8080')).toBe('http://proxy:8080');
    expect(redactProxyUrl('http://u%40x:p%2Fq@10.0.0.1:3128/')).toBe('http://***@10.0.0.1:3128');
  });

  it('proxySecrets lists password forms, user:password and the Basic token', () => {
    const s = proxySecrets({ HTTPS_PROXY: 'http://corp%5Cjane:p%40ss%3Aword@proxy:8080', http_proxy: 'http://nouser-proxy:1' });
    expect(s).toContain('p%40ss%3Aword');
    expect(s).toContain('p@ss:word');
    expect(s).toContain('corp\\jane:p@ss:word');
    expect(s).toContain(Buffer.from('corp\\jane:p@ss:word').toString('base64'));
    expect(s).not.toContain('corp\\jane');
    expect(proxySecrets({})).toEqual([]);
  });
});

describe('describeNetworkEnv', () => {
  it('is silent without proxy or CA settings', () => {
    expect(describeNetworkEnv({})).toBeUndefined();
  });

  it('describes proxies (redacted) and NO_PROXY', () => {
    expect(describeNetworkEnv({ HTTPS_PROXY: 'http://u:secret@p:1', NO_PROXY: 'localhost' })).toEqual({
      level: 'INFO',
      message: 'Network: https:// calls go through the proxy http://***@p:1; except hosts in NO_PROXY (localhost).',
    });
    expect(describeNetworkEnv({ HTTP_PROXY: 'http://p:1' })?.message).toBe('Network: calls go through the proxy http://p:1.');
  });

  it('mentions NODE_EXTRA_CA_CERTS next to a proxy, and warns when it names a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'x');
    expect(describeNetworkEnv({ NODE_EXTRA_CA_CERTS: ca })).toBeUndefined(); // without a proxy: nothing to say
    expect(describeNetworkEnv({ NODE_EXTRA_CA_CERTS: ca, HTTPS_PROXY: 'http://p:1' })).toEqual({
      level: 'INFO',
      message: `Network: https:// calls go through the proxy http://p:1; extra trusted CA certificates from NODE_EXTRA_CA_CERTS (${ca}).`,
    });
    expect(describeNetworkEnv({ NODE_EXTRA_CA_CERTS: join(dir, 'nope.pem') })?.level).toBe('WARN');
  });
});

describe('bypassesProxy (NO_PROXY, as undici matches it for the Pinterest calls)', () => {
  it('matches a host and its subdomains, with or without a leading dot or *.; case-insensitive', () => {
    for (const entry of ['pinterest.com', '.pinterest.com', '*.pinterest.com', 'PINTEREST.com']) {
      expect(bypassesProxy(entry, 'api.pinterest.com', 443)).toBe(true);
      expect(bypassesProxy(entry, 'pinterest.com', 443)).toBe(true);
    }
    expect(bypassesProxy('pinterest.com', 'notpinterest.com', 443)).toBe(false);
    expect(bypassesProxy('api.pinterest.com', 'pinterest.com', 443)).toBe(false);
  });

  it('splits on commas and spaces; host:port matches that port only; * alone means every host', () => {
    expect(bypassesProxy('a.example, minio  s3.internal', 'minio', 9000)).toBe(true);
    expect(bypassesProxy('minio:9000', 'minio', 9000)).toBe(true);
    expect(bypassesProxy('minio:9000', 'minio', 9001)).toBe(false);
    expect(bypassesProxy('*', 'anything.example', 80)).toBe(true);
    expect(bypassesProxy('*,minio', 'anything.example', 80)).toBe(false); // only a lone * is the wildcard
  });

  it('compares names literally: no address ranges, localhost does not cover 127.0.0.1; nothing set proxies all', () => {
    expect(bypassesProxy('localhost', '127.0.0.1', 80)).toBe(false);
    expect(bypassesProxy('127.0.0.0/8', '127.0.0.1', 80)).toBe(false);
    expect(bypassesProxy('127.0.0.1', '127.0.0.1', 80)).toBe(true);
    expect(bypassesProxy(undefined, 'minio', 9000)).toBe(false);
    expect(bypassesProxy('', 'minio', 9000)).toBe(false);
  });
});
