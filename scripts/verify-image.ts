/**
 * `npm run verify:image` — checks the Dockerfile against Airbyte's connector rules and reproduces the image
 * build without a Docker engine, then runs the connector the way the Airbyte platform does.
 *
 * 1. Static rules (scripts/dockerfile-rules.ts, on the dockerfile-ast parse): AIRBYTE_ENTRYPOINT, ENTRYPOINT,
 *    base image with /bin/sh, USER airbyte, writable /airbyte, labels vs package.json / metadata.yaml.
 * 2. Build reproduction in a temp dir: each stage the final stage copies from gets its own directory standing
 *    for its file system root; the stage's COPY instructions copy exactly the files they name from the
 *    repository (honouring .dockerignore), and its RUN instructions run there with `sh -c`, in order, with the
 *    stage's WORKDIR and ENV. The final stage's COPY instructions then lay out `<tmp>/airbyte/integration_code`
 *    (`<tmp>` standing for the image root). The final stage's RUN instructions (user creation, chown) need root
 *    and are not run; the static rules cover them.
 * 3. Runtime: `sh -c "$AIRBYTE_ENTRYPOINT spec"`, `... discover --config ...` (when metadata.yaml declares
 *    supportsDataActivation) and `... write --config <tmp>/connectorConfig.json --catalog <tmp>/catalog.json`
 *    with a few records on stdin and PINTEREST_API_BASE_URL pointing at the local fake Pinterest API; then `check`
 *    with object_storage_config against s3rver on loopback (the lazily loaded AWS SDK works from the image).
 *    The one substitution: AIRBYTE_ENTRYPOINT's absolute paths are moved under `<tmp>` (rebaseCommand), e.g.
 *    `node /airbyte/integration_code/dist/main.js` → `node <tmp>/airbyte/integration_code/dist/main.js`.
 *    The environment is only the final stage's ENV plus PATH and HOME; the working directory is `<tmp>/work`,
 *    not the app directory.
 *
 * Differences from a real `docker build` (inherent to running without Docker): the node/npm on PATH run the
 * build and the connector instead of the base image's (CI puts the image's exact Node first on PATH with
 * `tsx scripts/image-node.ts exec -- npm run verify:image`; npm stays the host's); npm uses its local cache first
 * (npm_config_prefer_offline=true; the lock file still pins every version and integrity hash); files keep the
 * host user as owner.
 *
 * Prints PASS/FAIL per rule; exits 1 on any failure. `--keep` keeps the temp dir for inspection.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import {
  checkDockerfile,
  globToRegex,
  imageNodeVersion,
  isIgnored,
  parseDockerignore,
  planBuild,
  rebaseCommand,
  type BuildPlan,
  type CopyStep,
  type Finding,
  type IgnoreRule,
  type RunStep,
  type StagePlan,
} from './dockerfile-rules.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BUILD_STEP_TIMEOUT_MS = 180_000;
const CONNECTOR_TIMEOUT_MS = 60_000;

/** One line of the final report. */
interface Check {
  rule: string;
  ok: boolean;
  message: string;
}

const checks: Check[] = [];

function record(rule: string, ok: boolean, message: string): boolean {
  checks.push({ rule, ok, message });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${rule}: ${message}`);
  return ok;
}

function section(title: string): void {
  console.log(`\n== ${title}`);
}

/** Result of a child process. */
interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs a command, feeding `input` on stdin, collecting output; never rejects. */
function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs: number },
): Promise<ProcessResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined); // the child may exit before reading all input
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(error), ms: Date.now() - started, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** The first and last lines of a process's output (npm puts the cause first, then a long usage text). */
function excerpt(text: string, head = 8, last = 12): string {
  const lines = text.trimEnd().split('\n');
  const shown = lines.length <= head + last ? lines : [...lines.slice(0, head), `… (${lines.length - head - last} lines)`, ...lines.slice(-last)];
  return shown.map((l) => `      | ${l}`).join('\n');
}

function describeExit(result: ProcessResult): string {
  if (result.timedOut) return 'timed out';
  return result.signal ? `killed by ${result.signal}` : `exit ${result.code}`;
}

// ---------------------------------------------------------------------------------------------------------
// Build reproduction

/** Expands a COPY source (glob characters allowed in any segment) under `base`; relative results. */
function expandSource(base: string, source: string): string[] {
  const segments = source.replace(/^\/+/, '').split('/').filter((s) => s !== '' && s !== '.');
  let current = [''];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of current) {
      if (/[*?[]/.test(segment)) {
        const regex = new RegExp(`^${globToRegex(segment)}$`);
        const full = join(base, dir);
        if (!existsSync(full) || !statSync(full).isDirectory()) continue;
        for (const entry of readdirSync(full).sort()) if (regex.test(entry)) next.push(dir ? `${dir}/${entry}` : entry);
      } else {
        next.push(dir ? `${dir}/${segment}` : segment);
      }
    }
    current = next;
  }
  return current.filter((p) => existsSync(join(base, p)));
}

/**
 * Performs one COPY into the stage rooted at `stageRoot`, with Docker's semantics: a directory source copies
 * its contents; a file goes to `dest` or, when `dest` is a directory, into it. Returns the copied paths.
 */
function performCopy(step: CopyStep, stageRoot: string, sourceRoot: string, ignore: IgnoreRule[] | null): string[] {
  const copied: string[] = [];
  const destPath = join(stageRoot, step.dest);
  for (const source of step.sources) {
    const matches = expandSource(sourceRoot, source).filter((p) => !(ignore && isIgnored(ignore, p)));
    if (matches.length === 0) {
      throw new Error(
        `line ${step.line}: COPY source "${source}" not found in ${ignore ? 'the build context (repository, after .dockerignore)' : `stage ${step.fromStage}`}`,
      );
    }
    for (const match of matches) {
      const from = join(sourceRoot, match);
      const filter = ignore
        ? (src: string): boolean => {
            const rel = relative(sourceRoot, src).split('\\').join('/');
            return !isIgnored(ignore, rel);
          }
        : undefined;
      if (statSync(from).isDirectory()) {
        mkdirSync(destPath, { recursive: true });
        cpSync(from, destPath, { recursive: true, verbatimSymlinks: true, filter });
      } else {
        const target = step.destIsDir ? join(destPath, basename(match)) : destPath;
        mkdirSync(dirname(target), { recursive: true });
        cpSync(from, target, { verbatimSymlinks: true });
      }
      copied.push(match);
    }
  }
  return copied;
}

/** Environment for build RUN steps: the host's, minus npm's script variables, plus the stage ENV. */
function buildEnv(step: RunStep): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') || key === 'INIT_CWD' || key === 'NODE_ENV' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  env.npm_config_prefer_offline = 'true';
  env.npm_config_update_notifier = 'false';
  return { ...env, ...step.env };
}

function stageDirName(stage: StagePlan): string {
  return `${stage.index}-${stage.name ?? 'unnamed'}`;
}

async function reproduceBuild(plan: BuildPlan, tmp: string): Promise<boolean> {
  const ignoreFile = join(REPO, '.dockerignore');
  const ignore = existsSync(ignoreFile) ? parseDockerignore(readFileSync(ignoreFile, 'utf8')) : [];
  const stageRoots = new Map<number, string>();
  const findStage = (ref: string): StagePlan | undefined => plan.stages.find((s) => s.name === ref || String(s.index) === ref);

  for (const index of plan.requiredStages) {
    const stage = plan.stages[index];
    const root = join(tmp, 'stages', stageDirName(stage));
    mkdirSync(root, { recursive: true });
    stageRoots.set(index, root);
    if (stage.parentStage !== null) {
      cpSync(stageRoots.get(stage.parentStage)!, root, { recursive: true, verbatimSymlinks: true });
    }
    console.log(`   stage ${stage.name ?? index} (FROM ${stage.image}) → ${root}`);
    for (const step of stage.steps) {
      if (step.kind === 'copy') {
        try {
          const source = step.fromStage === null ? REPO : stageRoots.get(findStage(step.fromStage)?.index ?? -1);
          if (!source) throw new Error(`line ${step.line}: COPY --from=${step.fromStage} names a stage not built yet`);
          const copied = performCopy(step, root, source, step.fromStage === null ? ignore : null);
          console.log(`   line ${step.line}: COPY ${copied.join(' ')} → ${step.dest}`);
        } catch (error) {
          return record('build-reproduced', false, (error as Error).message);
        }
      } else {
        const cwd = join(root, step.workdir);
        mkdirSync(cwd, { recursive: true });
        const [command, args] = step.argv ? [step.argv[0], step.argv.slice(1)] : ['sh', ['-c', step.shell ?? '']];
        const label = step.argv ? JSON.stringify(step.argv) : step.shell!.replace(/\s+/g, ' ');
        const result = await runProcess(command, args, { cwd, env: buildEnv(step), timeoutMs: BUILD_STEP_TIMEOUT_MS });
        console.log(`   line ${step.line}: RUN ${label}  (${describeExit(result)}, ${(result.ms / 1000).toFixed(1)} s)`);
        if (result.code !== 0) {
          console.log(excerpt(result.stderr + result.stdout));
          return record('build-reproduced', false, `line ${step.line}: RUN ${label} failed (${describeExit(result)})`);
        }
      }
    }
  }

  // Final stage: lay out its COPYs under <tmp> (the image root); its RUNs need root and are skipped.
  const final = plan.stages[plan.finalStage];
  if (final.parentStage !== null) {
    console.log(`   final stage is FROM ${final.image}: its files are not laid out (only its own COPYs are)`);
  }
  for (const step of final.steps) {
    if (step.kind === 'run') {
      console.log(`   line ${step.line}: RUN (final stage, needs root: not run; covered by the static rules)`);
      continue;
    }
    try {
      const source = step.fromStage === null ? REPO : stageRoots.get(findStage(step.fromStage)?.index ?? -1);
      if (!source) throw new Error(`line ${step.line}: COPY --from=${step.fromStage} names a stage that was not built`);
      const copied = performCopy(step, tmp, source, step.fromStage === null ? ignore : null);
      const shown = step.fromStage ? copied.map((p) => `/${p}`) : copied;
      console.log(`   line ${step.line}: COPY ${step.fromStage ? `--from=${step.fromStage} ` : ''}${shown.join(' ')} → ${step.dest}`);
    } catch (error) {
      return record('build-reproduced', false, (error as Error).message);
    }
  }
  mkdirSync(join(tmp, final.workdir), { recursive: true });
  return record('build-reproduced', true, `stages ${plan.requiredStages.map((i) => plan.stages[i].name ?? i).join(', ')} built; final layout under ${tmp}`);
}

// ---------------------------------------------------------------------------------------------------------
// Runtime checks

interface Pkg {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function checkRuntimeLayout(tmp: string, plan: BuildPlan, entrypoint: string, pkg: Pkg): boolean {
  const words = rebaseCommand(entrypoint, tmp).split(' ');
  const scripts = words.slice(1).filter((w) => w.startsWith(tmp));
  const missing = scripts.filter((p) => !existsSync(p));
  let ok = record(
    'runtime-entrypoint-file',
    scripts.length > 0 && missing.length === 0,
    missing.length === 0 ? `${scripts.map((p) => relative(tmp, p)).join(', ')} present in the image layout` : `missing in the image layout: ${missing.join(', ')}`,
  );
  const appDir = join(tmp, plan.stages[plan.finalStage].workdir);
  const modules = join(appDir, 'node_modules');
  const missingDeps = Object.keys(pkg.dependencies ?? {}).filter((d) => !existsSync(join(modules, d, 'package.json')));
  const devDeps = Object.keys(pkg.devDependencies ?? {}).filter((d) => existsSync(join(modules, d)));
  ok =
    record(
      'runtime-production-node-modules',
      missingDeps.length === 0 && devDeps.length === 0,
      missingDeps.length > 0
        ? `dependencies missing from node_modules: ${missingDeps.join(', ')}`
        : devDeps.length > 0
          ? `devDependencies shipped in the image: ${devDeps.join(', ')}`
          : `all ${Object.keys(pkg.dependencies ?? {}).length} dependencies present, no devDependencies`,
    ) && ok;
  const specOk = existsSync(join(appDir, 'spec.json'));
  ok = record('runtime-spec-json', specOk, specOk ? 'spec.json next to dist/ (app root)' : `no spec.json in ${appDir}`) && ok;
  return checkPatchesApplied(appDir) && ok;
}

/**
 * patches/*.patch (patch-package, applied by the postinstall script during the build's `npm ci`) reached the
 * image: every line a patch adds is in the image's copy of the file it patches.
 */
function checkPatchesApplied(appDir: string): boolean {
  const dir = join(REPO, 'patches');
  const patches = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.patch')) : [];
  const unapplied: string[] = [];
  let files = 0;
  for (const patch of patches) {
    for (const [path, added] of patchAdditions(readFileSync(join(dir, patch), 'utf8'))) {
      files++;
      const target = join(appDir, path);
      const text = existsSync(target) ? readFileSync(target, 'utf8') : null;
      if (text === null || added.some((line) => !text.includes(line))) unapplied.push(path);
    }
  }
  return record(
    'runtime-patches-applied',
    unapplied.length === 0,
    unapplied.length === 0
      ? `${patches.length} patch(es) from patches/ applied to ${files} file(s) in the image's node_modules`
      : `not patched in the image: ${unapplied.join(', ')} (did the build's npm ci run the postinstall script, with patches/ copied?)`,
  );
}

/** The non-blank lines a unified diff adds, per target path (`+++ b/<path>`). */
function patchAdditions(diff: string): Map<string, string[]> {
  const added = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      current = [];
      added.set(line.slice(4).replace(/^b\//, ''), current);
    } else if (line.startsWith('--- ') || line.startsWith('diff ')) {
      continue;
    } else if (current !== null && line.startsWith('+') && line.slice(1).trim() !== '') {
      current.push(line.slice(1));
    }
  }
  return added;
}

/** The platform's environment for the connector: the final stage's ENV (with the rebased entrypoint), PATH, HOME. */
function connectorEnv(plan: BuildPlan, tmp: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const finalEnv = plan.stages[plan.finalStage].env;
  const home = join(tmp, 'home', 'airbyte');
  mkdirSync(home, { recursive: true });
  return {
    ...finalEnv,
    AIRBYTE_ENTRYPOINT: rebaseCommand(finalEnv.AIRBYTE_ENTRYPOINT ?? '', tmp),
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    ...extra,
  };
}

function parseMessages(stdout: string): { messages: Array<Record<string, unknown>>; invalid: string[] } {
  const messages: Array<Record<string, unknown>> = [];
  const invalid: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) messages.push(parsed as Record<string, unknown>);
      else invalid.push(line);
    } catch {
      invalid.push(line);
    }
  }
  return { messages, invalid };
}

function stdoutProblems(result: ProcessResult, invalid: string[]): string {
  const notes: string[] = [];
  if (invalid.length > 0) notes.push(`${invalid.length} non-JSON stdout line(s), first: ${invalid[0].slice(0, 120)}`);
  if (result.stderr.trim() !== '') notes.push(`stderr (logged as ERROR by the platform): ${result.stderr.trim().split('\n')[0].slice(0, 160)}`);
  return notes.length ? ` [note: ${notes.join('; ')}]` : '';
}

async function checkSpec(plan: BuildPlan, tmp: string, cwd: string): Promise<boolean> {
  const env = connectorEnv(plan, tmp);
  const result = await runProcess('sh', ['-c', '$AIRBYTE_ENTRYPOINT spec'], { cwd, env, timeoutMs: CONNECTOR_TIMEOUT_MS });
  const { messages, invalid } = parseMessages(result.stdout);
  const lines = result.stdout.trimEnd().split('\n');
  let last: Record<string, unknown> | null = null;
  try {
    last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  } catch {
    last = null;
  }
  const spec = last?.type === 'SPEC' ? (last.spec as Record<string, unknown> | undefined) : undefined;
  const ok = result.code === 0 && !!spec && typeof spec.connectionSpecification === 'object';
  if (!ok) console.log(excerpt(result.stdout + result.stderr));
  return record(
    'runtime-spec',
    ok,
    ok
      ? `sh -c "$AIRBYTE_ENTRYPOINT spec" → last line SPEC (${messages.length} message(s), ${describeExit(result)}, ${result.ms} ms)${stdoutProblems(result, invalid)}`
      : `sh -c "$AIRBYTE_ENTRYPOINT spec": ${describeExit(result)}, last stdout line is ${last ? `a ${String(last.type)} message` : 'not JSON'}`,
  );
}

async function checkDiscover(plan: BuildPlan, tmp: string, cwd: string, configPath: string, apiUrl: string): Promise<boolean> {
  const env = connectorEnv(plan, tmp, { PINTEREST_API_BASE_URL: apiUrl });
  const result = await runProcess('sh', ['-c', `$AIRBYTE_ENTRYPOINT discover --config ${configPath}`], { cwd, env, timeoutMs: CONNECTOR_TIMEOUT_MS });
  const { messages, invalid } = parseMessages(result.stdout);
  const catalog = messages.find((m) => m.type === 'DESTINATION_CATALOG')?.destination_catalog as { operations?: unknown[] } | undefined;
  const ok = result.code === 0 && Array.isArray(catalog?.operations) && catalog.operations.length > 0;
  if (!ok) console.log(excerpt(result.stdout + result.stderr));
  return record(
    'runtime-discover',
    ok,
    ok
      ? `metadata.yaml supportsDataActivation: DESTINATION_CATALOG with ${catalog!.operations!.length} operation(s) (${describeExit(result)})${stdoutProblems(result, invalid)}`
      : `discover: ${describeExit(result)}, no DESTINATION_CATALOG with operations`,
  );
}

/** A few platform-shaped messages: records, an injected STREAM_STATUS trace, and one STATE with id/sourceStats. */
function writeInput(): { lines: string[]; state: Record<string, unknown>; records: number; stream: string } {
  const now = Math.floor(Date.now() / 1000);
  const stream = 'signups';
  const people = [
    ['ada.verify@example.com', '203.0.113.10'],
    ['bo.verify@example.org', '198.51.100.7'],
    ['cy.verify@example.com', '2001:db8::1'],
  ];
  const lines = people.map(([email, ip], i) =>
    JSON.stringify({
      type: 'RECORD',
      record: {
        stream,
        data: {
          email,
          ip,
          user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
          created_at: now - 120 + i,
          event: 'signup',
        },
        emitted_at: (now + i) * 1000,
      },
    }),
  );
  const state = {
    type: 'STREAM',
    stream: { stream_descriptor: { name: stream }, stream_state: { cursor: now - 118 } },
    sourceStats: { recordCount: people.length },
    id: 4242,
  };
  lines.push(JSON.stringify({ type: 'STATE', state }));
  lines.push(
    JSON.stringify({
      type: 'TRACE',
      trace: { type: 'STREAM_STATUS', emitted_at: (now + 5) * 1000, stream_status: { stream_descriptor: { name: stream }, status: 'COMPLETE' } },
    }),
  );
  return { lines, state, records: people.length, stream };
}

function catalogFor(stream: string): unknown {
  return {
    streams: [
      {
        stream: {
          name: stream,
          json_schema: {
            type: 'object',
            properties: {
              email: { type: 'string' },
              ip: { type: 'string' },
              user_agent: { type: 'string' },
              created_at: { type: 'integer' },
              event: { type: 'string' },
            },
          },
          supported_sync_modes: ['full_refresh', 'incremental'],
        },
        sync_mode: 'incremental',
        destination_sync_mode: 'append',
        generation_id: 1,
        minimum_generation_id: 0,
        sync_id: 1,
      },
    ],
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

async function checkWrite(
  plan: BuildPlan,
  tmp: string,
  cwd: string,
  configPath: string,
  fake: { url: string; accepted: unknown[] },
): Promise<boolean> {
  const input = writeInput();
  const catalogPath = join(tmp, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(catalogFor(input.stream)));
  const env = connectorEnv(plan, tmp, { PINTEREST_API_BASE_URL: fake.url });
  const command = `$AIRBYTE_ENTRYPOINT write --config ${configPath} --catalog ${catalogPath}`;
  const result = await runProcess('sh', ['-c', command], { cwd, env, input: input.lines.join('\n') + '\n', timeoutMs: CONNECTOR_TIMEOUT_MS });
  const { messages, invalid } = parseMessages(result.stdout);
  const states = messages.filter((m) => m.type === 'STATE').map((m) => m.state as Record<string, unknown>);
  let ok = record(
    'runtime-write-exit',
    result.code === 0,
    `sh -c "$AIRBYTE_ENTRYPOINT write --config <tmp>/connectorConfig.json --catalog <tmp>/catalog.json" → ${describeExit(result)} in ${result.ms} ms${stdoutProblems(result, invalid)}`,
  );
  if (result.code !== 0) console.log(excerpt(result.stdout + result.stderr));

  const echoed = states.length === 1 ? states[0] : undefined;
  const { destinationStats, ...rest } = (echoed ?? {}) as { destinationStats?: { recordCount?: number; rejectedRecordCount?: number } };
  const unchanged = echoed !== undefined && sameJson(rest, input.state);
  const counted = destinationStats !== undefined && (destinationStats.recordCount ?? 0) + (destinationStats.rejectedRecordCount ?? 0) === input.records;
  ok =
    record(
      'runtime-write-state-echo',
      unchanged && counted,
      states.length !== 1
        ? `expected the one input STATE echoed once, got ${states.length} STATE message(s)`
        : !unchanged
          ? `echoed STATE differs from the input (besides destinationStats): ${JSON.stringify(echoed)}`
          : !counted
            ? `destinationStats ${JSON.stringify(destinationStats)} do not add up to ${input.records} records`
            : `input STATE echoed unchanged (id ${String(input.state.id)}, sourceStats kept) with destinationStats ${JSON.stringify(destinationStats)}`,
    ) && ok;
  ok =
    record(
      'runtime-write-delivered',
      fake.accepted.length === input.records && destinationStats?.recordCount === input.records,
      `fake Pinterest accepted ${fake.accepted.length} of ${input.records} event(s); destinationStats.recordCount=${String(destinationStats?.recordCount)}`,
    ) && ok;
  return ok;
}

/**
 * `check` with object_storage_config against s3rver (a dev dependency, on loopback): the AWS SDK, loaded lazily,
 * must be in the image's production node_modules and work from there.
 */
async function checkObjectStorage(plan: BuildPlan, tmp: string, cwd: string, fakeUrl: string): Promise<boolean> {
  const { startS3Server, S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY } = await import('../integration_tests/helpers/s3-server.js');
  const s3 = await startS3Server(['verify-image']);
  try {
    const config = {
      ...(JSON.parse(readFileSync(join(REPO, 'integration_tests', 'sample_config.json'), 'utf8')) as Record<string, unknown>),
      object_storage_config: {
        storage_type: 'S3',
        s3_bucket_name: 'verify-image',
        s3_bucket_region: 'us-east-1',
        bucket_path: 'rejected',
        s3_endpoint: s3.endpoint,
        access_key_id: S3RVER_ACCESS_KEY_ID,
        secret_access_key: S3RVER_SECRET_ACCESS_KEY,
      },
    };
    const configPath = join(tmp, 'storageConfig.json');
    writeFileSync(configPath, JSON.stringify(config));
    const env = connectorEnv(plan, tmp, { PINTEREST_API_BASE_URL: fakeUrl });
    const result = await runProcess('sh', ['-c', `$AIRBYTE_ENTRYPOINT check --config ${configPath}`], { cwd, env, timeoutMs: CONNECTOR_TIMEOUT_MS });
    const { messages } = parseMessages(result.stdout);
    const status = messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as { status?: string; message?: string } | undefined;
    const wrote = s3.events.some((e) => e.startsWith('ObjectCreated:Put verify-image/rejected/'));
    return record(
      'runtime-object-storage',
      result.code === 0 && status?.status === 'SUCCEEDED' && wrote,
      `check with object_storage_config (s3rver at ${s3.endpoint}) → ${status?.status ?? 'no CONNECTION_STATUS'}${status?.message ? `: ${status.message}` : ''}; probe object ${wrote ? 'written' : 'not written'}`,
    );
  } finally {
    await s3.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const started = Date.now();
  const dockerfileText = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Pkg;
  const metadataPath = join(REPO, 'metadata.yaml');
  const metadata = existsSync(metadataPath)
    ? ((parseYaml(readFileSync(metadataPath, 'utf8')) as { data?: Record<string, unknown> } | null)?.data ?? {})
    : {};

  section('Dockerfile rules (dockerfile-ast)');
  const expectedImageName = typeof metadata.dockerRepository === 'string' ? metadata.dockerRepository : undefined;
  const findings: Finding[] = checkDockerfile(dockerfileText, { packageVersion: pkg.version, expectedImageName });
  for (const f of findings) record(f.rule, f.ok, `${f.message}${f.line ? ` (line ${f.line})` : ''}`);
  if (expectedImageName === undefined) record('metadata-docker-repository', false, 'metadata.yaml has no data.dockerRepository to compare io.airbyte.name with');
  if (findings.some((f) => f.rule === 'dockerfile-parses' && !f.ok)) return summarize(started);

  section('Build reproduction (no Docker engine)');
  const plan = planBuild(dockerfileText);
  if (!record('build-plan', plan.unsupported.length === 0, plan.unsupported.length === 0 ? 'every build instruction can be reproduced' : plan.unsupported.join('; '))) {
    return summarize(started);
  }
  const entrypoint = plan.stages[plan.finalStage].env.AIRBYTE_ENTRYPOINT;
  if (!entrypoint) return summarize(started);
  const versions = await runProcess('sh', ['-c', 'echo "node $(node --version), npm $(npm --version)"'], { cwd: REPO, env: process.env, timeoutMs: 30_000 });
  const imageNode = `v${imageNodeVersion(dockerfileText)}`;
  const sameNode = process.version === imageNode;
  console.log(
    `   host tools: ${versions.stdout.trim()} (the image uses ${plan.stages[plan.finalStage].image}'s node/npm` +
      `${sameNode ? ': same Node' : `; to run with its Node ${imageNode}: npx tsx scripts/image-node.ts exec -- npm run verify:image`})`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'verify-image-'));
  console.log(`   temp dir ${tmp}${keep ? ' (kept)' : ''}`);
  let fake: { url: string; accepted: unknown[]; close(): Promise<void> } | undefined;
  try {
    if (!(await reproduceBuild(plan, tmp))) return summarize(started);

    section('Runtime (as the Airbyte platform runs it)');
    console.log(`   substitution: AIRBYTE_ENTRYPOINT="${entrypoint}" → "${rebaseCommand(entrypoint, tmp)}"`);
    checkRuntimeLayout(tmp, plan, entrypoint, pkg);
    if (checks.some((c) => c.rule === 'runtime-entrypoint-file' && !c.ok)) return summarize(started);
    const cwd = join(tmp, 'work');
    mkdirSync(cwd, { recursive: true });
    await checkSpec(plan, tmp, cwd);

    const sampleConfig = join(REPO, 'integration_tests', 'sample_config.json');
    const fakeServer = join(REPO, 'integration_tests', 'fake-pinterest', 'server.ts');
    if (!existsSync(sampleConfig) || !existsSync(fakeServer)) {
      record('runtime-write-exit', false, `cannot run write: ${!existsSync(sampleConfig) ? 'integration_tests/sample_config.json' : 'integration_tests/fake-pinterest/server.ts'} is missing`);
      return summarize(started);
    }
    const configPath = join(tmp, 'connectorConfig.json');
    writeFileSync(configPath, readFileSync(sampleConfig));
    const { startFakePinterest } = (await import('../integration_tests/fake-pinterest/server.js')) as {
      startFakePinterest: () => Promise<{ url: string; accepted: unknown[]; close(): Promise<void> }>;
    };
    fake = await startFakePinterest();
    console.log(`   fake Pinterest API at ${fake.url}`);
    if (metadata.supportsDataActivation === true) await checkDiscover(plan, tmp, cwd, configPath, fake.url);
    await checkWrite(plan, tmp, cwd, configPath, fake);
    await checkObjectStorage(plan, tmp, cwd, fake.url);
  } finally {
    await fake?.close();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  }
  return summarize(started);
}

function summarize(started: number): number {
  const failed = checks.filter((c) => !c.ok);
  section('Summary');
  console.log(`${checks.length - failed.length} passed, ${failed.length} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const f of failed) console.log(`FAIL  ${f.rule}: ${f.message}`);
  console.log(failed.length === 0 ? 'verify:image PASS' : 'verify:image FAIL');
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('verify:image crashed:', error);
    process.exitCode = 1;
  },
);
