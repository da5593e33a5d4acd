import type { Dispatcher } from 'undici';
import { basicCredential } from '../airbyte/redact.js';
import type { OAuthCredentials } from '../config/config.js';
import { PinterestError, describeAnswer, errorBody, isRetryableStatus, networkErrorCode, RETRYABLE_NETWORK_CODES, type CredentialKind } from './errors.js';
import { HTTP_TIMEOUTS, misdirectedAnswer, requestWithDeadline, UnusableAnswer } from './http.js';
import { sleep } from './retry.js';

/** Gives the bearer token for each request; OAuth providers can refresh. */
export interface TokenProvider {
  readonly kind: CredentialKind;
  /** The token to send now (refreshes first when an OAuth token is missing or expires within 5 minutes). */
  token(): Promise<string>;
  /**
   * Called after a 401 answered a request sent with `rejected`. Returns a fresh token to retry with, or null
   * when no refresh is possible (static token) or the token was already refreshed once for this request.
   */
  refreshAfterUnauthorized(rejected: string): Promise<string | null>;
}

/** A conversion access token (or any access token given as is): never refreshed. */
export class StaticTokenProvider implements TokenProvider {
  readonly kind = 'access_token' as const;
  constructor(private readonly accessToken: string) {}
  async token(): Promise<string> {
    return this.accessToken;
  }
  async refreshAfterUnauthorized(): Promise<string | null> {
    return null;
  }
}

/** Refresh this long before the token expires, ms. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * OAuth 2.0 token provider for a Pinterest app (Pinterest OpenAPI 5.23, POST /oauth/token, grant_type=refresh_token,
 * HTTP Basic client_id:client_secret). Pinterest returns a new refresh token on each refresh (continuous refresh
 * tokens); `onRefreshed` receives the complete new credentials so the caller can persist them (Airbyte CONTROL
 * message). Concurrent callers share one refresh.
 */
export class OAuthTokenProvider implements TokenProvider {
  readonly kind = 'oauth2.0' as const;
  private creds: OAuthCredentials;
  private expiresAt: number | undefined;
  /** How long before `expiresAt` to refresh: REFRESH_MARGIN_MS, or half the lifetime of a shorter-lived token. */
  private marginMs = REFRESH_MARGIN_MS;
  private refreshing: Promise<string> | null = null;

  /**
   * @param creds the config's credentials (not modified)
   * @param opts.baseUrl API base, e.g. https://api.pinterest.com/v5
   * @param opts.onRefreshed called once per successful refresh with the full new credentials
   */
  constructor(
    creds: OAuthCredentials,
    private readonly opts: {
      baseUrl: string;
      dispatcher: Dispatcher;
      onRefreshed: (creds: OAuthCredentials) => void;
      clock?: () => number;
      timeScale?: number;
      /** Aborts a refresh under way (and its retry waits), e.g. when the cancellation grace period is over. */
      signal?: AbortSignal;
    },
  ) {
    this.creds = { ...creds };
    const t = creds.token_expiry_date ? Date.parse(creds.token_expiry_date) : NaN;
    this.expiresAt = Number.isNaN(t) ? undefined : t;
  }

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** The current credentials (with the latest tokens). */
  get credentials(): OAuthCredentials {
    return { ...this.creds };
  }

  async token(): Promise<string> {
    if (this.refreshing) return this.refreshing;
    const tok = this.creds.access_token;
    if (!tok || (this.expiresAt !== undefined && this.expiresAt - this.now() < this.marginMs)) return this.refresh();
    return tok;
  }

  async refreshAfterUnauthorized(rejected: string): Promise<string | null> {
    if (this.refreshing) return this.refreshing;
    // Another request already refreshed since `rejected` was handed out: use the new token.
    if (this.creds.access_token && this.creds.access_token !== rejected) return this.creds.access_token;
    return this.refresh();
  }

  /** Forces a refresh now (shared with concurrent callers). */
  refresh(): Promise<string> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const basic = basicCredential(this.creds.client_id, this.creds.client_secret);
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.creds.refresh_token }).toString();
    let lastProblem = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await sleep(1000 * 2 ** attempt * (this.opts.timeScale ?? 1), this.opts.signal);
      if (this.opts.signal?.aborted) throw new PinterestError('The sync was cancelled while the OAuth access token was being refreshed.', 'transient_error');
      let status: number;
      let parsed: unknown;
      let rid: string | undefined;
      let location: string | undefined;
      try {
        const res = await requestWithDeadline(
          `${this.opts.baseUrl}/oauth/token`,
          {
            method: 'POST',
            dispatcher: this.opts.dispatcher,
            headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body,
          },
          HTTP_TIMEOUTS.requestMs,
          this.opts.signal,
        );
        status = res.status;
        rid = headerValue(res.headers['x-pinterest-rid']);
        location = headerValue(res.headers.location);
        try {
          parsed = JSON.parse(res.text);
        } catch {
          parsed = undefined;
        }
      } catch (err) {
        if (this.opts.signal?.aborted) throw new PinterestError('The sync was cancelled while the OAuth access token was being refreshed.', 'transient_error');
        if (err instanceof UnusableAnswer) {
          lastProblem = err.message;
          continue;
        }
        const code = networkErrorCode(err);
        lastProblem = `network error ${code ?? 'unknown'}`;
        if (code && RETRYABLE_NETWORK_CODES.has(code)) continue;
        throw new PinterestError(`Could not reach Pinterest to refresh the OAuth token (${lastProblem}).`, 'transient_error');
      }
      if (status === 200 && parsed && typeof (parsed as Record<string, unknown>).access_token === 'string') {
        const p = parsed as { access_token: string; refresh_token?: string; expires_in?: number };
        this.creds = {
          ...this.creds,
          access_token: p.access_token,
          refresh_token: typeof p.refresh_token === 'string' && p.refresh_token ? p.refresh_token : this.creds.refresh_token,
        };
        if (typeof p.expires_in === 'number' && p.expires_in > 0) {
          this.expiresAt = this.now() + p.expires_in * 1000;
          // A token living less than twice the margin would otherwise be refreshed before every request.
          this.marginMs = Math.min(REFRESH_MARGIN_MS, (p.expires_in * 1000) / 2);
          this.creds.token_expiry_date = new Date(this.expiresAt).toISOString();
        } else {
          this.expiresAt = undefined;
          delete this.creds.token_expiry_date;
        }
        this.opts.onRefreshed({ ...this.creds });
        return p.access_token;
      }
      const misdirected = misdirectedAnswer(status, location, this.opts.baseUrl);
      if (misdirected) throw misdirected;
      const answer = describeAnswer(status, errorBody(parsed), rid);
      lastProblem = answer;
      if (isRetryableStatus(status)) continue;
      throw new PinterestError(
        `Pinterest refused to refresh the OAuth access token (${answer}). The refresh token or the app's client_id/client_secret is wrong, expired or revoked: reconnect the destination with OAuth, or paste a new refresh token.`,
        'config_error',
        { status, code: errorBody(parsed).code, requestId: rid },
      );
    }
    throw new PinterestError(`Could not refresh the OAuth access token: Pinterest kept failing (${lastProblem}).`, 'transient_error');
  }
}

/** First value of a header that may be repeated. */
export function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}
