import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** Default base URL of Pinterest API v5. Overridden by the environment variable PINTEREST_API_BASE_URL (tests, demo). */
export const DEFAULT_API_BASE_URL = 'https://api.pinterest.com/v5';

/** The API base URL in force, without a trailing slash. */
export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.PINTEREST_API_BASE_URL || DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

/** Explicit timeouts (milliseconds) for every Pinterest call; none is left infinite. */
export const HTTP_TIMEOUTS = {
  connectMs: 10_000,
  headersMs: 60_000,
  bodyMs: 60_000,
  keepAliveMs: 30_000,
} as const;

/**
 * The one HTTP dispatcher of the process: keep-alive connections, explicit timeouts, and the proxy settings
 * of the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, upper or lower case, credentials in the proxy
 * URL supported) through undici's EnvHttpProxyAgent. Extra CAs from `NODE_EXTRA_CA_CERTS` are part of Node's
 * default trust store, which undici's TLS connections use.
 *
 * @param connections maximum sockets per origin (the configured request concurrency plus headroom)
 */
export function createDispatcher(connections: number): Dispatcher {
  return new EnvHttpProxyAgent({
    connections,
    keepAliveTimeout: HTTP_TIMEOUTS.keepAliveMs,
    headersTimeout: HTTP_TIMEOUTS.headersMs,
    bodyTimeout: HTTP_TIMEOUTS.bodyMs,
    connect: { timeout: HTTP_TIMEOUTS.connectMs },
  });
}
