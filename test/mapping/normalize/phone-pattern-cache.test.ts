import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../src/mapping/normalize/index.js';

/**
 * patches/libphonenumber-js+<version>.patch (applied by `npm ci` through the postinstall script, patch-package)
 * makes libphonenumber-js compile each metadata pattern once instead of on every call. These tests count every
 * `RegExp` constructed while numbers are normalized: without the patch, normalizing the same numbers again
 * compiles their patterns again. No timing is involved.
 */
describe('libphonenumber-js compiles each metadata pattern once (patches/ applied)', () => {
  const NativeRegExp = RegExp;
  let compiled: string[] = [];

  beforeEach(() => {
    compiled = [];
    globalThis.RegExp = new Proxy(NativeRegExp, {
      construct(target, args: [string | RegExp, string?], newTarget) {
        compiled.push(String(args[0]));
        return Reflect.construct(target, args, newTarget) as RegExp;
      },
    });
  });

  afterEach(() => {
    globalThis.RegExp = NativeRegExp;
  });

  // Each takes a different path through the library: national prefix (GB trunk 0, US), IDD prefix (011 from the
  // US, 00 from Germany), an international number with a "(0)", a mobile, a number that is not valid.
  const NUMBERS: Array<[string, string | undefined, string | null]> = [
    ['(415) 555-0123', 'US', '14155550123'],
    ['020 7946 0958', 'GB', '442079460958'],
    ['+44 (0)20 7946 0958', undefined, '442079460958'],
    ['011 44 20 7946 0958', 'US', '442079460958'],
    ['0044 20 7946 0958', 'DE', '442079460958'],
    ['015112345678', 'DE', '4915112345678'],
    ['06 12 34 56 78', 'FR', '33612345678'],
    ['12345', 'US', null],
  ];

  function normalizeAll(): Array<string | null> {
    return NUMBERS.map(([input, country]) => {
      const out = normalizePhone(input, { country });
      return typeof out === 'string' ? out : null;
    });
  }

  it('normalizing the same numbers again constructs no RegExp at all', () => {
    const first = normalizeAll();
    expect(first).toEqual(NUMBERS.map(([, , out]) => out));
    // The counter sees the library's compilations (so the last assertion can fail) ...
    expect(compiled.length).toBeGreaterThan(0);
    compiled = [];
    const second = normalizeAll();
    const duringSecond = compiled;
    expect(second).toEqual(first);
    // ... and the second pass finds every pattern already compiled.
    expect(duringSecond).toEqual([]);
  });
});
