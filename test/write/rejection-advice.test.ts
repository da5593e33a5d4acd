import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AirbyteOutput } from '../../src/airbyte/output.js';
import { MAPPING_ADVICE, SyncReport } from '../../src/write/report.js';
import { timeLikeColumns } from '../../src/write/time-columns.js';

describe('SyncReport.rejectionAdvice', () => {
  const report = (rejected: number, old: number) => {
    const r = new SyncReport(new AirbyteOutput(new PassThrough()), () => 0);
    for (let i = 0; i < rejected; i++) r.reject('no usable identifier', `record ${i + 1} of stream s`, false);
    r.counts.oldEventTimes = old;
    return r;
  };

  it('blames the mapping when no event was old', () => {
    expect(report(10, 0).rejectionAdvice()).toBe(MAPPING_ADVICE);
  });

  it('names the 7-day window alone when old events are at least half the rejections', () => {
    expect(report(10, 5).rejectionAdvice()).toMatch(/^5 events had an event_time older than 7 days, which Pinterest is reported to refuse: /);
  });

  it('gives both when old events are fewer (a reviewer\'s case: 10 without identifier, 1 old)', () => {
    const advice = report(11, 1).rejectionAdvice();
    expect(advice.startsWith(`${MAPPING_ADVICE} 1 event had an event_time older than 7 days`)).toBe(true);
  });
});

describe('timeLikeColumns', () => {
  it('names time-like columns by their names, never the platform\'s, and counts names not shaped like column names', () => {
    expect(timeLikeColumns({ placed_at: '2026-12-01T10:00:00Z', updatedAt: 1, note: 'x', _airbyte_extracted_at: 1, _ab_cdc_updated_at: 'x' })).toBe(
      ' Those columns: placed_at, updatedAt.',
    );
    expect(timeLikeColumns({ 'Jane Doe signup date': '2026-12-01', '+1 415 555 0199 at': 'x', jane_1985_ts: 'x' })).toBe(
      ' 3 such columns (names not shown: not shaped like column names).',
    );
    expect(timeLikeColumns({ add_on: 'gift wrap', created_on: '2026-12-01', empty_at: null, obj_at: {} })).toBe(' Those columns: created_on.');
    expect(timeLikeColumns({ email: 'a@example.com' })).toBe('');
  });
});
