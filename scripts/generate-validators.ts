/**
 * Writes the standalone validator modules (see scripts/standalone-validators.ts).
 * Run after changing spec.json or src/pinterest/conversion-events.schema.json: `npm run generate:validators`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderStandaloneValidators } from './standalone-validators.js';

for (const m of renderStandaloneValidators()) {
  const target = fileURLToPath(new URL(`../${m.path}`, import.meta.url));
  writeFileSync(target, m.text, 'utf8');
  console.log(`wrote ${target}`);
}
