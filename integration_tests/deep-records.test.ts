/**
 * Records nested far deeper than a call stack, through the real CLI: the event_id of a record without primary key or
 * order_id is derived from the whole record (canonical JSON), which must work at any depth. Build first: `npm run build`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { describeRun, echoedStates, expectAcceptedExactly, fakePerTest, ordersConfig, runWrite, traceErrors } from './helpers/generated.js';

const newFake = fakePerTest();

vi.setConfig({ testTimeout: 90_000 });

describe('deeply nested records', () => {
  it('a record 20,000 levels deep gets its derived event_id (rule "record") and is delivered; the state after it is echoed', async () => {
    const fake = await newFake();
    const depth = 20_000;
    const t = Math.floor(Date.now() / 1000) - 60;
    const deepText = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const shallowText = '[[1]]';
    const record = (deep: string, email: string) =>
      `{"type":"RECORD","record":{"stream":"orders","data":{"email":"${email}","event_time":${t},"deep":${deep}},"emitted_at":${Date.now()}}}`;
    const lines = [
      record(deepText, 'deep@example.com'),
      record(shallowText, 'shallow@example.com'),
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 2 } }, id: 1 } }),
    ];
    // The canonical text written out independently: keys sorted, the nested value as sent.
    const id = (deep: string, email: string) =>
      createHash('sha256')
        .update(`["record",null,"orders","checkout",{"deep":${deep},"email":"${email}","event_time":${t}}]`, 'utf8')
        .digest('hex')
        .slice(0, 32);
    const r = await runWrite(fake, ordersConfig(), lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expectAcceptedExactly(fake, [id(deepText, 'deep@example.com'), id(shallowText, 'shallow@example.com')]);
    expect(echoedStates(r.messages).map((s) => [s.id, s.destinationStats])).toEqual([[1, { recordCount: 2, rejectedRecordCount: 0 }]]);
  });
});
