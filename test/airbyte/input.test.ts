import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseInputLine, readMessages } from '../../src/airbyte/input.js';
import { serializeState } from '../../src/airbyte/state.js';

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
    expect(parseInputLine('not json', 5)).toEqual({ kind: 'invalid', line: 5, reason: 'not valid JSON' });
    expect(parseInputLine('[1,2]', 6).kind).toBe('invalid');
    expect(parseInputLine('{"type":"RECORD","record":{"stream":"s","data":null}}', 7)).toEqual({
      kind: 'record',
      record: { stream: 's', data: {} },
      line: 7,
      problem: 'record.data is not a JSON object',
    });
    expect(parseInputLine('{"type":"RECORD","record":{"data":{}}}', 8)).toEqual({ kind: 'invalid', line: 8, reason: 'RECORD without record.stream' });
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

describe('readMessages', () => {
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
