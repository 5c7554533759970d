# Kestra Fortress appliance image: build the single binary, ship it on a slim base.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM debian:bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --home /var/lib/kestra --create-home kestra
COPY --from=build /src/dist/kestra /usr/local/bin/kestra
USER kestra
WORKDIR /var/lib/kestra
# In a container the listener must face the container network (contract §2).
# The master key lives on its own volume, so backups of the data volume never hold it.
ENV KESTRA_LISTEN=0.0.0.0:8080 \
    KESTRA_DATA_DIR=/var/lib/kestra/data \
    KESTRA_MASTER_KEY_FILE=/var/lib/kestra/keys/master.key
RUN mkdir -p /var/lib/kestra/data /var/lib/kestra/keys
VOLUME ["/var/lib/kestra/data", "/var/lib/kestra/keys"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/kestra"]
CMD ["serve"]
