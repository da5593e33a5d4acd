/**
 * Output that survives exit: stdout is a pipe the platform may read slowly. The CLI must neither lose nor truncate a
 * line when the reader lags, including the lines written just before it exits (the last STATE on success, the TRACE
 * on a fatal error).
 *
 * The reader here is deliberately slow: stdout stays unread until the CLI has done all its work (so the pipe and
 * Node's buffers are full and the CLI is waiting to exit), then it is read chunk by chunk with pauses.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { fakeEnv, sampleConfig } from './helpers/fixtures.js';
import { MAIN_JS, REPO_ROOT, writeTempJson } from './helpers/run-cli.js';

const N = 5000;
const PAD = 'p'.repeat(400); // ~3 MB of STATE lines: dozens of times a pipe's capacity

let fake: FakePinterest;
let configPath: string;
let catalogPath: string;

beforeAll(async () => {
  fake = await startFakePinterest();
  configPath = writeTempJson(sampleConfig({ default_event_name: 'checkout', field_mapping: [], streams: [], max_retries: 0 }), 'bp-config');
  catalogPath = writeTempJson(
    { streams: [{ stream: { name: 's', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] },
    'bp-catalog',
  );
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function stateLine(i: number): string {
  return `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":{"cursor":${i},"pad":"${PAD}"}},"sourceStats":{"recordCount":1.0},"id":${i}}}`;
}

/** n records, each followed by a state. */
function input(n = N): { stdin: string; states: string[] } {
  const t = Math.floor(Date.now() / 1000) - 60;
  const lines: string[] = [];
  const states: string[] = [];
  for (let i = 1; i <= n; i++) {
    lines.push(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { email: `u${i}@example.com`, event_time: t }, emitted_at: Date.now() } }));
    const s = stateLine(i);
    lines.push(s);
    states.push(s);
  }
  return { stdin: lines.join('\n') + '\n', states };
}

const withStats = (line: string, accepted: number, rejected: number) =>
  `${line.slice(0, -2)},"destinationStats":{"recordCount":${accepted},"rejectedRecordCount":${rejected}}}}`;

interface SlowRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** How long the child sat with unread output before the reader started (ms). */
  stalledMs: number;
}

/**
 * Runs the CLI with a reader that leaves stdout unread until the CLI is done or stuck (`progress()` unchanged for
 * 500 ms: with stdout full the pipeline stops reading its input, by design), then reads one chunk every 20 ms.
 */
async function runWithSlowReader(stdin: string, progress: () => number, done: () => boolean): Promise<SlowRun> {
  const child = spawn(process.execPath, [MAIN_JS, 'write', '--config', configPath, '--catalog', catalogPath], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...fakeEnv(fake), NO_PROXY: '*', no_proxy: '*' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  child.stdout.pause();
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);

  const started = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const p = progress();
    if (p !== last) {
      last = p;
      since = Date.now();
    } else if (Date.now() - since >= 500) break;
    if (done()) {
      await sleep(300); // let the CLI reach its end (summary, flush) with the pipe still full
      break;
    }
    await sleep(20);
  }
  const stalledMs = Date.now() - started;

  // Slow reader: take one chunk as the pipe delivers it, pause 20 ms, repeat.
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve) => child.stdout.once('end', () => resolve()));
  child.stdout.on('data', (c: Buffer) => {
    chunks.push(c);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 20);
  });
  child.stdout.resume();
  await ended;
  const { code, signal } = await closed;
  clearTimeout(killer);
  return { code, signal, stdout: Buffer.concat(chunks).toString('utf8'), stderr, stalledMs };
}

/** Splits stdout into lines; asserts the text ends with a newline (no truncated last line) and every line is JSON. */
function completeLines(stdout: string): string[] {
  expect(stdout.endsWith('\n'), `stdout ends mid-line: …${stdout.slice(-200)}`).toBe(true);
  const lines = stdout.slice(0, -1).split('\n');
  for (const l of lines) expect(() => JSON.parse(l), l.slice(0, 200)).not.toThrow();
  return lines;
}

describe('stdout back-pressure with a slow reader', () => {
  it(`${N} states, each after a record: every state arrives complete, once, in order`, async () => {
    const { stdin, states } = input();
    const res = await runWithSlowReader(stdin, () => fake.counters.eventsReceived, () => fake.accepted.length >= N);
    expect(res.signal).toBeNull();
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stalledMs).toBeGreaterThan(400);
    expect(fake.accepted).toHaveLength(N);
    const lines = completeLines(res.stdout);
    const echoed = lines.filter((l) => l.startsWith('{"type":"STATE"'));
    expect(echoed).toHaveLength(N);
    // Text equality: complete, in order, digits and keys as received.
    for (let i = 0; i < N; i++) if (echoed[i] !== withStats(states[i], 1, 0)) expect(echoed[i]).toBe(withStats(states[i], 1, 0));
    // The last STATE line is the last state; only the summary LOG lines may follow it.
    const lastState = lines.lastIndexOf(echoed[N - 1]);
    expect(JSON.parse(lines[lastState]).state.id).toBe(N);
    for (const l of lines.slice(lastState + 1)) expect(JSON.parse(l).type).toBe('LOG');
  });

  it('fatal error after thousands of echoed states: the TRACE is the last complete line', async () => {
    const { stdin, states } = input(3000);
    // Batches of 1,000 events: the first two are accepted, the third gets 401 (a revoked token).
    fake.script([{}, {}, { status: 401 }]);
    const res = await runWithSlowReader(stdin, () => fake.counters.eventsReceived, () => fake.counters.byStatus['401'] === 1);
    expect(res.signal).toBeNull();
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('');
    const lines = completeLines(res.stdout);
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last.type).toBe('TRACE');
    expect(last.trace.type).toBe('ERROR');
    expect(last.trace.error.failure_type).toBe('config_error');
    expect(lines.filter((l) => l.includes('"type":"TRACE"'))).toHaveLength(1);
    const echoed = lines.filter((l) => l.startsWith('{"type":"STATE"'));
    // Exactly the states whose records Pinterest accepted, complete and in order; none after the failure.
    expect(echoed).toHaveLength(2000);
    for (let i = 0; i < echoed.length; i++) if (echoed[i] !== withStats(states[i], 1, 0)) expect(echoed[i]).toBe(withStats(states[i], 1, 0));
  });
});
