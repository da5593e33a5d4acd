/**
 * Pinterest's feedback on the ad account, read around a sync (I/O edge of match-quality.ts): the advertiser-defined
 * events at the start of `write`, the Event Quality Score at its end. Each read is one bounded request; a failure is
 * one WARN and never fails or holds up the sync.
 */
import type { AirbyteOutput } from '../airbyte/output.js';
import type { ConnectorConfig } from '../config/config.js';
import { mergeAdvertiserDefinedEvents, namesUnknownToAccount } from '../mapping/advertiser-defined-events.js';
import { readAdvertiserDefinedEvents, readEventQualityScores } from '../pinterest/insights.js';
import {
  describeAdvertiserDefinedEvents,
  eventQualityCheckSummary,
  eventQualityWriteSummary,
  OAUTH_NEEDED_FOR_INSIGHTS,
  unknownAdvertiserDefinedEventsWarning,
  type OwnCoverage,
} from '../write/match-quality.js';
import type { PinterestSession } from './pinterest-session.js';

/**
 * The advertiser-defined event names a sync sends under their own name: the configured ones, plus (with OAuth
 * credentials) the ones the ad account defines, read once. Logs the account's list (INFO), configured names it does
 * not define (WARN), or why it could not be read (WARN). A conversion token reads nothing: the configured names only.
 * @throws PinterestError `config_error` when the credentials themselves failed (refused refresh, 401 after refreshing):
 *   the sync could not send anything either
 */
export async function advertiserDefinedEventsForSync(session: PinterestSession, config: ConnectorConfig, out: AirbyteOutput): Promise<string[]> {
  const configured = config.advertiser_defined_events;
  if (session.auth.kind !== 'oauth2.0') return configured;
  const read = await readAdvertiserDefinedEvents(session.client);
  if (!read.ok) {
    if (read.fatal) throw read.fatal;
    out.log(
      'WARN',
      `Could not read the advertiser-defined events of ad account ${config.ad_account_id}: ${read.problem}. This sync sends ` +
        (configured.length ? 'only the names listed in advertiser_defined_events' : 'no event') +
        ' under an advertiser-defined name; other names Pinterest does not know go as custom. The sync itself is not affected.',
    );
    return configured;
  }
  const names = read.value.map((e) => e.name);
  if (read.value.length) {
    out.log('INFO', `Advertiser-defined events of ad account ${config.ad_account_id}: ${describeAdvertiserDefinedEvents(read.value)}. Records naming one of them (ignoring case) are sent under that name.`);
  }
  const unknown = namesUnknownToAccount(configured, names);
  if (unknown.length) out.log('WARN', unknownAdvertiserDefinedEventsWarning(config.ad_account_id, unknown));
  return mergeAdvertiserDefinedEvents(configured, names);
}

/**
 * The end-of-`write` Event Quality Score report: with OAuth credentials one read and one INFO summary beside this
 * sync's coverage (or one WARN saying why there is none); with a conversion token one INFO that the score needs OAuth.
 */
export async function reportEventQuality(session: PinterestSession, config: ConnectorConfig, out: AirbyteOutput, own: OwnCoverage): Promise<void> {
  if (session.auth.kind !== 'oauth2.0') {
    out.log('INFO', OAUTH_NEEDED_FOR_INSIGHTS);
    return;
  }
  const read = await readEventQualityScores(session.client);
  if (!read.ok) {
    out.log('WARN', `Could not read the Event Quality Score of ad account ${config.ad_account_id}: ${read.problem}. The sync itself is not affected.`);
    return;
  }
  out.log('INFO', eventQualityWriteSummary(config.ad_account_id, read.value, own));
}

/**
 * What `check` adds to its message with OAuth credentials that can read the account: the advertiser-defined events
 * Pinterest knows (with their types) and configured names it does not know, then Pinterest's Event Quality Score per
 * source platform with what to improve. A failed read becomes a note and one WARN; nothing here fails the check.
 */
export async function checkInsightNotes(session: PinterestSession, config: ConnectorConfig, out: AirbyteOutput): Promise<string[]> {
  const notes: string[] = [];
  const ade = await readAdvertiserDefinedEvents(session.client);
  if (ade.ok) {
    notes.push(
      ade.value.length
        ? `Advertiser-defined events on ad account ${config.ad_account_id}: ${describeAdvertiserDefinedEvents(ade.value)}.`
        : `Ad account ${config.ad_account_id} defines no advertiser-defined events.`,
    );
    const unknown = namesUnknownToAccount(config.advertiser_defined_events, ade.value.map((e) => e.name));
    if (unknown.length) {
      const warning = unknownAdvertiserDefinedEventsWarning(config.ad_account_id, unknown);
      out.log('WARN', warning);
      notes.push(warning);
    }
  } else {
    const note = `Could not read the advertiser-defined events of ad account ${config.ad_account_id}: ${ade.problem}.`;
    out.log('WARN', note);
    notes.push(note);
  }
  const eqs = await readEventQualityScores(session.client);
  if (eqs.ok) {
    notes.push(eventQualityCheckSummary(eqs.value));
  } else {
    const note = `Could not read the Event Quality Score of ad account ${config.ad_account_id}: ${eqs.problem}.`;
    out.log('WARN', note);
    notes.push(note);
  }
  return notes;
}
