import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESTINATION_FIELDS, renderFieldsMarkdown } from '../../src/fields/catalog.js';

describe('docs/fields.md', () => {
  it('is up to date with src/fields/catalog.ts (regenerate: npm run docs:fields)', () => {
    const committed = readFileSync(new URL('../../docs/fields.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderFieldsMarkdown());
  });

  it('has one table row per destination field', () => {
    const md = renderFieldsMarkdown();
    for (const f of DESTINATION_FIELDS) expect(md).toContain(`| \`${f.name}\` | \`${f.target}\` |`);
    expect(md.match(/^\| `/gm)?.length).toBe(DESTINATION_FIELDS.length);
  });
});
