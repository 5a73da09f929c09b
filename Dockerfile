# syntax=docker/dockerfile:1
# netguard admission webhook image. Three stages: production dependencies, build, runtime.
# The runtime is distroless Node 22 LTS (no shell, no npm) and runs as UID 65532 with group 0, so
# it works as is on Kubernetes (runAsNonRoot) and under OpenShift's restricted-v2 SCC, which runs
# it with an arbitrary UID in group 0. Nothing in the image is written at run time: certificates
# come from a mounted secret (--cert/--key), policies from a mounted ConfigMap or the bundled
# policies/, and the root filesystem can be read-only (only /tmp needs to be writable). Run as it
# is, without --cert/--key, the server writes a development pair to /tmp and says so.
ARG NODE_BUILD_IMAGE=node:22-bookworm-slim
ARG NODE_RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot

FROM ${NODE_BUILD_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="netguard" \
      org.opencontainers.image.description="Admission webhook that enforces network guardrails on OKD / OpenShift and Kubernetes" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
# Owned by root:0 and not writable: the process (65532 or OpenShift's arbitrary UID, both in
# group 0) reads the application and can change none of it.
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --from=build --chown=0:0 /app/dist ./dist
COPY --chown=0:0 package.json ./
COPY --chown=0:0 policies ./policies
COPY --chown=0:0 schemas ./schemas
USER 65532:0
EXPOSE 8443
STOPSIGNAL SIGTERM
# The entrypoint is the CLI, so the same image runs any command in a CI job:
#   docker run --rm -v "$PWD:/src:ro" -w /src IMAGE check -f k8s/ --output junit > netguard.xml
# V8's young generation is held to 8 MB a semi-space (default 16): filling the caches of a large
# cluster grew it to its 33 MB maximum, of which 4 MB was in use after the sync (20 MB of RSS,
# docs/operations.md "How to size netguard"). npm run bench* start the server with these flags.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=8", "/app/dist/cli/main.js"]
CMD ["serve"]
