/**
 * Integers beyond 2^53 through the real CLI: record values reach Pinterest with every digit, and STATE messages are
 * echoed with exactly the digits they came with (compared as text, not as parsed values).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { fakeEnv, sampleConfig } from './helpers/fixtures.js';
import { messagesOfType, runCli, writeTempJson } from './helpers/run-cli.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

let fake: FakePinterest;
let configPath: string;
let catalogPath: string;

beforeAll(async () => {
  fake = await startFakePinterest();
  configPath = writeTempJson(
    sampleConfig({
      default_event_name: 'checkout',
      field_mapping: [
        { source_field: 'email', destination_field: 'email' },
        { source_field: 'external_id', destination_field: 'external_id' },
        { source_field: 'customer.loyalty_id', destination_field: 'external_id' },
      ],
      streams: [],
    }),
    'config',
  );
  catalogPath = writeTempJson(
    { streams: [{ stream: { name: 'big', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] },
    'catalog',
  );
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const nowS = () => Math.floor(Date.now() / 1000);

/** A record line written by hand so that the big literals reach the CLI as JSON number text. */
function recordLine(dataJson: string): string {
  return `{"type":"RECORD","record":{"stream":"big","data":${dataJson},"emitted_at":${Date.now()}}}`;
}

function run(stdin: string) {
  return runCli(['write', '--config', configPath, '--catalog', catalogPath], {
    stdin,
    env: { ...fakeEnv(fake), NO_PROXY: '*', no_proxy: '*' },
    timeoutMs: 20_000,
  });
}

describe('integers beyond 2^53', () => {
  it('reach Pinterest with every digit (order_id, event_id, content_ids, external_id hash)', async () => {
    const t = nowS() - 60;
    const lines = [
      recordLine(
        `{"email":"big@example.com","order_id":1234567890123456789,"event_id":9223372036854775807,` +
          `"content_ids":[12345678901234567890,9007199254740993,-98765432109876543210],"external_id":98765432109876543210,"event_time":${t}}`,
      ),
      // Nested path for external_id, a JSON-text list for content_ids, a bigint order_id without event_id (derived id).
      recordLine(
        `{"email":"big2@example.com","order_id":18446744073709551617,"customer":{"loyalty_id":123456789012345678901234567890},` +
          `"content_ids":"[12345678901234567890123]","event_time":${t}}`,
      ),
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"big"},"stream_state":{"cursor":1}},"sourceStats":{"recordCount":2.0},"id":1}}',
    ];
    const res = await run(lines.join('\n') + '\n');
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    const states = messagesOfType(res.messages, 'STATE');
    expect(states).toHaveLength(1);
    expect(states[0].state.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 0 });

    expect(fake.accepted).toHaveLength(2);
    const [a, b] = fake.accepted.map((x) => x.event as any);
    expect(a.event_id).toBe('9223372036854775807');
    expect(a.custom_data.order_id).toBe('1234567890123456789');
    expect(a.custom_data.content_ids).toEqual(['12345678901234567890', '9007199254740993', '-98765432109876543210']);
    expect(a.user_data.external_id).toEqual([sha('98765432109876543210')]);
    expect(b.custom_data.order_id).toBe('18446744073709551617');
    expect(b.custom_data.content_ids).toEqual(['12345678901234567890123']);
    expect(b.user_data.external_id).toEqual([sha('123456789012345678901234567890')]);
    expect(b.event_id).toMatch(/^[0-9a-f]{32}$/);

    // Byte level: the request body carries the digits as text (no 1.2345678901234568e+21 anywhere).
    const bodies = fake.requests.filter((r) => r.path.endsWith('/events')).map((r) => JSON.stringify(r.body));
    expect(bodies.join('')).not.toMatch(/e\+\d/);
  });

  it('hashes an unmapped external_id column from its exact digits, and derives the same event id on a re-run', async () => {
    const cfg = writeTempJson(sampleConfig({ default_event_name: 'checkout', field_mapping: [], streams: [] }), 'config-plain');
    const t = nowS() - 60;
    const stdin =
      [
        recordLine(`{"email":"big@example.com","external_id":98765432109876543210,"order_id":1234567890123456789,"event_time":${t}}`),
        recordLine(`{"email":"big@example.com","external_id":98765432109876543211,"order_id":1234567890123456788,"event_time":${t}}`),
      ].join('\n') + '\n';
    const opts = { stdin, env: { ...fakeEnv(fake), NO_PROXY: '*', no_proxy: '*' }, timeoutMs: 20_000 };
    const first = await runCli(['write', '--config', cfg, '--catalog', catalogPath], opts);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await runCli(['write', '--config', cfg, '--catalog', catalogPath], opts);
    expect(second.code).toBe(0);
    expect(fake.accepted).toHaveLength(4);
    const ev = fake.accepted.map((x) => x.event as any);
    expect(ev[0].user_data.external_id).toEqual([sha('98765432109876543210')]);
    expect(ev[1].user_data.external_id).toEqual([sha('98765432109876543211')]);
    // order ids one apart (indistinguishable as doubles) give different derived ids; a re-run gives the same ones.
    expect(ev[0].custom_data.order_id).toBe('1234567890123456789');
    expect(ev[1].custom_data.order_id).toBe('1234567890123456788');
    expect(ev[0].event_id).not.toBe(ev[1].event_id);
    expect([ev[2].event_id, ev[3].event_id]).toEqual([ev[0].event_id, ev[1].event_id]);
  });

  it('echoes STATE messages with exactly the digits received (text comparison)', async () => {
    const t = nowS() - 60;
    const stateLines = [
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"big","namespace":null},' +
        '"stream_state":{"cursor":12345678901234567890123,"ts":1.2345678901234567890,"neg":-98765432109876543210,"exp":1E+400,"small":1.0,"zero":-0}},' +
        '"sourceStats":{"recordCount":1.0},"id":9223372036854775807,"x_platform":{"n":[0.5e-1000]}}}',
      '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"lsn":340282366920938463463374607431768211455},' +
        '"stream_states":[{"stream_descriptor":{"name":"big"},"stream_state":{"c":0.30000000000000004441}}]},"sourceStats":{"recordCount":0},"id":18446744073709551616}}',
      '{"type":"STATE","state":{"type":"LEGACY","data":{"cursor":12345678901234567890123.000000000000000000001},"id":3}}',
    ];
    const stdin =
      [
        recordLine(`{"email":"s@example.com","event_time":${t}}`),
        stateLines[0],
        stateLines[1],
        stateLines[2],
      ].join('\n') + '\n';
    const res = await run(stdin);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const echoed = res.stdout.split('\n').filter((l) => l.startsWith('{"type":"STATE"'));
    expect(echoed).toHaveLength(3);
    const withStats = (line: string, rc: number, rej: number) =>
      `${line.slice(0, -2)},"destinationStats":{"recordCount":${rc},"rejectedRecordCount":${rej}}}}`;
    expect(echoed[0]).toBe(withStats(stateLines[0], 1, 0));
    expect(echoed[1]).toBe(withStats(stateLines[1], 0, 0));
    expect(echoed[2]).toBe(withStats(stateLines[2], 0, 0));
    expect(echoed[0]).toContain('"cursor":12345678901234567890123,"ts":1.2345678901234567890');
    expect(echoed[0]).toContain('"id":9223372036854775807');
  });

  it('echoes a STATE with whitespace and escapes equal in value and with every digit', async () => {
    const line =
      '{ "type" : "STATE", "state" : { "type":"STREAM", "stream": {"stream_descriptor": {"name":"big"}, "stream_state": {"cursor": 12345678901234567890123, "s":"caf\\u00e9 \\"q\\""}}, "id": 42 } }';
    const res = await run(line + '\n');
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const echoed = res.stdout.split('\n').filter((l) => l.startsWith('{"type":"STATE"'));
    expect(echoed).toHaveLength(1);
    expect(echoed[0]).toContain('"cursor":12345678901234567890123');
    expect(JSON.parse(echoed[0]).state.stream.stream_state.s).toBe('café "q"');
    expect(JSON.parse(echoed[0]).state.id).toBe(42);
  });
});

