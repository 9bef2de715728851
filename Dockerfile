# One image for both the API (engine) and the worker; docker-compose.yml picks the command.
# Servers (MongoDB, Temporal) are separate containers, so provisioning of local servers is skipped.
# .dockerignore keeps local servers, data and build output out of the build context.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    ITINERA_SKIP_PROVISION=1 \
    ITINERA_DATA_DIR=/data \
    PORT=3000 \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false

WORKDIR /app

# Dependency layer: only manifests (and the postinstall script) so source edits do not bust the npm cache.
COPY package.json package-lock.json ./
COPY schemas/package.json schemas/
COPY nodes/package.json nodes/
COPY workers/package.json workers/
COPY engine/package.json engine/
COPY editor/package.json editor/
COPY cli/package.json cli/
COPY scripts/ scripts/
# dev dependencies (typescript, tsx, vite) are needed for the build below
RUN npm ci --include=dev

COPY tsconfig.json ./
COPY schemas/ schemas/
COPY nodes/ nodes/
COPY workers/ workers/
COPY engine/ engine/
COPY editor/ editor/
COPY cli/ cli/
COPY examples/ examples/
# Compiled server code (dist/), the prebuilt workflow bundle and the editor: the image runs plain node.
RUN npm run build

RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "--conditions=itinera-dist", "engine/dist/main.js"]
