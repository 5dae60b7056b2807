# 教师资格网上申报系统 — production image.
#   docker build -t jszg .
#   docker run -e DATABASE_URL=postgres://... -e SESSION_SECRET=... -e PUBLIC_URL=http://... -p 3000:3000 jszg
# The server migrates the database and loads the reference data at start-up; the demo data never
# loads in production. See README.md ("用 Docker Compose 部署") for a complete example.

# ---- build: compile TypeScript to dist/ ------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY seeds ./seeds
RUN npm run build

# ---- runtime: production dependencies, compiled code, views, static files --------------------
FROM node:20-bookworm-slim
# Chromium's headless shell prints PDFs (with CJK fonts): the same Chromium without the desktop
# browser, at less than half the CPU per 申请表 (BENCH_ONLY=pdf: p50 154 → 57 ms); its binary itself
# below, not the /usr/bin wrapper script, which does not exec. tini reaps child processes and
# forwards SIGTERM.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium-headless-shell fonts-noto-cjk tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# MALLOC_ARENA_MAX: sharp's threads each get a glibc malloc arena by default, and the process's
# memory grows with them (npm run bench:opening-day: 513 MB → 409 MB with 2).
# MALLOC_MMAP_THRESHOLD_: a fixed 128 KB, so sharp's decoded images (1-4 MB each) are always mapped
# apart and given back when freed; glibc otherwise raises the threshold after the first such free and
# keeps them in the heap, fragmented (bench:opening-day, app RSS: 457 and 469 MB → 420 and 412 MB).
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    PUPPETEER_EXECUTABLE_PATH=/usr/lib/chromium/chromium-headless-shell \
    PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY views ./views
COPY public ./public
COPY seeds/data/regions.json ./seeds/data/regions.json
# Everything above belongs to root and is read-only for the app, which runs as the image's `node` user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/server.js"]
