import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderStandaloneValidators } from '../../scripts/standalone-validators.js';

describe('standalone validators', () => {
  it.each(renderStandaloneValidators().map((m) => [m.path, m.text] as const))(
    '%s is up to date with its schema (regenerate: npm run generate:validators)',
    (path, text) => {
      const committed = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(committed).toBe(text);
    },
  );
});
