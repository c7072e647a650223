# syntax=docker/dockerfile:1
# Table Order API: multi-stage build. The runtime image holds production dependencies and the compiled app only,
# and runs as the unprivileged `node` user (uid 1000).

FROM node:24-slim AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
# `npm install` from the committed lock rather than `npm ci`: the lock written on linux lacks other platforms'
# optional binaries (see .ci/run), which `npm ci` refuses. The result is the locked dependency tree either way.
RUN npm install --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR holds uploads (and the embedded database when DATABASE_URL is unset): mount a volume there.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
# Liveness only: a dependency outage must not mark the container unhealthy. slim has no curl, node has fetch.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# main.ts drains on SIGTERM (readiness fails, in-flight requests finish) and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
