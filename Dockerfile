# syntax=docker/dockerfile:1
# Flightboard's production image: the same entry point `npm start` runs (dist/server.mjs: the hot
# read paths, graceful shutdown, Next.js through its custom-server API), as a non-root user.
#   docker build -t flightboard .
#   docker run -p 3000:3000 -v ./flightboard.yaml:/config/flightboard.yaml:ro -v flightboard-data:/app/data flightboard
# See compose.yaml for PostgreSQL, and the README's Deployment section.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# next build + the entry point bundle; then only the runtime dependencies stay.
RUN npm run build \
 && rm -rf .next/cache \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    FLIGHTBOARD_CONFIG=/config/flightboard.yaml \
    LOG_FORMAT=json
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY --from=build /app/dist ./dist
COPY --from=build /app/next.config.js ./next.config.js
COPY --from=build /app/server/security-headers.mjs ./server/security-headers.mjs
# The SQLite history lives in /app/data (storage.sqlite.path defaults to ./data/flightboard.db).
RUN mkdir -p /app/data /config && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: streams end, polling stops, storage flushes, exit 0 within 10 s (contract §10).
STOPSIGNAL SIGTERM
# The old generation grows to 1.5 × the live heap between full collections instead of V8's up to 4 ×
# (scripts/start.mjs passes the same flag; see the README's performance figures).
CMD ["node", "--heap-growing-percent=50", "dist/server.mjs"]
