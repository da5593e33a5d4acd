/**
 * The parts of undici the connector uses (EnvHttpProxyAgent and `request`), loaded without undici's entry point.
 * `import 'undici'` also loads fetch, WebSocket, EventSource, the cache, mocks and the HTTP/2 client, which took
 * 0.26 s of CPU at every start (the whole of a small sync's mapping work) against 0.09 s for these (Node 20,
 * undici 7.30.2, issue 16). The entry point does one more thing, done here the same way: it puts the API
 * methods (`request`, `connect`, ...) on `Dispatcher.prototype`; ProxyAgent's CONNECT tunnel calls `connect` on
 * its client. undici is pinned to an exact version, and test/pinterest/undici-core.test.ts checks these are the
 * same classes and functions as the entry point's.
 */
import { createRequire } from 'node:module';
import type { Dispatcher as DispatcherType, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

const require = createRequire(import.meta.url);
const DispatcherClass = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
const api = require('undici/lib/api/index.js') as { request: (this: DispatcherType, opts: object) => Promise<DispatcherType.ResponseData> };
Object.assign(DispatcherClass.prototype, api);

/** undici's EnvHttpProxyAgent (the same class as `import { EnvHttpProxyAgent } from 'undici'`). */
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof EnvHttpProxyAgentType;

/**
 * undici's `request(url, { dispatcher, ... })` for an absolute http(s) URL string: the same call undici's entry
 * point makes (origin and path from the URL, `method` as given).
 */
export function request(
  url: string,
  options: { method: 'GET' | 'POST'; dispatcher: DispatcherType; headers: Record<string, string>; body?: Uint8Array | string; signal?: AbortSignal },
): Promise<DispatcherType.ResponseData> {
  const u = new URL(url);
  const { dispatcher, ...rest } = options;
  return api.request.call(dispatcher, { ...rest, origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname });
}
