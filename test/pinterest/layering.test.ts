import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PINTEREST_DIR = fileURLToPath(new URL('../../src/pinterest', import.meta.url));

describe('layering', () => {
  it('src/pinterest/ describes Pinterest API and imports nothing from the mapping layer', () => {
    const offenders = readdirSync(PINTEREST_DIR)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '\.\.\/mapping\//.test(readFileSync(join(PINTEREST_DIR, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
