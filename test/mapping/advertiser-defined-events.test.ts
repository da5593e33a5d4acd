import { describe, expect, it } from 'vitest';
import {
  ADVERTISER_DEFINED_EVENT_NAME_PATTERN,
  createAdvertiserDefinedEventLookup,
  mergeAdvertiserDefinedEvents,
  namesUnknownToAccount,
} from '../../src/mapping/advertiser-defined-events.js';
import { createEventNameResolver } from '../../src/mapping/event-name.js';
import { parseConfig, ConfigError } from '../../src/config/config.js';

describe('advertiser-defined events', () => {
  it("Pinterest's name rule: 1 to 100 letters, digits, _ and -", () => {
    for (const ok of ['a', 'download_picture', 'Book-Demo-2', 'x'.repeat(100)]) expect(ADVERTISER_DEFINED_EVENT_NAME_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'Book Demo', 'démo', 'a.b', 'x'.repeat(101), ' a']) expect(ADVERTISER_DEFINED_EVENT_NAME_PATTERN.test(bad)).toBe(false);
  });

  it('matches a record name exactly, ignoring case and surrounding spaces only, and answers with the listed spelling', () => {
    const lookup = createAdvertiserDefinedEventLookup(['Book_Demo', 'book_demo', 'download_picture']);
    expect(lookup('book_demo')).toBe('Book_Demo');
    expect(lookup('  BOOK_DEMO ')).toBe('Book_Demo');
    expect(lookup('Book Demo')).toBeUndefined();
    expect(lookup('bookdemo')).toBeUndefined();
    expect(lookup('download-picture')).toBeUndefined();
  });

  it('merges configured names (their spelling wins) with the account names, and finds configured names the account lacks', () => {
    expect(mergeAdvertiserDefinedEvents(['Download_Picture', 'watch_tutorial'], ['download_picture', 'Book_Demo'])).toEqual([
      'Download_Picture',
      'watch_tutorial',
      'Book_Demo',
    ]);
    expect(namesUnknownToAccount(['Download_Picture', 'watch_tutorial'], ['download_picture', 'Book_Demo'])).toEqual(['watch_tutorial']);
  });

  it('come before event_name_mapping and the loose matching of Pinterest names', () => {
    const resolve = createEventNameResolver({ 'Book Demo': 'lead' }, ['book_demo', 'checkout_step']);
    expect(resolve('BOOK_DEMO')).toBe('book_demo');
    expect(resolve('Book Demo')).toBe('lead');
    expect(resolve('checkout_step')).toBe('checkout_step');
    expect(resolve('Checkout')).toBe('checkout');
    expect(resolve('watch_tutorial')).toBeUndefined();
  });

  it('are validated by the config: each name, and at most 15', () => {
    const base = { ad_account_id: '1', credentials: { auth_type: 'access_token', access_token: 'pina-test-token' } };
    expect(parseConfig(base).advertiser_defined_events).toEqual([]);
    expect(parseConfig({ ...base, advertiser_defined_events: ['book_demo'] }).advertiser_defined_events).toEqual(['book_demo']);
    const problems = (raw: unknown): string[] => {
      try {
        parseConfig(raw);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ ...base, advertiser_defined_events: ['ok', 'not ok', ''] })).toEqual([
      'advertiser_defined_events[1]: must be 1 to 100 characters, each a letter (A-Z, a-z), a digit, _ or -, spelled as defined in Ads Manager, e.g. download_picture',
      'advertiser_defined_events[2]: must be 1 to 100 characters, each a letter (A-Z, a-z), a digit, _ or -, spelled as defined in Ads Manager, e.g. download_picture',
    ]);
    expect(problems({ ...base, advertiser_defined_events: Array.from({ length: 16 }, (_, i) => `e${i}`) })).toEqual([
      'advertiser_defined_events: at most 15 names (Pinterest allows 15 advertiser-defined events per ad account)',
    ]);
  });
});
