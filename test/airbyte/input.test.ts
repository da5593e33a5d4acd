import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, nestsDeeperThan, parseInputLine, readMessageBatches, TOO_DEEP, type InputMessage } from '../../src/airbyte/input.js';
import { serializeState } from '../../src/airbyte/state.js';

/** The messages of `input`, one at a time, as the write loop meets them. */
async function* readMessages(input: Readable): AsyncGenerator<InputMessage> {
  for await (const messages of readMessageBatches(input)) yield* messages;
}

describe('parseInputLine', () => {
  it('keeps every digit of integers beyond 2^53 as bigint in record data', () => {
    const m = parseInputLine('{"type":"RECORD","record":{"stream":"s","data":{"order_id":1234567890123456789,"small":42,"price":72.39},"emitted_at":1700000000000}}', 1);
    expect(m.kind).toBe('record');
    if (m.kind !== 'record') return;
    expect(m.record.data.order_id).toBe(1234567890123456789n);
    expect(m.record.data.small).toBe(42);
    expect(m.record.data.price).toBe(72.39);
    expect(m.record.emitted_at).toBe(1700000000000);
  });

  it('uses plain numbers when no long digit run is present', () => {
    const m = parseInputLine('{"type":"RECORD","record":{"stream":"s","data":{"n":9007199254740991},"emitted_at":1}}', 1);
    expect(m.kind === 'record' && m.record.data.n).toBe(9007199254740991);
  });

  it('classifies other message types and invalid lines without throwing', () => {
    expect(parseInputLine('{"type":"TRACE","trace":{"type":"STREAM_STATUS"}}', 3)).toEqual({ kind: 'other', type: 'TRACE', line: 3 });
    expect(parseInputLine('{"type":"SOMETHING_NEW"}', 4)).toEqual({ kind: 'other', type: 'SOMETHING_NEW', line: 4 });
    expect(parseInputLine('not json', 5)).toEqual({ kind: 'invalid', line: 5, problem: 'is not valid JSON' });
    expect(parseInputLine('[1,2]', 6).kind).toBe('invalid');
    expect(parseInputLine('{"type":"RECORD","record":{"stream":"s","data":null}}', 7)).toEqual({
      kind: 'record',
      record: { stream: 's', data: {} },
      line: 7,
      problem: 'record.data is not a JSON object',
    });
    expect(parseInputLine('{"type":"RECORD","record":{"data":{}}}', 8)).toEqual({ kind: 'invalid', line: 8, problem: 'is a RECORD without record.stream' });
  });
});

describe('serializeState', () => {
  it('echoes the state exactly (digits, id, unknown keys, null namespace) with destinationStats added', () => {
    const line =
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"orders","namespace":null},"stream_state":{"cursor":12345678901234567890123,"f":0.1000000000000000055511151231257827}},"sourceStats":{"recordCount":2.0},"id":987654321,"x_unknown":{"k":[1,2]}}}';
    const m = parseInputLine(line, 1);
    expect(m.kind).toBe('state');
    if (m.kind !== 'state') return;
    expect(serializeState(m.state, 1, 1)).toBe(
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"orders","namespace":null},"stream_state":{"cursor":12345678901234567890123,"f":0.1000000000000000055511151231257827}},"sourceStats":{"recordCount":2.0},"id":987654321,"x_unknown":{"k":[1,2]},"destinationStats":{"recordCount":1,"rejectedRecordCount":1}}}',
    );
  });

  it('keeps an absent namespace absent', () => {
    const m = parseInputLine('{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"id":1}}', 1);
    if (m.kind !== 'state') throw new Error('not a state');
    expect(serializeState(m.state, 0, 0)).toBe(
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"a"}},"id":1,"destinationStats":{"recordCount":0,"rejectedRecordCount":0}}}',
    );
  });
});

describe('readMessageBatches', () => {
  it('ignores a UTF-8 byte order mark before the first line and accepts CRLF line ends', async () => {
    const input = Readable.from([Buffer.from('\ufeff{"type":"STATE","state":{"type":"LEGACY","data":{}}}\r\n{"type":"LOG","log":{}}\r\n', 'utf8')]);
    const got = [];
    for await (const m of readMessages(input)) got.push(m);
    expect(got.map((m) => [m.kind, m.line])).toEqual([
      ['state', 1],
      ['other', 2],
    ]);
  });

  it('splits lines, skips blank lines and numbers lines from 1', async () => {
    const input = Readable.from(['{"type":"LOG","log":{}}\n\n{"type":"STA', 'TE","state":{"type":"LEGACY","data":{}}}\n']);
    const got = [];
    for await (const m of readMessages(input)) got.push(m);
    expect(got.map((m) => [m.kind, m.line])).toEqual([
      ['other', 1],
      ['state', 3],
    ]);
  });
});

describe('input integrity', () => {
  const stateLine = (state: unknown) => JSON.stringify({ type: 'STATE', state });

  it('a STATE whose state has no known shape is invalid, naming what is wrong (never the content)', () => {
    expect(parseInputLine(stateLine('oops'), 4)).toEqual({ kind: 'invalid', line: 4, problem: 'is a STATE whose "state" is not a JSON object' });
    expect(parseInputLine(stateLine(null), 4)).toEqual({ kind: 'invalid', line: 4, problem: 'is a STATE whose "state" is not a JSON object' });
    expect(parseInputLine(stateLine([1]), 4)).toEqual({ kind: 'invalid', line: 4, problem: 'is a STATE whose "state" is not a JSON object' });
    expect(parseInputLine(stateLine({ type: 'STREAM', stream: {} }), 4)).toEqual({
      kind: 'invalid',
      line: 4,
      problem: 'is a STATE of type STREAM without stream.stream_descriptor.name',
    });
    expect(parseInputLine(stateLine({ type: 'STREAM', stream: { stream_descriptor: { name: 'a', namespace: 5 } } }), 4)).toEqual({
      kind: 'invalid',
      line: 4,
      problem: 'is a STATE of type STREAM whose stream_descriptor.namespace is not a string',
    });
    expect(parseInputLine(stateLine({ type: 'GLOBAL', global: 'x' }), 4)).toEqual({ kind: 'invalid', line: 4, problem: 'is a STATE of type GLOBAL without a "global" object' });
    expect(parseInputLine(stateLine({ type: 'secret@example.com' }), 4)).toEqual({
      kind: 'invalid',
      line: 4,
      problem: 'is a STATE of an unknown type (not STREAM, GLOBAL or LEGACY)',
    });
  });

  it('accepts every known STATE shape', () => {
    for (const state of [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'a' } } },
      { type: 'STREAM', stream: { stream_descriptor: { name: 'a', namespace: null } } },
      { type: 'GLOBAL', global: { shared_state: {}, stream_states: [] } },
      { type: 'LEGACY', data: { cursor: 1 } },
      { data: { cursor: 1 } },
    ]) {
      expect(parseInputLine(stateLine(state), 1).kind, JSON.stringify(state)).toBe('state');
    }
  });

  it('a last line without a line break is read when complete, and "cut off" when not', async () => {
    const complete = [];
    for await (const m of readMessages(Readable.from(['{"type":"LOG","log":{}}\n{"type":"STATE","state":{"data":{}}}']))) complete.push(m.kind);
    expect(complete).toEqual(['other', 'state']);
    const cut = [];
    for await (const m of readMessages(Readable.from(['{"type":"LOG","log":{}}\n{"type":"RECORD","record":{"stream":"a","da']))) cut.push(m);
    expect(cut[1]).toEqual({ kind: 'invalid', line: 2, problem: 'was cut off: the input ended in the middle of it' });
  });
});

describe('deep nesting', () => {
  const nested = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
  const recordLine = (data: string) => `{"type":"RECORD","record":{"stream":"s","data":${data},"emitted_at":1}}`;

  it('nestsDeeperThan counts arrays and objects outside strings only', () => {
    expect(nestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(nestsDeeperThan('["[[[[", {"a":"\\"{{{{"}]', 2)).toBe(false);
  });

  it('an unsafe integer 20,000 levels deep is read exactly (no recursion)', () => {
    const m = parseInputLine(recordLine(nested(20_000, '12345678901234567890')), 1);
    expect(m.kind).toBe('record');
    if (m.kind !== 'record') return;
    let v: unknown = m.record.data;
    for (let i = 0; i < 20_000; i++) v = (v as { a: unknown }).a;
    expect(v).toBe(12345678901234567890n);
  });

  it('a record that must go through lossless-json and nests too deep is rejected with a reason, not dropped', () => {
    const data = `{"note":"\\u0000","x":${nested(MAX_NESTING_DEPTH + 1, '12345678901234567890')}}`;
    expect(parseInputLine(recordLine(data), 3)).toEqual({ kind: 'record', record: { stream: 's', data: {}, emitted_at: 1 }, line: 3, problem: TOO_DEEP });
    // Within the limit (the message, record and data objects count too) it is read.
    const ok = parseInputLine(recordLine(`{"note":"\\u0000","x":${nested(MAX_NESTING_DEPTH - 3, '12345678901234567890')}}`), 3);
    expect(ok.kind === 'record' && ok.problem === undefined).toBe(true);
  });

  it('a STATE nested too deep ends the sync with a reason', () => {
    const line = `{"type":"STATE","state":{"type":"LEGACY","data":${nested(MAX_NESTING_DEPTH + 1, '1')}}}`;
    expect(parseInputLine(line, 2)).toEqual({ kind: 'invalid', line: 2, problem: `is a STATE nested deeper than ${MAX_NESTING_DEPTH} levels` });
  });
});
