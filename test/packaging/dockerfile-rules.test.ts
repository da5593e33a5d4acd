import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkDockerfile,
  imageNodeVersion,
  isIgnored,
  nodeBaseImages,
  parseDockerignore,
  planBuild,
  rebaseCommand,
  resolvePath,
  runtimeConfig,
  splitCommand,
  type Finding,
  type RuleId,
} from '../../scripts/dockerfile-rules.js';

const GOOD = `# syntax=docker/dockerfile:1
FROM node:26.12.1-trixie-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:26.12.1-trixie-slim
RUN set -eu; \\
    if id -u node >/dev/null 2>&1; then \\
      groupmod --new-name airbyte node; \\
      usermod --login airbyte --home /home/airbyte --move-home node; \\
    else \\
      useradd --uid 1000 --create-home airbyte; \\
    fi; \\
    mkdir -p /airbyte/integration_code; \\
    chown -R airbyte:airbyte /airbyte
WORKDIR /airbyte/integration_code
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY spec.json ./
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]
LABEL io.airbyte.name=airbyte/destination-pinterest-conversions \\
      io.airbyte.version=0.1.0
USER airbyte
`;

const OPTIONS = { packageVersion: '0.1.0', expectedImageName: 'airbyte/destination-pinterest-conversions' };

function byRule(findings: Finding[]): Record<string, Finding> {
  return Object.fromEntries(findings.map((f) => [f.rule, f]));
}

function failed(text: string, options = OPTIONS): RuleId[] {
  return checkDockerfile(text, options)
    .filter((f) => !f.ok)
    .map((f) => f.rule);
}

/** Replaces exactly one occurrence, so a typo in a test fails loudly instead of testing the good file. */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from).length - 1, `"${from}" must occur once`).toBe(1);
  return text.replace(from, to);
}

describe('checkDockerfile on a good Dockerfile', () => {
  it('passes every rule', () => {
    const findings = checkDockerfile(GOOD, OPTIONS);
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(findings.map((f) => f.rule)).toEqual([
      'dockerfile-parses',
      'base-images-pinned',
      'node-version-exact',
      'final-base-has-sh',
      'airbyte-entrypoint-set',
      'airbyte-entrypoint-absolute',
      'entrypoint-matches-airbyte-entrypoint',
      'user-airbyte-created',
      'user-airbyte',
      'airbyte-dir-writable',
      'workdir-integration-code',
      'label-name',
      'label-version',
    ]);
  });

  it('reports instruction lines (1-based)', () => {
    const rules = byRule(checkDockerfile(GOOD, OPTIONS));
    expect(rules['airbyte-entrypoint-set'].line).toBe(25);
    expect(rules['user-airbyte'].line).toBe(29);
  });

  it('passes the repository Dockerfile', () => {
    const text = readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8');
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
      version: string;
    };
    expect(checkDockerfile(text, { ...OPTIONS, packageVersion: pkg.version }).filter((f) => !f.ok)).toEqual([]);
  });

  it('accepts ENV in the legacy space form and JSON args with spaces', () => {
    const text = edit(
      edit(GOOD, 'ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"', 'ENV AIRBYTE_ENTRYPOINT node /opt/my app/main.js'),
      'ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]',
      'ENTRYPOINT ["node", "/opt/my", "app/main.js"]',
    );
    // "app/main.js" is relative once word-split: that is exactly what the platform would run.
    expect(failed(text)).toEqual(['airbyte-entrypoint-absolute']);
  });

  it('follows FROM <stage> inheritance for the final stage', () => {
    const text = `FROM node:26.12.1-alpine AS base
RUN adduser -D airbyte && mkdir /airbyte && chown airbyte /airbyte
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/main.js"]
LABEL io.airbyte.name=airbyte/destination-pinterest-conversions io.airbyte.version=0.1.0
FROM base
WORKDIR /airbyte/integration_code
USER airbyte:airbyte
`;
    expect(failed(text)).toEqual([]);
    expect(runtimeConfig(text).baseImage).toBe('node:26.12.1-alpine');
    expect(imageNodeVersion(text)).toBe('26.12.1');
  });

  it('substitutes ARGs declared before the first FROM', () => {
    const text = edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', 'FROM node:${NODE}-trixie-slim\nRUN');
    expect(failed(`ARG NODE=26.12.1\n${text}`)).toEqual([]);
    expect(runtimeConfig(`ARG NODE=26.12.1\n${text}`).baseImage).toBe('node:26.12.1-trixie-slim');
  });
});

describe('the Node version the image runs', () => {
  it('is the exact version of the final stage\'s node base image', () => {
    expect(imageNodeVersion(GOOD)).toBe('26.12.1');
    expect(nodeBaseImages(GOOD)).toEqual([
      { image: 'node:26.12.1-trixie-slim', version: '26.12.1', line: 2 },
      { image: 'node:26.12.1-trixie-slim', version: '26.12.1', line: 10 },
    ]);
    expect(nodeBaseImages(edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', 'FROM node:26-slim\nRUN'))[1].version).toBeNull();
  });

  it('cannot be told from a loose tag or another base image, and says so', () => {
    expect(() => imageNodeVersion(edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', 'FROM node:26-trixie-slim\nRUN'))).toThrow(
      'the final base image node:26-trixie-slim is not node:<x.y.z>-<variant>: cannot tell which Node version the image runs',
    );
    expect(() => imageNodeVersion(edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', 'FROM debian:trixie-slim\nRUN'))).toThrow(/debian:trixie-slim/);
  });

  it('is the one the repository Dockerfile names in every stage', () => {
    const text = readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8');
    const version = imageNodeVersion(text);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(nodeBaseImages(text).map((b) => b.version)).toEqual([version, version]);
  });
});

describe('checkDockerfile on bad Dockerfiles', () => {
  it('fails when AIRBYTE_ENTRYPOINT is missing', () => {
    const text = edit(GOOD, 'ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"\n', '');
    expect(failed(text)).toEqual(['airbyte-entrypoint-set', 'airbyte-entrypoint-absolute', 'entrypoint-matches-airbyte-entrypoint']);
  });

  it('fails when AIRBYTE_ENTRYPOINT is only set in the build stage', () => {
    const text = edit(
      edit(GOOD, 'ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"\n', ''),
      'WORKDIR /build\n',
      'WORKDIR /build\nENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"\n',
    );
    expect(failed(text)).toContain('airbyte-entrypoint-set');
  });

  it('fails a relative AIRBYTE_ENTRYPOINT', () => {
    const text = edit(GOOD, 'ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"', 'ENV AIRBYTE_ENTRYPOINT="node dist/main.js"');
    expect(failed(text)).toEqual(['airbyte-entrypoint-absolute', 'entrypoint-matches-airbyte-entrypoint']);
  });

  it('fails an AIRBYTE_ENTRYPOINT with shell syntax', () => {
    const text = edit(
      GOOD,
      'ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/main.js"',
      'ENV AIRBYTE_ENTRYPOINT="cd /airbyte/integration_code && node dist/main.js"',
    );
    expect(failed(text)).toContain('airbyte-entrypoint-absolute');
  });

  it('fails when ENTRYPOINT differs from AIRBYTE_ENTRYPOINT', () => {
    const text = edit(GOOD, 'ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]', 'ENTRYPOINT ["node", "/app/dist/main.js"]');
    expect(failed(text)).toEqual(['entrypoint-matches-airbyte-entrypoint']);
  });

  it('fails a shell-form or missing ENTRYPOINT', () => {
    const shell = edit(GOOD, 'ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]', 'ENTRYPOINT node /airbyte/integration_code/dist/main.js');
    expect(failed(shell)).toEqual(['entrypoint-matches-airbyte-entrypoint']);
    const missing = edit(GOOD, 'ENTRYPOINT ["node", "/airbyte/integration_code/dist/main.js"]\n', '');
    expect(failed(missing)).toEqual(['entrypoint-matches-airbyte-entrypoint']);
  });

  it.each([
    ['gcr.io/distroless/nodejs22-debian12', 'final-base-has-sh'],
    ['scratch', 'final-base-has-sh'],
    ['cgr.dev/chainguard/node:latest', 'final-base-has-sh'],
    ['mcr.microsoft.com/windows/nanoserver:ltsc2022', 'final-base-has-sh'],
  ])('fails a final base image without a known /bin/sh: %s', (image, rule) => {
    const text = edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', `FROM ${image}\nRUN`);
    expect(failed(text)).toContain(rule);
  });

  it.each(['node:26.12.1-alpine', 'node:26.12.1', 'debian:trixie-slim', 'node:26.12.1-trixie-slim@sha256:' + 'a'.repeat(64)])(
    'accepts a Debian/Alpine final base: %s',
    (image) => {
      const text = edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', `FROM ${image}\nRUN`);
      expect(failed(text)).toEqual([]);
    },
  );

  it('fails unpinned base images', () => {
    expect(failed(edit(GOOD, 'FROM node:26.12.1-trixie-slim AS build', 'FROM node AS build'))).toEqual(['base-images-pinned', 'node-version-exact']);
    expect(failed(edit(GOOD, 'FROM node:26.12.1-trixie-slim AS build', 'FROM node:latest AS build'))).toEqual(['base-images-pinned', 'node-version-exact']);
  });

  it('fails node base images that name no exact Node version, or different ones', () => {
    for (const loose of ['node:26-trixie-slim', 'node:lts-slim', 'node@sha256:' + 'a'.repeat(64)]) {
      const text = edit(GOOD, 'FROM node:26.12.1-trixie-slim\nRUN', `FROM ${loose}\nRUN`);
      const finding = byRule(checkDockerfile(text, OPTIONS))['node-version-exact'];
      expect(finding).toEqual({
        rule: 'node-version-exact',
        ok: false,
        message: `${loose} names no exact Node version: write node:<x.y.z>-<variant> (e.g. node:26.12.1-trixie-slim) so CI tests the runtime the image ships`,
        line: 10,
      });
    }
    const split = edit(GOOD, 'FROM node:26.12.1-trixie-slim AS build', 'FROM docker.io/library/node:24.22.3-trixie-slim AS build');
    expect(byRule(checkDockerfile(split, OPTIONS))['node-version-exact']).toEqual({
      rule: 'node-version-exact',
      ok: false,
      message: 'node base images differ in version (24.22.3, 26.12.1): build and runtime stages must use the same Node',
      line: 10,
    });
  });

  it('fails without USER airbyte in the final stage', () => {
    expect(failed(edit(GOOD, 'USER airbyte\n', ''))).toEqual(['user-airbyte']);
    expect(failed(edit(GOOD, 'USER airbyte\n', 'USER node\n'))).toEqual(['user-airbyte']);
    expect(failed(edit(GOOD, 'USER airbyte\n', 'USER airbyte\nUSER root\n'))).toEqual(['user-airbyte']);
  });

  it('fails when user airbyte is never created', () => {
    const text = edit(
      edit(GOOD, '      usermod --login airbyte --home /home/airbyte --move-home node; \\\n', ''),
      '      useradd --uid 1000 --create-home airbyte; \\\n',
      '',
    );
    expect(failed(text)).toEqual(['user-airbyte-created']);
  });

  it('fails when /airbyte is not made writable, or only after USER', () => {
    const none = edit(GOOD, 'chown -R airbyte:airbyte /airbyte', 'chown -R airbyte:airbyte /home/airbyte');
    expect(failed(none)).toEqual(['airbyte-dir-writable']);
    const wrongOwner = edit(GOOD, 'chown -R airbyte:airbyte /airbyte', 'chown -R root:root /airbyte');
    expect(failed(wrongOwner)).toEqual(['airbyte-dir-writable']);
    const late = edit(
      edit(GOOD, 'chown -R airbyte:airbyte /airbyte', 'true'),
      'USER airbyte\n',
      'USER airbyte\nRUN chown -R airbyte /airbyte\n',
    );
    expect(failed(late)).toEqual(['airbyte-dir-writable']);
    const chmod = edit(GOOD, 'chown -R airbyte:airbyte /airbyte', 'chmod 777 /airbyte');
    expect(failed(chmod)).toEqual([]);
  });

  it('fails a wrong WORKDIR', () => {
    expect(failed(edit(GOOD, 'WORKDIR /airbyte/integration_code\n', 'WORKDIR /airbyte/integration_code\nWORKDIR dist\n'))).toEqual([
      'workdir-integration-code',
    ]);
  });

  it('fails missing or mismatched labels', () => {
    expect(failed(GOOD, { ...OPTIONS, packageVersion: '0.2.0' })).toEqual(['label-version']);
    expect(failed(GOOD, { ...OPTIONS, expectedImageName: 'airbyte/destination-other' })).toEqual(['label-name']);
    const noLabels = edit(
      GOOD,
      'LABEL io.airbyte.name=airbyte/destination-pinterest-conversions \\\n      io.airbyte.version=0.1.0\n',
      '',
    );
    expect(failed(noLabels)).toEqual(['label-name', 'label-version']);
  });

  it('fails text that is not a Dockerfile', () => {
    expect(checkDockerfile('RUN echo hi\n', OPTIONS)).toEqual([
      { rule: 'dockerfile-parses', ok: false, message: 'Dockerfile has no FROM instruction' },
    ]);
  });
});

describe('planBuild', () => {
  it('orders copy and run steps per stage with resolved paths', () => {
    const plan = planBuild(GOOD);
    expect(plan.unsupported).toEqual([]);
    expect(plan.finalStage).toBe(1);
    expect(plan.requiredStages).toEqual([0]);
    const build = plan.stages[0];
    expect(build.name).toBe('build');
    expect(build.steps.map((s) => (s.kind === 'run' ? `RUN ${s.shell} @${s.workdir}` : `COPY ${s.sources.join(' ')} -> ${s.dest}${s.destIsDir ? '/' : ''}`))).toEqual([
      'COPY package.json package-lock.json -> /build/',
      'RUN npm ci @/build',
      'COPY tsconfig.json tsconfig.build.json -> /build/',
      'COPY src -> /build/src',
      'RUN npm run build && npm prune --omit=dev @/build',
    ]);
    const runtime = plan.stages[1];
    const copies = runtime.steps.filter((s) => s.kind === 'copy');
    expect(copies.map((c) => [c.fromStage, c.sources, c.dest])).toEqual([
      ['build', ['/build/package.json'], '/airbyte/integration_code/package.json'],
      ['build', ['/build/node_modules'], '/airbyte/integration_code/node_modules'],
      ['build', ['/build/dist'], '/airbyte/integration_code/dist'],
      [null, ['spec.json'], '/airbyte/integration_code'],
    ]);
    expect(runtime.env.AIRBYTE_ENTRYPOINT).toBe('node /airbyte/integration_code/dist/main.js');
  });

  it('records ENV for later RUN steps and flags what it cannot reproduce', () => {
    const plan = planBuild(`FROM node:22-alpine AS deps
ENV NODE_ENV=production
WORKDIR app
RUN ["npm", "ci", "--omit=dev"]
ADD https://example.com/x.tgz /x.tgz
RUN --mount=type=cache,target=/root/.npm npm ci
COPY --from=alpine:3 /bin/busybox /busybox
FROM deps
`);
    const deps = plan.stages[0];
    expect(deps.steps[0]).toMatchObject({ kind: 'run', argv: ['npm', 'ci', '--omit=dev'], shell: null, workdir: '/app', env: { NODE_ENV: 'production' } });
    expect(plan.stages[1].parentStage).toBe(0);
    expect(plan.requiredStages).toEqual([0]);
    expect(plan.unsupported).toEqual([
      'line 5: ADD (use COPY)',
      'line 6: RUN --mount',
      'line 7: COPY --from=alpine:3 names an external image, not a stage',
    ]);
  });
});

describe('helpers', () => {
  it('splitCommand word-splits on blanks like an unquoted $VAR', () => {
    expect(splitCommand('  node   /a/main.js\tspec ')).toEqual(['node', '/a/main.js', 'spec']);
  });

  it('rebaseCommand moves absolute arguments under a root, keeping the program name', () => {
    expect(rebaseCommand('node /airbyte/integration_code/dist/main.js', '/tmp/x/')).toBe('node /tmp/x/airbyte/integration_code/dist/main.js');
    expect(rebaseCommand('/usr/local/bin/node /a.js', '/tmp/x')).toBe('/usr/local/bin/node /tmp/x/a.js');
  });

  it('resolvePath handles relative, absolute, . and ..', () => {
    expect(resolvePath('/', 'build')).toBe('/build');
    expect(resolvePath('/build', './')).toBe('/build');
    expect(resolvePath('/build', '../x/./y/')).toBe('/x/y');
    expect(resolvePath('/build', '/abs')).toBe('/abs');
  });
});

describe('.dockerignore', () => {
  it('follows Docker semantics: last match wins, ! re-includes, parents match, ** spans directories', () => {
    const rules = parseDockerignore('# comment\n\n*\n!src\nsrc/**/*.test.ts\n!/package.json\n**/.env\ndocs/\n');
    expect(rules.map((r) => `${r.negate ? '!' : ''}${r.pattern}`)).toEqual(['*', '!src', 'src/**/*.test.ts', '!package.json', '**/.env', 'docs']);
    expect(isIgnored(rules, 'package.json')).toBe(false);
    expect(isIgnored(rules, 'package-lock.json')).toBe(true);
    expect(isIgnored(rules, 'src')).toBe(false);
    expect(isIgnored(rules, 'src/main.ts')).toBe(false);
    expect(isIgnored(rules, 'src/a/b.test.ts')).toBe(true);
    expect(isIgnored(rules, 'src/b.test.ts')).toBe(true);
    expect(isIgnored(rules, 'src/config/.env')).toBe(true);
    expect(isIgnored(rules, 'node_modules/x/index.js')).toBe(true);
    expect(isIgnored(rules, '')).toBe(false);
    expect(isIgnored(parseDockerignore('node_modules\n*.log\n'), 'a/b.log')).toBe(false);
    expect(isIgnored(parseDockerignore('node_modules\n*.log\n'), 'b.log')).toBe(true);
    expect(isIgnored(parseDockerignore('node_modules\n'), 'node_modules/ajv/package.json')).toBe(true);
  });

  it("keeps every file the repository Dockerfile copies from the context, and nothing that must stay out", () => {
    const rules = parseDockerignore(readFileSync(fileURLToPath(new URL('../../.dockerignore', import.meta.url)), 'utf8'));
    const plan = planBuild(readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8'));
    const contextSources = plan.stages.flatMap((s) => s.steps).flatMap((s) => (s.kind === 'copy' && s.fromStage === null ? s.sources : []));
    expect(contextSources.length).toBeGreaterThan(0);
    for (const source of contextSources) expect(isIgnored(rules, source), source).toBe(false);
    expect(isIgnored(rules, 'src/main.ts')).toBe(false);
    for (const path of ['node_modules/ajv/package.json', 'dist/main.js', '.git/config', 'integration_tests/sample_config.json', 'secrets/config.json', '.env', 'test/x.test.ts']) {
      expect(isIgnored(rules, path), path).toBe(true);
    }
  });
});
