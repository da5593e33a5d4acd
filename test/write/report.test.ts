import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AirbyteOutput } from '../../src/airbyte/output.js';
import { COVERED_IDENTIFIERS, identifierMask, SyncReport } from '../../src/write/report.js';

const H = 'a'.repeat(64);

/** The LOG messages a report wrote (every buffered chunk: on Node 26 one read() returns only the first). */
function logLines(sink: PassThrough): string[] {
  let text = '';
  for (let chunk = sink.read() as Buffer | null; chunk !== null; chunk = sink.read() as Buffer | null) text += chunk.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { log: { message: string } }).log.message);
}

describe('identifier coverage', () => {
  it('identifierMask sets one bit per user_data key present, ip+user_agent only when both are', () => {
    expect(identifierMask(undefined)).toBe(0);
    expect(identifierMask({})).toBe(0);
    expect(identifierMask({ em: [H] })).toBe(0b1);
    expect(identifierMask({ ph: [H], country: [H] })).toBe((1 << 1) | (1 << 12));
    expect(identifierMask({ client_ip_address: '203.0.113.9' })).toBe(0);
    expect(identifierMask({ client_ip_address: '203.0.113.9', client_user_agent: 'Mozilla/5.0' })).toBe(1 << 13);
  });

  it('bit i of identifierMask is COVERED_IDENTIFIERS[i], for every key', () => {
    const keys = COVERED_IDENTIFIERS.slice(0, -1);
    expect(keys).toHaveLength(13);
    keys.forEach((key, i) => expect(identifierMask({ [key]: [H] })).toBe(1 << i));
    expect(identifierMask(Object.fromEntries(keys.map((k) => [k, [H]])))).toBe((1 << 13) - 1);
  });

  it('the end-of-sync line gives each identifier as a share of the events sent', () => {
    const sink = new PassThrough();
    const report = new SyncReport(new AirbyteOutput(sink), () => 0);
    const events = [
      { em: [H], ph: [H] },
      { em: [H], client_ip_address: '203.0.113.9', client_user_agent: 'Mozilla/5.0' },
      { external_id: [H], fn: [H], ln: [H], zp: [H], country: [H] },
      { em: [H], client_ip_address: '203.0.113.9' },
    ];
    for (const u of events) report.cover(identifierMask(u));
    report.counts.eventsSent = events.length;
    report.summary({ testMode: false, dryRun: false });
    const line = logLines(sink).find((m) => m.startsWith('Identifier coverage'));
    expect(line).toBe(
      'Identifier coverage over 4 events sent: em 75.0%, ph 25.0%, external_id 25.0%, hashed_maids 0.0%, ip+user_agent 25.0%, click_id 0.0%, fn 25.0%, ln 25.0%, zp 25.0%, country 25.0%',
    );
  });

  it('a dry run says built and valid, not sent and accepted', () => {
    const sink = new PassThrough();
    const report = new SyncReport(new AirbyteOutput(sink), () => 0);
    report.dryRun = true;
    report.cover(identifierMask({ em: [H] }));
    report.counts.recordsRead = 1;
    report.counts.eventsSent = 1;
    report.counts.accepted = 1;
    report.summary({ testMode: false, dryRun: true });
    const lines = logLines(sink);
    expect(lines.find((m) => m.startsWith('Progress:'))).toMatch(/^Progress: 1 records read, 1 events built \(dry run: not sent\), 1 valid, 0 rejected, /);
    expect(lines.find((m) => m.startsWith('Identifier coverage'))).toMatch(/^Identifier coverage over 1 events built: em 100\.0%, /);
  });
});

describe('rejections', () => {
  it('groups reasons by shape: one line per shape with its count and the first row, the reason itself when it never varied', () => {
    const sink = new PassThrough();
    const report = new SyncReport(new AirbyteOutput(sink), () => 0);
    for (let i = 1; i <= 12; i++) report.reject(`Pinterest: event_time ${1733400000 + i} is older than 7 days`, `record ${i} of stream orders (event_id A-${1000 + i})`, true);
    report.reject('no usable identifier', 'record 13 of stream orders', false);
    report.reject('no usable identifier', 'record 14 of stream orders', false);
    report.summary({ testMode: false, dryRun: false });
    const lines = logLines(sink);
    // The first 10 of a shape are logged one by one, naming the row.
    expect(lines.filter((l) => l.startsWith('record ') && l.includes('older than'))).toHaveLength(10);
    expect(lines[0]).toBe('record 1 of stream orders (event_id A-1001) rejected: Pinterest: event_time 1733400001 is older than 7 days');
    expect(lines[9]).toBe(
      'record 10 of stream orders (event_id A-1010) rejected: Pinterest: event_time 1733400010 is older than 7 days (further records rejected for this reason are only counted)',
    );
    expect(lines.find((l) => l.startsWith('Rejected records by reason'))).toBe(
      'Rejected records by reason (14 in all; the first row of each named):\n' +
        '  12 × Pinterest: event_time <n> is older than <n> days — first: record 1 of stream orders (event_id A-1001)\n' +
        '  2 × no usable identifier — first: record 13 of stream orders',
    );
  });
});
