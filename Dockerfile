# syntax=docker/dockerfile:1.7
# One Dockerfile, two final targets: `api` and `worker` (docker-compose.yml picks them).
# Model files are not baked in by default: docker-compose mounts ./models and ./labels, filled
# on the host by `npm run assets`. The `worker-bundled` target fetches them at build time.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build -p api worker

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
USER node

FROM runtime AS api
COPY --from=build /app/dist/apps/api ./dist/apps/api
ENV HOST=0.0.0.0 PORT=5000
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:5000/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1's child-free process and receives SIGTERM itself.
# --initial-old-space-size: see API_NODE_FLAGS in libs/testing/src/service-process.ts.
CMD ["node", "--initial-old-space-size=128", "dist/apps/api/main.js"]

FROM runtime AS worker
COPY --from=build /app/dist/apps/worker ./dist/apps/worker
# --initial-old-space-size: see WORKER_NODE_FLAGS in libs/testing/src/service-process.ts.
CMD ["node", "--initial-old-space-size=64", "dist/apps/worker/main.js"]

# Fetches the model at build time from its manifest URL (needs network). DenseNet-121 is
# converted from torchvision's weights in Node (libs/densenet-onnx): no Python in any stage.
FROM build AS assets
ARG MODEL=densenet121
ARG ASSET_MIRROR=
RUN npm run assets -- "$MODEL"

FROM worker AS worker-bundled
ARG MODEL=densenet121
ENV MODEL=${MODEL}
COPY --from=assets /app/models ./models
COPY --from=assets /app/labels ./labels
