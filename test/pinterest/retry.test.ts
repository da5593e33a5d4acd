import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/pinterest/retry.js';
import { perEventOutcomes, type EventOutcome } from '../../src/pinterest/client.js';

const policy = { baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('retryDelayMs', () => {
  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(retryDelayMs(1, policy, { retryAfter: '7' })).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(1, policy, { retryAfter: 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
  });
  it('falls back to X-RateLimit-Reset (seconds), then to full jitter', () => {
    expect(retryDelayMs(1, policy, { rateLimitReset: '3' })).toBe(3000);
    expect(retryDelayMs(3, policy, {}, 0, () => 0.5)).toBe(2000); // uniform in [0, 1000 × 2^2)
    expect(retryDelayMs(20, policy, {}, 0, () => 0.999999)).toBe(59_999); // capped
  });
});

describe('perEventOutcomes', () => {
  it('reads 200 events in order and treats "" like no message', () => {
    const out = perEventOutcomes(
      { status: 200, body: { num_events_received: 2, num_events_processed: 2, events: [{ status: 'processed', error_message: '', warning_message: null }, { status: 'processed', warning_message: 'w' }] } },
      2,
    );
    expect(out).toEqual([
      { status: 'processed', error_message: undefined, warning_message: undefined },
      { status: 'processed', error_message: undefined, warning_message: 'w' },
    ]);
  });
  it('reads 422 details.events and details as a list', () => {
    const events = [{ status: 'failed', error_message: 'bad' }, { status: 'processed' }];
    expect((perEventOutcomes({ status: 422, body: { code: 1, message: 'm', details: { events } } }, 2) as EventOutcome[]).map((e) => e.status)).toEqual(['failed', 'processed']);
    expect((perEventOutcomes({ status: 422, body: { code: 1, message: 'm', details: events } }, 2) as EventOutcome[]).map((e) => e.status)).toEqual(['failed', 'processed']);
  });
  it('settles nothing unless every event sent has a documented status: says what is missing instead', () => {
    expect(perEventOutcomes({ status: 422, body: { code: 1 } }, 1)).toBe('HTTP 422 without per-event statuses');
    expect(perEventOutcomes({ status: 422, body: { code: 1, details: {} } }, 1)).toBe('HTTP 422 without per-event statuses');
    expect(perEventOutcomes({ status: 200, body: { num_events_received: 1, num_events_processed: 1 } }, 1)).toBe('HTTP 200 without per-event statuses');
    expect(perEventOutcomes({ status: 200, body: {} }, 1)).toBe('HTTP 200 without per-event statuses');
    expect(perEventOutcomes({ status: 200, body: [] }, 1)).toBe('HTTP 200 with a body that is not a JSON object');
    expect(perEventOutcomes({ status: 200, body: undefined }, 1)).toBe('HTTP 200 with a body that is not a JSON object');
    expect(perEventOutcomes({ status: 200, body: { events: [{ status: 'processed' }] } }, 2)).toBe('HTTP 200 with per-event statuses for 1 of 2 events');
    expect(perEventOutcomes({ status: 200, body: { events: [{ status: 'processed' }, { status: 'processed' }] } }, 1)).toBe(
      'HTTP 200 with per-event statuses for 2 of 1 events',
    );
    for (const e of [{ status: 'queued' }, {}, null, 'processed']) {
      expect(perEventOutcomes({ status: 200, body: { events: [{ status: 'processed' }, e] } }, 2)).toBe('HTTP 200 with a per-event status other than "processed" or "failed"');
    }
    // A 200 does not take `details` as its list: only a 422 carries one there.
    expect(perEventOutcomes({ status: 200, body: { details: [{ status: 'processed' }] } }, 1)).toBe('HTTP 200 without per-event statuses');
  });
});
