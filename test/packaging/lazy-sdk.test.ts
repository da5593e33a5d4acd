/**
 * The AWS SDK (several MB of code) must only load when object_storage_config is set: no module may import it
 * statically, and the one that loads it does so with a dynamic import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

describe('AWS SDK loading', () => {
  it('only src/storage/s3.ts names the SDK, with type-only static imports and one dynamic import', () => {
    const naming = sources(SRC).filter((f) => readFileSync(f, 'utf8').includes('@aws-sdk/'));
    expect(naming.map((f) => relative(SRC, f))).toEqual(['storage/s3.ts']);
    const text = readFileSync(naming[0], 'utf8');
    const staticImports = [...text.matchAll(/^import\s+(type\s+)?[^;]*from\s+'@aws-sdk\/[^']+';/gm)];
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.filter((m) => m[1] === undefined).map((m) => m[0])).toEqual([]);
    expect(text.match(/await import\('@aws-sdk\/client-s3'\)/g)).toHaveLength(1);
  });
});
