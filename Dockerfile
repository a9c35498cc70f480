# The customer-graph image: one image, several processes (gateway, worker, standalone subgraphs) by command.
FROM node:22-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
ENTRYPOINT ["node", "bin/customer-graph.js"]
CMD ["start"]
