/**
 * Stopping mid-sync, through the real CLI against the fake Pinterest API: SIGTERM (the platform's cancel) and
 * SIGKILL followed by a re-run from the last echoed state (Airbyte's at-least-once resume).
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CliResult, SpawnedCli } from './helpers/run-cli.js';
import {
  assertEchoedPrefix,
  countBy,
  describeRun,
  echoedStates,
  eventsRequests,
  fakePerTest,
  generateOrders,
  oauthOrdersConfig,
  ordersConfig,
  runWrite,
  spawnWrite,
  stdinOf,
  traceErrors,
} from './helpers/generated.js';

const newFake = fakePerTest();

// Several CLI runs per test on a possibly busy machine: generous timeouts; the bounds that matter are asserted inside.
vi.setConfig({ testTimeout: 90_000 });



/** Polls until `cond` holds (or throws after `timeoutMs`). */
async function until(cond: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The run's result even when a kill cut the last stdout line (the harness then rejects). */
async function settled(run: SpawnedCli): Promise<Pick<CliResult, 'code' | 'signal' | 'messages'>> {
  try {
    return await run.exited;
  } catch (e) {
    const partial = (e as { result?: Partial<CliResult> }).result;
    return { code: partial?.code ?? null, signal: partial?.signal ?? null, messages: run.messages };
  }
}

describe.concurrent('SIGTERM', () => {
  it('mid-sync with stdin still open: stops reading, lets in-flight requests finish, echoes only fully accepted states, exits within seconds', async () => {
    const fake = await newFake({ latencyMs: 400 });
    const input = generateOrders(6000, 500);
    const run = spawnWrite(fake, ordersConfig({ max_concurrent_requests: 2 }));
    // The source keeps streaming: half the input now, the rest never arrives before the cancel.
    await run.write(stdinOf(input.lines.slice(0, Math.floor(input.lines.length / 2))));
    await run.waitForMessage((m) => m.type === 'STATE', 15_000);
    const requestsAtTerm = eventsRequests(fake).length;
    const t = Date.now();
    run.kill('SIGTERM');
    const r = await run.exited;
    const tookMs = Date.now() - t;
    expect(tookMs).toBeLessThan(6000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143); // 128 + SIGTERM: a cancel, not a failure
    expect(traceErrors(r.messages)).toEqual([]);
    // No new batch was started after the cancel (in-flight ones could finish).
    expect(eventsRequests(fake).length).toBeLessThanOrEqual(requestsAtTerm + 1);
    const accepted = new Set(fake.acceptedEventIds());
    const ids = assertEchoedPrefix(input, echoedStates(r.messages), accepted);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    // Every state whose records were all accepted was echoed (nothing accepted is left unconfirmed behind a gap).
    const next = input.states[ids.length];
    if (next) expect(input.ids.slice(0, next.recordsBefore).every((id) => accepted.has(id))).toBe(false);
    expect([...countBy(fake.acceptedEventIds()).values()].every((n) => n === 1)).toBe(true);
  });

  it('with a request stuck at Pinterest: abandons it after the grace period and exits, echoing nothing unconfirmed', async () => {
    const fake = await newFake();
    fake.script([{}, { delayMs: 25_000 }]);
    const input = generateOrders(3000, 500);
    const run = spawnWrite(fake, ordersConfig({ max_concurrent_requests: 1 }), { stdin: stdinOf(input.lines) });
    await until(() => eventsRequests(fake).length >= 2, 40_000, 'the second request');
    await run.waitForMessage((m) => m.type === 'STATE' && m.state.id === 2, 20_000);
    const t = Date.now();
    run.kill('SIGTERM');
    const r = await run.exited;
    // Grace period 5 s, then the request is abandoned.
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(r.signal).toBeNull();
    // Reading had paused behind the stuck request; no third batch may start after the cancel.
    expect(eventsRequests(fake)).toHaveLength(2);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1, 2]);
    assertEchoedPrefix(input, echoedStates(r.messages), new Set(fake.acceptedEventIds()));
    expect(traceErrors(r.messages)).toEqual([]);
  });

  it('after the input ended, during a long Retry-After wait: exits within the grace period', async () => {
    const fake = await newFake();
    fake.script([{ status: 429, retryAfter: 900 }]); // 15 min, 18 s at scale 0.02
    const input = generateOrders(200, 100);
    const run = spawnWrite(fake, ordersConfig({ max_retry_seconds: 3600 }), { stdin: stdinOf(input.lines), env: { PINTEREST_RETRY_TIME_SCALE: '0.02' } });
    await run.waitForMessage((m) => m.type === 'LOG' && /Retrying/.test(m.log.message), 40_000);
    const t = Date.now();
    run.kill('SIGTERM');
    const r = await run.exited;
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(r.code).toBe(143); // 128 + SIGTERM: a cancel, not a failure
    expect(traceErrors(r.messages)).toEqual([]);
    expect(echoedStates(r.messages)).toEqual([]);
    expect(eventsRequests(fake)).toHaveLength(1);
  });
  it('while an OAuth token refresh hangs: abandons it after the grace period and exits', async () => {
    const fake = await newFake();
    fake.scriptOAuth([{ delayMs: 25_000 }]);
    const input = generateOrders(100, 50);
    const run = spawnWrite(fake, oauthOrdersConfig(), { stdin: stdinOf(input.lines) });
    await until(() => fake.counters.oauthRequests >= 1, 40_000, 'the token request');
    const t = Date.now();
    run.kill('SIGTERM');
    const r = await run.exited;
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(r.code).toBe(143); // 128 + SIGTERM: a cancel, not a failure
    expect(traceErrors(r.messages)).toEqual([]);
    expect(eventsRequests(fake)).toEqual([]);
    expect(echoedStates(r.messages)).toEqual([]);
  });
});

describe.concurrent('SIGKILL and resume', () => {
  for (const killAfterStates of [1, 4]) {
    it(`killed after ${killAfterStates} echoed state(s): re-running from the last echoed state delivers every record, with the same event_ids`, async () => {
      const fake = await newFake({ latencyMs: 150 });
      const input = generateOrders(4000, 250);
      const run = spawnWrite(fake, ordersConfig({ max_concurrent_requests: 2 }), { stdin: stdinOf(input.lines) });
      await run.waitForMessage((m) => m.type === 'STATE' && m.state.id >= killAfterStates, 40_000);
      run.kill('SIGKILL');
      const first = await settled(run);
      expect(first.signal).toBe('SIGKILL');
      const echoed = echoedStates(first.messages);
      const firstAccepted = fake.accepted.map((a) => ({ ...a }));
      assertEchoedPrefix(input, echoed, new Set(firstAccepted.map((a) => a.event_id)));
      expect(echoed.length).toBeGreaterThanOrEqual(killAfterStates);
      expect(firstAccepted.length).toBeLessThan(input.ids.length);

      // The platform resends everything after the last echoed state.
      const lastLine = input.stateLine[echoed.length - 1];
      const resumed = input.lines.slice(lastLine + 1);
      const r = await runWrite(fake, ordersConfig({ max_concurrent_requests: 2 }), resumed);
      expect(r.code, describeRun(r)).toBe(0);
      expect(echoedStates(r.messages).map((s) => s.id)).toEqual(input.states.slice(echoed.length).map((s) => s.id));

      const all = fake.accepted;
      expect(new Set(all.map((a) => a.event_id))).toEqual(new Set(input.ids));
      // Events sent by both attempts are identical (same event_id ⇒ same event), so Pinterest de-duplicates them.
      const firstById = new Map(firstAccepted.map((a) => [a.event_id, a.event]));
      const second = all.slice(firstAccepted.length);
      let overlap = 0;
      for (const a of second) {
        const before = firstById.get(a.event_id);
        if (before) {
          overlap++;
          expect(a.event).toEqual(before);
        }
      }
      // Only records after the last echoed state can have been sent twice.
      const resent = new Set(input.ids.slice(input.states[echoed.length - 1].recordsBefore));
      for (const a of second) expect(resent.has(a.event_id)).toBe(true);
      expect(overlap).toBeLessThanOrEqual(firstAccepted.length);
    });
  }
});
