import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AirbyteOutput } from '../../src/airbyte/output.js';
import type { AirbyteState } from '../../src/airbyte/protocol.js';
import { parseConfig } from '../../src/config/config.js';
import { Batch } from '../../src/write/batches.js';
import { Rejections, type RejectedRow, type RejectionSink } from '../../src/write/rejections.js';
import { SyncReport } from '../../src/write/report.js';
import { Settlement } from '../../src/write/settlement.js';
import { StreamRegistry } from '../../src/write/streams.js';
import { SyncFailure } from '../../src/write/sync-failure.js';

const config = parseConfig({ ad_account_id: '549755885175', credentials: { auth_type: 'access_token', access_token: 'tok-123456' } });
const catalog = { streams: [{ stream: { name: 'orders' }, primary_key: [['order_no']] }] };
const state = (id: number): AirbyteState => ({ type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { id } } });

/** Every stdout message written so far. */
function messages(sink: PassThrough): { type: string; state?: { stream: { stream_state: { id: number } } }; log?: { message: string } }[] {
  let text = '';
  for (let chunk = sink.read() as Buffer | null; chunk !== null; chunk = sink.read() as Buffer | null) text += chunk.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
const echoedIds = (m: ReturnType<typeof messages>) => m.filter((x) => x.type === 'STATE').map((x) => x.state!.stream.stream_state.id);

/** A rejection sink that keeps rows in memory; `flush` moves them to `durable` when `release` is called. */
class MemorySink implements RejectionSink {
  pending: RejectedRow[] = [];
  durable: RejectedRow[] = [];
  fail: Error | undefined;
  private waiting: (() => void)[] = [];
  add(row: RejectedRow): void {
    this.pending.push(row);
  }
  async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    await new Promise<void>((r) => this.waiting.push(r));
    if (this.fail) throw this.fail;
    this.durable.push(...rows);
  }
  /** Lets every flush waiting now complete. */
  release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const r of w) r();
  }
}

function setup(sink?: RejectionSink) {
  const out = new PassThrough();
  const output = new AirbyteOutput(out, () => 0);
  const report = new SyncReport(output, () => 0);
  const failure = new SyncFailure();
  const settlement = new Settlement({ out: output, report, rejections: new Rejections(report, sink), failure, echoStates: true });
  const registry = new StreamRegistry(config, catalog, () => 1_700_000_000);
  return { out, report, failure, settlement, ctx: registry.get('orders', null) };
}

describe('Settlement', () => {
  it('names a row rejected by Pinterest by stream, record number and event_id, and counts it in destinationStats', () => {
    const { out, settlement, ctx } = setup();
    const t1 = settlement.track('orders', null);
    const t2 = settlement.track('orders', null);
    settlement.addState(state(1));
    const b = new Batch();
    b.add({ json: '{"event_id":"A-1"}', identifiers: 0, ticket: t1, stream: ctx, position: 1, eventIdDerived: false });
    b.add({ json: '{"event_id":"A-2"}', identifiers: 0, ticket: t2, stream: ctx, position: 2, eventIdDerived: false });
    expect(b.rejectedRow(1, 'Pinterest: x')).toEqual({
      stream: 'orders',
      namespace: undefined,
      streamLabel: 'orders',
      recordNumber: 2,
      eventId: 'A-2',
      eventIdDerived: false,
      reason: 'Pinterest: x',
      source: 'pinterest',
      eventJson: '{"event_id":"A-2"}',
    });
    settlement.settleOutcomes(b, [{ status: 'processed' }, { status: 'failed', error_message: 'event_time is in the past' }]);
    settlement.releaseStates();
    const m = messages(out);
    expect(m.map((x) => x.log?.message).filter(Boolean)).toEqual(['record 2 of stream orders (event_id A-2) rejected: Pinterest: event_time is in the past']);
    expect(JSON.stringify(m.find((x) => x.type === 'STATE'))).toContain('"destinationStats":{"recordCount":1,"rejectedRecordCount":1}');
  });

  it('with a rejection sink, echoes a state only after the rejected rows it covers were flushed', async () => {
    const sink = new MemorySink();
    const { out, settlement } = setup(sink);
    const t1 = settlement.track('orders', null);
    settlement.addState(state(1));
    const t2 = settlement.track('orders', null);
    settlement.addState(state(2));
    settlement.settleRejected(t1, { stream: 'orders', namespace: undefined, streamLabel: 'orders', recordNumber: 1, reason: 'r', source: 'mapping' });
    await new Promise((r) => setImmediate(r));
    expect(echoedIds(messages(out))).toEqual([]); // flush still running
    // t2 settles while state 1's flush runs: state 2 must wait for a flush that includes t2's row
    settlement.settleRejected(t2, { stream: 'orders', namespace: undefined, streamLabel: 'orders', recordNumber: 2, reason: 'r', source: 'mapping' });
    sink.release();
    await new Promise((r) => setImmediate(r));
    expect(sink.durable.map((r) => r.recordNumber)).toEqual([1]);
    expect(echoedIds(messages(out))).toEqual([1]);
    sink.release();
    await settlement.drained();
    expect(sink.durable.map((r) => r.recordNumber)).toEqual([1, 2]);
    expect(echoedIds(messages(out))).toEqual([2]);
  });

  it('a failed flush fails the sync and no state is echoed after it', async () => {
    const sink = new MemorySink();
    sink.fail = new Error('upload failed');
    const { out, settlement, failure } = setup(sink);
    const t1 = settlement.track('orders', null);
    settlement.addState(state(1));
    settlement.settleRejected(t1, { stream: 'orders', namespace: undefined, streamLabel: 'orders', recordNumber: 1, reason: 'r', source: 'mapping' });
    await new Promise((r) => setImmediate(r));
    sink.release();
    await settlement.drained();
    expect(failure.error?.message).toBe('upload failed');
    sink.fail = undefined;
    settlement.releaseStates();
    await settlement.drained(); // returns without flushing again: nothing may be echoed after a failed flush
    expect(echoedIds(messages(out))).toEqual([]);
    expect(settlement.pendingStates).toBe(1);
  });
});
