# jitbot: one image for both the web and the worker process (docker-compose.yml runs it twice).
# No compile step: the code runs as TypeScript through tsx, which is a runtime dependency
# (package.json "dependencies"), so the dev tools (jest, eslint, typescript, drizzle-kit,
# playwright-core) can all be left out with --omit=dev.

# 1) Dependencies only, in their own layer: rebuilt when package*.json change, not on every code edit.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# patches/: a fix to postgres.js applied at install (see patches/README.md).
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 2) The runtime: production node_modules, the source and the migrations; nothing else.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    JIT_DATA_DIR=/data
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json package-lock.json policy.example.yaml ./
COPY --chown=node:node migrations ./migrations
COPY --chown=node:node src ./src
# The unprivileged user of the node image; /data holds embedded PGlite data if DATABASE_URL is unset.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# node, not curl: the slim image has no curl. /readyz answers 200 once Postgres and Redis do.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node itself receives `docker stop`'s SIGTERM and lets in-flight jobs finish.
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["--role", "all"]
