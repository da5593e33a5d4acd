/**
 * Compiles bench/floor.ts to a plain ES module at `outFile`, so that the floor runs on any node binary without tsx
 * (`npm run bench` and integration_tests/bench-floor.test.ts run the same compiled floor).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Writes the compiled floor to `outFile` (an `.mjs` path); returns `outFile`. */
export function compileFloor(outFile: string): string {
  const source = readFileSync(fileURLToPath(new URL('floor.ts', import.meta.url)), 'utf8');
  writeFileSync(outFile, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  return outFile;
}
