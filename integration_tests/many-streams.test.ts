/**
 * A catalog with very many streams, through the real CLI: what is kept per stream must stay small, because it lives
 * for the whole sync. Streams that share their mapping settings share one compiled mapping (it was about 70 KB per
 * stream: 20,000 streams held 1.35 GB) and one table of the columns read by name (a per-stream copy, about 4 KB,
 * ran this test out of memory); a stream's probes of its first records are created by its first record. What the
 * streams log at the end of the sync is grouped: one line per finding, not one per stream; a notice each stream logs
 * when it starts is logged for the first 10 streams, then counted.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import { describeRun, logTexts, ordersConfig, traceErrors } from './helpers/generated.js';
import { runCli, writeTempJson } from './helpers/run-cli.js';

vi.setConfig({ testTimeout: 120_000 });

describe('many streams', () => {
  it('20,000 streams of one record each map within a 64 MB heap, each probed for its same-name columns and mapped paths; their end-of-sync lines grouped (dry run)', async () => {
    const n = 20_000;
    const t = Math.floor(Date.now() / 1000) - 60;
    const streams = [];
    const lines = [];
    for (let i = 0; i < n; i++) {
      streams.push({ stream: { name: `s${i}`, json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append', primary_key: [['id']] });
      lines.push(JSON.stringify({ type: 'RECORD', record: { stream: `s${i}`, data: { id: i, email: `u${i}@example.com`, event_time: t, state: 'shipped', country: 'US' }, emitted_at: Date.now() } }));
    }
    const fieldMapping = [
      { source_field: 'email', destination_field: 'email' },
      { source_field: 'event_time', destination_field: 'event_time' },
      { source_field: 'order_no', destination_field: 'order_id' }, // in no record
    ];
    const config = writeTempJson(ordersConfig({ field_mapping: fieldMapping }), 'config');
    const catalog = writeTempJson({ streams }, 'catalog');
    const r = await runCli(['write', '--config', config, '--catalog', catalog, '--dry-run'], {
      stdin: `${lines.join('\n')}\n`,
      // Room for the process and its 20,000 small stream contexts, not for 20,000 compiled mappings.
      env: { NODE_OPTIONS: '--max-old-space-size=64' },
      timeoutMs: 110_000,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    // Every stream's probes report at the end of the sync (each stream is shorter than the probed records): one line
    // per distinct finding, naming the first streams, instead of one per stream (20,000 lines each).
    const logs = logTexts(r.messages);
    expect(logs.filter((m) => /: (?:field_mapping: |destination fields read from same-named columns)/.test(m))).toEqual([
      '20000 streams (s0, s1, s2, s3, s4 and 19995 more): field_mapping: this source path was not present in any of their records (each stream ended before record 1000): ' +
        "order_no → order_id. Check the spelling against the streams' columns (dot paths for nested fields).",
      '20000 streams (s0, s1, s2, s3, s4 and 19995 more): destination fields read from same-named columns (no field_mapping entry): state, country. ' +
        'Map them in field_mapping, or set read_same_name_columns to false, if a column only shares the name.',
    ]);
    // The notice of the event_time rule, once per stream when it starts: logged for the first 10 streams, then counted.
    const notice = 'maps event_time in field_mapping: it is read from there, and a record without it is rejected (emitted_at is never used).';
    expect(logs.filter((m) => m.includes('event_time in field_mapping'))).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `Stream s${i} ${notice}`),
      `Stream s9 ${notice} (further streams with this notice are only counted)`,
      '19990 more streams map event_time in field_mapping: it is read from there, and a record without it is rejected (emitted_at is never used).',
    ]);
    expect(logTexts(r.messages).filter((m) => m.startsWith('Progress: ')).at(-1)).toMatch(/^Progress: 20000 records read, 20000 events built \(dry run: not sent\), 20000 valid, 0 rejected,/);
  });
});
