# cardauth service image (Debian bookworm, Node 20).
# The PC/SC stack is included so a station can use readers passed through
# from the host (mount /run/pcscd); the HTTP service itself needs none of it.
# softhsm2 is the PKCS#11 token of compose.yaml (scripts/hsm-init.sh); a
# production HSM brings its own PKCS#11 module instead.
FROM node:20-bookworm-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpcsclite-dev pcscd python3 make g++ openssl ca-certificates softhsm2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY pki ./pki
COPY firmware-sim ./firmware-sim
COPY scripts ./scripts

RUN useradd --system --home /var/lib/cardauth --create-home cardauth
USER cardauth
ENV CARDAUTH_DATA_DIR=/var/lib/cardauth \
    CARDAUTH_METRICS_PORT=9464 \
    CARDAUTH_HOST=0.0.0.0 \
    CARDAUTH_PORT=8080
EXPOSE 8080 9464
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "src/cli/bin.js", "serve"]
