/**
 * Drives the built CLI (`node dist/main.js <cmd>`) as the Airbyte platform would: arguments, stdin, environment,
 * and one JSON message per stdout line. Build first (`npm run build`).
 *
 * Safety: unless the caller's `env` sets PINTEREST_API_BASE_URL, the child gets `http://127.0.0.1:9/v5` (nothing
 * listens there), so a test can never reach the real Pinterest API by accident. Other PINTEREST_* variables and the
 * proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, ALL_PROXY, any case) of the parent environment are not inherited,
 * nor are AWS_* variables (credentials, profiles); AWS_EC2_METADATA_DISABLED=true is set.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (absolute). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The CLI entry point the tests run. */
export const MAIN_JS = join(REPO_ROOT, 'dist', 'main.js');
/** Base URL given to the child when the caller sets none: a closed local port. */
export const UNREACHABLE_API_BASE_URL = 'http://127.0.0.1:9/v5';

/** Options shared by runCli and spawnCli. */
export interface CliOptions {
  /** Written to the child's stdin, which is then closed. Omitted: stdin is closed at once (runCli) or left open (spawnCli). */
  stdin?: string | Buffer;
  /** Extra environment, on top of the parent's (minus PINTEREST_*). */
  env?: Record<string, string>;
  /** Kill (SIGKILL) and fail after this long; default 30 000 ms for runCli, none for spawnCli. */
  timeoutMs?: number;
  /** Working directory; default the repo root. */
  cwd?: string;
  /** Script to run instead of dist/main.js (tests of the harness itself). */
  entry?: string;
}

/** What a finished CLI run produced. */
export interface CliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Every non-empty stdout line, JSON-parsed, in order. */
  messages: any[];
}

/** Thrown when a stdout line is not JSON, the CLI times out, or dist/main.js is missing. */
export class CliHarnessError extends Error {
  constructor(message: string, readonly result?: Partial<CliResult>) {
    super(message);
    this.name = 'CliHarnessError';
  }
}

/** Proxy variables of the machine running the tests; never passed on, so a CI proxy cannot intercept the local fake. */
const PROXY_VARIABLES = new Set(['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy']);

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PINTEREST_') && !k.startsWith('AWS_') && !PROXY_VARIABLES.has(k.toLowerCase())) env[k] = v;
  }
  env.PINTEREST_API_BASE_URL = UNREACHABLE_API_BASE_URL;
  // The AWS SDK's default credential chain never asks an instance metadata service from a test.
  env.AWS_EC2_METADATA_DISABLED = 'true';
  return { ...env, ...extra };
}

function tail(s: string, n = 2000): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

/** Parses one stdout line; a non-JSON line is a protocol violation and throws. */
function parseLine(line: string, stdout: string, stderr: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new CliHarnessError(
      `CLI wrote a non-JSON line to stdout (Airbyte would drop or choke on it):\n  ${line.slice(0, 500)}\n--- stderr ---\n${tail(stderr)}`,
      { stdout, stderr },
    );
  }
}

function assertExists(entry: string): void {
  if (!existsSync(entry)) throw new CliHarnessError(`${entry} does not exist: run \`npm run build\` first`);
}

/** A running CLI (see spawnCli). */
export interface SpawnedCli {
  child: ChildProcessWithoutNullStreams;
  /** Messages parsed so far (grows while the child runs). */
  messages: any[];
  /** stdout / stderr text so far. */
  stdout(): string;
  stderr(): string;
  /** Writes to stdin (e.g. one JSONL line at a time). */
  write(chunk: string | Buffer): Promise<void>;
  /** Closes stdin. */
  end(): void;
  /** Resolves with the first message (already received or future) matching `predicate`; rejects on exit or timeout. */
  waitForMessage(predicate: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Sends a signal (e.g. 'SIGTERM'). */
  kill(signal?: NodeJS.Signals): boolean;
  /** Settles when the child exits: resolves with the result, rejects if a stdout line was not JSON or on timeout. */
  exited: Promise<CliResult>;
}

/**
 * Starts `node dist/main.js ...args` and returns at once, for streaming and signal tests. Messages are parsed as
 * lines arrive. If `opts.stdin` is given it is written and stdin closed; otherwise stdin stays open for `write`.
 */
export function spawnCli(args: string[], opts: CliOptions = {}): SpawnedCli {
  const entry = opts.entry ?? MAIN_JS;
  assertExists(entry);
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  let parseError: CliHarnessError | undefined;
  let timedOut = false;
  const messages: any[] = [];
  const waiters: Array<{ predicate: (m: any) => boolean; resolve: (m: any) => void }> = [];

  const onLine = (line: string) => {
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = parseLine(line, stdout, stderr);
    } catch (e) {
      parseError ??= e as CliHarnessError;
      return;
    }
    messages.push(msg);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].predicate(msg)) waiters.splice(i, 1)[0].resolve(msg);
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // The CLI may exit before reading all of stdin (e.g. config errors): that is not a harness failure.
  child.stdin.on('error', () => {});

  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs)
    : undefined;

  let exitedFlag = false;
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', (e) => reject(new CliHarnessError(`could not start the CLI: ${String(e)}`)));
    child.on('close', (code, signal) => {
      exitedFlag = true;
      if (timer) clearTimeout(timer);
      if (pending !== '') onLine(pending.replace(/\r$/, ''));
      pending = '';
      const result: CliResult = { code, signal, stdout, stderr, messages };
      for (const w of waiters.splice(0)) w.resolve(undefined);
      if (parseError) return reject(parseError);
      if (timedOut) {
        return reject(
          new CliHarnessError(
            `CLI ${args.join(' ')} timed out after ${opts.timeoutMs} ms and was killed\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`,
            result,
          ),
        );
      }
      resolve(result);
    });
  });
  // Avoid unhandled-rejection noise when a caller only uses waitForMessage; callers still see the rejection.
  exited.catch(() => {});

  if (opts.stdin !== undefined) {
    child.stdin.end(opts.stdin);
  }

  return {
    child,
    messages,
    stdout: () => stdout,
    stderr: () => stderr,
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        child.stdin.write(chunk, (e) => (e ? reject(e) : resolve()));
      }),
    end: () => child.stdin.end(),
    waitForMessage: (predicate, timeoutMs = 10_000) => {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      if (exitedFlag) return Promise.reject(new CliHarnessError('CLI already exited without such a message', { stdout, stderr, messages }));
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new CliHarnessError(`no matching message within ${timeoutMs} ms\n--- stderr ---\n${tail(stderr)}`, { stdout, stderr, messages }));
        }, timeoutMs);
        const w = {
          predicate,
          resolve: (m: any) => {
            clearTimeout(t);
            if (m === undefined) reject(new CliHarnessError(`CLI exited without a matching message\n--- stderr ---\n${tail(stderr)}`, { stdout, stderr, messages }));
            else resolve(m);
          },
        };
        waiters.push(w);
      });
    },
    kill: (signal = 'SIGTERM') => child.kill(signal),
    exited,
  };
}

/**
 * Runs `node dist/main.js ...args` to completion with `opts.stdin` (closed at once when omitted). Rejects if a
 * stdout line is not JSON or the run exceeds `timeoutMs` (default 30 s); otherwise resolves whatever the exit code.
 */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const run = spawnCli(args, { ...opts, stdin: opts.stdin ?? '', timeoutMs: opts.timeoutMs ?? 30_000 });
  return run.exited;
}

let tempDir: string | undefined;

/** Writes `obj` as JSON to a new file in a per-process temp directory and returns its path. */
export function writeTempJson(obj: unknown, name = 'file'): string {
  if (!tempDir) {
    const dir = mkdtempSync(join(tmpdir(), 'pinterest-cli-test-'));
    tempDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  const path = join(tempDir, `${safe}-${process.hrtime.bigint().toString(36)}.json`);
  writeFileSync(path, JSON.stringify(obj, null, 2));
  return path;
}

/** Messages of one Airbyte type (e.g. 'STATE', 'TRACE', 'CONNECTION_STATUS', 'CONTROL', 'LOG'). */
export function messagesOfType(messages: any[], type: string): any[] {
  return messages.filter((m) => m && m.type === type);
}
