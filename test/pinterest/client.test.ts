/**
 * Retry decisions of the Pinterest client and the shared rate limiter, in process against the fake API
 * (no CLI): which answers are retried, which end the sync with which failure_type, timeouts, the time budget,
 * one shared OAuth refresh, cancellation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Agent } from 'undici';
import { FAKE_DEFAULTS, startFakePinterest, type FakePinterest } from '../../integration_tests/fake-pinterest/server.js';
import { OAuthTokenProvider, StaticTokenProvider, type TokenProvider } from '../../src/pinterest/auth.js';
import { PinterestClient, type PinterestClientOptions } from '../../src/pinterest/client.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { EventBatch } from '../../src/pinterest/event-batch.js';
import { RateLimiter, type RequestStart, type RetryPolicy } from '../../src/pinterest/retry.js';

let fake: FakePinterest;
const agents: Agent[] = [];
beforeAll(async () => {
  fake = await startFakePinterest();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.destroy()));
  await fake.close();
});
afterEach(() => {
  fake.reset();
  vi.useRealTimers();
});

const nowS = () => Math.floor(Date.now() / 1000);
function event(id: string): Record<string, unknown> {
  return { event_name: 'checkout', action_source: 'web', event_time: nowS() - 30, event_id: id, user_data: { em: ['a'.repeat(64)] } };
}

/** A client on the fake with a fast retry policy (1 ms waits) unless overridden. */
function client(o: Partial<Omit<PinterestClientOptions, 'retry'>> & { retry?: Partial<RetryPolicy>; timeoutMs?: number } = {}): PinterestClient {
  const dispatcher = new Agent({ headersTimeout: o.timeoutMs ?? 10_000, bodyTimeout: o.timeoutMs ?? 10_000, connect: { timeout: 2000 } });
  agents.push(dispatcher);
  return new PinterestClient({
    baseUrl: fake.url,
    adAccountId: FAKE_DEFAULTS.adAccountId,
    auth: new StaticTokenProvider(FAKE_DEFAULTS.conversionToken),
    dispatcher,
    testMode: false,
    limiter: new RateLimiter(120_000, { timeScale: 0.001 }),
    ...o,
    retry: { maxRetries: 3, maxElapsedMs: 600_000, baseDelayMs: 1000, maxDelayMs: 60_000, timeScale: 0.001, ...o.retry },
  });
}

async function failure(p: Promise<unknown>): Promise<PinterestError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PinterestError);
  return e as PinterestError;
}

const statuses = () => fake.requests.map((r) => r.status);

describe('retry decisions', () => {
  it('retries 408, 429, 500, 502, 503, 504 and returns the per-event outcomes', async () => {
    fake.script([{ status: 408 }, { status: 429 }, { status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }]);
    const out = await client({ retry: { maxRetries: 6 } }).sendEvents(EventBatch.of([event('e1'), event('e2')]));
    expect(out.map((o) => o.status)).toEqual(['processed', 'processed']);
    expect(statuses()).toEqual([408, 429, 500, 502, 503, 504, 200]);
    expect(fake.acceptedEventIds()).toEqual(['e1', 'e2']);
  });

  it('a 429 cuts the request pace (onPace, once per cut) and is reported to onRetry as rate-limited; a 503 is not', async () => {
    fake.script([{ status: 503 }, { status: 429 }]);
    const paces: unknown[] = [];
    const retries: [string, boolean][] = [];
    const limiter = new RateLimiter(120_000, { timeScale: 0.001 });
    const c = client({ limiter, hooks: { onPace: (p) => paces.push(p), onRetry: (reason, _d, _s, rateLimited) => retries.push([reason.slice(0, 8), rateLimited]) } });
    await c.sendEvents(EventBatch.of([event('e1')]));
    expect(statuses()).toEqual([503, 429, 200]);
    expect(retries).toEqual([
      ['HTTP 503', false],
      ['HTTP 429', true],
    ]);
    // Two starts in the second before the refused one (the 503 and the 429): 0.85 × 2.
    expect(paces).toEqual([{ perSecond: 1.7, firstRefusedAt: 2, cuts: 1 }]);
    expect(c.pace).toEqual({ perSecond: 1.7, firstRefusedAt: 2, cuts: 1 });
  });

  it('stops after max_retries with transient_error', async () => {
    fake.script([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const e = await failure(client({ retry: { maxRetries: 2 } }).sendEvents(EventBatch.of([event('e1')])));
    expect(e.failureType).toBe('transient_error');
    expect(e.message).toMatch(/after 3 attempts/);
    expect(statuses()).toEqual([503, 503, 503]);
  });

  it('the time budget counts real request time and unscaled waits: a slow failing request does not exhaust a 60 s budget', async () => {
    // 700 ms of request time is far below 60 s; with the budget wrongly scaled (60 ms) this gave up after 1 attempt.
    fake.script([{ status: 503, delayMs: 700 }]);
    const out = await client({ retry: { maxElapsedMs: 60_000 } }).sendEvents(EventBatch.of([event('e1')]));
    expect(out[0].status).toBe('processed');
    expect(statuses()).toEqual([503, 200]);
  });

  it('gives up at once when Retry-After exceeds the remaining budget', async () => {
    fake.script([{ status: 429, retryAfter: 120 }]);
    const e = await failure(client({ retry: { maxElapsedMs: 60_000 } }).sendEvents(EventBatch.of([event('e1')])));
    expect(e.failureType).toBe('transient_error');
    expect(statuses()).toEqual([429]);
  });

  it('retries a response that does not arrive within the headers timeout', async () => {
    fake.script([{ delayMs: 1500 }]);
    const out = await client({ timeoutMs: 300 }).sendEvents(EventBatch.of([event('e1')]));
    expect(out[0].status).toBe('processed');
    expect(fake.requests.length).toBe(2);
  });

  it('retries connection resets and truncated bodies', async () => {
    fake.script([{ destroySocket: 'before-response' }, { destroySocket: 'mid-response' }]);
    const out = await client().sendEvents(EventBatch.of([event('e1')]));
    expect(out[0].status).toBe('processed');
    expect(fake.acceptedEventIds()).toEqual(['e1']);
  });

  it('retries a refused connection, then ends with transient_error', async () => {
    const c = client({ baseUrl: 'http://127.0.0.1:9/v5', retry: { maxRetries: 2 } });
    const e = await failure(c.sendEvents(EventBatch.of([event('e1')])));
    expect(e.failureType).toBe('transient_error');
    expect(e.message).toMatch(/after 3 attempts.*ECONNREFUSED/);
  });

  it('a 200 whose body is not JSON (e.g. a proxy page) is retried, not taken as "all processed"', async () => {
    fake.script([{ status: 200, body: '<html>OK</html>' }, { status: 200, body: '' }]);
    const out = await client().sendEvents(EventBatch.of([event('e1')]));
    expect(out[0].status).toBe('processed');
    expect(fake.requests).toHaveLength(3);
    expect(fake.acceptedEventIds()).toEqual(['e1']);
  });

  it('a 200 that keeps being unreadable ends with transient_error', async () => {
    fake.script([{ status: 200, body: 'nope' }, { status: 200, body: 'nope' }]);
    const e = await failure(client({ retry: { maxRetries: 1 } }).sendEvents(EventBatch.of([event('e1')])));
    expect(e.failureType).toBe('transient_error');
    expect(e.message).toMatch(/not a JSON object/);
  });

  it('401 with a static token: config_error, no retry', async () => {
    const e = await failure(client({ auth: new StaticTokenProvider('nope-token') }).sendEvents(EventBatch.of([event('e1')])));
    expect(e.failureType).toBe('config_error');
    expect(e.details.status).toBe(401);
    expect(fake.requests).toHaveLength(1);
  });

  it('403 and 404: config_error, no retry', async () => {
    fake.script([{ status: 403 }, { status: 404 }]);
    const c = client();
    expect((await failure(c.sendEvents(EventBatch.of([event('e1')])))).details.status).toBe(403);
    expect((await failure(c.sendEvents(EventBatch.of([event('e1')])))).details.status).toBe(404);
    expect(fake.requests).toHaveLength(2);
  });

  it('an unexpected 4xx (e.g. 409) is a system_error, not retried', async () => {
    fake.script([{ status: 409 }]);
    const e = await failure(client().sendEvents(EventBatch.of([event('e1')])));
    expect(e.failureType).toBe('system_error');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 400 for a single event marks just that event failed (no retry, no exception)', async () => {
    fake.poisonEventIds.add('bad');
    const out = await client().sendEvents(EventBatch.of([event('ok1'), event('bad'), event('ok2')]));
    expect(out.map((o) => o.status)).toEqual(['processed', 'failed', 'processed']);
    expect(out[1].error_message).toMatch(/^whole request refused \(HTTP 400 \(code 4196/);
    expect(fake.acceptedEventIds().sort()).toEqual(['ok1', 'ok2']);
  });

  it('a partial failure answered 200 (not 422) still maps per event', async () => {
    fake.partialFailureStatus = 200;
    fake.failEventIds.add('f');
    try {
      const out = await client().sendEvents(EventBatch.of([event('a'), event('f')]));
      expect(out.map((o) => o.status)).toEqual(['processed', 'failed']);
      expect(out[1].error_message).toBe('Event could not be processed.');
    } finally {
      fake.partialFailureStatus = 422;
    }
  });

  it('an abort during a backoff wait ends the call with transient_error at once', async () => {
    const controller = new AbortController();
    // Real (unscaled) backoff: waits of up to 1, 2, 4 s, cut short by the abort.
    const c = client({ signal: controller.signal, retry: { timeScale: 1 } });
    fake.script([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const p = c.sendEvents(EventBatch.of([event('e1')]));
    setTimeout(() => controller.abort(), 50);
    const t = Date.now();
    const e = await failure(p);
    expect(e.failureType).toBe('transient_error');
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

// Ids of their own in each test: a request of an earlier test that was aborted on the client may still reach the fake.
describe('the request pace and the batch budget', () => {
  /** A limiter whose pace a 429 already cut to 0.85 starts a second (1.18 s apart), in real time. */
  async function cutLimiter(): Promise<RateLimiter> {
    const limiter = new RateLimiter(120_000);
    limiter.refused((await limiter.take())!);
    return limiter;
  }

  it('a batch whose next free start lies beyond max_retry_seconds fails at once, unsent, with a transient error naming the pace', async () => {
    const c = client({ limiter: await cutLimiter(), retry: { maxElapsedMs: 500 } });
    const t = Date.now();
    // The first takes the start due now; the second's is 1.18 s away, beyond its 0.5 s budget.
    const [first, second] = await Promise.allSettled([c.sendEvents(EventBatch.of([event('b1')])), c.sendEvents(EventBatch.of([event('b2')]))]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const e = (second as PromiseRejectedResult).reason as PinterestError;
    expect(e).toBeInstanceOf(PinterestError);
    expect(e.failureType).toBe('transient_error');
    expect(e.message).toMatch(/^Could not send a batch within max_retry_seconds \(1 s\): after Pinterest's 429s requests start at most 0\.85 a second, and the next free start lies beyond that budget\./);
    expect(Date.now() - t).toBeLessThan(1000);
    expect(fake.acceptedEventIds().filter((id) => id.startsWith('b'))).toEqual(['b1']);
  });

  it('without a 429, waiting for requests_per_minute never fails a batch, however short max_retry_seconds', async () => {
    const c = client({ limiter: new RateLimiter(120), retry: { maxElapsedMs: 100 } }); // 500 ms apart
    const out = await Promise.all(['q1', 'q2', 'q3'].map((id) => c.sendEvents(EventBatch.of([event(id)]))));
    expect(out.flat().map((o) => o.status)).toEqual(['processed', 'processed', 'processed']);
    expect(fake.acceptedEventIds().filter((id) => id.startsWith('q')).sort()).toEqual(['q1', 'q2', 'q3']);
  });

  it('after a 429, waiting for requests_per_minute still fails no batch while it is slower than the pace', async () => {
    fake.script([{ status: 429 }]);
    // 1 s apart; the pace after the 429 (0.85 a second, time-scaled to 1.2 ms apart) is faster than that. The budget
    // covers the 429's backoff (at most 1 s unscaled) but not the 2-3 s the last batch waits for requests_per_minute.
    const limiter = new RateLimiter(60, { timeScale: 0.001 });
    const c = client({ limiter, retry: { maxElapsedMs: 1500 } });
    await c.sendEvents(EventBatch.of([event('p0')]));
    expect(limiter.pace?.cuts).toBe(1);
    const out = await Promise.all(['p1', 'p2', 'p3'].map((id) => c.sendEvents(EventBatch.of([event(id)]))));
    expect(out.flat().map((o) => o.status)).toEqual(['processed', 'processed', 'processed']);
    expect(fake.acceptedEventIds().filter((id) => id.startsWith('p')).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('a cancel while a batch waits for its start ends the call at once, and the request is never sent', async () => {
    const controller = new AbortController();
    const c = client({ limiter: await cutLimiter(), signal: controller.signal });
    const first = c.sendEvents(EventBatch.of([event('c1')]));
    const waiting = c.sendEvents(EventBatch.of([event('c2')])); // its start is 1.18 s away
    setTimeout(() => controller.abort(), 100);
    const t = Date.now();
    const e = await failure(waiting);
    expect(e.failureType).toBe('transient_error');
    expect(e.message).toMatch(/cancelled/);
    expect(Date.now() - t).toBeLessThan(700);
    await first.catch(() => undefined);
    const sent = fake.requests.map((r) => (r.body as { data: { event_id: string }[] }).data[0].event_id);
    expect(sent.filter((id) => id.startsWith('c'))).toEqual(['c1']);
  });
});

describe('OAuth refresh shared by concurrent requests', () => {
  it('four requests meeting a 401 at once cause one refresh; each is retried with the new token', async () => {
    fake.tokens.set('stale', { kind: 'oauth', accounts: [FAKE_DEFAULTS.adAccountId], expiresAfterRequests: 0 });
    fake.scriptOAuth([{ delayMs: 200 }]);
    const dispatcher = new Agent();
    agents.push(dispatcher);
    const refreshed: string[] = [];
    const auth: TokenProvider = new OAuthTokenProvider(
      { auth_type: 'oauth2.0', client_id: FAKE_DEFAULTS.clientId, client_secret: FAKE_DEFAULTS.clientSecret, refresh_token: FAKE_DEFAULTS.refreshToken, access_token: 'stale' },
      { baseUrl: fake.url, dispatcher, timeScale: 0.001, onRefreshed: (c) => refreshed.push(c.access_token!) },
    );
    const c = client({ auth });
    const outs = await Promise.all([0, 1, 2, 3].map((k) => c.sendEvents(EventBatch.of([event(`c${k}`)]))));
    expect(outs.flat().map((o) => o.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(fake.counters.oauthRequests).toBe(1);
    expect(refreshed).toEqual([fake.issuedTokens[0].access_token]);
    expect(statuses().filter((s) => s === 401)).toHaveLength(4);
  });
});

describe('RateLimiter', () => {
  it('spaces request starts 60,000 / requests_per_minute ms apart, across concurrent callers', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = new RateLimiter(600); // 100 ms apart
    const starts: number[] = [];
    const all = Promise.all([0, 1, 2, 3, 4].map(() => limiter.take().then(() => starts.push(Date.now() - 1_000_000))));
    await vi.advanceTimersByTimeAsync(1000);
    await all;
    expect(starts).toEqual([0, 100, 200, 300, 400]);
    // An idle limiter does not hoard credit: after a pause the next start is immediate, the one after spaced again.
    await vi.advanceTimersByTimeAsync(5000);
    const t0 = Date.now();
    const a = limiter.take().then(() => Date.now() - t0);
    const b = limiter.take().then(() => Date.now() - t0);
    await vi.advanceTimersByTimeAsync(200);
    expect([await a, await b]).toEqual([0, 100]);
  });

  it('holds every caller after a 429 for the wait Pinterest asked for', async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const limiter = new RateLimiter(60_000); // 1 ms apart: only the hold matters
    limiter.holdFor(3000);
    const t0 = Date.now();
    const starts = Promise.all([limiter.take(), limiter.take()].map((p) => p.then(() => Date.now() - t0)));
    await vi.advanceTimersByTimeAsync(3100);
    expect(await starts).toEqual([3000, 3001]);
    vi.useRealTimers();
  });

  /** Takes a start and returns it (a RequestStart is always granted without notAfter). */
  async function take(limiter: RateLimiter): Promise<RequestStart> {
    return (await limiter.take())!;
  }

  it('after a 429, paces starts just under the rate refused; cuts again only for a start reserved after the cut; rises every 10 s without one', async () => {
    vi.useFakeTimers({ now: 3_000_000 });
    const limiter = new RateLimiter(120_000); // 0.5 ms apart: only the pace matters
    const t0 = Date.now();
    const starts: RequestStart[] = [];
    // 11 starts 100 ms apart (t = 0 ... 1000 ms); the last is refused. The second before it, itself included, holds 10.
    for (let i = 0; i < 11; i++) {
      starts.push(await take(limiter));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(starts.map((st) => st.at - t0)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(limiter.pace).toBeUndefined();
    expect(limiter.refused(starts[10])).toBe(true);
    expect(limiter.pace).toEqual({ perSecond: 8.5, firstRefusedAt: 10, cuts: 1 });
    // A refusal of a request reserved before that cut says nothing about the new pace.
    expect(limiter.refused(starts[9])).toBe(false);
    expect(limiter.pace?.cuts).toBe(1);
    // Starts are now 1000 / 8.5 = 117.6 ms apart (the first at once: the limiter was idle).
    const t1 = Date.now();
    const paced = Promise.all([take(limiter), take(limiter), take(limiter)]);
    await vi.advanceTimersByTimeAsync(300);
    const after = await paced;
    [0, 1000 / 8.5, 2000 / 8.5].forEach((g, i) => expect(after[i].at - t1).toBeCloseTo(g, 6));
    // A request reserved after the cut and refused cuts by 15%.
    expect(limiter.refused(after[1])).toBe(true);
    expect(limiter.pace?.perSecond).toBeCloseTo(8.5 * 0.85, 10);
    expect(limiter.pace?.cuts).toBe(2);
    // 10 s without a cut: 2% more.
    const pending = take(limiter);
    await vi.advanceTimersByTimeAsync(200);
    const reservedAfterSecondCut = await pending;
    await vi.advanceTimersByTimeAsync(10_000);
    await take(limiter);
    expect(limiter.pace?.perSecond).toBeCloseTo(8.5 * 0.85 * 1.02, 10);
    // A raise is not a cut: a request reserved after the last cut, before the raise, and refused cuts again.
    expect(limiter.refused(reservedAfterSecondCut)).toBe(true);
    const third = 8.5 * 0.85 * 1.02 * 0.85;
    expect(limiter.pace?.perSecond).toBeCloseTo(third, 10);
    expect(limiter.pace?.cuts).toBe(3);
    // The rises start again at 2% after a cut, then double each period (4%, 8%, ...) up to 50%: 40 s, four rises.
    await vi.advanceTimersByTimeAsync(40_000);
    await take(limiter);
    expect(limiter.pace?.perSecond).toBeCloseTo(third * 1.02 * 1.04 * 1.08 * 1.16, 10);
    await vi.advanceTimersByTimeAsync(30_000);
    await take(limiter);
    expect(limiter.pace?.perSecond).toBeCloseTo(third * 1.02 * 1.04 * 1.08 * 1.16 * 1.32 * 1.5 * 1.5, 10);
  });

  it('the first pace counts the starts of the second before the refused request, however late its 429 comes back', async () => {
    vi.useFakeTimers({ now: 3_500_000 });
    const limiter = new RateLimiter(120_000);
    const starts: RequestStart[] = [];
    // 10 a second for 3 s; the 429 to the start at 1,000 ms comes back 2 s later (slow answers), after 20 more starts.
    for (let i = 0; i <= 30; i++) {
      starts.push(await take(limiter));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(limiter.refused(starts[10])).toBe(true);
    expect(limiter.pace).toEqual({ perSecond: 8.5, firstRefusedAt: 10, cuts: 1 });
  });

  it('starts reserved before a hold are reserved again after it, at the pace; they cut nothing more when refused; a hold is no time without 429s', async () => {
    vi.useFakeTimers({ now: 3_700_000 });
    const limiter = new RateLimiter(600); // 100 ms apart
    const t0 = Date.now();
    const burst: RequestStart[] = [];
    for (let i = 0; i < 10; i++) {
      burst.push(await take(limiter));
      await vi.advanceTimersByTimeAsync(100);
    }
    // 8 more requests queue at 100 ms spacing; then the last of the burst is refused, with a 1 s Retry-After.
    const queued = Array.from({ length: 8 }, () => take(limiter));
    limiter.holdFor(1000);
    expect(limiter.refused(burst[9])).toBe(true); // 10 starts in its second: 8.5 a second
    await vi.advanceTimersByTimeAsync(3000);
    const q = await Promise.all(queued);
    // The first was due at once and started before the 429; none of the others starts within the hold (it ends
    // 2,000 ms after t0): they follow it at the new pace instead of at the 100 ms reserved before.
    expect(q.map((st) => st.at - t0)).toEqual([1000, ...Array.from({ length: 7 }, (_, k) => expect.closeTo(2000 + (k * 1000) / 8.5, 6))]);
    // Reserved again after the cut, so a refusal of one of them would cut again; a start of the burst does not.
    expect(limiter.refused(burst[8])).toBe(false);
    // A hold of a minute (X-RateLimit-Reset of a per-minute window) does not count as a minute without 429s.
    limiter.holdFor(60_000);
    await vi.advanceTimersByTimeAsync(61_000);
    const pair = Promise.all([take(limiter), take(limiter)]);
    await vi.advanceTimersByTimeAsync(200);
    const next = await pair;
    expect(next[1].at - next[0].at).toBeCloseTo(1000 / 8.5, 6);
  });

  it('while the pace binds, a start beyond notAfter is refused at once and reserves nothing; without a pace notAfter is not binding', async () => {
    vi.useFakeTimers({ now: 3_900_000 });
    const limiter = new RateLimiter(60); // 1 s apart
    const first = await take(limiter);
    limiter.refused(first); // 0.85 a second: 1,176 ms apart, slower than requests_per_minute
    expect(limiter.paceBinds).toBe(true);
    expect(await limiter.take(undefined, first.at + 500)).toBeUndefined();
    const second = limiter.take(undefined, first.at + 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await second)?.at).toBe(first.at + 1000);
    // Without a pace, the wait for requests_per_minute alone never refuses a start.
    const plain = new RateLimiter(60);
    const p1 = await take(plain);
    const p2 = plain.take(undefined, p1.at + 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await p2)?.at).toBe(p1.at + 1000);
  });

  it('a pace never starts requests faster than requests_per_minute, and its spacing is time-scaled like backoff waits', async () => {
    vi.useFakeTimers({ now: 4_000_000 });
    const slow = new RateLimiter(30); // 2 s apart
    const first = await take(slow);
    slow.refused(first); // one start in the second: pace 0.85/s, 1.18 s apart, faster than the configured 2 s
    const s2 = Promise.all([take(slow), take(slow)]);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await s2).map((st) => st.at - first.at)).toEqual([2000, 4000]);
    const scaled = new RateLimiter(120_000, { timeScale: 0.01 });
    scaled.refused(await take(scaled)); // 0.85/s: 1,176 ms apart, scaled to 11.8 ms
    const p = Promise.all([take(scaled), take(scaled)]);
    await vi.advanceTimersByTimeAsync(100);
    const [a, b] = await p;
    expect(b.at - a.at).toBeCloseTo((1000 / 0.85) * 0.01, 6);
  });

  it('is shared by every request of one client, retries included', async () => {
    fake.script([{ status: 503 }]);
    // Start times as the client sends (the fake's arrival times also carry the first request's connection set-up).
    const sent: number[] = [];
    const c = client({ limiter: new RateLimiter(1200), hooks: { onRequest: () => sent.push(performance.now()) } }); // 50 ms apart
    await Promise.all([0, 1, 2].map((k) => c.sendEvents(EventBatch.of([event(`r${k}`)]))));
    expect(statuses().sort()).toEqual([200, 200, 200, 503]);
    expect(sent).toHaveLength(4);
    // 45: timers fire to the millisecond, a little early against performance.now(); without the limiter the gaps are ~0.
    for (let i = 1; i < sent.length; i++) expect(sent[i] - sent[i - 1]).toBeGreaterThanOrEqual(45);
  });
});
