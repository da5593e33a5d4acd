/**
 * Fixture access for integration tests and the demo: messages.jsonl rebased to "now", the sample / invalid configs,
 * the configured catalog, and what the destination is expected to do with the fixture rows.
 *
 * Pinterest refuses events in the future and (per event) events older than 7 days, so fixture times would rot.
 * `loadMessages({nowMs})` shifts every time value by one whole-second delta so the newest one lands ~10 minutes
 * before `nowMs`, keeping each value's format (ISO strings stay ISO strings with the same offset and fraction,
 * epoch seconds stay integers, emitted_at stays milliseconds).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  FIXTURE_ANCHOR_MS,
  FIXTURE_BAD_ROWS,
  FIXTURE_RECORD_COUNTS,
  FIXTURE_WARNING_ROWS,
  type BadRow,
} from '../fixtures/generate-messages.js';
import { FAKE_DEFAULTS, type FakePinterest } from '../fake-pinterest/server.js';

export { FIXTURE_ANCHOR_MS, FIXTURE_BAD_ROWS, FIXTURE_RECORD_COUNTS, FIXTURE_WARNING_ROWS, type BadRow };

/** Absolute path of the integration_tests directory. */
export const INTEGRATION_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Absolute paths of the fixture files. */
export const FIXTURE_PATHS = Object.freeze({
  messages: fileURLToPath(new URL('../messages.jsonl', import.meta.url)),
  sampleConfig: fileURLToPath(new URL('../sample_config.json', import.meta.url)),
  invalidConfig: fileURLToPath(new URL('../invalid_config.json', import.meta.url)),
  catalog: fileURLToPath(new URL('../configured_catalog.json', import.meta.url)),
});

/** Default distance between `nowMs` and the newest rebased time value. */
export const DEFAULT_NEWEST_AGO_MS = 10 * 60_000;

/** Options of loadMessages. */
export interface LoadMessagesOptions {
  /** The clock the times are rebased to (ms). */
  nowMs: number;
  /** How long before nowMs the newest time value lands; default 10 minutes. */
  newestAgoMs?: number;
}

/** The whole-second shift (in seconds) that moves FIXTURE_ANCHOR_MS to about `nowMs - newestAgoMs`. */
export function rebaseDeltaSeconds(nowMs: number, newestAgoMs = DEFAULT_NEWEST_AGO_MS): number {
  return Math.floor((nowMs - newestAgoMs - FIXTURE_ANCHOR_MS) / 1000);
}

const ISO = /^(\d{4}-\d{2}-\d{2})([T ])(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Shifts an ISO-8601 date-time by whole seconds, keeping its separator, fraction digits and UTC offset.
 * Returns the input unchanged when it is not such a date-time (e.g. the deliberately unparseable fixture times).
 */
export function shiftIsoString(value: string, deltaSeconds: number): string {
  const m = ISO.exec(value);
  if (!m) return value;
  const [, date, sep, time, frac = '', offset] = m;
  const offsetMin = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const utcMs = Date.parse(`${date}T${time}Z`) - offsetMin * 60_000;
  if (Number.isNaN(utcMs)) return value;
  const local = new Date(utcMs + deltaSeconds * 1000 + offsetMin * 60_000).toISOString();
  return `${local.slice(0, 10)}${sep}${local.slice(11, 19)}${frac}${offset}`;
}

/** Shifts a number of epoch seconds or epoch milliseconds (kind given) by whole seconds; other values unchanged. */
function shiftEpoch(value: unknown, deltaSeconds: number, unit: 's' | 'ms'): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  return unit === 's' ? value + deltaSeconds : value + deltaSeconds * 1000;
}

type Json = Record<string, any>;

/** Applies the per-field time shift to one parsed message (mutates and returns it). */
function rebaseMessage(msg: Json, deltaSeconds: number): Json {
  if (msg.type === 'RECORD' && msg.record) {
    const r = msg.record;
    r.emitted_at = shiftEpoch(r.emitted_at, deltaSeconds, 'ms');
    if (r.stream === 'orders' && typeof r.data?.placed_at === 'string') r.data.placed_at = shiftIsoString(r.data.placed_at, deltaSeconds);
    if (r.stream === 'signups' && r.data) r.data.created_at = shiftEpoch(r.data.created_at, deltaSeconds, 's');
  } else if (msg.type === 'STATE' && msg.state?.stream?.stream_state) {
    const s = msg.state.stream;
    const cursor = s.stream_state.cursor;
    s.stream_state.cursor = typeof cursor === 'string' ? shiftIsoString(cursor, deltaSeconds) : shiftEpoch(cursor, deltaSeconds, 's');
  } else if (msg.type === 'TRACE' && msg.trace) {
    msg.trace.emitted_at = shiftEpoch(msg.trace.emitted_at, deltaSeconds, 'ms');
  }
  return msg;
}

let rawLines: string[] | undefined;

/** The lines of messages.jsonl as stored (not rebased), read once. */
export function rawMessageLines(): string[] {
  rawLines ??= readFileSync(FIXTURE_PATHS.messages, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return rawLines;
}

/** messages.jsonl as JSON lines with every time value rebased so the newest is `newestAgoMs` before `nowMs`. */
export function loadMessages(opts: LoadMessagesOptions): string[] {
  return loadMessageObjects(opts).map((m) => JSON.stringify(m));
}

/** Same as loadMessages, parsed. */
export function loadMessageObjects(opts: LoadMessagesOptions): Json[] {
  const delta = rebaseDeltaSeconds(opts.nowMs, opts.newestAgoMs);
  return rawMessageLines().map((l) => rebaseMessage(JSON.parse(l) as Json, delta));
}

/** Rebased messages joined as CLI stdin (newline-terminated). */
export function messagesStdin(opts: LoadMessagesOptions): string {
  return loadMessages(opts).join('\n') + '\n';
}

/** Expected outcome for one STATE of the fixture: destinationStats the CLI should add when echoing it. */
export interface ExpectedStateStats {
  /** state.id as in the fixture. */
  id: number;
  stream: string;
  /** sourceStats.recordCount: records of this stream since its previous state. */
  sourceRecordCount: number;
  /** Records sent to and accepted by Pinterest (with the fake's defaults). */
  recordCount: number;
  /** Records rejected by the mapper (FIXTURE_BAD_ROWS in this window). */
  rejectedRecordCount: number;
}

/** Per-state expectations, in the order the states appear in messages.jsonl. */
export function expectedStateStats(): ExpectedStateStats[] {
  const ordinals: Record<string, number> = {};
  const sinceState: Record<string, { total: number; rejected: number }> = {};
  const out: ExpectedStateStats[] = [];
  for (const line of rawMessageLines()) {
    const m = JSON.parse(line) as Json;
    if (m.type === 'RECORD') {
      const stream = m.record.stream as string;
      const ordinal = ordinals[stream] ?? 0;
      ordinals[stream] = ordinal + 1;
      const w = (sinceState[stream] ??= { total: 0, rejected: 0 });
      w.total += 1;
      if (FIXTURE_BAD_ROWS.some((b) => b.stream === stream && b.ordinal === ordinal)) w.rejected += 1;
    } else if (m.type === 'STATE' && m.state?.type === 'STREAM') {
      const stream = m.state.stream.stream_descriptor.name as string;
      const w = sinceState[stream] ?? { total: 0, rejected: 0 };
      out.push({
        id: m.state.id as number,
        stream,
        sourceRecordCount: m.state.sourceStats?.recordCount as number,
        recordCount: w.total - w.rejected,
        rejectedRecordCount: w.rejected,
      });
      sinceState[stream] = { total: 0, rejected: 0 };
    }
  }
  return out;
}

/** Summary of messages.jsonl for assertions (counts by type and stream, and the expected rejections). */
export const FIXTURE_SUMMARY = Object.freeze({
  records: FIXTURE_RECORD_COUNTS,
  totalRecords: FIXTURE_RECORD_COUNTS.orders + FIXTURE_RECORD_COUNTS.signups,
  states: { orders: 4, signups: 3 },
  totalStates: 7,
  traces: 1,
  totalLines: 308,
  rejected: FIXTURE_BAD_ROWS.length,
  /** Records Pinterest should end up with when nothing else fails. */
  expectedAccepted: FIXTURE_RECORD_COUNTS.orders + FIXTURE_RECORD_COUNTS.signups - FIXTURE_BAD_ROWS.length,
});

/** Parses one of the fixture JSON files. */
function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/** sample_config.json (conversion token on FAKE_DEFAULTS.adAccountId), shallow-merged with `overrides`. */
export function sampleConfig(overrides: Json = {}): Json {
  return { ...readJson(FIXTURE_PATHS.sampleConfig), ...overrides };
}

/** OAuth `credentials` with the fake's default client and refresh token (no access token), shallow-merged with `overrides`. */
export function fakeOAuthCredentials(overrides: Json = {}): Json {
  return {
    auth_type: 'oauth2.0',
    client_id: FAKE_DEFAULTS.clientId,
    client_secret: FAKE_DEFAULTS.clientSecret,
    refresh_token: FAKE_DEFAULTS.refreshToken,
    ...overrides,
  };
}

/** sample_config.json switched to OAuth with the fake's default client and refresh token (no access token). */
export function oauthConfig(overrides: Json = {}, credentials: Json = {}): Json {
  return sampleConfig({ credentials: fakeOAuthCredentials(credentials), ...overrides });
}

/** invalid_config.json (bad account id, missing access_token, max_concurrent_requests 99). */
export function invalidConfig(): Json {
  return readJson(FIXTURE_PATHS.invalidConfig);
}

/** configured_catalog.json. */
export function configuredCatalog(): Json {
  return readJson(FIXTURE_PATHS.catalog);
}

/** Environment that points the CLI at a fake: `{PINTEREST_API_BASE_URL: fake.url}`. */
export function fakeEnv(fake: Pick<FakePinterest, 'url'>): Record<string, string> {
  return { PINTEREST_API_BASE_URL: fake.url };
}
