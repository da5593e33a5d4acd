/**
 * Writes docs/fields.md from the destination field catalog (src/fields/catalog.ts).
 * Run: `npm run docs:fields` (tsx scripts/generate-fields-doc.ts). test/fields/fields-doc.test.ts fails
 * when the committed file differs from what this script would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderFieldsMarkdown } from '../src/fields/catalog.js';

const target = fileURLToPath(new URL('../docs/fields.md', import.meta.url));
writeFileSync(target, renderFieldsMarkdown(), 'utf8');
console.log(`wrote ${target}`);
