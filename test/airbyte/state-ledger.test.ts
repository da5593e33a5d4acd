import { describe, expect, it } from 'vitest';
import { StateLedger } from '../../src/airbyte/state-ledger.js';
import type { AirbyteState } from '../../src/airbyte/protocol.js';

const streamState = (name: string, id: number, namespace?: string | null): AirbyteState => ({
  type: 'STREAM',
  stream: { stream_descriptor: namespace === undefined ? { name } : { name, namespace }, stream_state: { cursor: id } },
  id,
});

function drain(ledger: StateLedger): [number, number, number][] {
  const got: [number, number, number][] = [];
  ledger.release((s, a, r) => got.push([s.id as number, a, r]));
  return got;
}

describe('StateLedger', () => {
  it('releases a state only when every earlier record of any stream is settled, in input order', () => {
    const l = new StateLedger();
    const a1 = l.track('a', null);
    const b1 = l.track('b', null);
    l.addState(streamState('a', 1));
    const a2 = l.track('a', null);
    l.addState(streamState('a', 2));
    expect(drain(l)).toEqual([]);
    l.settle(a2, true); // later record settles first: nothing may be released yet
    expect(drain(l)).toEqual([]);
    l.settle(a1, true);
    expect(drain(l)).toEqual([]); // b1 is still outstanding and came before state 1
    l.settle(b1, false);
    expect(drain(l)).toEqual([
      [1, 1, 0],
      [2, 1, 0],
    ]);
    expect(l.pendingStates).toBe(0);
  });

  it('tells how many states are releasable, and releases at most `max` of them', () => {
    const l = new StateLedger();
    const a1 = l.track('a', null);
    l.addState(streamState('a', 1));
    l.addState(streamState('a', 2));
    const a3 = l.track('a', null);
    l.addState(streamState('a', 3));
    expect(l.releasable).toBe(0);
    l.settle(a1, true);
    expect(l.releasable).toBe(2);
    const got: number[] = [];
    expect(l.release((s) => got.push(s.id as number), 1)).toBe(1);
    expect(got).toEqual([1]);
    expect(l.releasable).toBe(1);
    l.settle(a3, false);
    expect(l.releasable).toBe(2);
    expect(drain(l)).toEqual([
      [2, 0, 0],
      [3, 0, 1],
    ]);
  });

  it('mixed STREAM and GLOBAL states: every record is counted in exactly one state', () => {
    const l = new StateLedger();
    const t = [l.track('a', null), l.track('b', null), l.track('b', '')];
    l.addState(streamState('a', 1)); // a: 1 record
    l.addState({ type: 'GLOBAL', global: {}, id: 2 }); // b's two records, read before state 1
    const t2 = [l.track('a', undefined), l.track('c', null)];
    l.addState(streamState('c', 3, null)); // c: 1
    l.addState({ type: 'GLOBAL', global: {}, id: 4 }); // a's later record
    for (const x of [...t, ...t2]) l.settle(x, true);
    const got = drain(l);
    expect(got).toEqual([
      [1, 1, 0],
      [2, 2, 0],
      [3, 1, 0],
      [4, 1, 0],
    ]);
    expect(got.reduce((n, [, a]) => n + a, 0)).toBe(5);
  });

  it('counts a STREAM state by its own stream and GLOBAL/LEGACY states by all records', () => {
    const l = new StateLedger();
    const t = [l.track('a', undefined), l.track('b', undefined), l.track('a', undefined)];
    l.addState(streamState('a', 1));
    const t2 = l.track('b', undefined);
    l.addState(streamState('b', 2));
    const t3 = l.track('a', undefined);
    l.addState({ type: 'GLOBAL', global: {}, id: 3 });
    l.settle(t[0], true);
    l.settle(t[1], false);
    l.settle(t[2], false);
    l.settle(t2, true);
    l.settle(t3, true);
    expect(drain(l)).toEqual([
      [1, 1, 1],
      [2, 1, 1],
      [3, 1, 0],
    ]);
  });

  it('treats absent, null and empty namespaces as the same stream', () => {
    const l = new StateLedger();
    const t1 = l.track('orders', undefined);
    const t2 = l.track('orders', '');
    l.addState(streamState('orders', 1, null));
    l.settle(t1, true);
    l.settle(t2, true);
    expect(drain(l)).toEqual([[1, 2, 0]]);
  });

  it('keeps two namespaces of the same stream name apart', () => {
    const l = new StateLedger();
    const t1 = l.track('orders', 'eu');
    const t2 = l.track('orders', 'us');
    l.addState(streamState('orders', 1, 'eu'));
    l.settle(t1, true);
    l.settle(t2, true);
    expect(drain(l)).toEqual([[1, 1, 0]]);
  });

  it('records of one stream between two states share a ticket; another stream or a state starts a new one; counts stay per record', () => {
    const l = new StateLedger();
    const a1 = l.track('a', null);
    const a2 = l.track('a', null);
    const b1 = l.track('b', null);
    const a3 = l.track('a', null);
    expect(a2).toBe(a1);
    expect(b1).not.toBe(a1);
    expect(a3).not.toBe(b1);
    l.addState(streamState('a', 1));
    const a4 = l.track('a', null);
    expect(a4).not.toBe(a3);
    l.addState(streamState('a', 2));
    for (const [t, ok] of [[a1, true], [a2, false], [b1, true]] as const) l.settle(t, ok);
    expect(drain(l)).toEqual([]); // a3 is still outstanding although a1 and a2 (the same ticket) are settled
    l.settle(a3, true);
    expect(drain(l)).toEqual([[1, 2, 1]]);
    l.settle(a4, true);
    expect(drain(l)).toEqual([[2, 1, 0]]);
  });

  it('echoes a state with no records before it immediately, with zero counts', () => {
    const l = new StateLedger();
    l.addState(streamState('a', 7));
    expect(drain(l)).toEqual([[7, 0, 0]]);
  });
});
