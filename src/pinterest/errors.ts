/**
 * Pinterest answers → typed errors with a user-facing message (cause and fix) and an Airbyte failure_type.
 * Messages never contain tokens or event values: only status codes, Pinterest's error code and message,
 * the ad account id (not a secret) and the request id (`x-pinterest-rid`) for Pinterest support.
 */

import { normalizeAnswerText } from './answer-text.js';

/** Airbyte failure_type of a fatal error. */
export type PinterestFailureType = 'config_error' | 'transient_error' | 'system_error';

/** A Pinterest call that failed for good (after retries, or a non-retryable answer). */
export class PinterestError extends Error {
  constructor(
    message: string,
    readonly failureType: PinterestFailureType,
    readonly details: { status?: number; code?: number; requestId?: string; reason?: string } = {},
  ) {
    super(message);
    this.name = 'PinterestError';
  }
}

/** Body of a Pinterest error answer (OpenAPI 5.23 `Error`: {code, message}). Missing parts are undefined. */
export interface PinterestErrorBody {
  code?: number;
  message?: string;
}

/** Reads `{code, message}` from a parsed body of unknown shape; the message normalized by normalizeAnswerText. */
export function errorBody(body: unknown): PinterestErrorBody {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  return {
    code: typeof b.code === 'number' ? b.code : undefined,
    // Pinterest's message may echo what it was sent: normalized (values → placeholders) before any log line shows it.
    message: typeof b.message === 'string' ? normalizeAnswerText(b.message) : undefined,
  };
}

/** Network error codes (Node and undici) worth retrying: resets, timeouts, refused connections, DNS hiccups. */
export const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The code of a network error (`err.code`, or its `cause.code`), if any. */
export function networkErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return undefined;
}

/** HTTP statuses retried with backoff: 408, 425, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Describes a Pinterest answer in one value-free phrase: `HTTP 403 (code 29: You are not permitted...) [request id ...]`. */
export function describeAnswer(status: number, body: PinterestErrorBody, requestId?: string): string {
  let s = `HTTP ${status}`;
  if (body.code !== undefined || body.message) s += ` (${[body.code !== undefined ? `code ${body.code}` : '', body.message ?? ''].filter(Boolean).join(': ')})`;
  if (requestId) s += ` [x-pinterest-rid ${requestId}]`;
  return s;
}

/** What kind of credentials produced an answer, for choosing the remedy in a message. */
export type CredentialKind = 'access_token' | 'oauth2.0';

/** User-facing message for a 401 on any Pinterest call. */
export function unauthorizedMessage(kind: CredentialKind, answer: string): string {
  return kind === 'oauth2.0'
    ? `Pinterest rejected the OAuth access token even after refreshing it (${answer}). Reconnect the destination with OAuth (or paste a new refresh token) and make sure the app has the ads:read and ads:write scopes.`
    : `Pinterest rejected the access token (${answer}). The token is wrong, expired or revoked: generate a new conversion access token in Ads Manager (Conversions → Set up API → Generate new token) for this ad account and paste it into the destination settings.`;
}

/** User-facing message for a 403 on the ad account. */
export function forbiddenMessage(adAccountId: string, answer: string): string {
  return `Pinterest refused access to ad account ${adAccountId} (${answer}). The token's user must own the account or have the Admin, Analyst, Audience or Campaign role on it (Business Access), and an OAuth token needs the ads:write scope (ads:read for check). Check that ad_account_id is the right account, then use a token generated for this ad account, or grant the user access.`;
}

/** User-facing message for a 404 on the ad account. */
export function notFoundMessage(adAccountId: string, answer: string): string {
  return `Pinterest does not know ad account ${adAccountId} (${answer}). Check ad_account_id: it is the numeric ID shown in Ads Manager for the account the token belongs to.`;
}
