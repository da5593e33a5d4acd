import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseInputLine } from '../../src/airbyte/input.js';
import { AirbyteOutput } from '../../src/airbyte/output.js';
import { serializeState } from '../../src/airbyte/state.js';

const record = (data: string) => `{"type":"RECORD","record":{"stream":"s","data":${data},"emitted_at":1700000000000}}`;

function dataOf(line: string): Record<string, unknown> {
  const m = parseInputLine(line, 1);
  if (m.kind !== 'record') throw new Error(`not a record: ${JSON.stringify(m)}`);
  return m.record.data;
}

function echo(line: string): string {
  const m = parseInputLine(line, 1);
  if (m.kind !== 'state') throw new Error(`not a state: ${JSON.stringify(m)}`);
  return serializeState(m.state, 0, 0);
}

const withStats = (line: string) => `${line.slice(0, -2)},"destinationStats":{"recordCount":0,"rejectedRecordCount":0}}}`;

describe('record numbers beyond 2^53', () => {
  it('keeps unsafe integers as bigint at any depth and sign; safe numbers and decimals stay numbers', () => {
    const d = dataOf(
      record('{"a":-98765432109876543210,"b":[12345678901234567890,{"c":9007199254740993}],"safe":9007199254740991,"f":0.1,"s":"12345678901234567890"}'),
    );
    expect(d.a).toBe(-98765432109876543210n);
    expect(d.b).toEqual([12345678901234567890n, { c: 9007199254740993n }]);
    expect(d.safe).toBe(9007199254740991);
    expect(d.f).toBe(0.1);
    expect(d.s).toBe('12345678901234567890');
  });

  it('the boundary is Number.MAX_SAFE_INTEGER: beyond it (2^53 included) integers are bigint', () => {
    expect(dataOf(record('{"n":9007199254740991,"m":-9007199254740991}'))).toEqual({ n: 9007199254740991, m: -9007199254740991 });
    expect(dataOf(record('{"n":9007199254740992,"m":-9007199254740993}'))).toEqual({ n: 9007199254740992n, m: -9007199254740993n });
  });

  it('duplicate keys: the last one wins, as with JSON.parse, also on the lossless path', () => {
    expect(dataOf(record('{"k":1,"k":2}')).k).toBe(2);
    expect(dataOf(record('{"k":12345678901234567890,"k":12345678901234567891}')).k).toBe(12345678901234567891n);
  });

  it('a big emitted_at becomes a number', () => {
    const m = parseInputLine('{"type":"RECORD","record":{"stream":"s","data":{"x":12345678901234567890},"emitted_at":1700000000000000000}}', 1);
    expect(m.kind === 'record' && m.record.emitted_at).toBe(1700000000000000000);
  });
});

describe('STATE echo', () => {
  it('keeps every number exactly as written (digits, exponent, trailing zeros, -0)', () => {
    const line =
      '{"type":"STATE","state":{"type":"LEGACY","data":{"a":12345678901234567890123,"b":1.2345678901234567890,"c":1E+400,"d":-0,"e":2.50,"f":[1e-7,0.30000000000000004441]},"id":9223372036854775807}}';
    expect(echo(line)).toBe(withStats(line));
  });

  it('a STATE with a duplicate key is still echoed (last value wins) instead of being dropped', () => {
    const line = '{"type":"STATE","state":{"type":"LEGACY","data":{"c":1,"c":12345678901234567890123},"id":1}}';
    expect(echo(line)).toBe(withStats('{"type":"STATE","state":{"type":"LEGACY","data":{"c":12345678901234567890123},"id":1}}'));
  });

  it('keeps null, "" and absent namespaces as they were', () => {
    for (const d of ['{"name":"a","namespace":null}', '{"name":"a","namespace":""}', '{"name":"a"}', '{"namespace":"n","name":"a"}']) {
      const line = `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":${d},"stream_state":null},"id":1}}`;
      expect(echo(line)).toBe(withStats(line));
    }
  });
});

describe('AirbyteOutput back-pressure', () => {
  it('ready() waits for drain; flush() resolves only once the reader has consumed every line', async () => {
    const sink = new PassThrough({ highWaterMark: 64 });
    const out = new AirbyteOutput(sink, () => 1);
    for (let i = 0; i < 50; i++) out.writeLine(`{"i":${i}}`);
    let ready = false;
    void out.ready().then(() => (ready = true));
    let flushed = false;
    const f = out.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ready).toBe(false);
    expect(flushed).toBe(false);
    let text = '';
    sink.on('data', (c: Buffer) => (text += c.toString()));
    await f;
    expect(ready).toBe(true);
    expect(text.split('\n').filter(Boolean)).toEqual(Array.from({ length: 50 }, (_, i) => `{"i":${i}}`));
  });

  it('a reader that went away (EPIPE) does not crash: writes are dropped, flush resolves', async () => {
    const sink = new PassThrough();
    const out = new AirbyteOutput(sink);
    sink.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await new Promise((r) => setImmediate(r));
    out.writeLine('{}');
    await out.flush();
  });
});
