/** `write --dry-run`: events are built and validated, nothing is sent, no state is echoed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { configuredCatalog, FIXTURE_SUMMARY, loadMessageObjects, messagesStdin, sampleConfig } from './helpers/fixtures.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

describe('write --dry-run', () => {
  let fake: FakePinterest;
  let result: CliResult;
  const nowMs = Date.now();

  beforeAll(async () => {
    fake = await startFakePinterest();
    result = await runCli(['write', '--config', writeTempJson(sampleConfig()), '--catalog', writeTempJson(configuredCatalog()), '--dry-run'], {
      stdin: messagesStdin({ nowMs }),
      env: { PINTEREST_API_BASE_URL: fake.url },
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends nothing and echoes no state', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(fake.requests).toHaveLength(0);
    expect(result.messages.filter((m) => m.type === 'STATE')).toHaveLength(0);
  });

  it('logs five sample events with hashed personal data only', () => {
    const samples = result.messages.filter((m) => m.type === 'LOG' && String(m.log.message).startsWith('Sample event'));
    expect(samples).toHaveLength(5);
    const emails = loadMessageObjects({ nowMs })
      .filter((m: any) => m.type === 'RECORD')
      .map((m: any) => m.record.data.customer?.email ?? m.record.data.email)
      .filter((e: unknown): e is string => typeof e === 'string' && e.trim() !== '');
    for (const s of samples) {
      const event = JSON.parse(String(s.log.message).replace(/^[^{]*/, ''));
      for (const hashes of Object.values(event.user_data).filter(Array.isArray) as string[][]) {
        for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    for (const e of emails) expect(result.stdout).not.toContain(e.trim());
  });

  it('ends with the report and a prominent dry-run warning', () => {
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    expect(logs.some((l) => l.startsWith(`Rejected records by reason (${FIXTURE_SUMMARY.rejected} in all;`))).toBe(true);
    expect(logs.some((l) => l.startsWith(`Progress: ${FIXTURE_SUMMARY.totalRecords} records read, ${FIXTURE_SUMMARY.expectedAccepted} events built (dry run: not sent)`))).toBe(true);
    expect(logs.at(-1)).toMatch(/^DRY RUN: events were built and validated but nothing was sent to Pinterest and no state was echoed\.$/);
  });
});
