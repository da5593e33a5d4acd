import { createHash } from 'node:crypto';
import type { AirbyteOutput } from '../airbyte/output.js';
import { ConfigError, loadConfig, unknownSettings, type ConnectorConfig } from '../config/config.js';
import { normalizeAnswerText } from '../pinterest/answer-text.js';
import { PinterestError } from '../pinterest/errors.js';
import { EventBatch } from '../pinterest/event-batch.js';
import { apiBaseUrl } from '../pinterest/http.js';
import { validateMappings } from '../write/streams.js';
import { OAUTH_NEEDED_FOR_INSIGHTS } from '../write/match-quality.js';
import { checkInsightNotes } from './insights.js';
import { checkObjectStorage } from './check-storage.js';
import { openPinterestSession } from './pinterest-session.js';

/** Business Access roles that may send conversion events (Pinterest OpenAPI 5.23, events/create: Owner, Admin, Analyst, Audience, Campaign). */
export const ROLES_THAT_CAN_SEND_EVENTS = ['OWNER', 'ADMIN', 'ANALYST', 'AUDIENCE_MANAGER', 'CAMPAIGN_MANAGER'] as const;

/** Conversion tag statuses under which the tag records events (EntityStatus). */
const ACTIVE_TAG_STATUS = 'ACTIVE';

/**
 * The synthetic event `check` sends with `?test=true` (Pinterest validates it and records nothing). Its event_time is
 * the current time (a hard-coded time would age past Pinterest's window), its identifier the SHA-256 of a fixed
 * example.com address.
 * @param nowSeconds Unix seconds
 */
export function checkEvent(config: ConnectorConfig, nowSeconds: number): object {
  return {
    event_name: 'custom',
    action_source: config.action_source,
    event_time: nowSeconds,
    event_id: `airbyte-connection-check-${nowSeconds}`,
    user_data: { em: [createHash('sha256').update('connection-check@example.com').digest('hex')] },
  };
}

/**
 * Pinterest's error code for "the token lacks a scope this call needs" (code 3, answered with HTTP 401 by the live API,
 * e.g. "Your token does not have sufficient permissions to perform this operation", and 403 by our fake).
 */
const MISSING_SCOPE_CODE = 3;

/** True when a Pinterest call failed because the token lacks a scope (code 3 on HTTP 401 or 403). */
export function isMissingScope(err: unknown): boolean {
  return (
    err instanceof PinterestError &&
    (err.details.status === 401 || err.details.status === 403) &&
    err.details.code === MISSING_SCOPE_CODE
  );
}

/**
 * The network problem behind a transient failure without an HTTP status, as a short phrase ("network error
 * ECONNREFUSED"). The client's retries-exhausted message is written for syncs ("Airbyte will retry the sync from the
 * last saved state ...") and must not be shown as a check result, so only the network error is taken from it.
 */
function networkProblem(err: PinterestError): string {
  if (err.details.reason) return `network error ${err.details.reason}`;
  return /network error [A-Za-z0-9_]+/.exec(err.message)?.[0] ?? 'no answer';
}

/**
 * Turns a failure of a Pinterest call during `check` into one message naming the cause and the fix.
 * 401/403/404 messages come from the client (they already name the remedy); rate limits, Pinterest outages and
 * unreachable networks get check-specific advice. Never contains secrets.
 */
export function checkFailureMessage(err: unknown, baseUrl: string): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof PinterestError) {
    const status = err.details.status;
    if (err.failureType === 'config_error') return err.message;
    if (status === 429) {
      return `Pinterest rate-limited the check (HTTP 429) even after retrying. Wait a minute and test again; if it persists, another integration may be using up this ad account's request limit.`;
    }
    if (status !== undefined && status >= 500) {
      return `Pinterest is having trouble answering (HTTP ${status}) even after retrying. This is on Pinterest's side: test again in a few minutes.`;
    }
    if (err.failureType === 'transient_error' && status === undefined) {
      return `Could not reach Pinterest at ${baseUrl} (${networkProblem(err)}). Check that this machine can open HTTPS connections to api.pinterest.com: DNS, firewall, and proxy settings (HTTPS_PROXY / NO_PROXY; extra CA certificates through NODE_EXTRA_CA_CERTS).`;
    }
    return err.message;
  }
  return `Unexpected error during check: ${(err as Error)?.message ?? String(err)}`;
}

/**
 * `check --config FILE`: validates the config (every problem named by path), the field mappings, then proves the
 * credentials can send events to the ad account. With OAuth credentials: refresh if needed, read the ad account
 * (exists? roles allow sending events?), read the conversion tag when configured (exists? active?); a token without
 * ads:read skips these reads with a warning instead of failing, since sending events only needs ads:write. With any
 * credentials: one `POST /ad_accounts/{id}/events?test=true` with a current synthetic event. Once that succeeded, with
 * OAuth credentials that read the account: the advertiser-defined events and the Event Quality Score, reported in
 * the message (never failing the check); with a conversion token, one INFO that these need OAuth.
 * With object_storage_config: a probe object written to and deleted from the bucket (see {@link checkObjectStorage}).
 * Prints one CONNECTION_STATUS and returns 0 also when the check fails.
 */
export async function runCheck(out: AirbyteOutput, configPath: string): Promise<number> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(configPath);
    validateMappings(loaded.config);
  } catch (err) {
    out.connectionStatus('FAILED', checkFailureMessage(err, apiBaseUrl()));
    return 0;
  }
  const { config, raw } = loaded;
  let session: ReturnType<typeof openPinterestSession>;
  try {
    session = openPinterestSession(config, raw, out, {
      retry: { maxRetries: 2, maxElapsedMs: 20_000, baseDelayMs: 500 },
      testMode: true,
    });
  } catch (err) {
    // e.g. an unusable proxy setting: check still ends with a CONNECTION_STATUS, never a TRACE.
    out.connectionStatus('FAILED', checkFailureMessage(err, apiBaseUrl()));
    return 0;
  }
  try {
    // Set when the OAuth token lacks ads:read: the reads below are skipped (syncs only need ads:write).
    let unverified: string | undefined;
    let account: Record<string, unknown> | undefined;
    if (session.auth.kind === 'oauth2.0') {
      try {
        account = await session.client.getAdAccount();
      } catch (err) {
        if (!isMissingScope(err)) throw err;
        unverified =
          `The OAuth token lacks the ads:read scope, so check could not read ad account ${config.ad_account_id} to verify the user's role on it` +
          (config.conversion_tag_id ? ` or conversion tag ${config.conversion_tag_id}` : '') +
          '. Sending events only needs ads:write; to have these verified (and to see the Event Quality Score and the advertiser-defined events), reconnect the destination with OAuth granting ads:read and ads:write.';
        out.log('WARN', unverified);
      }
    } else if (config.conversion_tag_id) {
      unverified = `conversion_tag_id ${config.conversion_tag_id} was not verified: a conversion access token can only send events, not read tags. Use OAuth credentials to have check verify it.`;
    }
    if (account) {
      const roles = Array.isArray(account.permissions) ? (account.permissions as unknown[]).map(String) : undefined;
      if (roles && roles.length > 0 && !roles.some((r) => (ROLES_THAT_CAN_SEND_EVENTS as readonly string[]).includes(r))) {
        out.connectionStatus(
          'FAILED',
          `The token's user has the roles ${roles.join(', ')} on ad account ${config.ad_account_id}, none of which may send conversion events. In Business Access, give the user the Admin, Analyst, Audience or Campaign role on this account (or use the owner's token).`,
        );
        return 0;
      }
      if (config.conversion_tag_id) {
        const tag = await session.client.getConversionTag(config.conversion_tag_id);
        if (!tag) {
          out.connectionStatus(
            'FAILED',
            `Conversion tag ${config.conversion_tag_id} does not exist in ad account ${config.ad_account_id}. Copy the tag ID from Ads Manager → Conversions → Pinterest tag, or leave conversion_tag_id empty.`,
          );
          return 0;
        }
        if (typeof tag.status === 'string' && tag.status !== ACTIVE_TAG_STATUS) {
          out.connectionStatus(
            'FAILED',
            `Conversion tag ${config.conversion_tag_id} has status ${tag.status}, so Pinterest cannot deduplicate against it. Activate the tag in Ads Manager, or set conversion_tag_id to an active tag.`,
          );
          return 0;
        }
      }
    }
    const [outcome] = await session.client.sendEvents(EventBatch.of([checkEvent(config, Math.floor(Date.now() / 1000))]));
    if (outcome.status !== 'processed') {
      out.connectionStatus('FAILED', `Pinterest accepted the credentials but refused the test event: ${outcome.error_message ? normalizeAnswerText(outcome.error_message) : 'no reason given'}.`);
      return 0;
    }
    const storage = config.object_storage_config ? await checkObjectStorage(config.object_storage_config) : undefined;
    if (storage && !storage.ok) {
      out.connectionStatus('FAILED', storage.message);
      return 0;
    }
    const insights = account ? await checkInsightNotes(session, config, out) : [];
    if (session.auth.kind !== 'oauth2.0') out.log('INFO', OAUTH_NEEDED_FOR_INSIGHTS);
    const unknown = unknownSettings(raw);
    const notes = [
      unverified,
      storage?.message,
      ...insights,
      unknown.length ? `Unknown settings ignored (check their spelling): ${unknown.join(', ')}.` : undefined,
    ].filter((n): n is string => n !== undefined);
    out.connectionStatus('SUCCEEDED', notes.length ? `Pinterest accepted the test event, so syncs can send events. ${notes.join(' ')}` : undefined);
  } catch (err) {
    out.connectionStatus('FAILED', checkFailureMessage(err, apiBaseUrl()));
  } finally {
    await session.close();
  }
  return 0;
}
