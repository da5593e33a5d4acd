/**
 * Airbyte packaging rules for the connector's Dockerfile, checked on the parsed Dockerfile (dockerfile-ast).
 *
 * Pure: Dockerfile text (and the expected version/name) in, findings or a build plan out. No file system,
 * no processes. `scripts/verify-image.ts` prints the findings and uses the build plan to reproduce the image
 * build without Docker; `test/packaging/*.test.ts` exercise both on sample texts.
 *
 * Why these rules (see Airbyte's connector contract):
 * - the platform ignores ENTRYPOINT and runs `sh -c "$AIRBYTE_ENTRYPOINT spec|check|discover|write ..."`,
 *   so AIRBYTE_ENTRYPOINT must be set in the final image, must not depend on the working directory, and the
 *   image must have `/bin/sh`;
 * - connectors run as user `airbyte` and need a writable `/airbyte`;
 * - the image is identified by the `io.airbyte.name` / `io.airbyte.version` labels.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { Copy, Dockerfile, From, Instruction, Property } from 'dockerfile-ast';

/** Identifier of one packaging rule. */
export type RuleId =
  | 'dockerfile-parses'
  | 'base-images-pinned'
  | 'node-version-exact'
  | 'final-base-has-sh'
  | 'airbyte-entrypoint-set'
  | 'airbyte-entrypoint-absolute'
  | 'entrypoint-matches-airbyte-entrypoint'
  | 'user-airbyte-created'
  | 'user-airbyte'
  | 'airbyte-dir-writable'
  | 'workdir-integration-code'
  | 'label-name'
  | 'label-version';

/** Outcome of one rule. `line` is 1-based, when the finding points at an instruction. */
export interface Finding {
  rule: RuleId;
  ok: boolean;
  message: string;
  line?: number;
}

/** One `FROM` block of a Dockerfile. */
export interface Stage {
  /** 0-based position among the stages. */
  index: number;
  /** `AS <name>`, lowercased as Docker does, or null. */
  name: string | null;
  /** Image reference after substituting ARGs declared before the first FROM. */
  image: string;
  /** Index of the earlier stage this one is built `FROM`, or null for an external image. */
  parentStage: number | null;
  from: From;
  /** Instructions after the FROM, up to the next FROM. */
  instructions: Instruction[];
}

/** Options for {@link checkDockerfile}. */
export interface RuleOptions {
  /** `version` from package.json; the io.airbyte.version label must equal it. */
  packageVersion: string;
  /** If given, the io.airbyte.name label must equal it (e.g. metadata.yaml's dockerRepository). */
  expectedImageName?: string;
}

/** The Airbyte-relevant settings of the final stage (including what it inherits from parent stages). */
export interface RuntimeConfig {
  airbyteEntrypoint: { value: string; line: number } | null;
  /** ENTRYPOINT: exec form → the argv; shell form → null argv with `shellForm` set. */
  entrypoint: { argv: string[] | null; shellForm: string | null; line: number } | null;
  user: { value: string; line: number } | null;
  workdir: string;
  labels: Record<string, { value: string; line: number }>;
  /** The external image at the root of the final stage's FROM chain. */
  baseImage: string;
}

/** What to copy into a stage: from the build context (`fromStage` null) or from an earlier stage. */
export interface CopyStep {
  kind: 'copy';
  line: number;
  fromStage: string | null;
  /** Source paths as written (context-relative, or absolute paths inside `fromStage`). */
  sources: string[];
  /** Destination, already resolved to an absolute path inside the stage. */
  dest: string;
  /** True when the destination names a directory (ends with `/`, or several sources). */
  destIsDir: boolean;
}

/** A shell command run in a stage, with the stage's working directory and ENV at that point. */
export interface RunStep {
  kind: 'run';
  line: number;
  /** Shell-form command text (`sh -c`), or exec-form argv. */
  shell: string | null;
  argv: string[] | null;
  workdir: string;
  env: Record<string, string>;
}

/** Ordered, reproducible steps of one stage. */
export interface StagePlan {
  index: number;
  name: string | null;
  image: string;
  parentStage: number | null;
  steps: Array<CopyStep | RunStep>;
  workdir: string;
  env: Record<string, string>;
}

/** Everything needed to reproduce the build without Docker. */
export interface BuildPlan {
  stages: StagePlan[];
  /** Index of the final (runtime) stage. */
  finalStage: number;
  /** Stages whose files the final stage needs, in build order (parents before children). */
  requiredStages: number[];
  /** Instructions the reproduction cannot honour (ADD, heredocs, RUN --mount, ...). Empty when all is supported. */
  unsupported: string[];
}

const SEPARATORS = new Set(['&&', '||', ';', '|', '&']);

/** Base images known to ship /bin/sh: Debian, Ubuntu and Alpine and the official images built on them. */
const SHELL_IMAGE_NAMES = new Set([
  'node',
  'debian',
  'ubuntu',
  'alpine',
  'busybox',
  'python',
  'eclipse-temurin',
  'amazoncorretto',
  'airbyte/python-connector-base',
  'airbyte/java-connector-base',
]);
const DEBIAN_ALPINE_TAG_HINTS = ['bookworm', 'bullseye', 'buster', 'trixie', 'alpine', 'jammy', 'noble', 'focal', 'slim'];

/** Parses Dockerfile text into its stages. Throws if there is no FROM instruction. */
export function parseStages(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const args = initialArgs(dockerfile);
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as From;
      const image = substituteArgs(from.getImage() ?? '', args);
      const lowered = image.toLowerCase();
      const parent = stages.find((s) => s.name !== null && s.name === lowered);
      stages.push({
        index: stages.length,
        name: from.getBuildStage()?.toLowerCase() ?? null,
        image,
        parentStage: parent ? parent.index : null,
        from,
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error('Dockerfile has no FROM instruction');
  return stages;
}

/** Splits a simple command string into words the way `sh` word-splits an unquoted `$VAR` (on blanks). */
export function splitCommand(command: string): string[] {
  return command.split(/[ \t\n]+/).filter((w) => w.length > 0);
}

/**
 * Reads the Airbyte-relevant settings of the final stage, following `FROM <earlier stage>` so that
 * ENV, LABEL, USER, WORKDIR and ENTRYPOINT inherited from a parent stage count.
 */
export function runtimeConfig(text: string): RuntimeConfig {
  const stages = parseStages(text);
  const chain = stageChain(stages, stages.length - 1);
  const config: RuntimeConfig = {
    airbyteEntrypoint: null,
    entrypoint: null,
    user: null,
    workdir: '/',
    labels: {},
    baseImage: stages[chain[0]].image,
  };
  for (const index of chain) {
    for (const instruction of stages[index].instructions) {
      const line = lineOf(instruction);
      switch (instruction.getKeyword()) {
        case 'ENV':
          for (const p of properties(instruction)) {
            if (p.getName() === 'AIRBYTE_ENTRYPOINT') config.airbyteEntrypoint = { value: p.getValue() ?? '', line };
          }
          break;
        case 'LABEL':
          for (const p of properties(instruction)) config.labels[p.getName()] = { value: p.getValue() ?? '', line };
          break;
        case 'USER':
          config.user = { value: (instruction.getArgumentsContent() ?? '').trim(), line };
          break;
        case 'WORKDIR':
          config.workdir = resolvePath(config.workdir, (instruction.getArgumentsContent() ?? '').trim());
          break;
        case 'ENTRYPOINT': {
          const argv = execForm(instruction);
          config.entrypoint = argv
            ? { argv, shellForm: null, line }
            : { argv: null, shellForm: instruction.getArgumentsContent() ?? '', line };
          break;
        }
      }
    }
  }
  return config;
}

/** Checks every Airbyte packaging rule against the Dockerfile text; one finding per rule. */
export function checkDockerfile(text: string, options: RuleOptions): Finding[] {
  let stages: Stage[];
  let config: RuntimeConfig;
  try {
    stages = parseStages(text);
    config = runtimeConfig(text);
  } catch (error) {
    return [{ rule: 'dockerfile-parses', ok: false, message: (error as Error).message }];
  }
  const findings: Finding[] = [
    { rule: 'dockerfile-parses', ok: true, message: `${stages.length} stage(s), final base ${config.baseImage}` },
  ];
  const finalChain = stageChain(stages, stages.length - 1);
  const finalInstructions = finalChain.flatMap((i) => stages[i].instructions);

  findings.push(checkPinned(stages));
  findings.push(checkNodeVersionExact(stages));
  findings.push(checkShellBase(config.baseImage, lineOf(stages[finalChain[0]].from)));

  // AIRBYTE_ENTRYPOINT
  const ae = config.airbyteEntrypoint;
  if (!ae || ae.value.trim() === '') {
    findings.push({ rule: 'airbyte-entrypoint-set', ok: false, message: 'final stage has no non-empty ENV AIRBYTE_ENTRYPOINT' });
    findings.push({ rule: 'airbyte-entrypoint-absolute', ok: false, message: 'AIRBYTE_ENTRYPOINT is not set' });
  } else {
    findings.push({ rule: 'airbyte-entrypoint-set', ok: true, message: `AIRBYTE_ENTRYPOINT="${ae.value}"`, line: ae.line });
    findings.push({ ...checkAbsoluteCommand(ae.value), line: ae.line });
  }
  findings.push(checkEntrypointMatches(config));

  // USER airbyte, created in the image, with /airbyte writable.
  findings.push(checkUserCreated(finalInstructions, config.user?.line));
  findings.push(
    config.user && userName(config.user.value) === 'airbyte'
      ? { rule: 'user-airbyte', ok: true, message: `USER ${config.user.value}`, line: config.user.line }
      : {
          rule: 'user-airbyte',
          ok: false,
          message: config.user ? `final USER is "${config.user.value}", expected airbyte` : 'final stage has no USER airbyte',
          line: config.user?.line,
        },
  );
  findings.push(checkAirbyteWritable(finalInstructions, config.user?.line));
  findings.push(
    config.workdir === '/airbyte/integration_code'
      ? { rule: 'workdir-integration-code', ok: true, message: 'WORKDIR /airbyte/integration_code' }
      : { rule: 'workdir-integration-code', ok: false, message: `final WORKDIR is ${config.workdir}, expected /airbyte/integration_code` },
  );

  // Labels
  const name = config.labels['io.airbyte.name'];
  if (!name || name.value === '') {
    findings.push({ rule: 'label-name', ok: false, message: 'LABEL io.airbyte.name is missing' });
  } else if (options.expectedImageName !== undefined && name.value !== options.expectedImageName) {
    findings.push({
      rule: 'label-name',
      ok: false,
      message: `io.airbyte.name=${name.value} differs from ${options.expectedImageName}`,
      line: name.line,
    });
  } else {
    findings.push({ rule: 'label-name', ok: true, message: `io.airbyte.name=${name.value}`, line: name.line });
  }
  const version = config.labels['io.airbyte.version'];
  if (!version || version.value === '') {
    findings.push({ rule: 'label-version', ok: false, message: 'LABEL io.airbyte.version is missing' });
  } else if (version.value !== options.packageVersion) {
    findings.push({
      rule: 'label-version',
      ok: false,
      message: `io.airbyte.version=${version.value} differs from package.json version ${options.packageVersion}`,
      line: version.line,
    });
  } else {
    findings.push({ rule: 'label-version', ok: true, message: `io.airbyte.version=${version.value} = package.json`, line: version.line });
  }
  return findings;
}

/**
 * Turns the Dockerfile into ordered COPY/RUN steps per stage, for reproducing the build outside Docker.
 * Paths are resolved against each stage's WORKDIR; ENV set before a RUN is recorded with it.
 */
export function planBuild(text: string): BuildPlan {
  const stages = parseStages(text);
  const unsupported: string[] = [];
  const plans: StagePlan[] = [];
  for (const stage of stages) {
    const parent = stage.parentStage === null ? null : plans[stage.parentStage];
    const plan: StagePlan = {
      index: stage.index,
      name: stage.name,
      image: stage.image,
      parentStage: stage.parentStage,
      steps: [],
      workdir: parent ? parent.workdir : '/',
      env: parent ? { ...parent.env } : {},
    };
    for (const instruction of stage.instructions) {
      const line = lineOf(instruction);
      const keyword = instruction.getKeyword();
      switch (keyword) {
        case 'WORKDIR':
          plan.workdir = resolvePath(plan.workdir, (instruction.getArgumentsContent() ?? '').trim());
          break;
        case 'ENV':
          for (const p of properties(instruction)) plan.env[p.getName()] = p.getValue() ?? '';
          break;
        case 'COPY': {
          const copy = instruction as Copy;
          if (copy.getHeredocs().length > 0) {
            unsupported.push(`line ${line}: COPY with a heredoc`);
            break;
          }
          const unknownFlags = copy.getFlags().filter((f) => !['from', 'chown', 'chmod', 'link'].includes(f.getName()));
          if (unknownFlags.length > 0) unsupported.push(`line ${line}: COPY --${unknownFlags[0].getName()}`);
          const words = execForm(copy) ?? copy.getArguments().map((a) => a.getValue());
          if (words.length < 2) {
            unsupported.push(`line ${line}: COPY needs a source and a destination`);
            break;
          }
          const destWord = words[words.length - 1];
          const sources = words.slice(0, -1);
          const from = copy.getFromFlag()?.getValue()?.toLowerCase() ?? null;
          if (from !== null && !stages.some((s) => s.name === from || String(s.index) === from)) {
            unsupported.push(`line ${line}: COPY --from=${from} names an external image, not a stage`);
          }
          plan.steps.push({
            kind: 'copy',
            line,
            fromStage: from,
            sources,
            dest: resolvePath(plan.workdir, destWord),
            destIsDir: destWord.endsWith('/') || sources.length > 1 || sources.some((s) => /[*?[]/.test(s)),
          });
          break;
        }
        case 'RUN': {
          const run = instruction as Instruction & { getHeredocs(): unknown[]; getFlags(): Array<{ getName(): string }> };
          if (run.getHeredocs().length > 0) unsupported.push(`line ${line}: RUN with a heredoc`);
          if (run.getFlags().length > 0) unsupported.push(`line ${line}: RUN --${run.getFlags()[0].getName()}`);
          const argv = execForm(instruction);
          plan.steps.push({
            kind: 'run',
            line,
            shell: argv ? null : (instruction.getArgumentsContent() ?? ''),
            argv,
            workdir: plan.workdir,
            env: { ...plan.env },
          });
          break;
        }
        case 'ADD':
          unsupported.push(`line ${line}: ADD (use COPY)`);
          break;
        case 'SHELL':
          unsupported.push(`line ${line}: SHELL`);
          break;
        case 'ONBUILD':
          unsupported.push(`line ${line}: ONBUILD`);
          break;
        default:
          // ARG, LABEL, USER, ENTRYPOINT, CMD, EXPOSE, ...: no effect on the files produced.
          break;
      }
    }
    plans.push(plan);
  }
  const finalStage = plans.length - 1;
  return { stages: plans, finalStage, requiredStages: requiredStages(plans, finalStage), unsupported };
}

/**
 * Rewrites the absolute paths of a command into a directory that stands for the image root, e.g.
 * `node /airbyte/integration_code/dist/main.js` → `node /tmp/x/airbyte/integration_code/dist/main.js`.
 * The program name (first word) is kept: a bare name is looked up on PATH, as in the image.
 */
export function rebaseCommand(command: string, rootDir: string): string {
  const root = rootDir.replace(/\/+$/, '');
  return splitCommand(command)
    .map((word, i) => (i > 0 && word.startsWith('/') ? root + word : word))
    .join(' ');
}

/** Resolves a (possibly relative) container path against a working directory, normalising `.` and `..`. */
export function resolvePath(workdir: string, path: string): string {
  const joined = path.startsWith('/') ? path : `${workdir.replace(/\/+$/, '')}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

/** An official `node` base image of the Dockerfile and the Node version its tag names. */
export interface NodeBase {
  /** Image reference as written, after ARG substitution, e.g. `node:26.12.1-trixie-slim`. */
  image: string;
  /** Exact Node version from the tag (`26.12.1`), or null when the tag names no exact x.y.z (`26-slim`, a digest only). */
  version: string | null;
  line: number;
}

/**
 * The official `node` images (Docker Hub `node`, `library/node`, `docker.io/library/node`) the stages are built
 * FROM, in order, with the exact Node version each tag names. Other images are left out.
 */
export function nodeBaseImages(text: string): NodeBase[] {
  return nodeBases(parseStages(text));
}

function nodeBases(stages: Stage[]): NodeBase[] {
  return stages
    .filter((s) => s.parentStage === null && splitImageRef(s.image).name === 'node')
    .map((s) => ({ image: s.image, version: exactNodeVersion(splitImageRef(s.image).tag), line: lineOf(s.from) }));
}

/** `26.12.1` from a node image tag such as `26.12.1-trixie-slim` or `26.12.1`; null for `26-slim`, `lts`, ''. */
function exactNodeVersion(tag: string): string | null {
  return /^(\d+\.\d+\.\d+)(-|$)/.exec(tag)?.[1] ?? null;
}

/**
 * The exact Node version the image runs: that of the final stage's official `node` base image, which
 * {@link checkDockerfile}'s `node-version-exact` rule requires to be written as x.y.z and equal in every stage.
 * Throws, saying what to fix, when there is none (CI installs this version to run the tests on the image's runtime).
 */
export function imageNodeVersion(text: string): string {
  const image = runtimeConfig(text).baseImage;
  const base = splitImageRef(image);
  const version = base.name === 'node' ? exactNodeVersion(base.tag) : null;
  if (!version) throw new Error(`the final base image ${image} is not node:<x.y.z>-<variant>: cannot tell which Node version the image runs`);
  return version;
}

/** Splits `docker.io/library/node:26-slim@sha256:...` into its short name (`node`) and tag (`26-slim`, '' if none). */
function splitImageRef(image: string): { name: string; tag: string } {
  const withoutDigest = image.toLowerCase().split('@')[0];
  const lastColon = withoutDigest.lastIndexOf(':');
  const hasTag = lastColon > withoutDigest.lastIndexOf('/');
  const name = (hasTag ? withoutDigest.slice(0, lastColon) : withoutDigest).replace(/^docker\.io\//, '').replace(/^library\//, '');
  return { name, tag: hasTag ? withoutDigest.slice(lastColon + 1) : '' };
}

// ---------------------------------------------------------------------------------------------------------
// Individual rules

function checkPinned(stages: Stage[]): Finding {
  const unpinned = stages
    .filter((s) => s.parentStage === null && s.image.toLowerCase() !== 'scratch')
    .filter((s) => {
      const tag = s.from.getImageTag();
      const digest = s.from.getImageDigest();
      return !digest && (!tag || tag === 'latest' || s.image.includes('$'));
    });
  return unpinned.length === 0
    ? { rule: 'base-images-pinned', ok: true, message: 'every external base image has an explicit tag or digest' }
    : {
        rule: 'base-images-pinned',
        ok: false,
        message: `unpinned base image(s): ${unpinned.map((s) => s.image).join(', ')}`,
        line: lineOf(unpinned[0].from),
      };
}

/**
 * Every official `node` base image names an exact Node version (x.y.z), the same in every stage: the build then
 * compiles and prunes with the runtime the image ships, and CI can install and test exactly that runtime.
 */
function checkNodeVersionExact(stages: Stage[]): Finding {
  const bases = nodeBases(stages);
  if (bases.length === 0) return { rule: 'node-version-exact', ok: true, message: 'no official node base image' };
  const loose = bases.find((b) => b.version === null);
  if (loose) {
    return {
      rule: 'node-version-exact',
      ok: false,
      message: `${loose.image} names no exact Node version: write node:<x.y.z>-<variant> (e.g. node:26.12.1-trixie-slim) so CI tests the runtime the image ships`,
      line: loose.line,
    };
  }
  const other = bases.find((b) => b.version !== bases[0].version);
  return other
    ? {
        rule: 'node-version-exact',
        ok: false,
        message: `node base images differ in version (${bases[0].version}, ${other.version}): build and runtime stages must use the same Node`,
        line: other.line,
      }
    : { rule: 'node-version-exact', ok: true, message: `every node base image is Node ${bases[0].version}` };
}

function checkShellBase(image: string, line: number): Finding {
  const lowered = image.toLowerCase();
  const withoutDigest = lowered.split('@')[0];
  const lastColon = withoutDigest.lastIndexOf(':');
  const hasTag = lastColon > withoutDigest.lastIndexOf('/');
  let name = hasTag ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(lastColon + 1) : '';
  name = name.replace(/^docker\.io\//, '').replace(/^library\//, '');
  if (name === 'scratch' || lowered.includes('distroless') || lowered.includes('chainguard') || tag.includes('static')) {
    return { rule: 'final-base-has-sh', ok: false, message: `${image} has no /bin/sh (scratch/distroless/static)`, line };
  }
  if (SHELL_IMAGE_NAMES.has(name) || DEBIAN_ALPINE_TAG_HINTS.some((hint) => tag.includes(hint))) {
    return { rule: 'final-base-has-sh', ok: true, message: `${image} is a Debian/Alpine-family image with /bin/sh`, line };
  }
  return {
    rule: 'final-base-has-sh',
    ok: false,
    message: `${image} is not a known Debian/Alpine-family image; cannot tell whether it has /bin/sh`,
    line,
  };
}

/**
 * "Absolute command": nothing in it depends on the working directory. The program is a bare name found on
 * PATH (e.g. `node`) or an absolute path; every other path-like word (contains `/` or ends in a script
 * extension) is absolute. No shell syntax, since the platform word-splits `$AIRBYTE_ENTRYPOINT` only.
 */
function checkAbsoluteCommand(command: string): Finding {
  const words = splitCommand(command);
  if (/["'`$;&|<>\\]/.test(command)) {
    return {
      rule: 'airbyte-entrypoint-absolute',
      ok: false,
      message: 'AIRBYTE_ENTRYPOINT contains quotes or shell syntax; `sh -c "$AIRBYTE_ENTRYPOINT ..."` would not keep them',
    };
  }
  const [program, ...rest] = words;
  if (program.includes('/') && !program.startsWith('/')) {
    return { rule: 'airbyte-entrypoint-absolute', ok: false, message: `program "${program}" is a relative path` };
  }
  const relative = rest.filter((w) => !w.startsWith('-') && !w.startsWith('/') && (w.includes('/') || /\.(c?m?js|py|sh)$/.test(w)));
  if (relative.length > 0) {
    return { rule: 'airbyte-entrypoint-absolute', ok: false, message: `relative path(s) ${relative.join(', ')} depend on the working directory` };
  }
  if (!rest.some((w) => w.startsWith('/')) && !program.startsWith('/')) {
    return { rule: 'airbyte-entrypoint-absolute', ok: false, message: 'no absolute path to the connector program' };
  }
  return { rule: 'airbyte-entrypoint-absolute', ok: true, message: `absolute: ${words.join(' ')}` };
}

function checkEntrypointMatches(config: RuntimeConfig): Finding {
  const ep = config.entrypoint;
  if (!ep) return { rule: 'entrypoint-matches-airbyte-entrypoint', ok: false, message: 'final stage has no ENTRYPOINT' };
  if (!ep.argv) {
    return {
      rule: 'entrypoint-matches-airbyte-entrypoint',
      ok: false,
      message: 'ENTRYPOINT is in shell form; use the exec form ["prog", "arg"]',
      line: ep.line,
    };
  }
  const expected = config.airbyteEntrypoint ? splitCommand(config.airbyteEntrypoint.value) : [];
  const same = expected.length === ep.argv.length && expected.every((w, i) => w === ep.argv![i]);
  return same
    ? { rule: 'entrypoint-matches-airbyte-entrypoint', ok: true, message: `ENTRYPOINT ${JSON.stringify(ep.argv)}`, line: ep.line }
    : {
        rule: 'entrypoint-matches-airbyte-entrypoint',
        ok: false,
        message: `ENTRYPOINT ${JSON.stringify(ep.argv)} differs from AIRBYTE_ENTRYPOINT ${JSON.stringify(expected)}`,
        line: ep.line,
      };
}

function checkUserCreated(instructions: Instruction[], userLine: number | undefined): Finding {
  for (const instruction of instructions) {
    if (instruction.getKeyword() !== 'RUN') continue;
    const line = lineOf(instruction);
    for (const command of shellCommands(instruction)) {
      const [program, ...args] = command;
      const operands = args.filter((a) => !a.startsWith('-'));
      const creates =
        ((program === 'useradd' || program === 'adduser') && operands.includes('airbyte')) ||
        (program === 'usermod' && commandOption(args, ['-l', '--login']) === 'airbyte');
      if (creates) {
        if (userLine !== undefined && line > userLine) {
          return { rule: 'user-airbyte-created', ok: false, message: `user airbyte is created after USER (line ${userLine})`, line };
        }
        return { rule: 'user-airbyte-created', ok: true, message: `${program} creates user airbyte`, line };
      }
    }
  }
  return { rule: 'user-airbyte-created', ok: false, message: 'no RUN useradd/adduser/usermod --login creates user airbyte' };
}

function checkAirbyteWritable(instructions: Instruction[], userLine: number | undefined): Finding {
  for (const instruction of instructions) {
    if (instruction.getKeyword() !== 'RUN') continue;
    const line = lineOf(instruction);
    for (const command of shellCommands(instruction)) {
      const [program, ...args] = command;
      const operands = args.filter((a) => !a.startsWith('-'));
      const targetsAirbyte = operands.slice(1).some((p) => p === '/airbyte' || p === '/airbyte/');
      const ok =
        targetsAirbyte &&
        ((program === 'chown' && userName(operands[0] ?? '') === 'airbyte') ||
          (program === 'chmod' && isWorldWritableMode(operands[0] ?? '')));
      if (ok) {
        if (userLine !== undefined && line > userLine) {
          return { rule: 'airbyte-dir-writable', ok: false, message: `/airbyte is changed after USER (line ${userLine}), which lacks the rights`, line };
        }
        return { rule: 'airbyte-dir-writable', ok: true, message: `${program} ${operands.join(' ')}`, line };
      }
    }
  }
  return { rule: 'airbyte-dir-writable', ok: false, message: 'no RUN chown airbyte … /airbyte (or chmod o+w /airbyte) in the final stage' };
}

function isWorldWritableMode(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return (Number.parseInt(mode.slice(-1), 8) & 2) === 2;
  return /^(a|o|ugo)?\+[rx]*w/.test(mode);
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function initialArgs(dockerfile: Dockerfile): Record<string, string> {
  const args: Record<string, string> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    for (const p of arg.getProperties()) {
      const value = p.getValue();
      if (value !== null) args[p.getName()] = value;
    }
  }
  return args;
}

function substituteArgs(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b) as string;
    return name in args ? args[name] : match;
  });
}

function stageChain(stages: Stage[], index: number): number[] {
  const chain: number[] = [];
  for (let i: number | null = index; i !== null; i = stages[i].parentStage) chain.unshift(i);
  return chain;
}

function requiredStages(plans: StagePlan[], finalStage: number): number[] {
  const needed = new Set<number>();
  const visit = (index: number): void => {
    if (needed.has(index)) return;
    const plan = plans[index];
    if (plan.parentStage !== null) visit(plan.parentStage);
    for (const step of plan.steps) {
      if (step.kind === 'copy' && step.fromStage !== null) {
        const source = plans.find((p) => p.name === step.fromStage || String(p.index) === step.fromStage);
        if (source && source.index < index) visit(source.index);
      }
    }
    needed.add(index);
  };
  visit(finalStage);
  return [...needed].filter((i) => i !== finalStage).sort((a, b) => a - b);
}

function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

function properties(instruction: Instruction): Property[] {
  return (instruction as Instruction & { getProperties(): Property[] }).getProperties();
}

/** Exec-form argv of a JSON instruction (ENTRYPOINT, RUN, COPY), or null for the shell form. */
function execForm(instruction: Instruction): string[] | null {
  const json = instruction as Instruction & { getOpeningBracket?(): unknown };
  if (!json.getOpeningBracket || json.getOpeningBracket() === null) return null;
  // dockerfile-ast drops spaces inside JSON strings; the argument text itself is valid JSON, so parse it.
  const content = instruction.getArgumentsContent() ?? '';
  const flagless = content.slice(content.indexOf('['));
  try {
    const parsed: unknown = JSON.parse(flagless);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
  } catch {
    // fall through: not valid JSON, Docker treats it as shell form
  }
  return null;
}

/** The simple commands of a RUN instruction, split on `&&`, `||`, `;`, `|`, using the parser's words. */
function shellCommands(instruction: Instruction): string[][] {
  const argv = execForm(instruction);
  if (argv) return [argv];
  const commands: string[][] = [[]];
  for (const raw of instruction.getArguments().map((a) => a.getValue())) {
    let word = raw;
    let endsCommand = false;
    if (SEPARATORS.has(word)) {
      commands.push([]);
      continue;
    }
    if (word.endsWith(';')) {
      word = word.slice(0, -1);
      endsCommand = true;
    }
    word = word.replace(/^['"]|['"]$/g, '');
    if (word !== '' && !['then', 'else', 'do', 'fi', 'done', 'if', '{', '}', '(', ')'].includes(word)) {
      commands[commands.length - 1].push(word);
    }
    if (endsCommand) commands.push([]);
  }
  return commands.filter((c) => c.length > 0);
}

function commandOption(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name) return args[i + 1];
      if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
  }
  return undefined;
}

function userName(user: string): string {
  return user.split(':')[0];
}

// ---------------------------------------------------------------------------------------------------------
// .dockerignore

/** One compiled .dockerignore pattern. */
export interface IgnoreRule {
  /** `!pattern`: re-include. */
  negate: boolean;
  pattern: string;
  regex: RegExp;
}

/**
 * Parses .dockerignore text with Docker's semantics: `#` comments and blank lines skipped, leading/trailing
 * slashes dropped, `!` re-includes, `*`/`?`/`[...]` stay within a path segment, `**` spans segments.
 */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split('\n')) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = resolvePath('/', line).slice(1); // clean like filepath.Clean, relative to the context root
    if (line === '') continue;
    rules.push({ negate, pattern: line, regex: new RegExp(`^${globToRegex(line)}$`) });
  }
  return rules;
}

/**
 * True when a context-relative path (`src/main.ts`) is excluded from the build context: the last pattern that
 * matches the path or one of its parent directories decides. The context root itself is never excluded.
 */
export function isIgnored(rules: IgnoreRule[], relPath: string): boolean {
  const parts = relPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return false;
  let ignored = false;
  for (const rule of rules) {
    for (let n = 1; n <= parts.length; n++) {
      if (rule.regex.test(parts.slice(0, n).join('/'))) {
        ignored = !rule.negate;
        break;
      }
    }
  }
  return ignored;
}

/** Converts one glob (Docker/Go filepath.Match syntax plus `**`) to a regular-expression body. */
export function globToRegex(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      out += pattern[i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return out;
}
