import { describe, expect, it } from 'vitest';
import { validatePinterestEvent } from '../../src/mapping/validate-event.js';

const HASH = 'a'.repeat(64);
const ok = { event_name: 'checkout', action_source: 'web', event_time: 1714558530, event_id: 'e1', user_data: { em: [HASH] } };

describe('validatePinterestEvent', () => {
  it('accepts a minimal valid event', () => {
    expect(validatePinterestEvent(ok)).toEqual([]);
  });

  it('reports path and rule, never values', () => {
    const bad = {
      ...ok,
      action_source: 'somewhere-secret',
      event_time: 1.5,
      event_id: undefined,
      extra: 'secret-value',
      custom_data: { num_items: '3', foo: 1 },
      device_info: { battery_level: 200, os_family: 'plan9', timezone_abbr: 'secret-long' },
    };
    delete (bad as Record<string, unknown>).event_id;
    const reasons = validatePinterestEvent(bad);
    expect(reasons.sort()).toEqual(
      [
        'event: unknown property extra',
        'event_id: required',
        'action_source: must be equal to one of the allowed values',
        'event_time: must be integer',
        'custom_data: unknown property foo',
        'custom_data.num_items: must be integer',
        'device_info.battery_level: must be <= 100',
        'device_info.os_family: must be equal to one of the allowed values',
        'device_info.timezone_abbr: must NOT have more than 5 characters',
      ].sort(),
    );
    expect(reasons.join(' ')).not.toMatch(/secret|plan9/);
  });

  it('reports the user_data identifier rule once', () => {
    expect(validatePinterestEvent({ ...ok, user_data: { ph: [HASH], client_ip_address: '1.2.3.4' } })).toEqual([
      'user_data: needs em, hashed_maids, or both client_ip_address and client_user_agent',
    ]);
    expect(validatePinterestEvent({ ...ok, user_data: { client_ip_address: '1.2.3.4', client_user_agent: 'UA' } })).toEqual([]);
    expect(validatePinterestEvent({ ...ok, user_data: { hashed_maids: [HASH] } })).toEqual([]);
  });
});
