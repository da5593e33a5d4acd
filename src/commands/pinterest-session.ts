import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import type { AirbyteOutput } from '../airbyte/output.js';
import type { ConnectorConfig, OAuthCredentials } from '../config/config.js';
import { configSecrets } from '../config/config.js';
import { OAuthTokenProvider, StaticTokenProvider, type TokenProvider } from '../pinterest/auth.js';
import { PinterestClient, type ClientHooks } from '../pinterest/client.js';
import { checkedApiBaseUrl, createDispatcher } from '../pinterest/http.js';
import { RateLimiter, timeScaleFromEnv, type RetryPolicy } from '../pinterest/retry.js';

/**
 * Requests per minute allowed while every events request carries `?test=true`: Pinterest takes at most 10 test requests
 * per second per app (Pinterest's rate-limit documentation, project reference notes §5). The limiter spaces request
 * starts evenly, so 600 a minute is one every 100 ms.
 */
export const TEST_MODE_REQUESTS_PER_MINUTE = 600;

/** A ready Pinterest client for the configured ad account, and what it holds open. */
export interface PinterestSession {
  client: PinterestClient;
  auth: TokenProvider;
  dispatcher: Dispatcher;
  /** Aborts waits and requests (used after the cancellation grace period). */
  abort: () => void;
  close: () => Promise<void>;
}

/**
 * Builds the client from the config: one dispatcher (keep-alive, timeouts, proxy from the environment), the rate
 * limiter (`requests_per_minute`, and at most {@link TEST_MODE_REQUESTS_PER_MINUTE} in test mode), the retry policy and
 * the token provider. With OAuth credentials, each refresh emits an Airbyte CONTROL
 * message carrying the complete config (`rawConfig` with the new credentials), since the platform replaces the
 * stored config with it. Every secret is registered with `out` for redaction.
 */
export function openPinterestSession(
  config: ConnectorConfig,
  rawConfig: Record<string, unknown>,
  out: AirbyteOutput,
  o: { retry?: Partial<RetryPolicy>; hooks?: ClientHooks; testMode?: boolean } = {},
): PinterestSession {
  for (const s of configSecrets(config)) out.addSecret(s);
  const baseUrl = checkedApiBaseUrl();
  const dispatcher = createDispatcher(config.max_concurrent_requests + 2);
  const timeScale = timeScaleFromEnv();
  const controller = new AbortController();
  // Every in-flight request and every backoff wait listens on this one signal (up to 2 × 16 plus the token refresh);
  // Node's default of 10 listeners would print a MaxListenersExceededWarning (a WARN log line) on a busy sync.
  setMaxListeners(4 * config.max_concurrent_requests + 16, controller.signal);
  let auth: TokenProvider;
  if (config.credentials.auth_type === 'oauth2.0') {
    auth = new OAuthTokenProvider(config.credentials, {
      baseUrl,
      dispatcher,
      timeScale,
      signal: controller.signal,
      onRefreshed: (creds: OAuthCredentials) => {
        for (const s of [creds.access_token, creds.refresh_token]) out.addSecret(s);
        const credentials: Record<string, unknown> = { ...((rawConfig.credentials ?? {}) as Record<string, unknown>), ...creds };
        // No expiry known for the new token: an old token_expiry_date kept from the stored config would be wrong.
        if (creds.token_expiry_date === undefined) delete credentials.token_expiry_date;
        out.controlConfig({ ...rawConfig, credentials });
        out.log('INFO', 'Refreshed the Pinterest OAuth access token; the new tokens were handed to Airbyte to store.');
      },
    });
  } else {
    auth = new StaticTokenProvider(config.credentials.access_token);
  }
  const retry: RetryPolicy = {
    maxRetries: config.max_retries,
    maxElapsedMs: config.max_retry_seconds * 1000,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    timeScale,
    ...o.retry,
  };
  const testMode = o.testMode ?? config.test_mode;
  const requestsPerMinute = testMode ? Math.min(config.requests_per_minute, TEST_MODE_REQUESTS_PER_MINUTE) : config.requests_per_minute;
  const client = new PinterestClient({
    baseUrl,
    adAccountId: config.ad_account_id,
    auth,
    dispatcher,
    testMode,
    retry,
    limiter: new RateLimiter(requestsPerMinute, { timeScale: retry.timeScale }),
    hooks: o.hooks,
    signal: controller.signal,
  });
  return {
    client,
    auth,
    dispatcher,
    abort: () => controller.abort(),
    close: async () => {
      await dispatcher.destroy().catch(() => undefined);
    },
  };
}
