/**
 * Generated inputs for the delivery / OAuth / shutdown tests: `orders` records with times relative to now, STREAM
 * states with platform-style ids and sourceStats, the expected (deterministic) event_id of every row, and
 * assertions on what the CLI echoed.
 */
import { deriveEventId } from '../../src/mapping/event-id.js';
import { afterAll, expect } from 'vitest';
import { FAKE_DEFAULTS, startFakePinterest, type FakePinterest, type FakePinterestOptions } from '../fake-pinterest/server.js';
import { fakeOAuthCredentials } from './fixtures.js';
import { runCli, spawnCli, writeTempJson, type CliOptions, type CliResult, type SpawnedCli } from './run-cli.js';

type Json = Record<string, any>;

/** Scales every backoff and Retry-After wait: 1 s of real policy becomes 1 ms. */
export const TIME_SCALE = '0.001';

/** A config for stream `orders` (no namespace): default_event_name checkout, conversion token on the fake's account. */
export function ordersConfig(overrides: Json = {}): Json {
  return {
    ad_account_id: FAKE_DEFAULTS.adAccountId,
    credentials: { auth_type: 'access_token', access_token: FAKE_DEFAULTS.conversionToken },
    action_source: 'web',
    test_mode: false,
    default_event_name: 'checkout',
    field_mapping: [
      { source_field: 'email', destination_field: 'email' },
      { source_field: 'order_id', destination_field: 'order_id' },
      { source_field: 'event_time', destination_field: 'event_time' },
      { source_field: 'value', destination_field: 'value' },
    ],
    max_concurrent_requests: 1,
    ...overrides,
  };
}

/** OAuth variant of ordersConfig with the fake's client and refresh token. */
export function oauthOrdersConfig(overrides: Json = {}, credentials: Json = {}): Json {
  return ordersConfig({ credentials: fakeOAuthCredentials(credentials), ...overrides });
}

/** Configured catalog with one stream, `orders`, no primary key (event ids come from order_id + event_time). */
export const ORDERS_CATALOG = {
  streams: [
    {
      stream: { name: 'orders', json_schema: { type: 'object', properties: {} }, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
    },
  ],
};

/** One generated input: lines for stdin plus what the destination must do with them. */
export interface GeneratedInput {
  /** Every JSONL line, in order. */
  lines: string[];
  /** Record i (0-based) → its expected event_id. */
  ids: string[];
  /** The states in input order: id, and how many records precede it in the whole input. */
  states: { id: number; recordsBefore: number; recordCount: number }[];
  /** Index into `lines` of each state line (same order as `states`). */
  stateLine: number[];
}

/** The event_id the destination must derive for order i at event time `eventTime` (rule 2: order_id + event_time). */
export function expectedEventId(i: number, eventTime: number): string {
  return deriveEventId({ namespace: undefined, stream: 'orders', eventName: 'checkout', orderId: String(i), eventTimeFromRecord: eventTime, data: {} }).id;
}

/**
 * `n` orders records with a STREAM state after every `stateEvery` records (and one after the last record).
 * State ids start at `firstStateId` (platform style: integer ids); `eventTime` defaults to one minute ago.
 */
export function generateOrders(n: number, stateEvery: number, o: { eventTime?: number; firstStateId?: number } = {}): GeneratedInput {
  const eventTime = o.eventTime ?? Math.floor(Date.now() / 1000) - 60;
  const lines: string[] = [];
  const ids: string[] = [];
  const states: GeneratedInput['states'] = [];
  const stateLine: number[] = [];
  let sinceState = 0;
  let stateId = o.firstStateId ?? 1;
  const emitState = (i: number) => {
    states.push({ id: stateId, recordsBefore: i, recordCount: sinceState });
    stateLine.push(lines.length);
    lines.push(
      JSON.stringify({
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: i } },
          sourceStats: { recordCount: sinceState },
          id: stateId,
        },
      }),
    );
    stateId++;
    sinceState = 0;
  };
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        type: 'RECORD',
        record: { stream: 'orders', data: { email: `user${i}@example.com`, order_id: String(i), event_time: eventTime, value: 10 }, emitted_at: Date.now() },
      }),
    );
    ids.push(expectedEventId(i, eventTime));
    sinceState++;
    if ((i + 1) % stateEvery === 0) emitState(i + 1);
  }
  if (sinceState > 0 || n === 0) emitState(n);
  return { lines, ids, states, stateLine };
}

/** Stdin text of some lines. */
export function stdinOf(lines: string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Arguments for `write` with temp config and catalog files. */
export function writeArgs(config: Json, catalog: Json = ORDERS_CATALOG): string[] {
  return ['write', '--config', writeTempJson(config, 'config'), '--catalog', writeTempJson(catalog, 'catalog')];
}

/** Environment pointing the CLI at `fake` with scaled backoff. */
export function envFor(fake: Pick<FakePinterest, 'url'>, extra: Record<string, string> = {}): Record<string, string> {
  return { PINTEREST_API_BASE_URL: fake.url, PINTEREST_RETRY_TIME_SCALE: TIME_SCALE, ...extra };
}

/** Runs `write` to completion. */
export function runWrite(fake: Pick<FakePinterest, 'url'>, config: Json, lines: string[], opts: CliOptions = {}): Promise<CliResult> {
  return runCli(writeArgs(config), { stdin: stdinOf(lines), timeoutMs: 60_000, ...opts, env: envFor(fake, opts.env) });
}

/** Starts `write` in the background; stdin stays open unless `opts.stdin` is given. */
export function spawnWrite(fake: Pick<FakePinterest, 'url'>, config: Json, opts: CliOptions = {}): SpawnedCli {
  return spawnCli(writeArgs(config), { ...opts, env: envFor(fake, opts.env) });
}

/** The STATE messages of a run. */
export function echoedStates(messages: any[]): any[] {
  return messages.filter((m) => m?.type === 'STATE').map((m) => m.state);
}

/** The TRACE ERROR messages of a run. */
export function traceErrors(messages: any[]): any[] {
  return messages.filter((m) => m?.type === 'TRACE' && m.trace?.type === 'ERROR');
}

/** LOG message texts. */
export function logTexts(messages: any[]): string[] {
  return messages.filter((m) => m?.type === 'LOG').map((m) => String(m.log.message));
}

/** Multiset helper: how often each value occurs. */
export function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** event_ids carried by one recorded events request body. */
export function requestEventIds(body: unknown): string[] {
  const data = (body as { data?: Array<{ event_id?: unknown }> } | undefined)?.data ?? [];
  return data.map((e) => String(e.event_id));
}

/**
 * The protocol rule: every echoed state (in input order, none skipped, none twice) covers only records that the
 * fake accepted or that were rejected; returns the echoed ids.
 */
export function assertEchoedPrefix(
  input: GeneratedInput,
  echoed: any[],
  acceptedIds: Set<string>,
  rejectedIds: Set<string> = new Set(),
): number[] {
  const ids = echoed.map((s) => s.id as number);
  const expectedOrder = input.states.slice(0, ids.length).map((s) => s.id);
  if (JSON.stringify(ids) !== JSON.stringify(expectedOrder)) {
    throw new Error(`states echoed out of order or with gaps: got ${JSON.stringify(ids)}, expected prefix ${JSON.stringify(expectedOrder)}`);
  }
  if (ids.length === 0) return ids;
  const last = input.states[ids.length - 1];
  for (let i = 0; i < last.recordsBefore; i++) {
    const id = input.ids[i];
    if (!acceptedIds.has(id) && !rejectedIds.has(id)) {
      throw new Error(`state ${last.id} was echoed but record ${i} (event_id ${id}) was never accepted`);
    }
  }
  return ids;
}

/** A short account of a run for assertion messages: exit code, TRACE errors, stderr tail. */
export function describeRun(r: CliResult): string {
  const traces = traceErrors(r.messages).map((t) => `${t.trace.error.failure_type}: ${t.trace.error.message}`);
  return `exit ${r.code} signal ${r.signal}; traces: ${JSON.stringify(traces)}; stderr: ${r.stderr.slice(-500)}`;
}

/**
 * A fake Pinterest API per test, so that tests can run concurrently (each CLI run spends ~1 s starting Node).
 * Call once at the top of a test file: the fakes are closed after the file (a per-test hook cannot tell
 * concurrent tests apart).
 */
export function fakePerTest(): (opts?: FakePinterestOptions) => Promise<FakePinterest> {
  const fakes: FakePinterest[] = [];
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
  });
  return async (opts = {}) => {
    const fake = await startFakePinterest(opts);
    fakes.push(fake);
    return fake;
  };
}

/** The events requests the fake received (not OAuth or read calls). */
export const eventsRequests = (fake: FakePinterest) => fake.requests.filter((r) => r.path.endsWith('/events'));

/** Asserts every id was accepted exactly once, and nothing else was. */
export function expectAcceptedExactly(fake: FakePinterest, ids: string[]): void {
  const accepted = fake.acceptedEventIds();
  const dupes = [...countBy(accepted)].filter(([, n]) => n > 1);
  expect(dupes, 'event_ids accepted more than once').toEqual([]);
  expect(new Set(accepted)).toEqual(new Set(ids));
  expect(accepted.length).toBe(ids.length);
}
