# The service image. Build stage: a venv from the runtime-only lock (no test or lint tools) and
# a regular install of ILONet, migrations included. Runtime stage: that venv, owned by root and
# so not writable by the user the service runs as. No embedded PostgreSQL in a container: the
# service refuses to start without DATABASE_URL, and migrations are an operator's step
# (`ilonet migrate`, or `serve --migrate` on one instance; see README "Running several instances").
ARG BASE=python:3.11-slim
FROM ${BASE} AS build
WORKDIR /build
COPY requirements-runtime.lock ./
RUN python3 -m venv /opt/ilonet \
 && /opt/ilonet/bin/pip install --no-cache-dir --require-hashes -r requirements-runtime.lock
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/ilonet/bin/pip wheel --no-cache-dir --no-deps --wheel-dir /build/dist . \
 && /opt/ilonet/bin/pip install --no-cache-dir --no-deps /build/dist/ilonet-*.whl

FROM ${BASE}
RUN useradd --system --create-home --home-dir /home/ilonet ilonet
COPY --from=build /opt/ilonet /opt/ilonet
USER ilonet
WORKDIR /home/ilonet
ENV PATH=/opt/ilonet/bin:$PATH \
    ILONET_ENV=production \
    ILONET_DATA_DIR=/home/ilonet/data \
    PYTHONDONTWRITEBYTECODE=1
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
CMD ["sh", "-c", ": \"${DATABASE_URL:?set DATABASE_URL}\" && exec ilonet serve --host 0.0.0.0 --port 8000"]
