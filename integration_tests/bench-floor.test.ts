/**
 * The benchmark's fair floor (bench/floor.ts) must do the connector's unavoidable work, no less: on the bench's own
 * input its request bodies are the connector's, byte for byte. When the connector changes what it sends for these
 * rows, this test says the floor must follow (else `npm run bench` would compare against a different workload).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFloor } from '../bench/compile-floor.js';
import { generateInput } from '../bench/generate.js';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';

const RECORDS = 2_500; // three requests: 1,000 + 1,000 + 500 events

describe('bench fair floor', () => {
  let dir: string;
  let fake: FakePinterest;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-floor-test-'));
    fake = await startFakePinterest({ recordBodies: true });
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the bodies the connector sends for the bench input, and counts the same bytes', async () => {
    const input = join(dir, 'input.jsonl');
    await generateInput(input, { records: RECORDS, nowMs: Date.now() - 60_000 });
    const floorJs = compileFloor(join(dir, 'floor.mjs'));
    const bodiesFile = join(dir, 'bodies.jsonl');
    const floor = spawnSync(process.execPath, [floorJs, '--dist', join(REPO_ROOT, 'dist'), '--bodies', bodiesFile], {
      input: readFileSync(input),
      encoding: 'utf8',
    });
    expect(floor.stderr).toBe('');
    const summary = JSON.parse(floor.stdout) as { floor: string; records: number; batches: number; bytesOut: number };
    expect(summary).toMatchObject({ floor: 'fair', records: RECORDS, batches: 3 });

    const res = await runCli(
      ['write', '--config', join(REPO_ROOT, 'integration_tests', 'sample_config.json'), '--catalog', join(REPO_ROOT, 'integration_tests', 'configured_catalog.json')],
      { stdin: readFileSync(input), env: { PINTEREST_API_BASE_URL: fake.url }, timeoutMs: 60_000 },
    );
    expect(res.code).toBe(0);
    const sent = fake.requests.filter((r) => r.path.endsWith('/events')).map((r) => JSON.stringify(r.body));
    const floorBodies = readFileSync(bodiesFile, 'utf8').trimEnd().split('\n');
    expect(floorBodies.map((b) => Buffer.byteLength(b)).reduce((a, b) => a + b, 0)).toBe(summary.bytesOut);
    expect(fake.counters.bytesReceived).toBe(summary.bytesOut);
    // Requests may finish in any order; each body, re-serialized from what the fake parsed, must be one of the floor's.
    expect([...sent].sort()).toEqual([...floorBodies].sort());
  });

  it('the sent floor POSTs the same bodies to the fake and reads its answers', async () => {
    const input = join(dir, 'input-sent.jsonl');
    await generateInput(input, { records: RECORDS, nowMs: Date.now() - 60_000 });
    const floorJs = compileFloor(join(dir, 'floor.mjs'));
    const config = JSON.parse(readFileSync(join(REPO_ROOT, 'integration_tests', 'sample_config.json'), 'utf8')) as {
      ad_account_id: string;
      credentials: { access_token: string };
    };
    fake.reset();
    const bodiesFile = join(dir, 'bodies-sent.jsonl');
    // Not spawnSync: the fake answers from this process's event loop.
    const child = spawn(process.execPath, [
      floorJs,
      '--dist',
      join(REPO_ROOT, 'dist'),
      '--floor',
      'sent',
      '--bodies',
      bodiesFile,
      '--url',
      fake.url,
      '--token',
      config.credentials.access_token,
      '--ad-account',
      config.ad_account_id,
    ]);
    const floor = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (c: string) => (floor.stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (floor.stderr += c));
    child.stdin.end(readFileSync(input));
    try {
      expect(await new Promise((r) => child.once('close', r))).toBe(0);
    } finally {
      child.kill();
    }
    expect(floor.stderr).toBe('');
    const summary = JSON.parse(floor.stdout) as { floor: string; records: number; batches: number; bytesOut: number };
    expect(summary).toMatchObject({ floor: 'sent', records: RECORDS, batches: 3 });
    expect(fake.counters.eventsRequests).toBe(3);
    expect(fake.counters.bytesReceived).toBe(summary.bytesOut);
    const events = fake.requests.filter((r) => r.path.endsWith('/events'));
    expect(events.map((r) => r.status)).toEqual([200, 200, 200]);
    // What the fake received is what the floor built (buffers reused only once their request was answered).
    const floorBodies = readFileSync(bodiesFile, 'utf8').trimEnd().split('\n');
    expect(events.map((r) => JSON.stringify(r.body)).sort()).toEqual([...floorBodies].sort());
  });
});
