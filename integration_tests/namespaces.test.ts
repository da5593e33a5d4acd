/**
 * Namespaces through the real CLI:
 * - a record or state whose namespace is absent, null or "" is the stream without namespace (same counts, same
 *   catalog entry, same settings, same derived event ids), and every echoed state keeps its descriptor exactly;
 * - two streams with one name in different namespaces stay separate: their own destinationStats, their own
 *   `streams[]` entry (`namespace.name` beats `name`; `name` matches any namespace without a more specific entry),
 *   their own catalog primary key.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deriveEventId } from '../src/mapping/event-id.js';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { fakeEnv, sampleConfig } from './helpers/fixtures.js';
import { messagesOfType, runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

let fake: FakePinterest;
let configPath: string;
let catalogPath: string;
const T = Math.floor(Date.now() / 1000) - 120;

beforeAll(async () => {
  fake = await startFakePinterest();
  configPath = writeTempJson(
    sampleConfig({
      default_event_name: 'page_visit',
      field_mapping: [{ source_field: 'email', destination_field: 'email' }],
      streams: [
        // Only shop.orders: its own event name and its own mapping (email from "buyer").
        { name: 'shop.orders', default_event_name: 'checkout', field_mapping: [{ source_field: 'buyer', destination_field: 'email' }] },
        // Any other namespace's "orders", and "orders" without namespace.
        { name: 'orders', default_event_name: 'lead' },
      ],
    }),
    'ns-config',
  );
  catalogPath = writeTempJson(
    {
      streams: [
        { stream: { name: 'orders', namespace: 'shop', json_schema: {} }, primary_key: [['order_no']], sync_mode: 'incremental', destination_sync_mode: 'append' },
        { stream: { name: 'orders', namespace: 'crm', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' },
        { stream: { name: 'orders', json_schema: {} }, primary_key: [['id']], sync_mode: 'incremental', destination_sync_mode: 'append' },
      ],
    },
    'ns-catalog',
  );
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

/** A RECORD line; `ns` undefined → no namespace key at all. */
function rec(ns: string | null | undefined, data: Record<string, unknown>): string {
  const r: Record<string, unknown> = { stream: 'orders' };
  if (ns !== undefined) r.namespace = ns;
  r.data = { event_time: T, ...data };
  r.emitted_at = Date.now();
  return JSON.stringify({ type: 'RECORD', record: r });
}

/** A STREAM STATE line; `ns` undefined → descriptor without namespace key. */
function state(id: number, ns: string | null | undefined, cursor: number): string {
  const d: Record<string, unknown> = { name: 'orders' };
  if (ns !== undefined) d.namespace = ns;
  return JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: d, stream_state: { cursor } }, sourceStats: { recordCount: 0 }, id } });
}

/** The echo the destination must print for `line`: the same text with destinationStats appended. */
const echoOf = (line: string, accepted: number, rejected: number) =>
  `${line.slice(0, -2)},"destinationStats":{"recordCount":${accepted},"rejectedRecordCount":${rejected}}}}`;

function run(stdin: string): Promise<CliResult> {
  return runCli(['write', '--config', configPath, '--catalog', catalogPath], {
    stdin,
    env: { ...fakeEnv(fake), NO_PROXY: '*', no_proxy: '*' },
    timeoutMs: 20_000,
  });
}

const stateLines = (res: CliResult) => res.stdout.split('\n').filter((l) => l.startsWith('{"type":"STATE"'));

describe('namespaces', () => {
  it('absent, null and "" are one stream; same-name streams in other namespaces keep their own counts and settings', async () => {
    const same = { email: 'same@example.com', id: 7 };
    const input: Array<[string, [number, number] | null]> = [
      [rec('shop', { buyer: 'shop1@example.com', order_no: 1 }), null],
      [rec('crm', { email: 'crm1@example.com' }), null],
      [rec(undefined, same), null],
      [rec(null, same), null],
      [rec('', same), null],
      [rec('crm', same), null],
      [rec('shop', { email: 'no-buyer@example.com', order_no: 2 }), null], // shop.orders maps email from "buyer": rejected
      [state(1, 'shop', 10), [1, 1]],
      [rec('crm', { email: 'crm2@example.com' }), null],
      [state(2, null, 20), [3, 0]], // the three records without namespace, whatever their spelling
      [state(3, 'crm', 30), [3, 0]],
      [state(4, '', 40), [0, 0]],
      [state(5, undefined, 50), [0, 0]],
      [rec('shop', { buyer: 'shop3@example.com', order_no: 3 }), null],
      [rec('other', { email: 'other@example.com' }), null], // not in the catalog: settings of "orders"
      [state(6, 'shop', 60), [1, 0]],
      [state(7, 'other', 70), [1, 0]],
    ];
    const res = await run(input.map(([l]) => l).join('\n') + '\n');
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stderr).toBe('');

    // Every state echoed once, in order, descriptor byte-for-byte (null stays null, "" stays "", absent stays absent).
    const expected = input.filter(([, c]) => c !== null).map(([l, c]) => echoOf(l, c![0], c![1]));
    expect(stateLines(res)).toEqual(expected);
    const sum = messagesOfType(res.messages, 'STATE').map((m) => m.state.destinationStats.recordCount + m.state.destinationStats.rejectedRecordCount);
    expect(sum.reduce((a, b) => a + b, 0)).toBe(input.filter(([l]) => l.includes('"RECORD"')).length);

    const warnings = messagesOfType(res.messages, 'LOG').map((m) => m.log.message as string);
    expect(warnings.filter((m) => m.includes('not in the configured catalog'))).toEqual([
      'Stream other.orders is not in the configured catalog, so it has no primary key: its derived event_ids come from order_id and event_time, or from the whole record.',
    ]);

    // Settings per namespace: shop.orders → checkout (email from buyer); crm, none, other → the "orders" entry (lead).
    const events = fake.accepted.map((a) => a.event as any);
    expect(events).toHaveLength(9);
    const names = events.map((e) => e.event_name);
    expect(names.filter((n) => n === 'checkout')).toHaveLength(2);
    expect(names.filter((n) => n === 'lead')).toHaveLength(7);
    expect(names).not.toContain('page_visit');

    // Derived ids: the namespace spelling does not matter (absent/null/"" → one id); another namespace gives another id.
    const ids = fake.accepted.map((a) => a.event_id);
    const noNs = deriveEventId({ namespace: undefined, stream: 'orders', eventName: 'lead', primaryKeyValues: [7], data: {} }).id;
    const crmSame = deriveEventId({
      namespace: 'crm',
      stream: 'orders',
      eventName: 'lead',
      data: { event_time: T, ...same },
    }).id;
    expect(ids.filter((id) => id === noNs)).toHaveLength(3); // catalog primary key of "orders" (no namespace): id
    expect(ids.filter((id) => id === crmSame)).toHaveLength(1); // crm.orders has no primary key: whole-record rule
    const shopPk = deriveEventId({ namespace: 'shop', stream: 'orders', eventName: 'checkout', primaryKeyValues: [1], data: {} }).id;
    expect(ids).toContain(shopPk); // shop.orders' own primary key (order_no)
  });

  it('a namespaced streams[] entry does not apply to the same name without namespace or in another namespace', async () => {
    const res = await run(
      [
        rec(undefined, { buyer: 'x@example.com' }), // no email: "orders" settings map email from "email" → rejected
        rec('shop', { buyer: 'x@example.com', order_no: 9 }),
        state(1, undefined, 1),
        state(2, 'shop', 2),
      ].join('\n') + '\n',
    );
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const stats = messagesOfType(res.messages, 'STATE').map((m) => m.state.destinationStats);
    expect(stats).toEqual([
      { recordCount: 0, rejectedRecordCount: 1 },
      { recordCount: 1, rejectedRecordCount: 0 },
    ]);
    expect(fake.accepted.map((a) => (a.event as any).event_name)).toEqual(['checkout']);
  });
});
